//! Grey placeholder blocks shown while data is on its way (a slow store basement network).

use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn Skeleton(#[prop(default = 3)] lines: usize) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="skeleton" aria-busy="true" role="status">
            <span class="visually-hidden">{move || i18n.loading()}</span>
            {(0..lines).map(|_| view! { <div class="skeleton-line"></div> }).collect_view()}
        </div>
    }
}
