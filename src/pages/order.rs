//! `/orders/{number}`: the confirmation of an order placed from this bag, and its payment (the
//! reference server's payment is one call; a real one would open the payment sheet here).

use crate::api::{store_clock, ApiError, Client, ErrorCode, Fetch, Fulfilment, Order, OrderStatus};
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
                        Some(Ok(placed)) => view! {
                            <Confirmation order=placed.clone() on_expired=move || order.again() />
                        }
                        .into_any(),
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
fn Confirmation(
    order: Order,
    on_expired: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let stores = use_stores();
    let status = RwSignal::new(order.status);
    let pay_by = store_clock(order.pay_by);
    let number = order.number.clone();
    let paying = order.number.clone();
    let fulfilment = order.fulfilment.clone();
    let where_to = move || match &fulfilment {
        Fulfilment::Pickup { store_id } => {
            let store = stores
                .find(store_id)
                .map_or_else(|| store_id.to_string(), |s| s.name.get(lang()).to_string());
            i18n.order_pickup_at(store).to_string()
        }
        Fulfilment::Delivery { address } => i18n.order_delivery_to(&address.name, &address.address),
    };
    view! {
        <h1>{move || i18n.order_confirmed_title()}</h1>
        <p class="order-number">
            <strong>{move || i18n.order_number(number.clone()).to_string()}</strong>
        </p>
        <p class="badge" data-status=move || format!("{:?}", status.get())>
            {move || match status.get() {
                OrderStatus::AwaitingPayment => i18n.order_awaiting_payment(),
                OrderStatus::Confirmed => i18n.order_confirmed(),
                OrderStatus::Expired => i18n.order_expired(),
            }}
        </p>
        <Show when=move || status.get() == OrderStatus::AwaitingPayment>
            <Payment number=paying.clone() pay_by=pay_by.clone() status on_expired />
        </Show>
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

/// Paying an order that waits for it, before its time runs out.
#[component]
fn Payment(
    number: String,
    pay_by: String,
    status: RwSignal<OrderStatus>,
    on_expired: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let bag = use_bag();
    let pay = Action::new_local(move |number: &String| {
        let (client, number) = (client.clone(), number.clone());
        async move {
            let token = bag
                .token()
                .ok_or_else(|| ApiError::Decode("this device has no bag".into()))?;
            client.confirm_order(&token, &number).await
        }
    });
    Effect::new(move |_| match pay.value().get() {
        Some(Ok(paid)) => status.set(paid.status),
        // Too late: read the order again, which now says so.
        Some(Err(error)) if error.code() == Some(ErrorCode::OrderExpired) => on_expired(),
        _ => {}
    });
    let pay_problem = move || {
        pay.value()
            .get()
            .and_then(Result::err)
            .map(|error| match error.code() {
                Some(ErrorCode::TooManyRequests) => i18n.error_too_many_requests().to_string(),
                _ if matches!(error, ApiError::Network(_)) => i18n.error_network().to_string(),
                _ => i18n.error_server().to_string(),
            })
    };
    view! {
        <p>{move || i18n.order_pay_by(pay_by.clone())}</p>
        <button
            class="button primary"
            disabled=move || pay.pending().get()
            on:click=move |_| {
                pay.dispatch(number.clone());
            }
        >
            {move || if pay.pending().get() { i18n.paying() } else { i18n.pay_now() }}
        </button>
        {move || pay_problem().map(|message| view! { <p class="problem" role="alert">{message}</p> })}
    }
}
