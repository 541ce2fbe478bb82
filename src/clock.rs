//! The app's one clock: every "now" comes from here. In the browser it is the real clock
//! (`Date.now()`), which end-to-end tests set with Playwright's clock API; screens that count
//! down follow [`ticking`].

use crate::api::promotions::Timestamp;
use leptos::prelude::*;
use leptos_use::use_interval_fn;

/// Now, in ms since the Unix epoch.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

pub fn now() -> Timestamp {
    Timestamp(now_ms())
}

/// Now, updated every second while the calling owner lives (the timer goes with it).
pub fn ticking() -> Signal<Timestamp> {
    let (now_signal, set_now) = signal(now());
    use_interval_fn(move || set_now.set(now()), 1_000);
    now_signal.into()
}
