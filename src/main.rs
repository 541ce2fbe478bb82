//! Browser entry point: panic hook and mount, nothing else.

fn main() {
    // A panic says what and where on the console (the browser adds its own stack); more than
    // that (console_error_panic_hook's copy of the JS stack) weighed on every first load.
    std::panic::set_hook(Box::new(|panic| leptos::logging::error!("{panic}")));
    leptos::mount::mount_to_body(shopbag::App);
}
