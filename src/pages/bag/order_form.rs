//! Ordering from the bag: the selected lines, delivered home or picked up in a store that has
//! all of them.

use super::Row;
use crate::api::bag::OpId;
use crate::api::{
    ApiError, Client, DeliveryAddress, DraftProblem, ErrorCode, Order, OrderDraft, OrderMethod,
    OrderRequest,
};
use crate::components::use_lang;
use crate::features::bag::{pickup_stores, random_bits, use_bag, SyncStatus};
use crate::features::store::{use_here, use_stores};
use crate::i18n::*;
use crate::navigation::use_address;
use crate::route::Route;
use leptos::prelude::*;
use std::collections::HashSet;

#[component]
pub fn OrderForm(
    rows: Memo<Vec<Row>>,
    /// Only these lines ticked at first (the ones a festival prompt named, taken from here so
    /// that her next opening ticks every line); all when empty.
    only: StoredValue<Vec<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let bag = use_bag();
    let here = use_here();
    let stores = use_stores();
    let client = expect_context::<Client>();
    let location = use_address();
    // Every line she can order is in (or each line the prompt named), until she takes it out.
    let only = only.try_update_value(std::mem::take).unwrap_or_default();
    let deselected = RwSignal::new(rows.with_untracked(|rows| {
        rows.iter()
            .map(|r| r.line.sku.clone())
            .filter(|sku| !only.is_empty() && !only.contains(sku))
            .collect::<HashSet<_>>()
    }));
    let chosen = Memo::new(move |_| {
        rows.with(|rows| {
            deselected.with(|off| {
                rows.iter()
                    .filter(|r| r.variant.is_some() && !off.contains(&r.line.sku))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    });
    let pickup_options = Memo::new(move |_| {
        let ids: Vec<String> = stores.list().into_iter().map(|s| s.id).collect();
        chosen.with(|rows| {
            let wanted = rows
                .iter()
                .filter_map(|r| Some((r.variant.as_ref()?, r.line.quantity)));
            pickup_stores(wanted, ids.iter().map(String::as_str))
        })
    });
    let method = RwSignal::new(OrderMethod::Pickup);
    let store = RwSignal::new(String::new());
    // Prefer the store she stands in, else the first that has everything.
    Effect::new(move |_| {
        let options = pickup_options.get();
        if !options.contains(&store.get_untracked()) {
            let preferred = here.store_id().filter(|id| options.contains(id));
            store.set(
                preferred
                    .or_else(|| options.first().cloned())
                    .unwrap_or_default(),
            );
        }
    });
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    // An order sent without a clear answer, kept with its idempotency key for the retry.
    let attempt = StoredValue::new(None::<(OrderRequest, OpId)>);

    // The form as she filled it in.
    let draft = move || OrderDraft {
        skus: chosen.with_untracked(|rows| rows.iter().map(|r| r.line.sku.clone()).collect()),
        method: method.get_untracked(),
        store: store.get_untracked(),
        address: DeliveryAddress {
            name: name.get_untracked(),
            phone: phone.get_untracked(),
            address: address.get_untracked(),
        },
    };
    let place = Action::new_local(move |(request, key): &(OrderRequest, OpId)| {
        let (request, key, client) = (request.clone(), key.clone(), client.clone());
        let token = bag.token();
        async move {
            let Some(token) = token else {
                return;
            };
            match client.place_order(&token, &key, &request).await {
                Ok(Order { number, .. }) => {
                    attempt.set_value(None);
                    bag.wake_sync();
                    location.go(&Route::Order(number));
                }
                Err(error) => {
                    let unsettled = error.is_transient();
                    attempt.set_value(unsettled.then_some((request, key)));
                    problem.set(Some(order_problem(i18n, &error)));
                }
            }
        }
    });
    let busy = place.pending();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        problem.set(None);
        // An attempt whose answer never came is sent again as it was: the server may have
        // placed it (and taken the lines out of the bag), and the same key returns that order.
        if let Some(unsettled) = attempt.get_value() {
            place.dispatch(unsettled);
            return;
        }
        match draft().build(bag.status() == SyncStatus::Synced) {
            Ok(request) => {
                place.dispatch((request, OpId::from_bits(random_bits())));
            }
            Err(why) => problem.set(Some(draft_problem(i18n, why).to_string())),
        }
    };

    view! {
        <form class="order-form" aria-labelledby="order-title" on:submit=submit>
            <h2 id="order-title">{move || i18n.order_title()}</h2>
            <LinesToOrder rows deselected />
            <fieldset class="choice">
                <legend class="visually-hidden">{move || i18n.order_title()}</legend>
                <label class="chip">
                    <input
                        type="radio"
                        name="method"
                        prop:checked=move || method.get() == OrderMethod::Pickup
                        on:change=move |_| method.set(OrderMethod::Pickup)
                    />
                    <span>{move || i18n.pick_up()}</span>
                </label>
                <label class="chip">
                    <input
                        type="radio"
                        name="method"
                        prop:checked=move || method.get() == OrderMethod::Delivery
                        on:change=move |_| method.set(OrderMethod::Delivery)
                    />
                    <span>{move || i18n.deliver_home()}</span>
                </label>
            </fieldset>
            <Show when=move || method.get() == OrderMethod::Pickup>
                <Show
                    when=move || !pickup_options.with(Vec::is_empty)
                    fallback=move || view! { <p class="hint">{move || i18n.no_pickup_store()}</p> }
                >
                    <label class="field">
                        <span>{move || i18n.pickup_store()}</span>
                        <select on:change=move |ev| store.set(event_target_value(&ev)) prop:value=move || store.get()>
                            {move || {
                                pickup_options
                                    .get()
                                    .into_iter()
                                    .map(|id| {
                                        let label = stores
                                            .find(&id)
                                            .map_or_else(|| id.clone(), |s| s.name.get(lang()).to_string());
                                        view! { <option value=id>{label}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                </Show>
            </Show>
            <Show when=move || method.get() == OrderMethod::Delivery>
                <label class="field">
                    <span>{move || i18n.recipient()}</span>
                    <input type="text" autocomplete="name" bind:value=name />
                </label>
                <label class="field">
                    <span>{move || i18n.phone()}</span>
                    <input type="tel" autocomplete="tel" bind:value=phone />
                </label>
                <label class="field">
                    <span>{move || i18n.address()}</span>
                    <input type="text" autocomplete="street-address" bind:value=address />
                </label>
            </Show>
            <p class="field-problem" role="alert">{move || problem.get()}</p>
            <button type="submit" class="button primary wide" disabled=move || busy.get()>
                {move || {
                    if busy.get() {
                        i18n.placing_order()
                    } else {
                        i18n.place_order()
                    }
                }}
            </button>
        </form>
    }
}

/// Which lines go into the order: each one she can order, ticked until she takes it out.
#[component]
fn LinesToOrder(rows: Memo<Vec<Row>>, deselected: RwSignal<HashSet<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    view! {
        <fieldset class="order-lines">
            <legend>{move || i18n.order_lines()}</legend>
            {move || {
                rows.get()
                    .into_iter()
                    .filter(|row| row.variant.is_some())
                    .map(|row| {
                        let sku = StoredValue::new(row.line.sku.clone());
                        let title = row.title(lang());
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || deselected.with(|off| !sku.with_value(|s| off.contains(s)))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let sku = sku.get_value();
                                        deselected.update(|off| {
                                            if on {
                                                off.remove(&sku);
                                            } else {
                                                off.insert(sku);
                                            }
                                        });
                                    }
                                />
                                <span>{title}</span>
                            </label>
                        }
                    })
                    .collect_view()
            }}
        </fieldset>
    }
}

fn draft_problem(i18n: I18n, problem: DraftProblem) -> &'static str {
    match problem {
        DraftProblem::NotSynced => i18n.order_needs_sync(),
        DraftProblem::NothingSelected => i18n.order_nothing_selected(),
        DraftProblem::NoPickupStore => i18n.no_pickup_store(),
        DraftProblem::MissingAddress => i18n.order_missing_address(),
    }
}

fn order_problem(i18n: I18n, error: &ApiError) -> String {
    match error.code() {
        Some(ErrorCode::SoldOut) => i18n.order_sold_out().to_string(),
        Some(ErrorCode::InvalidOrder) => i18n.order_invalid().to_string(),
        Some(ErrorCode::TooManyOpenOrders) => i18n.order_too_many_open().to_string(),
        Some(ErrorCode::TooManyRequests) => i18n.error_too_many_requests().to_string(),
        _ if matches!(error, ApiError::Network(_)) => i18n.error_network().to_string(),
        _ => i18n.error_server().to_string(),
    }
}
