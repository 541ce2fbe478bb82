//! `/s/{store}`: what the QR code at a store's entrance opens — that store becomes "here".

use crate::components::Skeleton;
use crate::features::store::{use_here, use_stores};
use crate::i18n::*;
use crate::pages::Home;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

#[component]
pub fn StoreEntrance() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let here = use_here();
    let stores = use_stores();
    let navigate = use_navigate();
    let wanted = move || params.read().get("store").unwrap_or_default();
    view! {
        <Transition fallback=|| view! { <Skeleton /> }>
            {move || {
                let navigate = navigate.clone();
                Suspend::new(async move {
                    let known = stores.0.await.ok().unwrap_or_default();
                    let id = wanted();
                    if known.iter().any(|s| s.id == id) {
                        here.choose(&id);
                        // Replace: "back" should not land on the QR link again.
                        navigate("/", NavigateOptions { replace: true, ..Default::default() });
                        view! { <Skeleton /> }.into_any()
                    } else {
                        view! {
                            <p class="problem" role="alert">
                                {t_string!(i18n, unknown_store, store = id).to_string()}
                            </p>
                            <Home />
                        }
                        .into_any()
                    }
                })
            }}
        </Transition>
    }
}
