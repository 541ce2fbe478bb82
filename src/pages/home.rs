//! The start page: enter a code or search, and pick the store you are standing in.

use crate::api::{Client, Fetch, Store, StoreId};
use crate::components::{
    use_lang, ApiProblem, CodeEntry, LazyScreen, Price, ScreenFetch, Skeleton,
};
use crate::features::bag::use_bag;
use crate::features::promos::FestivalOnStart;
use crate::features::store::{locate_nearest, use_here, use_stores};
use crate::i18n::*;
use crate::lazy::split_point;
use crate::lazy::ChunkError;
use crate::navigation::use_address;
use crate::route::Route;
use futures::future::LocalBoxFuture;
use leptos::prelude::*;

/// What "find the store nearest to me" found, shared with the store cards.
#[derive(Debug, Clone, PartialEq)]
enum Location {
    NotAsked,
    /// Refused, unavailable, or the locating code could not be fetched.
    Unavailable,
    Nearest(StoreId),
}

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let address = use_address();
    let search = move || address.query("q").unwrap_or_default();
    // Her bag on this device: she has been here, and the festival goes first (see there).
    let token = use_bag().stored_token();
    let returning = token.is_some();
    view! {
        <section class="page home">
            <h1>{move || i18n.home_title()}</h1>
            <p class="tagline">{move || i18n.tagline()}</p>
            {returning.then(|| view! { <FestivalOnStart token /> })}
            <CodeEntry initial=search() />
            <Show when=move || !search().trim().is_empty()>
                <LazyScreen load=Callback::new(move |()| -> ScreenFetch {
                    Box::pin(search_results(Signal::derive(search)))
                }) />
            </Show>
            <StoreList festival=!returning />
        </section>
    }
}

split_point! { search:
    /// Results appear after a search: their code is fetched then (see `crate::lazy`).
    fn search_results(query: Signal<String>) -> Result<AnyView, ChunkError> {
        Ok(view! { <SearchResults query /> }.into_any())
    }
}

split_point! { nearest:
    /// Where she is, as the nearest store; fetched on the tap that asks.
    fn locate(stores: Vec<Store>) -> Result<LocalBoxFuture<'static, Location>, ChunkError> {
        Ok(Box::pin(async move {
            locate_nearest(&stores)
                .await
                .map_or(Location::Unavailable, Location::Nearest)
        }))
    }
}

#[component]
fn SearchResults(query: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = expect_context::<Client>();
    let results = Fetch::new(move || {
        let client = client.clone();
        let query = query.get_untracked();
        async move { client.search(&query).await }
    });
    // New words, new results.
    Effect::new(move |searched: Option<()>| {
        query.track();
        if searched.is_some() {
            results.again();
        }
    });
    view! {
        <section class="results" aria-labelledby="results-title">
            <h2 id="results-title">{move || i18n.search_results()}</h2>
            {move || {
                results.with(|answer| match answer {
                        None => view! { <Skeleton /> }.into_any(),
                        Some(Ok(products)) if products.is_empty() => view! {
                            <p>{i18n.no_results(query.get()).to_string()}</p>
                        }
                        .into_any(),
                        Some(Ok(products)) => view! {
                            <ul class="product-list">
                                {products
                                    .iter()
                                    .cloned()
                                    .map(|p| {
                                        let href = Route::Product(p.ean13.clone()).href();
                                        view! {
                                            <li>
                                                <a href=href>
                                                    <span class="name">{move || p.name.get(lang()).to_string()}</span>
                                                    <span class="brand">{p.brand.clone()}</span>
                                                    <Price amount=p.price />
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                        .into_any(),
                        Some(Err(error)) => view! {
                            <ApiProblem error=error.clone() on_retry=move |_| results.again() />
                        }
                        .into_any(),
                })
            }}
        </section>
    }
}

/// The stores, with the festival below them for a first visit (`festival`).
#[component]
fn StoreList(festival: bool) -> impl IntoView {
    let i18n = use_i18n();
    let stores = use_stores();
    let location = RwSignal::new(Location::NotAsked);
    provide_context(location);
    let locate = move |_| {
        leptos::task::spawn_local(async move {
            let found = match locate(stores.list()).await {
                Ok(locating) => locating.await,
                Err(ChunkError) => Location::Unavailable,
            };
            location.set(found);
        });
    };
    view! {
        <section class="stores" aria-labelledby="stores-title">
            <h2 id="stores-title">{move || i18n.stores_title()}</h2>
            <button type="button" class="button" on:click=locate>
                {move || i18n.find_nearest()}
            </button>
            <p class="hint" role="status">
                {move || {
                    (location.get() == Location::Unavailable).then(|| i18n.no_location())
                }}
            </p>
            {move || match stores.answer() {
                None => view! { <Skeleton lines=4 /> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="store-list">
                        {list.into_iter().map(|store| view! { <StoreCard store /> }).collect_view()}
                    </ul>
                    {festival.then(|| view! { <FestivalOnStart token=None /> })}
                }
                .into_any(),
                Some(Err(error)) => view! {
                    <ApiProblem error on_retry=move |_| stores.again() />
                }
                .into_any(),
            }}
        </section>
    }
}

#[component]
fn StoreCard(store: Store) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let here = use_here();
    let id = store.id.clone();
    let chosen = StoredValue::new(store.clone());
    let is_here = {
        let id = id.clone();
        Memo::new(move |_| here.store_id().as_ref() == Some(&id))
    };
    let hours = store.opening_hours.clone();
    let store_for_name = store.clone();
    let title_id = format!("store-{}", store.id);
    let location = expect_context::<RwSignal<Location>>();
    let is_nearest = {
        let id = id.clone();
        move || location.with(|l| matches!(l, Location::Nearest(n) if *n == id))
    };
    view! {
        <li class="store-card" class:here=is_here>
            <h3 id=title_id.clone()>{move || store_for_name.name.get(lang()).to_string()}</h3>
            <p>{move || store.address.get(lang()).to_string()}</p>
            <p class="hint">{move || i18n.opening_hours(hours.clone()).to_string()}</p>
            <Show when=is_nearest.clone()>
                <p class="badge">{move || i18n.nearest_store()}</p>
            </Show>
            {move || {
                if is_here.get() {
                    view! { <p class="badge">{move || i18n.you_are_here()}</p> }.into_any()
                } else {
                    view! {
                        <button
                            type="button"
                            class="button"
                            aria-describedby=title_id.clone()
                            on:click=move |_| chosen.with_value(|store| here.choose(store))
                        >
                            {move || i18n.here_button()}
                        </button>
                    }
                    .into_any()
                }
            }}
        </li>
    }
}
