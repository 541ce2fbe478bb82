//! `/bag`: the lines the shopper keeps, grouped by where she can get them, with quantities,
//! notes, removal with undo, the total, whether the bag is synced, and ordering.

mod extras;
mod order_form;

use crate::api::bag::{Intent, Line, OpId};
use crate::api::{product_id_of, Client, Lang, Money, Product, ProductId, Sku, Variant};
use crate::components::{use_lang, LazyScreen, Price, ScreenFetch, Slot};
use crate::features::bag::{use_bag, Availability, Bag, BagNotice, Group, SyncStatus};
use crate::features::store::{use_here, use_stores};
use crate::i18n::*;
use crate::lazy::split_point;
use crate::lazy::ChunkError;
use crate::route::Route;
use leptos::prelude::*;

/// One line with what the page knows about its product.
#[derive(Clone, PartialEq)]
pub struct Row {
    line: Line,
    product: Option<Product>,
    variant: Option<Variant>,
    availability: Option<Availability>,
}

impl Row {
    /// The product's name, or the line's sku until the product is known.
    fn name(&self, lang: Lang) -> String {
        self.product.as_ref().map_or_else(
            || self.line.sku.to_string(),
            |p| p.name.get(lang).to_string(),
        )
    }

    /// "Black · M".
    fn details(&self, lang: Lang) -> Option<String> {
        let (product, variant) = (self.product.as_ref()?, self.variant.as_ref()?);
        let colour = product.colour(&variant.colour)?.name.get(lang);
        Some(format!("{colour} · {}", variant.size))
    }

    /// The line as she knows it: the product's name, its colour and size.
    fn title(&self, lang: Lang) -> String {
        match self.details(lang) {
            Some(details) => format!("{} ({details})", self.name(lang)),
            None => self.name(lang),
        }
    }

    fn total(&self) -> Money {
        self.variant
            .as_ref()
            .map_or(Money(0), |v| v.price * u32::from(self.line.quantity))
    }
}

#[component]
pub fn BagPage() -> impl IntoView {
    let i18n = use_i18n();
    let bag = use_bag();
    let here = use_here();
    fetch_missing_products(bag, expect_context::<Client>());
    let rows = Memo::new(move |_| {
        let here = here.store_id();
        bag.lines()
            .into_iter()
            .map(|line| {
                let product = bag.product(&product_id_of(&line.sku));
                let variant = product
                    .as_ref()
                    .and_then(|p| p.variants.iter().find(|v| v.sku == line.sku).cloned());
                let availability = variant
                    .as_ref()
                    .map(|v| Availability::of(v, line.quantity, here.as_ref()));
                Row {
                    line,
                    product,
                    variant,
                    availability,
                }
            })
            .collect::<Vec<_>>()
    });
    let total = Signal::derive(move || rows.with(|rows| rows.iter().map(Row::total).sum()));
    let removed = RwSignal::new(None::<(OpId, String)>);
    let ordering = Ordering::default();
    let slots = LineSlots::new();
    view! {
        <section class="page bag">
            <h1>{move || i18n.bag_title()}</h1>
            <SyncState bag />
            <Notice bag />
            <Show
                when=move || !rows.with(Vec::is_empty)
                fallback=move || view! { <p class="hint">{move || i18n.bag_empty()}</p> }
            >
                {move || {
                    // Written out rather than as a function over any line type: a generic
                    // one weighed 0.1 KB more in this page's first load.
                    let rows = rows.get();
                    Group::ALL
                        .into_iter()
                        .filter_map(|group| {
                            let rows: Vec<Row> = rows
                                .iter()
                                .filter(|r| Group::of(r.availability.as_ref()) == group)
                                .cloned()
                                .collect();
                            (!rows.is_empty())
                                .then(|| view! { <GroupSection group rows removed slots /> })
                        })
                        .collect_view()
                }}
                <p class="bag-total">
                    <span>{move || i18n.total()}</span>
                    <Price amount=total />
                </p>
                <OrderingForm rows ordering />
                <LazyScreen load=Callback::new(move |()| -> ScreenFetch {
                    Box::pin(extras::bag_extras(rows, ordering, slots))
                }) />
            </Show>
            <UndoBar removed />
        </section>
    }
}

/// Where each line shows what the bag's extras chunk draws (see `extras`): its picture (the
/// style puts it at the line's top), festival prices, "remind me" and its note. One slot: each
/// part of a line's view weighs in the bag's first load.
pub type LineSlots = Slot;

/// Whether the order form is open, and which lines it starts with ticked: all, unless a
/// "time to order" prompt named the ones its prices concern (then `only` holds them, for the
/// form's next opening only).
#[derive(Clone, Copy, Default)]
pub struct Ordering {
    open: RwSignal<bool>,
    only: StoredValue<Vec<Sku>>,
}

/// The order form opens on a tap: its code is fetched then (see `crate::lazy`), so a shopper
/// who opens her bag to look at it does not wait for it.
#[component]
fn OrderingForm(rows: Memo<Vec<Row>>, ordering: Ordering) -> impl IntoView {
    let i18n = use_i18n();
    let open = ordering.open;
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="button primary wide" on:click=move |_| open.set(true)>
                    {move || i18n.start_order()}
                </button>
            }
        >
            <LazyScreen load=Callback::new(move |()| -> ScreenFetch {
                Box::pin(order_form(rows, ordering.only))
            }) />
        </Show>
    }
}

split_point! { order_form:
    fn order_form(rows: Memo<Vec<Row>>, only: StoredValue<Vec<Sku>>) -> Result<AnyView, ChunkError> {
        Ok(view! { <order_form::OrderForm rows only /> }.into_any())
    }
}

#[component]
fn GroupSection(
    group: Group,
    rows: Vec<Row>,
    removed: RwSignal<Option<(OpId, String)>>,
    slots: LineSlots,
) -> impl IntoView {
    let i18n = use_i18n();
    let here = use_here();
    let title = move || match group {
        Group::TakeToday => i18n.group_take_today().to_string(),
        Group::Elsewhere if here.store_id().is_some() => i18n.group_elsewhere().to_string(),
        Group::Elsewhere => i18n.group_in_stores().to_string(),
        Group::OnlineOnly => i18n.group_online_only().to_string(),
        Group::SoldOut => i18n.group_sold_out().to_string(),
        Group::Loading => i18n.loading_product().to_string(),
    };
    view! {
        <section class="bag-group">
            <h2>{title}</h2>
            <ul class="bag-lines">
                {rows
                    .into_iter()
                    .map(|row| view! { <LineItem row removed slots /> })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn LineItem(
    row: Row,
    removed: RwSignal<Option<(OpId, String)>>,
    slots: LineSlots,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let bag = use_bag();
    let stores = use_stores();
    let shown = StoredValue::new(row.clone());
    let Row {
        line,
        variant,
        availability,
        ..
    } = row;
    let sku = StoredValue::new(line.sku.clone());
    let quantity = line.quantity;
    let title_id = format!("line-{}", line.sku);
    let name = move || shown.with_value(|r| r.name(lang()));
    let details = move || shown.with_value(|r| r.details(lang()));
    let href = variant
        .as_ref()
        .map(|v| Route::Product(v.ean13.clone()).href());
    let pickup = match &availability {
        Some(Availability::Elsewhere { stores: ids, .. }) => {
            let ids = ids.clone();
            Some(move || {
                let names: Vec<String> = ids
                    .iter()
                    .filter_map(|id| stores.find(id))
                    .map(|s| s.name.get(lang()).to_string())
                    .collect();
                let separator = if lang() == Lang::En { ", " } else { "、" };
                i18n.pick_up_at(names.join(separator)).to_string()
            })
        }
        _ => None,
    };
    let intent = line.intent.map(|intent| match intent {
        Intent::WaitForPromotion => i18n.intent_wait().to_string(),
        Intent::SoldOutHere => i18n.intent_sold_out().to_string(),
    });
    let unit_price = variant.as_ref().map(|v| v.price);
    let remove = move |_| {
        if let Some(removal) = bag.remove(&sku.get_value()) {
            removed.set(Some((removal, name())));
        }
    };
    view! {
        <li class="bag-line">
            <div class="bag-line-head">
                <h3 id=title_id.clone()>
                    {match href {
                        Some(href) => view! { <a href=href>{name}</a> }.into_any(),
                        None => view! { <span>{name}</span> }.into_any(),
                    }}
                </h3>
                {unit_price.map(|price| view! { <Price amount=price * u32::from(quantity) /> })}
            </div>
            <p class="hint">{details}</p>
            {intent.map(|text| view! { <p class="tag">{text}</p> })}
            {pickup.map(|text| view! { <p class="hint">{text}</p> })}
            <div class="bag-line-controls">
                <Stepper sku quantity title_id=title_id.clone() />
                <button type="button" class="button" aria-describedby=title_id.clone() on:click=remove>
                    {move || i18n.remove()}
                </button>
            </div>
            {move || slots.view(sku.get_value().as_str())}
        </li>
    }
}

/// The line's quantity, one less or one more (each tap a change of the bag).
#[component]
fn Stepper(sku: StoredValue<Sku>, quantity: u8, title_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let bag = use_bag();
    view! {
        <div class="stepper" role="group" aria-label=move || i18n.quantity()>
            <button
                type="button"
                class="button"
                aria-describedby=title_id.clone()
                disabled=move || { quantity <= 1 }
                on:click=move |_| bag.set_quantity(&sku.get_value(), quantity - 1)
            >
                <span aria-hidden="true">"−"</span>
                <span class="visually-hidden">{move || i18n.one_less()}</span>
            </button>
            <output aria-live="polite">{quantity}</output>
            <button
                type="button"
                class="button"
                aria-describedby=title_id.clone()
                disabled=move || { quantity >= crate::api::bag::MAX_QUANTITY }
                on:click=move |_| bag.set_quantity(&sku.get_value(), quantity + 1)
            >
                <span aria-hidden="true">"+"</span>
                <span class="visually-hidden">{move || i18n.one_more()}</span>
            </button>
        </div>
    }
}

/// "Removed X. Undo" after a removal, until undone or replaced by the next removal.
#[component]
fn UndoBar(removed: RwSignal<Option<(OpId, String)>>) -> impl IntoView {
    let i18n = use_i18n();
    let bag = use_bag();
    view! {
        <div class="undo-bar" role="status">
            {move || {
                removed
                    .get()
                    .map(|(removal, name)| {
                        view! {
                            <span>{i18n.removed_line(name).to_string()}</span>
                            <button
                                type="button"
                                class="button"
                                on:click=move |_| {
                                    bag.undo(removal.clone());
                                    removed.set(None);
                                }
                            >
                                {move || i18n.undo()}
                            </button>
                        }
                    })
            }}
        </div>
    }
}

#[component]
fn SyncState(bag: Bag) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match bag.status() {
        SyncStatus::SavedOnDevice => i18n.status_saved(),
        SyncStatus::OnlyOnThisPage => i18n.status_only_on_this_page(),
        SyncStatus::Syncing => i18n.status_syncing(),
        SyncStatus::Synced => i18n.status_synced(),
    };
    // Only this page holds a change: as lasting as the state itself, not a notice to dismiss.
    let class = move || match bag.status() {
        SyncStatus::OnlyOnThisPage => "sync-status problem",
        _ => "sync-status",
    };
    view! { <p class=class role="status">{text}</p> }
}

#[component]
fn Notice(bag: Bag) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        bag.notice().map(|notice| {
            let text = match notice {
                BagNotice::DamagedStorage => i18n.notice_damaged(),
                BagNotice::Refused => i18n.notice_refused(),
                BagNotice::Full => i18n.notice_full(),
            };
            view! {
                <div class="problem" role="alert">
                    <p>{text}</p>
                    <button type="button" class="button" on:click=move |_| bag.dismiss_notice()>
                        {move || i18n.dismiss()}
                    </button>
                </div>
            }
        })
    }
}

/// Lines that arrived from another device may name products this device never saw: fetch them
/// once each and keep them with the bag.
fn fetch_missing_products(bag: Bag, client: Client) {
    // A few products at most: a list is smaller code than a set.
    let asked = StoredValue::new(Vec::<ProductId>::new());
    Effect::new(move |_| {
        for line in bag.lines() {
            let id = product_id_of(&line.sku);
            if bag.product(&id).is_some() || asked.with_value(|a| a.contains(&id)) {
                continue;
            }
            asked.update_value(|a| a.push(id.clone()));
            let client = client.clone();
            leptos::task::spawn_local(async move {
                match client.product_json(&id).await {
                    Ok(product) => bag.keep_product_json(&id, &product),
                    // Offline: ask again the next time the page opens.
                    Err(_) => asked.update_value(|a| a.retain(|asked| *asked != id)),
                }
            });
        }
    });
}
