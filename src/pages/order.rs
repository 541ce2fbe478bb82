//! `/orders/{number}`: the confirmation of an order placed from this bag.

use crate::api::{ApiError, Client, ErrorCode, Fetch, Fulfilment, Order};
use crate::components::{use_lang, ApiProblem, Price, Skeleton};
use crate::features::bag::use_bag;
use crate::features::store::use_stores;
use crate::i18n::*;
use crate::route::Route;
use leptos::prelude::*;

#[component]
pub fn OrderPage(number: String) -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let bag = use_bag();
    let order = Fetch::new(move || {
        let number = number.clone();
        let client = client.clone();
        async move {
            let token = bag
                .token()
                .ok_or_else(|| ApiError::Decode("this device has no bag".into()))?;
            client.order(&token, &number).await
        }
    });
    view! {
        <section class="page order">
            {move || {
                order.with(|answer| match answer {
                        None => view! { <Skeleton lines=5 /> }.into_any(),
                        Some(Ok(order)) => view! { <Confirmation order=order.clone() /> }.into_any(),
                        Some(Err(error)) if error.code() == Some(ErrorCode::NotFound) => view! {
                            <h1>{move || i18n.not_found_title()}</h1>
                            <p class="problem" role="alert">{move || i18n.order_not_found()}</p>
                            <a href=Route::Bag.href() class="button">{move || i18n.back_to_bag()}</a>
                        }
                        .into_any(),
                        Some(Err(error)) => view! {
                            <h1>{move || i18n.order_title()}</h1>
                            <ApiProblem error=error.clone() on_retry=move |_| order.again() />
                        }
                        .into_any(),
                })
            }}
        </section>
    }
}

#[component]
fn Confirmation(order: Order) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let stores = use_stores();
    let number = order.number.clone();
    let fulfilment = order.fulfilment.clone();
    let where_to = move || match &fulfilment {
        Fulfilment::Pickup { store_id } => {
            let store = stores
                .find(store_id)
                .map_or_else(|| store_id.clone(), |s| s.name.get(lang()).to_string());
            i18n.order_pickup_at(store).to_string()
        }
        Fulfilment::Delivery { address } => i18n.order_delivery_to(&address.name, &address.address),
    };
    view! {
        <h1>{move || i18n.order_confirmed_title()}</h1>
        <p class="order-number">
            <strong>{move || i18n.order_number(number.clone()).to_string()}</strong>
        </p>
        <p class="badge">{move || i18n.order_awaiting_payment()}</p>
        <p>{where_to}</p>
        <ul class="stock">
            {order
                .lines
                .into_iter()
                .map(|line| {
                    let total = line.unit_price * u32::from(line.quantity);
                    view! {
                        <li>
                            <span>
                                {move || {
                                    format!(
                                        "{} · {} · {} × {}",
                                        line.name.get(lang()),
                                        line.colour.get(lang()),
                                        line.size,
                                        line.quantity,
                                    )
                                }}
                            </span>
                            <Price amount=total />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <p class="bag-total">
            <span>{move || i18n.total()}</span>
            <Price amount=order.total />
        </p>
        <a href=Route::Bag.href() class="button">{move || i18n.back_to_bag()}</a>
    }
}
