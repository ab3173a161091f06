#!/usr/bin/env bash
# Starts Tandem on an embedded SQLite database (./tandem.db) with demo data, at http://127.0.0.1:3000,
# from the optimised build (release server and WebAssembly, hashed and precompressed files).
source "$(dirname "$0")/lib.sh"

ensure_rust_tools
ensure_wasm_opt
build_release_site
build_door "$RELEASE_SITE"

export DATABASE_URL="${DATABASE_URL:-sqlite://tandem.db?mode=rwc}"
say "Starting Tandem"
exec "$(release_binary)" serve --addr "${TANDEM_ADDR:-127.0.0.1:3000}" --site-root "$RELEASE_SITE" --seed-demo
