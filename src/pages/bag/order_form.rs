//! Ordering from the bag: the selected lines, delivered home or picked up in a store that has
//! all of them.

use super::Row;
use crate::api::bag::OpId;
use crate::api::{
    ApiError, Client, DeliveryAddress, DraftProblem, ErrorCode, Order, OrderDraft, OrderMethod,
    OrderRequest, Sku, StoreId,
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
    only: StoredValue<Vec<Sku>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let bag = use_bag();
    // Every line she can order is in (or each line the prompt named), until she takes it out.
    let only = only.try_update_value(std::mem::take).unwrap_or_default();
    let deselected = RwSignal::new(rows.with_untracked(|rows| {
        rows.iter()
            .map(|r| r.line.sku.clone())
            .filter(|sku| !only.is_empty() && !only.contains(sku))
            .collect::<HashSet<_>>()
    }));
    let chosen = chosen_lines(rows, deselected);
    let pickup_options = pickup_options(chosen);
    let fields = Fields::default();
    let store = fields.store;
    keep_a_pickup_store(pickup_options, store);
    let problem = RwSignal::new(None::<String>);
    // An order sent without a clear answer, kept with its idempotency key for the retry.
    let attempt = StoredValue::new(None::<(OrderRequest, OpId)>);
    let place = placing(attempt, problem);
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
        let skus = chosen.with_untracked(|rows| rows.iter().map(|r| r.line.sku.clone()).collect());
        match fields.draft(skus).build(bag.status() == SyncStatus::Synced) {
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
            <MethodChoice method=fields.method />
            <Show when=move || fields.method.get() == OrderMethod::Pickup>
                <PickupStore options=pickup_options store />
            </Show>
            <Show when=move || fields.method.get() == OrderMethod::Delivery>
                <DeliveryFields fields />
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

/// The lines ticked to order: those she can order that she has not taken out.
fn chosen_lines(rows: Memo<Vec<Row>>, deselected: RwSignal<HashSet<Sku>>) -> Memo<Vec<Row>> {
    Memo::new(move |_| {
        rows.with(|rows| {
            deselected.with(|off| {
                rows.iter()
                    .filter(|r| r.variant.is_some() && !off.contains(&r.line.sku))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    })
}

/// The stores that have every chosen line, as many as she wants of each.
fn pickup_options(chosen: Memo<Vec<Row>>) -> Memo<Vec<StoreId>> {
    let stores = use_stores();
    Memo::new(move |_| {
        let ids: Vec<StoreId> = stores.list().into_iter().map(|s| s.id).collect();
        chosen.with(|rows| {
            let wanted = rows
                .iter()
                .filter_map(|r| Some((r.variant.as_ref()?, r.line.quantity)));
            pickup_stores(wanted, &ids)
        })
    })
}

/// The pickup store stays one that has every chosen line: the one she stands in when it does,
/// else the first.
fn keep_a_pickup_store(options: Memo<Vec<StoreId>>, store: RwSignal<String>) {
    let here = use_here();
    Effect::new(move |_| {
        let options = options.get();
        if !options.contains(&store.get_untracked().into()) {
            let preferred = here.store_id().filter(|id| options.contains(id));
            store.set(
                preferred
                    .or_else(|| options.first().cloned())
                    .map_or_else(String::new, |id| id.to_string()),
            );
        }
    });
}

/// Sends an order with its idempotency key and goes to its page. An answer that never came
/// keeps the `attempt`, to be sent again as it was; any failure is said in `problem`.
fn placing(
    attempt: StoredValue<Option<(OrderRequest, OpId)>>,
    problem: RwSignal<Option<String>>,
) -> Action<(OrderRequest, OpId), ()> {
    let i18n = use_i18n();
    let bag = use_bag();
    let client = expect_context::<Client>();
    let location = use_address();
    Action::new_local(move |(request, key): &(OrderRequest, OpId)| {
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
    })
}

/// The form's fields as she fills them in.
#[derive(Clone, Copy)]
struct Fields {
    method: RwSignal<OrderMethod>,
    store: RwSignal<String>,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    address: RwSignal<String>,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            method: RwSignal::new(OrderMethod::Pickup),
            store: RwSignal::default(),
            name: RwSignal::default(),
            phone: RwSignal::default(),
            address: RwSignal::default(),
        }
    }
}

impl Fields {
    /// The order as she filled it in, for these lines.
    fn draft(self, skus: Vec<Sku>) -> OrderDraft {
        OrderDraft {
            skus,
            method: self.method.get_untracked(),
            store: self.store.get_untracked(),
            address: DeliveryAddress {
                name: self.name.get_untracked(),
                phone: self.phone.get_untracked(),
                address: self.address.get_untracked(),
            },
        }
    }
}

/// Picked up in a store, or delivered home.
#[component]
fn MethodChoice(method: RwSignal<OrderMethod>) -> impl IntoView {
    let i18n = use_i18n();
    let chip = move |choice: OrderMethod, label: fn(I18n) -> &'static str| {
        view! {
            <label class="chip">
                <input
                    type="radio"
                    name="method"
                    prop:checked=move || method.get() == choice
                    on:change=move |_| method.set(choice)
                />
                <span>{move || label(i18n)}</span>
            </label>
        }
    };
    view! {
        <fieldset class="choice">
            <legend class="visually-hidden">{move || i18n.order_title()}</legend>
            {chip(OrderMethod::Pickup, I18n::pick_up)}
            {chip(OrderMethod::Delivery, I18n::deliver_home)}
        </fieldset>
    }
}

/// The stores that have every chosen line, the one she stands in first when it does.
#[component]
fn PickupStore(options: Memo<Vec<StoreId>>, store: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let stores = use_stores();
    view! {
        <Show
            when=move || !options.with(Vec::is_empty)
            fallback=move || view! { <p class="hint">{move || i18n.no_pickup_store()}</p> }
        >
            <label class="field">
                <span>{move || i18n.pickup_store()}</span>
                <select on:change=move |ev| store.set(event_target_value(&ev)) prop:value=move || store.get()>
                    {move || {
                        options
                            .get()
                            .into_iter()
                            .map(|id| {
                                let label = stores
                                    .find(&id)
                                    .map_or_else(|| id.to_string(), |s| s.name.get(lang()).to_string());
                                view! { <option value=id.to_string()>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
        </Show>
    }
}

/// Where a delivery goes.
#[component]
fn DeliveryFields(fields: Fields) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label class="field">
            <span>{move || i18n.recipient()}</span>
            <input type="text" autocomplete="name" bind:value=fields.name />
        </label>
        <label class="field">
            <span>{move || i18n.phone()}</span>
            <input type="tel" autocomplete="tel" bind:value=fields.phone />
        </label>
        <label class="field">
            <span>{move || i18n.address()}</span>
            <input type="text" autocomplete="street-address" bind:value=fields.address />
        </label>
    }
}

/// Which lines go into the order: each one she can order, ticked until she takes it out.
#[component]
fn LinesToOrder(rows: Memo<Vec<Row>>, deselected: RwSignal<HashSet<Sku>>) -> impl IntoView {
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
