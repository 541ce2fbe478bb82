//! The decoder Web Worker's entry point (built by Trunk for wasm32; see `shopbag_scanner::worker`).

#[cfg(target_arch = "wasm32")]
fn main() {
    shopbag_scanner::worker::serve();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("decoder-worker runs in a browser; use the `decode` command on this machine");
    std::process::exit(2);
}
