//! Any address the app does not know.

use crate::i18n::*;
use crate::route::Route;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page not-found">
            <h1>{move || i18n.not_found_title()}</h1>
            <p>{move || i18n.not_found_text()}</p>
            <a href=Route::Home.href() class="button primary">{move || i18n.back_home()}</a>
        </section>
    }
}
