//! What a hit feels and sounds like besides the screen: a buzz, and a beep for those who want it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The shopper's choice of a beep on every hit; off unless turned on.
const BEEP_KEY: &str = "shopbag.scan.beep";

pub fn beep_wanted() -> bool {
    storage()
        .and_then(|s| s.get_item(BEEP_KEY).ok().flatten())
        .as_deref()
        == Some("on")
}

pub fn want_beep(on: bool) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(BEEP_KEY, if on { "on" } else { "off" });
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Best-effort feedback that needs no screen: a short buzz where the phone can.
pub fn vibrate() {
    if let Some(window) = web_sys::window() {
        let navigator = window.navigator();
        if js_sys::Reflect::has(&navigator, &"vibrate".into()).unwrap_or(false) {
            let _ = navigator.vibrate_with_duration(60);
        }
    }
}

/// A short beep, for shoppers who turned it on. Web Audio is optional everywhere.
pub fn beep() {
    let Ok(audio) = web_sys::AudioContext::new() else {
        return;
    };
    let (Ok(tone), Ok(volume)) = (audio.create_oscillator(), audio.create_gain()) else {
        return;
    };
    tone.frequency().set_value(1760.0);
    volume.gain().set_value(0.08);
    let connected = tone
        .connect_with_audio_node(&volume)
        .and_then(|_| volume.connect_with_audio_node(&audio.destination()));
    if connected.is_ok() {
        let start = audio.current_time();
        let _ = tone.start_with_when(start);
        let _ = tone.stop_with_when(start + 0.12);
        let close = Closure::once_into_js(move || {
            let _ = audio.close();
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(close.unchecked_ref(), 500);
        }
    }
}
