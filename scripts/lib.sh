# Shared helpers for scripts/run.sh and scripts/test.sh: install what is missing, skip what is there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# A stable target directory outside the clone, so every fresh clone reuses earlier builds.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/tandem/target}"
mkdir -p "$CARGO_TARGET_DIR"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

lockfile_version() {
  grep -A1 "^name = \"$1\"\$" Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p' | head -1
}

ensure_rust_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "Adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version >/dev/null 2>&1; then
    say "Installing cargo-leptos (once per machine; about 20 minutes on 2 cores)"
    # cargo-leptos's lockfile needs a newer rustc than stable 1.95: build it with nightly when there
    if rustup toolchain list | grep -q '^nightly'; then
      env -u CARGO_TARGET_DIR cargo +nightly install cargo-leptos --locked
    else
      env -u CARGO_TARGET_DIR cargo install cargo-leptos@0.3.10 --locked
    fi
  fi
  local want have
  want="$(lockfile_version wasm-bindgen)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$want" != "$have" ]; then
    say "Installing wasm-bindgen-cli $want (must equal Cargo.lock's wasm-bindgen)"
    # without --locked: its lockfile names a webpki-roots the registry here lacks
    env -u CARGO_TARGET_DIR cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_browser() {
  if ! command -v chromium >/dev/null 2>&1; then
    say "Installing Chromium from Debian"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
}

# Independent checkers the mail tests hand their output to: Python vobject (strict) and icalendar
# for calendar files, libical's iTIP rules (Debian libical3). Without them those checks skip.
ensure_mail_checkers() {
  if ! python3 -c 'import vobject, icalendar' >/dev/null 2>&1; then
    say "Installing the calendar checkers (pip: vobject, icalendar)"
    python3 -m pip install --quiet vobject icalendar || echo "NOTE: pip install failed: the calendar checks will skip"
  fi
  if ! ldconfig -p 2>/dev/null | grep -q 'libical.so.3'; then
    say "Installing libical (Debian libical3)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libical3) \
      || echo "NOTE: libical3 could not be installed: the iTIP checks will skip"
  fi
}

ensure_node_deps() {
  if [ ! -d end2end/node_modules/@playwright/test ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "Installing end-to-end test packages (npm ci)"
    (cd end2end && npm ci --no-audit --no-fund)
  fi
}

# wasm-opt from npm's binaryen: Debian's (v108) is too old for today's WebAssembly, and without
# one on PATH cargo-leptos tries a download that fails here (see docs/performance.md)
BINARYEN_DIR="$HOME/.cache/tandem/binaryen"
ensure_wasm_opt() {
  export PATH="$BINARYEN_DIR/node_modules/.bin:$PATH"
  if ! wasm-opt --version 2>/dev/null | grep -q 'version 1[2-9][0-9]'; then
    say "Installing wasm-opt (npm binaryen@132)"
    mkdir -p "$BINARYEN_DIR"
    npm install --prefix "$BINARYEN_DIR" --no-audit --no-fund --silent binaryen@132
  fi
}

# The test build: debug server, debug WebAssembly, plain file names, in target/site.
build_site() {
  say "Building Tandem (server + WebAssembly front end)"
  cargo leptos build
}

server_binary() {
  echo "$CARGO_TARGET_DIR/debug/tandem"
}

# The optimised build the run command serves: release server, release WebAssembly through
# wasm-opt, file names with a content hash, a .br and .gz copy of every file. Its own site folder,
# so it never mixes with the test build's (a debug server cannot hydrate a release bundle).
RELEASE_SITE=target/site-release
build_release_site() {
  say "Building Tandem, optimised (release server, WebAssembly through wasm-opt, hashed and precompressed files)"
  LEPTOS_HASH_FILES=true LEPTOS_SITE_ROOT="$RELEASE_SITE" cargo leptos build --release --precompress
}

# The door page's program (app/door): its own small WebAssembly file, built with the release
# profile in every build (it is small and compiles in about a minute), through wasm-opt, into <site>/pkg/door-<hash>/ with a .br and .gz copy of each file. The server finds
# the newest such folder at start (server/src/assets.rs, door_script).
DOOR_BUDGET_GZIP_BYTES=$((350 * 1024))
build_door() {
  local site="$1" tmp hash wasm
  ensure_wasm_opt
  say "Building the door program (app/door, WebAssembly of its own)"
  cargo build -p door --lib --target wasm32-unknown-unknown --profile wasm-release
  tmp="$(mktemp -d)"
  wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name door \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release/door.wasm"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue \
      "$tmp/door_bg.wasm" -o "$tmp/door_bg.wasm"
  printf "import init from './door.js';\ninit();\n" >"$tmp/boot.js"
  hash="$(cat "$tmp/boot.js" "$tmp/door.js" "$tmp/door_bg.wasm" | sha256sum | cut -c1-16)"
  node -e '
    const fs = require("fs"), z = require("zlib");
    for (const f of process.argv.slice(1)) {
      const raw = fs.readFileSync(f);
      fs.writeFileSync(f + ".gz", z.gzipSync(raw, { level: 9 }));
      fs.writeFileSync(f + ".br", z.brotliCompressSync(raw, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }));
    }' "$tmp/boot.js" "$tmp/door.js" "$tmp/door_bg.wasm"
  mkdir -p "$site/pkg"
  rm -rf "$site"/pkg/door-*
  mv "$tmp" "$site/pkg/door-$hash"
  chmod 755 "$site/pkg/door-$hash"
  wasm="$site/pkg/door-$hash/door_bg.wasm"
  echo "door program: $(stat -c %s "$wasm") B wasm, $(stat -c %s "$wasm.gz") B gzip, $(stat -c %s "$wasm.br") B brotli"
}

# The door's budget (issue 9: a door device loads at most 350 KB of gzipped WebAssembly).
check_door_budget() {
  local site="$1" wasm size
  wasm="$(ls "$site"/pkg/door-*/door_bg.wasm.gz)"
  size="$(stat -c %s "$wasm")"
  if [ "$size" -gt "$DOOR_BUDGET_GZIP_BYTES" ]; then
    echo "The door's WebAssembly is $size B gzipped, over its budget of $DOOR_BUDGET_GZIP_BYTES B" >&2
    return 1
  fi
  echo "door budget: $size of $DOOR_BUDGET_GZIP_BYTES B gzipped"
}

release_binary() {
  echo "$CARGO_TARGET_DIR/release/tandem"
}

# Starts maildev (from end2end's packages) on SMTP port $1 and web port $2, waits until it answers,
# and stops it when the calling script exits.
start_maildev() {
  local smtp="$1" web="$2" dir
  dir="$(mktemp -d)"
  end2end/node_modules/.bin/maildev --ip 127.0.0.1 --web-ip 127.0.0.1 --smtp "$smtp" --web "$web" \
    --mail-directory "$dir" >"$dir/maildev.log" 2>&1 &
  MAILDEV_PID=$!
  trap 'kill "$MAILDEV_PID" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    if curl -fsS "http://127.0.0.1:$web/api/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "maildev did not start; its log:" >&2
  cat "$dir/maildev.log" >&2
  return 1
}
