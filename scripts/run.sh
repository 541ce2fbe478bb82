#!/usr/bin/env bash
# Builds the app in release mode and serves it with the API on http://127.0.0.1:8080 (SQLite under data/).
# Extra arguments go to the server: scripts/run.sh --help lists them.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

setup_build
setup_vision
build_app
step "Building the server"
cargo build --profile server -p shopbag-server
step "Starting shopbag (Ctrl-C stops it)"
exec target/server/shopbag-server "$@"
