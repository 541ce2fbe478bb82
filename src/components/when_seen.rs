//! A part of a screen further down, whose code (a split point, see `crate::lazy`) is fetched
//! when it scrolls into view: a shopper who never scrolls to it never downloads it.
//!
//! The browser's IntersectionObserver, called by name (see `crate::reflect`): leptos-use's
//! wrapper, and even web-sys' bindings, weighed in the first load of every screen with such a
//! part; this is a few lines.

use crate::components::{LazyScreen, ScreenFetch};
use crate::reflect::{call, construct, get};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

/// `now`: fetch it at once all the same (the screen knows it costs nothing on the wire).
#[component]
pub fn WhenSeen(load: Callback<(), ScreenFetch>, #[prop(optional)] now: bool) -> impl IntoView {
    let marker = NodeRef::<leptos::html::Div>::new();
    let seen = RwSignal::new(now);
    Effect::new(move |_| {
        let Some(element) = marker.get().filter(|_| !now) else {
            return;
        };
        let sighted = Closure::<dyn Fn(js_sys::Array)>::new(move |entries: js_sys::Array| {
            let in_view = entries
                .iter()
                .any(|e| get(&e, "isIntersecting").and_then(|i| i.as_bool()) == Some(true));
            if in_view {
                seen.set(true);
            }
        });
        // A browser without the observer (an old webview) gets the part at once.
        let Some(observer) = construct("IntersectionObserver", &[sighted.as_ref().clone()]) else {
            seen.set(true);
            return;
        };
        call(&observer, "observe", &[JsValue::from(element)]);
        let watching = SendWrapper::new((observer, sighted));
        on_cleanup(move || {
            call(&watching.0, "disconnect", &[]);
        });
    });
    view! {
        <div class="when-seen" node_ref=marker>
            <Show when=move || seen.get()>
                <LazyScreen load />
            </Show>
        </div>
    }
}
