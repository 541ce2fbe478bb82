//! `/s/{store}`: what the QR code at a store's entrance opens — that store becomes "here" and
//! the shopper lands on the start page.

use crate::components::{ApiProblem, Skeleton};
use crate::features::store::{use_here, use_stores};
use crate::i18n::*;
use crate::route::Route;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

#[component]
pub fn StoreEntrance(store: String) -> impl IntoView {
    let i18n = use_i18n();
    let here = use_here();
    let stores = use_stores();
    let navigate = use_navigate();
    let wanted = StoredValue::new(store);
    view! {
        <section class="page store-entrance">
            <Transition fallback=|| view! { <Skeleton /> }>
                {move || {
                    let navigate = navigate.clone();
                    Suspend::new(async move {
                        let id = wanted.get_value();
                        let known = match stores.0.await {
                            Ok(list) => list,
                            Err(error) => {
                                return view! {
                                    <ApiProblem error on_retry=move |_| stores.0.refetch() />
                                }
                                .into_any();
                            }
                        };
                        match known.iter().find(|s| s.id == id) {
                            Some(store) => {
                                here.choose(store);
                                // Replace: "back" should not land on the QR link again.
                                let home = Route::Home.href();
                                navigate(&home, NavigateOptions { replace: true, ..Default::default() });
                                view! { <Skeleton /> }.into_any()
                            }
                            None => view! {
                                <h1>{move || i18n.unknown_store_title()}</h1>
                                <div class="problem" role="alert">
                                    <p>{i18n.unknown_store(id).to_string()}</p>
                                    <a href=Route::Home.href() class="button primary">
                                        {move || i18n.back_home()}
                                    </a>
                                </div>
                            }
                            .into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}
