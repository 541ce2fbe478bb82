//! `/p/{code}`: the product a scanned or typed code names — colours, sizes, price, stock.

use crate::api::{Client, CodeMatch, Fetch, LooksOf, ScannedCode};
use crate::components::{Added, CodeProblem, LookupProblem, NewLine, ProductSheet, Skeleton};
use crate::features::bag::use_bag;
use crate::features::looks::{CompleteTheLook, LookChoice, LooksFor};
use crate::features::store::{use_here, use_stores};
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsValue;

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
            let (found, json) = client
                .code_with_json(&code)
                .await
                .map_err(LookupProblem::Api)?;
            let product_json = js_sys::Reflect::get(&json, &"product".into()).unwrap_or(json);
            Ok::<_, LookupProblem>((found, SendWrapper::new(product_json)))
        }
    });
    view! {
        <section class="page product">
            {move || {
                lookup.with(|answer| match answer {
                    None => view! { <Skeleton lines=6 /> }.into_any(),
                    Some(Ok((found, json))) => view! {
                        <Sheet found=found.clone() product_json=json.clone() />
                    }
                    .into_any(),
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

/// The sheet, adding to this device's bag (the product, as the API sent it, is kept with it).
#[component]
fn Sheet(found: CodeMatch, product_json: SendWrapper<JsValue>) -> impl IntoView {
    let bag = use_bag();
    let here = use_here();
    let stores = use_stores();
    let added = RwSignal::new(Added::NotYet);
    let product = StoredValue::new(found.product.clone());
    let product_json = StoredValue::new(product_json);
    let on_add = Callback::new(move |line: NewLine| {
        let product = product.get_value();
        let json = product_json.get_value().take();
        leptos::task::spawn_local(async move {
            let put = bag.put(product, json, line).await;
            added.set(if put.is_ok() {
                Added::Yes
            } else {
                Added::Failed
            });
        });
    });
    let on_look_add = Callback::new(move |choice: LookChoice| {
        let (product, json, line) = choice.into_line(here.store_id());
        leptos::task::spawn_local(async move {
            let _ = bag.put(product, json, line).await;
        });
    });
    let product_id = found.product.id.clone();
    let here = Signal::derive(move || here.store_id());
    let stores = Signal::derive(move || stores.list());
    view! {
        <ProductSheet found here stores on_add added />
        <CompleteTheLook looks=LooksFor {
            of: LooksOf::Product(product_id),
            here,
            token: Signal::derive(move || bag.stored_token()),
            stores,
            again: None,
            on_add: on_look_add,
        } />
    }
}
