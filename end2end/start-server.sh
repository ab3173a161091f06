#!/usr/bin/env bash
# Starts the built server for the end-to-end tests on a fresh SQLite database with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${1:-3100}"
DB_DIR="$(mktemp -d)"
export DATABASE_URL="sqlite://$DB_DIR/e2e.db?mode=rwc"
BIN="${TANDEM_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}/debug/tandem}"
exec "$BIN" serve --addr "127.0.0.1:$PORT" --site-root target/site --seed-demo
