//! The shopper's language: zh-CN unless she chose otherwise on this device, and the catalogue
//! text that goes with it.

use crate::api::Lang;
use crate::i18n::*;
use codee::string::FromToStringCodec;
use leptos::prelude::*;
use leptos_use::storage::use_local_storage;

/// Where the device keeps the language choice.
const LANGUAGE_KEY: &str = "shopbag.language";

/// Provides translations to its children, in the remembered language or zh-CN.
#[component]
pub fn Translated(children: ChildrenFn) -> impl IntoView {
    view! {
        <I18nContextProvider>
            <Remembered children />
        </I18nContextProvider>
    }
}

#[component]
fn Remembered(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let (saved, save, _) = use_local_storage::<String, FromToStringCodec>(LANGUAGE_KEY);
    // Not the browser's language: the store is in Shanghai, and a choice is one tap away.
    let chosen = saved
        .get_untracked()
        .parse::<Locale>()
        .unwrap_or(Locale::zh_CN);
    // Set now for the first render, and again in our first effect: the provider's own first
    // effect applies the browser's language, and ours runs after it.
    i18n.set_locale(chosen);
    Effect::new(move |applied: Option<()>| {
        if applied.is_none() {
            i18n.set_locale(chosen);
        }
        save.set(i18n.get_locale().as_str().to_string());
    });
    children()
}

/// The catalogue language that matches the interface language (reactive).
pub fn use_lang() -> impl Fn() -> Lang + Copy {
    let i18n = use_i18n();
    move || lang_of(i18n.get_locale())
}

/// The catalogue language of an interface locale.
pub fn lang_of(locale: Locale) -> Lang {
    match locale {
        Locale::zh_CN => Lang::ZhCn,
        Locale::en => Lang::En,
    }
}
