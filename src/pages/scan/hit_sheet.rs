//! What the screen shows after a hit: the line added, the product sheet, the way back to scanning.

use super::lookalikes::Lookalikes;
use super::{Hit, ScanScreen, Source};
use crate::api::{CodeMatch, LooksOf};
use crate::components::{Added, CodeProblem, NewLine, ProductSheet};
use crate::features::looks::{CompleteTheLook, LookChoice, LooksFor};
use crate::features::store::use_stores;
use crate::i18n::*;
use leptos::prelude::*;

/// After a hit: what was added, the product sheet, and the way back to scanning.
#[component]
pub(super) fn HitSheet(hit: Hit, scanner: ScanScreen) -> impl IntoView {
    let i18n = use_i18n();
    let next = move |_| scanner.scan_next();
    let body = match hit {
        Hit::Looking(_) => {
            view! { <p class="hint">{move || i18n.loading_product()}</p> }.into_any()
        }
        Hit::Added(found) => {
            let found = *found;
            let again = found.clone();
            view! {
                <div class="scan-added" role="status">
                    <p class="confirmation">{move || i18n.added_to_bag()}</p>
                    <button
                        type="button"
                        class="button"
                        on:click=move |_| scanner.add(&again)
                    >
                        {move || i18n.add_another()}
                    </button>
                </div>
                <Sheet found scanner />
            }
            .into_any()
        }
        Hit::Problem(code, problem) => {
            let retry_code = code.clone();
            view! {
                <CodeProblem
                    code
                    problem
                    on_retry=move |_| scanner.hit(retry_code.clone(), Source::Deliberate)
                />
            }
            .into_any()
        }
        Hit::NothingInPhoto => view! {
            <div class="problem" role="alert">
                <p>{move || i18n.photo_nothing()}</p>
            </div>
        }
        .into_any(),
        Hit::FindingLookalikes => {
            view! { <p class="hint" role="status">{move || i18n.finding_lookalikes()}</p> }
                .into_any()
        }
        Hit::Lookalikes(matches) => view! { <Lookalikes matches /> }.into_any(),
        Hit::NoLookalikes(why) => view! { <p class="problem" role="alert">{why}</p> }.into_any(),
    };
    view! {
        <div class="hit-sheet">
            <button type="button" class="button primary wide scan-next" on:click=next>
                {move || i18n.scan_next()}
            </button>
            {body}
        </div>
    }
}

/// The product sheet under a hit: its "add to bag" adds another of her choice.
#[component]
fn Sheet(found: CodeMatch, scanner: ScanScreen) -> impl IntoView {
    let stores = use_stores();
    let added = RwSignal::new(Added::NotYet);
    let product = StoredValue::new(found.product.clone());
    let on_add = Callback::new(move |line: NewLine| {
        product.with_value(|p| scanner.bag.add(p, &line.sku, line.store, line.intent));
        added.set(Added::Yes);
    });
    let here = Signal::derive(move || scanner.here.store_id());
    let on_look_add = Callback::new(move |choice: LookChoice| {
        let (product, _, line) = choice.into_line(here.get_untracked());
        scanner
            .bag
            .add(&product, &line.sku, line.store, line.intent);
    });
    let product_id = found.product.id.clone();
    let stores = Signal::derive(move || stores.list());
    view! {
        <ProductSheet found here stores on_add added />
        <CompleteTheLook looks=LooksFor {
            of: LooksOf::Product(product_id),
            here,
            token: Signal::derive(move || scanner.bag.stored_token()),
            stores,
            again: None,
            on_add: on_look_add,
        } />
    }
}
