//! Any address the app does not know.

use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="page not-found">
            <h1>{move || i18n.not_found_title()}</h1>
            <p>{move || i18n.not_found_text()}</p>
            <A href="/" attr:class="button primary">{move || i18n.back_home()}</A>
        </section>
    }
}
