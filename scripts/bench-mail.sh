#!/usr/bin/env bash
# Mail benchmark: queues and delivers BENCH_COUNT (default 2000) invitations through Tandem's
# outbox to maildev, next to a plain lettre loop sending the same bytes to the same maildev.
# Release build by default; `--debug` reuses the test build (CI runs a short smoke that way).
source "$(dirname "$0")/lib.sh"

profile=(--release)
if [ "${1:-}" = "--debug" ]; then profile=(); fi
ensure_node_deps
start_maildev 1225 1280
export BENCH_SMTP_URL="smtp://127.0.0.1:1225" BENCH_MAILDEV="http://127.0.0.1:1280/api"
say "Mail benchmark (${BENCH_COUNT:-2000} invitations)"
cargo test "${profile[@]}" -p server --test mail_bench -- --ignored --nocapture
