//! What a hit feels and sounds like besides the screen: a buzz, and a beep for those who want it.

use crate::reflect::{call, construct, get};
use crate::storage;
use leptos::prelude::{set_timeout, window};
use std::time::Duration;
use wasm_bindgen::prelude::*;

/// The shopper's choice of a beep on every hit; off unless turned on.
const BEEP_KEY: &str = "shopbag.scan.beep";

pub fn beep_wanted() -> bool {
    storage::read_text(BEEP_KEY).as_deref() == Some("on")
}

pub fn want_beep(on: bool) {
    let _ = storage::write_text(BEEP_KEY, if on { "on" } else { "off" });
}

// The vibration and Web Audio APIs are reached by name (see `crate::reflect`): only this module
// calls them, and as web-sys bindings they weighed on every page's first load.

/// Best-effort feedback that needs no screen: a short buzz where the phone can.
pub fn vibrate() {
    call(&window().navigator(), "vibrate", &[60.into()]);
}

/// A short beep, for shoppers who turned it on. Web Audio is optional everywhere.
pub fn beep() {
    let Some(audio) = construct("AudioContext", &[]) else {
        return;
    };
    let sounded = (|| {
        let tone = call(&audio, "createOscillator", &[])?;
        let volume = call(&audio, "createGain", &[])?;
        set(&get(&tone, "frequency")?, "value", 1760.0)?;
        set(&get(&volume, "gain")?, "value", 0.08)?;
        call(&tone, "connect", std::slice::from_ref(&volume))?;
        call(&volume, "connect", &[get(&audio, "destination")?])?;
        let start = get(&audio, "currentTime")?.as_f64()?;
        call(&tone, "start", &[start.into()])?;
        call(&tone, "stop", &[(start + 0.12).into()])
    })();
    // Closed once the beep is over (or at once, when it could not sound).
    let after = Duration::from_millis(if sounded.is_some() { 500 } else { 0 });
    set_timeout(
        move || {
            call(&audio, "close", &[]);
        },
        after,
    );
}

/// `target[name] = value`.
fn set(target: &JsValue, name: &str, value: f64) -> Option<()> {
    js_sys::Reflect::set(target, &name.into(), &value.into())
        .ok()
        .filter(|done| *done)
        .map(drop)
}
