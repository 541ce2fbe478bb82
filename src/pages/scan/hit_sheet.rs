//! What the screen shows after a hit: the line added, the product sheet, the way back to scanning.

use super::{Hit, Scanner, Source};
use crate::components::CodeProblem;
use crate::i18n::*;
use crate::pages::product::ProductSheet;
use leptos::prelude::*;

/// After a hit: what was added, the product sheet, and the way back to scanning.
#[component]
pub(super) fn HitSheet(hit: Hit, scanner: Scanner) -> impl IntoView {
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
                <ProductSheet found />
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
