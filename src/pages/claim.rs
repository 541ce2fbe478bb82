//! `/claim/{code}`: a kiosk's bag, opened on her phone from the kiosk's QR code (by the phone's
//! camera app or our scanner). She sees the lines first; "Put them in my bag" takes them into her
//! bag on the server (her member bag when signed in) and the bag page syncs them down.

use crate::api::bag::Line;
use crate::api::handoff::ClaimCode;
use crate::api::{product_id_of, ApiError, Client, ErrorCode, Fetch, Product, Sku};
use crate::components::{use_lang, Skeleton};
use crate::features::bag::use_bag;
use crate::i18n::*;
use crate::navigation::use_address;
use crate::route::Route;
use leptos::prelude::*;

/// What the page can say of a code that does not lead to lines.
fn problem(i18n: I18n, error: &ApiError) -> &'static str {
    match error.code() {
        Some(ErrorCode::ClaimNotFound) => i18n.claim_not_found(),
        Some(ErrorCode::ClaimUsed) => i18n.claim_used(),
        Some(ErrorCode::ClaimExpired) => i18n.claim_expired(),
        _ => i18n.claim_failed(),
    }
}

#[component]
pub fn ClaimPage(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let Some(code) = ClaimCode::parse(&code) else {
        return view! {
            <section class="page claim">
                <h1>{move || i18n.claim_title()}</h1>
                <p class="problem" role="alert">{move || i18n.claim_not_found()}</p>
            </section>
        }
        .into_any();
    };
    let client = expect_context::<Client>();
    let offered = Fetch::new({
        let (client, code) = (client.clone(), code.clone());
        move || {
            let (client, code) = (client.clone(), code.clone());
            async move { client.open_claim(&code).await }
        }
    });
    view! {
        <section class="page claim">
            <h1>{move || i18n.claim_title()}</h1>
            {move || offered.with(|answer| match answer {
                None => view! { <Skeleton lines=4 /> }.into_any(),
                Some(Err(error)) => {
                    let message = problem(i18n, error);
                    view! { <p class="problem" role="alert">{message}</p> }.into_any()
                }
                Some(Ok(offer)) => view! {
                    <Offered lines=offer.lines.clone() code=code.clone() />
                }
                .into_any(),
            })}
        </section>
    }
    .into_any()
}

#[component]
fn Offered(lines: Vec<Line>, code: ClaimCode) -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let bag = use_bag();
    let address = use_address();
    let take = Action::new_local(move |code: &ClaimCode| {
        let (client, code) = (client.clone(), code.clone());
        async move {
            // Stored now, so the lines stay hers on this device when the bag page opens.
            let token = bag
                .lasting_token()
                .ok_or_else(|| ApiError::Decode("this device keeps no bag".into()))?;
            client.claim(&token, &code).await?;
            bag.wake_sync();
            address.go(&Route::Bag);
            Ok::<(), ApiError>(())
        }
    });
    let refused = move || {
        take.value()
            .get()
            .and_then(Result::err)
            .map(|error| view! { <p class="problem" role="alert">{problem(i18n, &error)}</p> })
    };
    view! {
        <p>{move || i18n.claim_text()}</p>
        <ul class="claim-lines">
            {lines.into_iter().map(|line| view! { <OfferedLine line /> }).collect_view()}
        </ul>
        <button
            type="button"
            class="button primary"
            disabled=move || take.pending().get()
            on:click=move |_| {
                take.dispatch(code.clone());
            }
        >
            {move || if take.pending().get() { i18n.claim_taking() } else { i18n.claim_take() }}
        </button>
        {refused}
    }
}

/// A line as she knows it: the product's name, colour and size (the sku until it has arrived).
#[component]
fn OfferedLine(line: Line) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = expect_context::<Client>();
    let product = Fetch::new({
        let id = product_id_of(&line.sku);
        move || {
            let (client, id) = (client.clone(), id.clone());
            async move { client.product(&id).await }
        }
    });
    let (sku, quantity) = (line.sku, line.quantity);
    let text = move || {
        let found = product.with(|p| {
            p.and_then(|p| p.as_ref().ok())
                .map(|p| described(p, &sku, lang()))
        });
        let (name, variant) = found.unwrap_or_else(|| (sku.to_string(), String::new()));
        i18n.claim_line(name, variant, quantity.to_string())
    };
    view! { <li>{text}</li> }
}

/// The product's name and the variant's colour and size.
fn described(product: &Product, sku: &Sku, lang: crate::api::Lang) -> (String, String) {
    let name = product.name.get(lang).to_string();
    let variant = product
        .variants
        .iter()
        .find(|v| v.sku == *sku)
        .map(|v| {
            let colour = product
                .colour(&v.colour)
                .map_or_else(|| v.colour.to_string(), |c| c.name.get(lang).to_string());
            format!("{colour} / {}", v.size)
        })
        .unwrap_or_default();
    (name, variant)
}
