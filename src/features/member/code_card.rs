//! Her member code on screen: a QR code and a Code 128 barcode of the same digits, made on the
//! device every 30 seconds (so airplane mode changes nothing), black on white at full size,
//! with the seconds until the next one. The screen stays on while it shows (Screen Wake Lock,
//! where the browser has it). "Hide code" blurs it until tapped; "Pause code" makes the server
//! refuse this device's codes until she turns it back on.

use super::drawing;
use super::Membership;
use crate::api::member::code::seconds_left;
use crate::api::member::MemberCode;
use crate::api::Client;
use crate::clock;
use crate::i18n::*;
use crate::reflect::{call, get};
use leptos::prelude::*;
use leptos_use::use_document_visibility;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

#[component]
pub fn CodeCard(membership: RwSignal<Option<Membership>>) -> impl IntoView {
    let i18n = use_i18n();
    let client = StoredValue::new(expect_context::<Client>());
    let now = clock::ticking();
    let hidden = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    keep_screen_on();

    let device = move || membership.with(|m| m.as_ref()?.device.clone());
    let paused = Memo::new(move |_| membership.with(|m| m.as_ref().is_some_and(|m| m.paused)));
    let code = Memo::new(move |_| {
        let device = device()?;
        Some(MemberCode::at(device.device, &device.secret, now.get().0).to_string())
    });
    let set_paused = move |pause: bool| {
        let Some(device) = device() else {
            return;
        };
        let client = client.get_value();
        problem.set(None);
        leptos::task::spawn_local(async move {
            match client.pause_device(device.device.get(), pause).await {
                Ok(record) => membership.update(|m| {
                    if let Some(m) = m {
                        m.paused = record.paused;
                        let _ = m.save();
                    }
                }),
                Err(_) => problem.set(Some(i18n.member_pause_failed().to_string())),
            }
        });
    };

    view! {
        <section class="member-code" aria-labelledby="member-code-title">
            <h2 id="member-code-title">{move || i18n.member_code_title()}</h2>
            {move || match (code.get(), paused.get()) {
                (_, true) => view! {
                    <p class="paused" role="status">{move || i18n.member_code_paused()}</p>
                    <button type="button" class="button primary" on:click=move |_| set_paused(false)>
                        {move || i18n.member_code_resume()}
                    </button>
                }
                .into_any(),
                (Some(code), false) => view! {
                    <Symbols code hidden />
                    <p class="refresh" role="timer">
                        {move || i18n.member_code_refresh(seconds_left(now.get().0))}
                    </p>
                    <div class="actions">
                        <button
                            type="button"
                            class="button"
                            aria-pressed=move || hidden.get().to_string()
                            on:click=move |_| hidden.update(|h| *h = !*h)
                        >
                            {move || if hidden.get() { i18n.member_code_show() } else { i18n.member_code_hide() }}
                        </button>
                        <button type="button" class="button" on:click=move |_| set_paused(true)>
                            {move || i18n.member_code_pause()}
                        </button>
                    </div>
                }
                .into_any(),
                (None, false) => view! {
                    <p role="status">{move || i18n.member_code_preparing()}</p>
                }
                .into_any(),
            }}
            // The silent timer's news, said politely when the code changes.
            <p class="visually-hidden" aria-live="polite">
                {move || code.get().map(|c| i18n.member_code_new(&c[c.len().saturating_sub(4)..]))}
            </p>
            <p class="problem" role="alert">{move || problem.get()}</p>
        </section>
    }
}

/// The QR code and the barcode of `code`, blurred while `hidden` (a tap shows them).
#[component]
fn Symbols(code: String, hidden: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let qr = drawing::qr(&code);
    let bars = drawing::bars(&code);
    // Groups of four, as a cashier types them.
    let spaced = code
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let label = i18n.member_code_label(spaced.clone()).to_string();
    view! {
        <figure class="symbols" class:hidden=move || hidden.get() data-code=code>
            {qr.map(|d| d.svg("qr", label.clone()))}
            {bars.map(|d| d.svg("bars", label.clone()))}
            <figcaption class="digits">{spaced}</figcaption>
            <Show when=move || hidden.get()>
                <button type="button" class="reveal" on:click=move |_| hidden.set(false)>
                    {move || i18n.member_code_tap_to_show()}
                </button>
            </Show>
        </figure>
    }
}

/// Keeps the screen on while the code shows (asked again when she comes back to the tab, since
/// the browser lets go when it is hidden); let go when the code goes. Reached by name (see
/// `crate::reflect`): a browser without it simply lets the screen dim.
fn keep_screen_on() {
    let held: Rc<RefCell<Option<JsValue>>> = Rc::default();
    let gone = Rc::new(std::cell::Cell::new(false));
    let visible = use_document_visibility();
    let (asking, asking_gone) = (held.clone(), gone.clone());
    Effect::new(move |_| {
        if visible.get() != web_sys::VisibilityState::Visible {
            return;
        }
        let navigator = window().navigator();
        let Some(request) = get(&navigator, "wakeLock")
            .and_then(|lock| call(&lock, "request", &[JsValue::from_str("screen")]))
        else {
            return;
        };
        let (held, gone) = (asking.clone(), asking_gone.clone());
        leptos::task::spawn_local(async move {
            let Ok(sentinel) = JsFuture::from(js_sys::Promise::from(request)).await else {
                return;
            };
            if gone.get() {
                call(&sentinel, "release", &[]);
            } else {
                held.replace(Some(sentinel));
            }
        });
    });
    let release = SendWrapper::new((held, gone));
    on_cleanup(move || {
        release.1.set(true);
        if let Some(sentinel) = release.0.take() {
            call(&sentinel, "release", &[]);
        }
    });
}
