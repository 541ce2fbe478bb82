//! The bar on top of every page: home, the store the shopper is in, the scanner, the bag and the
//! language switch.

use crate::components::use_lang;
use crate::features::bag::use_bag;
use crate::features::store::{use_here, use_stores};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn AppBar() -> impl IntoView {
    let i18n = use_i18n();
    let here = use_here();
    let stores = use_stores();
    let lang = use_lang();
    let bag = use_bag();
    let store_name = move || {
        here.store_id()
            .and_then(|id| stores.find(&id))
            .map(|store| store.name.get(lang()).to_string())
    };
    let switch_language = move |_| {
        let next = match i18n.get_locale() {
            Locale::zh_CN => Locale::en,
            Locale::en => Locale::zh_CN,
        };
        i18n.set_locale(next);
    };
    view! {
        <header class="app-bar">
            <A href="/" attr:class="brand">{t!(i18n, app_name)}</A>
            <span class="here">
                {move || match store_name() {
                    Some(store) => t_string!(i18n, current_store, store = store).to_string(),
                    None => t_string!(i18n, no_store).to_string(),
                }}
            </span>
            <A href="/scan" attr:class="scan-link">{t!(i18n, scan_link)}</A>
            // The count is part of the link's text, so what is read out is what is shown.
            <A href="/bag" attr:class="bag-link">
                {t!(i18n, bag_link)}
                <span class="badge-count">{move || bag.count()}</span>
            </A>
            <button
                type="button"
                class="language"
                lang=move || match i18n.get_locale() {
                    Locale::zh_CN => "en",
                    Locale::en => "zh-CN",
                }
                aria-label=move || t_string!(i18n, switch_language_label)
                on:click=switch_language
            >
                {t!(i18n, switch_language)}
            </button>
        </header>
    }
}
