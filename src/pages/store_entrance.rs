//! `/s/{store}`: what the QR code at a store's entrance opens — that store becomes "here" and
//! the shopper goes on to the start page.

use crate::components::{ApiProblem, Skeleton};
use crate::features::store::{use_here, use_stores};
use crate::i18n::*;
use crate::navigation::use_address;
use crate::route::Route;
use leptos::prelude::*;

#[component]
pub fn StoreEntrance(store: String) -> impl IntoView {
    let i18n = use_i18n();
    let here = use_here();
    let stores = use_stores();
    let address = use_address();
    let wanted = StoredValue::new(store);
    // Whether the list has arrived with this store in it: `None` while it is on its way.
    let known = move || {
        let list = stores.answer()?.ok()?;
        Some(wanted.with_value(|id| list.into_iter().find(|s| s.id.as_str() == id)))
    };
    Effect::new(move |_| {
        if let Some(Some(store)) = known() {
            here.choose(&store);
            // Replace: "back" should not land on the QR link again.
            address.replace(&Route::Home);
        }
    });
    view! {
        <section class="page store-entrance">
            {move || match (stores.answer(), known()) {
                (Some(Err(error)), _) => view! {
                    <ApiProblem error on_retry=move |_| stores.again() />
                }
                .into_any(),
                (_, Some(None)) => view! {
                    <h1>{move || i18n.unknown_store_title()}</h1>
                    <div class="problem" role="alert">
                        <p>{i18n.unknown_store(wanted.get_value()).to_string()}</p>
                        <a href=Route::Home.href() class="button primary">
                            {move || i18n.back_home()}
                        </a>
                    </div>
                }
                .into_any(),
                _ => view! { <Skeleton /> }.into_any(),
            }}
        </section>
    }
}
