//! Photo and typing, the ways in when the camera cannot be used (and whenever the shopper likes).

use super::lookalikes::FindByPhoto;
use super::{ScanScreen, Source};
use crate::api::CodeError;
use crate::components::{code_reason, Entry};
use crate::features::scan::decoder::{Decoder, Trouble};
use crate::i18n::*;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Photo and typing: always offered, and all there is when the camera cannot be used.
#[component]
pub(super) fn Fallbacks(
    scanner: ScanScreen,
    decoder: StoredValue<Decoder, LocalStorage>,
    typing: RwSignal<bool>,
    reading: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let take = NodeRef::<html::Input>::new();
    let choose = NodeRef::<html::Input>::new();
    let photo_problem = RwSignal::new(None::<String>);
    let read_photo = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        reading.set(true);
        photo_problem.set(None);
        let decoder = decoder.get_value();
        spawn_local(async move {
            let read = decoder.read_photo(file.into()).await;
            reading.set(false);
            match read {
                Ok(reading) => match reading.code {
                    Some(code) => scanner.hit(code.text, Source::Deliberate),
                    None => scanner.nothing_in_photo(),
                },
                Err(Trouble::Picture(_)) => {
                    photo_problem.set(Some(i18n.photo_unreadable().to_string()))
                }
                Err(_) => photo_problem.set(Some(i18n.decoder_unavailable().to_string())),
            }
        });
    };
    let open = |input: NodeRef<html::Input>| {
        move |_| {
            if let Some(input) = input.get() {
                input.click();
            }
        }
    };
    view! {
        <div class="fallbacks">
            <button type="button" class="button" on:click=open(take)>{move || i18n.take_photo()}</button>
            <button type="button" class="button" on:click=open(choose)>{move || i18n.choose_photo()}</button>
            <FindByPhoto scanner />
            <button
                type="button"
                class="button"
                aria-expanded=move || typing.get().to_string()
                on:click=move |_| typing.update(|t| *t = !*t)
            >
                {move || i18n.type_code()}
            </button>
            // Two inputs: `capture` opens the rear camera on phones, without it the gallery.
            <input node_ref=take type="file" accept="image/*" capture="environment" class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=read_photo />
            <input node_ref=choose type="file" accept="image/*" class="visually-hidden" tabindex="-1" aria-hidden="true" on:change=read_photo />
        </div>
        <p class="hint" role="status">
            {move || reading.get().then(|| i18n.reading_photo().to_string())}
        </p>
        <p class="field-problem" role="alert">{move || photo_problem.get()}</p>
        <Show when=move || typing.get()>
            <TypedCode scanner typing />
        </Show>
    }
}

/// Digits from under the barcode, checked as they are typed.
#[component]
fn TypedCode(scanner: ScanScreen, typing: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let text = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let verdict = move || {
        let text = text.get();
        let digits = text.chars().filter(char::is_ascii_digit).count();
        match Entry::read(&text) {
            Entry::Empty => None,
            Entry::Code(_) => Some((true, i18n.code_valid().to_string())),
            // While typing, a short code is unfinished, not wrong.
            Entry::BadCode(CodeError::BadLength(_)) if !submitted.get() => {
                Some((false, i18n.digits_so_far(digits).to_string()))
            }
            Entry::BadCode(error) => Some((false, code_reason(i18n, &error))),
            Entry::Search(_) => Some((false, code_reason(i18n, &CodeError::NotDigits))),
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if let Entry::Code(code) = Entry::read(&text.get_untracked()) {
            typing.set(false);
            scanner.hit(code, Source::Deliberate);
        }
    };
    view! {
        <form class="typed-code" on:submit=on_submit>
            <label for="typed-code">{move || i18n.typed_code_label()}</label>
            <div class="code-entry-row">
                <input
                    id="typed-code"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    enterkeyhint="done"
                    aria-describedby="typed-code-check"
                    aria-invalid=move || verdict().is_some_and(|(ok, _)| !ok).to_string()
                    bind:value=text
                    on:input=move |_| submitted.set(false)
                />
                <button type="submit" class="button primary">{move || i18n.add_to_bag()}</button>
            </div>
            <p
                id="typed-code-check"
                class=move || if verdict().is_some_and(|(ok, _)| ok) { "code-check valid" } else { "code-check" }
                aria-live="polite"
            >
                {move || verdict().map(|(_, message)| message)}
            </p>
        </form>
    }
}
