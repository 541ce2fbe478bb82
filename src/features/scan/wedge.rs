//! Keyboard-wedge scanners: kiosk USB scanners "type" a code in one fast burst and press Enter.
//!
//! [`WedgeReader`] tells such bursts from people typing: a person leaves 80 ms or more between
//! keys, a scanner a few milliseconds. [`listen`] feeds it every key press on the page.

use leptos::prelude::on_cleanup;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Longest pause between two keys of one burst. Scanners send 2–20 ms apart; even fast typists
/// rarely get below 60 ms for more than two keys in a row.
pub const MAX_GAP_MS: f64 = 35.0;
/// EAN-8, the shortest code on a tag, has eight digits; shorter bursts are key repeat or chance.
pub const MIN_LENGTH: usize = 8;
const MAX_LENGTH: usize = 512;

#[derive(Debug, Default)]
pub struct WedgeReader {
    burst: String,
    last_at: f64,
}

impl WedgeReader {
    /// One key press (`KeyboardEvent.key`) at `at_ms`; answers the code when a burst ends.
    pub fn key(&mut self, key: &str, at_ms: f64) -> Option<String> {
        let in_time = at_ms - self.last_at <= MAX_GAP_MS;
        if key == "Enter" || key == "Tab" {
            let burst = std::mem::take(&mut self.burst);
            return (in_time && burst.chars().count() >= MIN_LENGTH).then_some(burst);
        }
        let mut chars = key.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                if !in_time || self.burst.len() >= MAX_LENGTH {
                    self.burst.clear();
                }
                self.burst.push(c);
                self.last_at = at_ms;
            }
            // Shift and other modifiers come between the characters of a burst: not a break.
            _ if key == "Shift" || key == "Alt" || key == "AltGraph" => {}
            _ => self.burst.clear(),
        }
        None
    }

    /// The characters so far, so that a burst typed into a text field can be taken back out.
    pub fn pending(&self) -> &str {
        &self.burst
    }
}

/// Calls `on_code` for every scanner burst anywhere on the page, for as long as the calling
/// component lives. The Enter that ends a burst does not also submit a form, and a burst that
/// landed in a text field is taken back out of it.
pub fn listen(on_code: impl Fn(String) + 'static) {
    let mut reader = WedgeReader::default();
    let handler = move |event: web_sys::KeyboardEvent| {
        let typed_so_far = reader.pending().to_string();
        let Some(code) = reader.key(&event.key(), event.time_stamp()) else {
            return;
        };
        event.prevent_default();
        let field = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok());
        if let Some(field) = field {
            if let Some(before) = field.value().strip_suffix(&typed_so_far) {
                field.set_value(before);
                // Bound signals follow the field only through its input events.
                if let Ok(input) = web_sys::Event::new("input") {
                    let _ = field.dispatch_event(&input);
                }
            }
        }
        on_code(code);
    };
    // Capture phase: the burst is recognised before any field or form acts on its Enter.
    // Leptos' window listener has no capture phase, and leptos-use's weighs 6 KB in every first
    // load; this is the same few lines, with it.
    let Some(window) = web_sys::window() else {
        return;
    };
    let handler = Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(handler);
    let listening = window.add_event_listener_with_callback_and_bool(
        "keydown",
        handler.as_ref().unchecked_ref(),
        true,
    );
    if listening.is_err() {
        return;
    }
    let handler = SendWrapper::new(handler);
    on_cleanup(move || {
        let _ = window.remove_event_listener_with_callback_and_bool(
            "keydown",
            handler.as_ref().unchecked_ref(),
            true,
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(reader: &mut WedgeReader, keys: &[&str], start: f64, gap: f64) -> Option<String> {
        keys.iter()
            .enumerate()
            .find_map(|(i, key)| reader.key(key, start + i as f64 * gap))
    }

    fn keys(code: &str) -> Vec<String> {
        code.chars()
            .map(String::from)
            .chain(["Enter".into()])
            .collect()
    }

    #[test]
    fn a_fast_burst_ending_in_enter_is_a_scan() {
        let mut reader = WedgeReader::default();
        let k = keys("6931234500018");
        let k: Vec<&str> = k.iter().map(String::as_str).collect();
        assert_eq!(
            feed(&mut reader, &k, 1000.0, 8.0),
            Some("6931234500018".into())
        );
    }

    #[test]
    fn people_typing_are_not_a_scanner() {
        let mut reader = WedgeReader::default();
        let k = keys("6931234500018");
        let k: Vec<&str> = k.iter().map(String::as_str).collect();
        assert_eq!(feed(&mut reader, &k, 1000.0, 120.0), None);
    }

    #[test]
    fn short_bursts_and_a_late_enter_are_ignored() {
        let mut reader = WedgeReader::default();
        assert_eq!(feed(&mut reader, &["1", "2", "3", "Enter"], 0.0, 5.0), None);
        let mut k = keys("6931234500018");
        k.pop();
        let k: Vec<&str> = k.iter().map(String::as_str).collect();
        assert_eq!(feed(&mut reader, &k, 100.0, 5.0), None);
        assert_eq!(reader.key("Enter", 1000.0), None);
    }

    #[test]
    fn a_pause_starts_a_new_burst_and_shift_does_not_break_one() {
        let mut reader = WedgeReader::default();
        for (i, key) in ["x", "y"].iter().enumerate() {
            reader.key(key, i as f64 * 5.0);
        }
        let mut at = 500.0;
        let mut result = None;
        for key in [
            "Shift", "S", "B", "-", "1", "0", "4", "2", "-", "Shift", "M", "Enter",
        ] {
            result = reader.key(key, at);
            at += 6.0;
        }
        assert_eq!(result, Some("SB-1042-M".into()));
    }
}
