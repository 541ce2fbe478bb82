#!/usr/bin/env bash
# Runs every test layer: format + lints, cargo tests, wasm tests in headless Chromium, Playwright flows.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

setup_build
setup_vision
setup_test

# A CI run builds once from nothing: incremental caches would only double what target/ holds.
if [ -n "${CI:-}" ]; then export CARGO_INCREMENTAL=0; fi

WORK="$(mktemp -d)"
SERVER_PID=""
PG_DIR=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$PG_DIR" ] && as_postgres "$(postgres_bin)/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK" ${PG_DIR:+"$PG_DIR"}
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# PostgreSQL refuses to run as root: as root, its programs run as Debian's postgres user.
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts a throwaway PostgreSQL cluster in a temporary folder, on a free loopback port; sets
# PG_URL. Tests make a database each there. It is a scratch cluster: fsync is off.
start_postgres() {
  PG_DIR="$(mktemp -d)"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  local bin port
  bin="$(postgres_bin)"
  port="$(free_port)"
  as_postgres "$bin/initdb" -D "$PG_DIR/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; return 1; }
  as_postgres "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
    -o "-h 127.0.0.1 -p $port -k $PG_DIR -c max_connections=400 -c fsync=off" start >/dev/null
  PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

# Starts the server on a free port with a fresh database named $1 (further arguments are the
# server's); sets SERVER_URL.
start_server() {
  local name="$1"
  shift
  target/debug/shopbag-server --port 0 --database-url "sqlite://$WORK/$name.db" --dist dist "$@" \
    >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    SERVER_URL="$(grep -m1 -o 'listening on http://[0-9.:]*' "$WORK/server.log" | cut -d' ' -f3 || true)"
    [ -n "$SERVER_URL" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; return 1; }
    sleep 0.1
  done
  echo "the server did not start in 60 s" >&2
  return 1
}

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

step "Lints (clippy -D warnings), native and wasm32"
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --all-targets --features shopbag-server/fault-injection -- -D warnings
cargo clippy -p shopbag --target wasm32-unknown-unknown --all-targets -- -D warnings
# The app as the release build cuts it (its split points are only split with this feature).
cargo clippy -p shopbag --target wasm32-unknown-unknown --features split -- -D warnings
# The scanner's library, worker and browser tests (its bench and examples are native tools).
cargo clippy -p shopbag-scanner --target wasm32-unknown-unknown --lib --bins --tests -- -D warnings
# The image embedder as the browser would build it: raw pixels in, no image codecs.
cargo clippy -p shopbag-vision --target wasm32-unknown-unknown --no-default-features --lib --tests -- -D warnings
# The fuzz targets (their own workspace, built by cargo fuzz below); in this target/, so the
# dependencies it shares with the workspace in the same form are not built twice.
cargo clippy --manifest-path fuzz/Cargo.toml --target-dir target -- -D warnings

step "The decoder worker's wasm stays free of the image codecs (native decode command only)"
if cargo tree -p shopbag-scanner --target wasm32-unknown-unknown -e normal | grep -q ' image v'; then
  echo "the image crate reached the wasm build of crates/scanner" >&2
  exit 1
fi

step "Unit and server integration tests (cargo test), on SQLite"
cargo test --workspace
# Again with the server's test-only fault switch, its own tests included; the workspace as a
# whole each time, so every dependency keeps its features and only the server compiles again.
# This leaves the server the browser tests run (target/debug/shopbag-server).
cargo test --workspace --features shopbag-server/fault-injection

step "Fuzzing smoke: every cargo-fuzz target for ${FUZZ_SECONDS:-15} s (the long runs: fuzz/README.md)"
setup_fuzz
for target in $(cargo fuzz list --fuzz-dir fuzz); do
  mkdir -p "$WORK/corpus/$target"
  # Finds go to a fresh corpus; the committed seeds and dictionary, where a target has them, start it.
  seeds=() && [ -d "fuzz/seeds/$target" ] && seeds=("fuzz/seeds/$target")
  dict=() && [ -f "fuzz/dicts/$target.dict" ] && dict=("-dict=fuzz/dicts/$target.dict")
  if ! cargo +nightly fuzz run --fuzz-dir fuzz --sanitizer none --target-dir target/fuzz "$target" \
    "$WORK/corpus/$target" "${seeds[@]}" -- "${dict[@]}" -max_total_time="${FUZZ_SECONDS:-15}" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$WORK/fuzz.log" 2>&1; then
    cat "$WORK/fuzz.log"
    echo "the fuzz target $target failed; its input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  echo "$target: $(grep -m1 -o 'Done [0-9]* runs in [0-9]* second(s)' "$WORK/fuzz.log")"
done

step "The server's integration tests on PostgreSQL (a throwaway cluster, three replicas too)"
start_postgres
SHOPBAG_TEST_POSTGRES="$PG_URL" cargo test --workspace --features shopbag-server/fault-injection

step "API fuzzing: schemathesis, every check, against the server's OpenAPI document (bounded)"
setup_schemathesis
# Its limits off (the fuzzer writes faster than any shopper); the test build's fault switch is
# left out. A bag token, a signed-in member's session and the demo cashier key, so that every
# operation is fuzzed past its door; the seed is printed to replay a find.
start_server api-fuzz --writes-per-bag 0 --writes-per-address 0 --orders-per-address 0 \
  --photo-searches-per-address 0
api_fuzz() {
  "$SCHEMATHESIS" --config-file tests/api/schemathesis.toml run "$SERVER_URL/api/v1/openapi.json" \
    --url "$SERVER_URL" --checks all --exclude-path-regex '^/api/v1/test/' \
    --header "Authorization: Bearer $(python3 -c 'import secrets; print(secrets.token_hex(16))')" \
    --header "Cookie: $(python3 tests/api/sign-in.py "$SERVER_URL" demo-host-secret)" \
    --header "X-Cashier-Key: demo-cashier-key" --workers 2 --no-color "$@"
}
# Everything but what ends the session, then what ends it, with a session of its own.
api_fuzz --exclude-name 'POST /api/v1/auth/sign-out' --exclude-name 'DELETE /api/v1/me' \
  --max-time "${API_FUZZ_SECONDS:-120}"
api_fuzz --include-name 'POST /api/v1/auth/sign-out' --include-name 'DELETE /api/v1/me' --max-time 15
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

build_app

step "Browser tests of the app (wasm-bindgen-test in headless Chromium)"
start_server wasm-tests
SHOPBAG_TEST_API="$SERVER_URL" \
  CHROMEDRIVER="$(command -v chromedriver)" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  WASM_BINDGEN_TEST_TIMEOUT=60 \
  cargo test -p shopbag --target wasm32-unknown-unknown --tests
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""

step "Browser tests of the decoder (the worker's reading path in headless Chromium)"
CHROMEDRIVER="$(command -v chromedriver)" \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  WASM_BINDGEN_TEST_TIMEOUT=60 \
  cargo test -p shopbag-scanner --target wasm32-unknown-unknown --test browser

step "Building the tag renderer for the fake camera"
cargo build --workspace --example tag_pictures

step "End-to-end flows (Playwright on Debian's Chromium, release build, real server)"
SHOPBAG_SERVER_BIN="$ROOT/target/debug/shopbag-server" node --test --test-concurrency=1 tests/e2e/
