//! The bar on top of every page: home, the store the shopper is in, the scanner, her member code,
//! the bag and the language switch.

use crate::components::use_lang;
use crate::features::bag::use_bag;
use crate::features::store::use_here;
use crate::i18n::*;
use crate::route::Route;
use leptos::prelude::*;

#[component]
pub fn AppBar() -> impl IntoView {
    let i18n = use_i18n();
    let here = use_here();
    let lang = use_lang();
    let bag = use_bag();
    let store_name = move || here.name(lang());
    let switch_language = move |_| i18n.set_locale(i18n.locale().other());
    view! {
        <header class="app-bar">
            <a href=Route::Home.href() class="brand">{move || i18n.app_name()}</a>
            <span class="here">
                {move || match store_name() {
                    Some(store) => i18n.current_store(store).to_string(),
                    None => i18n.no_store().to_string(),
                }}
            </span>
            <a href=Route::Scan.href() class="scan-link">{move || i18n.scan_link()}</a>
            // Her member code, for the till.
            <a href=Route::Member.href() class="member-link">{move || i18n.member_link()}</a>
            // The count is part of the link's text, so what is read out is what is shown.
            <a href=Route::Bag.href() class="bag-link">
                {move || i18n.bag_link()}
                <span class="badge-count">{move || bag.count()}</span>
            </a>
            <button
                type="button"
                class="language"
                lang=move || i18n.locale().other().as_str()
                aria-label=move || i18n.switch_language_label()
                on:click=switch_language
            >
                {move || i18n.switch_language()}
            </button>
        </header>
    }
}
