#!/usr/bin/env bash
# Runs every check and test: format, clippy (server and wasm builds), unit, service (SQLite, and
# PostgreSQL when TEST_DATABASE_URL is set), HTTP and Playwright end-to-end tests.
source "$(dirname "$0")/lib.sh"

ensure_rust_tools
ensure_wasm_opt
ensure_browser
ensure_node_deps
ensure_mail_checkers

if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo "NOTE: TEST_DATABASE_URL is not set: the PostgreSQL service tests will be skipped."
  echo "      Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them too."
fi

say "Formatting"
cargo fmt --all -- --check

say "Clippy: server build (ssr), all targets"
cargo clippy --workspace --all-targets -- -D warnings

say "Clippy: browser build (hydrate, wasm32)"
cargo clippy -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings

say "Unit, service and HTTP tests"
cargo test --workspace

build_site
build_door target/site
check_door_budget target/site

say "End-to-end tests (Playwright, Chromium)"
(cd end2end && npx playwright test)

say "Benchmark smoke (one-second runs on the test build, 20 invitations; the real run is scripts/bench.sh)"
BENCH_SMOKE=1 bash scripts/bench.sh
