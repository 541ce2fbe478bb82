//! `/p/{code}`: the product a scanned or typed code names — colours, sizes, price, stock.

use crate::api::{Client, CodeMatch, Fetch, ScannedCode};
use crate::components::{Added, CodeProblem, LookupProblem, NewLine, ProductSheet, Skeleton};
use crate::features::bag::use_bag;
use crate::features::store::{use_here, use_stores};
use leptos::prelude::*;

#[component]
pub fn ProductPage(code: String) -> impl IntoView {
    let client = expect_context::<Client>();
    let code = StoredValue::new(code);
    let lookup = Fetch::new(move || {
        let client = client.clone();
        let code = code.get_value();
        async move {
            // A code that cannot exist is refused here, with its reason, without a round trip.
            ScannedCode::parse(&code).map_err(LookupProblem::Malformed)?;
            client.code(&code).await.map_err(LookupProblem::Api)
        }
    });
    view! {
        <section class="page product">
            {move || {
                lookup.with(|answer| match answer {
                    None => view! { <Skeleton lines=6 /> }.into_any(),
                    Some(Ok(found)) => view! { <Sheet found=found.clone() /> }.into_any(),
                    Some(Err(problem)) => view! {
                        <CodeProblem
                            code=code.get_value()
                            problem=problem.clone()
                            on_retry=move |_| lookup.again()
                        />
                    }
                    .into_any(),
                })
            }}
        </section>
    }
}

/// The sheet, adding to this device's bag.
#[component]
fn Sheet(found: CodeMatch) -> impl IntoView {
    let bag = use_bag();
    let here = use_here();
    let stores = use_stores();
    let added = RwSignal::new(Added::NotYet);
    let product = StoredValue::new(found.product.clone());
    let on_add = Callback::new(move |line: NewLine| {
        let product = product.get_value();
        leptos::task::spawn_local(async move {
            let put = bag.put(product, line.sku, line.store, line.intent).await;
            added.set(if put.is_ok() {
                Added::Yes
            } else {
                Added::Failed
            });
        });
    });
    view! {
        <ProductSheet
            found
            here=Signal::derive(move || here.store_id())
            stores=Signal::derive(move || stores.list())
            on_add
            added
        />
    }
}
