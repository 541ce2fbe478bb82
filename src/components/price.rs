//! A price in CNY from integer fen.

use crate::api::Money;
use leptos::prelude::*;

#[component]
pub fn Price(#[prop(into)] amount: Signal<Money>) -> impl IntoView {
    view! { <span class="price">{move || amount.get().to_string()}</span> }
}
