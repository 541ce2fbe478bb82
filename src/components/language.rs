//! The shopper's language: zh-CN unless she chose otherwise on this device, and the catalogue
//! text that goes with it.

use crate::api::Lang;
use crate::i18n::*;
use crate::storage;
use leptos::prelude::*;

/// Where the device keeps the language choice.
const LANGUAGE_KEY: &str = "shopbag.language";

/// Provides translations to its children, in the remembered language or zh-CN — not the
/// browser's: the store is in Shanghai, and a choice is one tap away.
#[component]
pub fn Translated(children: Children) -> impl IntoView {
    let chosen = storage::read_text(LANGUAGE_KEY)
        .and_then(|l| l.parse::<Locale>().ok())
        .unwrap_or_default();
    let i18n = I18n::new(chosen);
    provide_context(i18n);
    // The page's language follows the choice (screen readers, fonts), and the device keeps it.
    Effect::new(move |_| {
        let locale = i18n.locale();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.as_str());
        }
        // Not kept (storage full or off): the choice holds for this visit.
        let _ = storage::write_text(LANGUAGE_KEY, locale.as_str());
    });
    children()
}

/// The catalogue language that matches the interface language (reactive).
pub fn use_lang() -> impl Fn() -> Lang + Copy {
    let i18n = use_i18n();
    move || lang_of(i18n.locale())
}

/// The catalogue language of an interface locale.
pub fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::ZhCn => Lang::ZhCn,
        Locale::En => Lang::En,
    }
}
