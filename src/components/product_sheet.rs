//! Colour, size, price, stock here and nearby, and "add to bag": the product page's body, and
//! what the scanner shows after a hit. Shared UI: the screen that shows it says which store
//! she stands in, which stores there are, and what adding does.

use crate::api::bag::Intent;
use crate::api::{CodeMatch, ColourCode, Product, Sku, Store, StoreId, Variant};
use crate::components::{picture, use_lang, Load, Price};
use crate::i18n::*;
use crate::route::Route;
use leptos::prelude::*;

/// Her choice, for the bag: the variant, the store she stands in, and why she keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLine {
    pub sku: Sku,
    pub store: Option<StoreId>,
    pub intent: Option<Intent>,
}

/// How adding her choice went, for the confirmation under the button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    NotYet,
    Yes,
    /// The bag's code could not be fetched (offline before the app was kept on the device).
    Failed,
}

/// Colour, size, price, stock here and nearby, and "add to bag": the product page's body, and
/// what the scanner shows after a hit.
#[component]
pub fn ProductSheet(
    found: CodeMatch,
    /// The store she stands in.
    here: Signal<Option<StoreId>>,
    /// Every store, for the stock list.
    stores: Signal<Vec<Store>>,
    /// What "add to bag" does with her choice; it reports how that went in `added`.
    on_add: Callback<NewLine>,
    added: RwSignal<Added>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let scanned = found.variant().cloned();
    let product = StoredValue::new(found.product);
    let colour = RwSignal::new(
        scanned
            .as_ref()
            .map_or_else(|| ColourCode::from(""), |v| v.colour.clone()),
    );
    let size = RwSignal::new(scanned.map(|v| v.size).unwrap_or_default());
    let variant =
        Memo::new(move |_| product.with_value(|p| p.variant(&colour.get(), &size.get()).cloned()));
    let price = Signal::derive(move || {
        variant
            .get()
            .map(|v| v.price)
            .unwrap_or_else(|| product.with_value(|p| p.price))
    });
    let name = move || product.with_value(|p| p.name.get(lang()).to_string());
    let description = move || product.with_value(|p| p.description.get(lang()).to_string());
    let brand = product.with_value(|p| p.brand.clone());
    view! {
        <article class="product-sheet">
            {move || product.with_value(|p| picture(p, &colour.get(), lang(), Load::AtOnce, ""))}
            <p class="brand">{brand}</p>
            <h1>{name}</h1>
            <Price amount=price />
            <p class="description">{description}</p>
            <ColourChoice product colour />
            <SizeChoice product colour size here />
            <AddToBag variant here on_add added />
            <h2>{move || i18n.stock_title()}</h2>
            {move || variant.get().map(|v| view! { <StockList variant=v here stores /> })}
        </article>
    }
}

#[component]
fn ColourChoice(product: StoredValue<Product>, colour: RwSignal<ColourCode>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let colours = product.with_value(|p| p.colours.clone());
    view! {
        <fieldset class="choice colours">
            <legend>{move || i18n.colour()}</legend>
            {colours
                .into_iter()
                .map(|c| {
                    let code = c.code.clone();
                    let checked = {
                        let code = code.clone();
                        move || colour.get() == code
                    };
                    view! {
                        <label class="chip">
                            <input
                                type="radio"
                                name="colour"
                                prop:checked=checked
                                on:change=move |_| colour.set(code.clone())
                            />
                            <span class="swatch" style:background-color=c.hex.clone() aria-hidden="true"></span>
                            <span>{move || c.name.get(lang()).to_string()}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

#[component]
fn SizeChoice(
    product: StoredValue<Product>,
    colour: RwSignal<ColourCode>,
    size: RwSignal<String>,
    here: Signal<Option<StoreId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sizes = product.with_value(|p| p.sizes.clone());
    view! {
        <fieldset class="choice sizes">
            <legend>{move || i18n.size()}</legend>
            {sizes
                .into_iter()
                .map(|s| {
                    let value = s.clone();
                    let checked = {
                        let value = value.clone();
                        move || size.get() == value
                    };
                    let sold_out_here = {
                        let value = value.clone();
                        move || {
                            let store = here.get()?;
                            let variant = product.with_value(|p| p.variant(&colour.get(), &value).cloned())?;
                            (variant.stock_in(&store) == 0).then(|| i18n.sold_out_here_size())
                        }
                    };
                    view! {
                        <label class="chip">
                            <input
                                type="radio"
                                name="size"
                                prop:checked=checked
                                on:change=move |_| size.set(value.clone())
                            />
                            <span>{s}</span>
                            <span class="chip-note">{sold_out_here}</span>
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}

/// Stock of one variant: here first, then the other stores, then online.
#[component]
fn StockList(
    variant: Variant,
    here: Signal<Option<StoreId>>,
    stores: Signal<Vec<Store>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let units = move |count: u32| {
        if count == 0 {
            i18n.sold_out().to_string()
        } else {
            i18n.units_left(count).to_string()
        }
    };
    let here_row = {
        let variant = variant.clone();
        move || match here.get() {
            Some(id) => view! {
                <li class="stock-here">
                    <span>{move || i18n.stock_here()}</span>
                    <strong>{units(variant.stock_in(&id))}</strong>
                </li>
            }
            .into_any(),
            None => view! { <li class="hint">{move || i18n.pick_store_hint()}</li> }.into_any(),
        }
    };
    let nearby = {
        let variant = variant.clone();
        move || {
            let here_id = here.get();
            stores
                .get()
                .into_iter()
                .filter(|store| Some(&store.id) != here_id.as_ref())
                .map(|store| {
                    let count = variant.stock_in(&store.id);
                    view! {
                        <li>
                            <span>{store.name.get(lang()).to_string()}</span>
                            <span>{units(count)}</span>
                        </li>
                    }
                })
                .collect_view()
        }
    };
    view! {
        <ul class="stock">
            {here_row}
            <li class="stock-heading">{move || i18n.stock_nearby()}</li>
            {nearby}
            <li class="stock-online">
                <span>{move || i18n.stock_online()}</span>
                <strong>{units(variant.online_stock)}</strong>
            </li>
        </ul>
    }
}

/// The button that puts the chosen colour and size in the bag, even when sold out here.
#[component]
fn AddToBag(
    variant: Memo<Option<Variant>>,
    here: Signal<Option<StoreId>>,
    on_add: Callback<NewLine>,
    added: RwSignal<Added>,
) -> impl IntoView {
    let i18n = use_i18n();
    let waiting = RwSignal::new(false);
    // A new colour or size is a new choice: the confirmation was about the previous one.
    Effect::new(move |_| {
        variant.track();
        added.set(Added::NotYet);
    });
    let add = move |_| {
        let Some(variant) = variant.get_untracked() else {
            return;
        };
        let store = here.get_untracked();
        let intent = Intent::for_new_line(&variant, store.as_ref(), waiting.get_untracked());
        on_add.run(NewLine {
            sku: variant.sku,
            store,
            intent,
        });
    };
    view! {
        <div class="add-to-bag">
            <label class="check">
                <input type="checkbox" bind:checked=waiting />
                <span>{move || i18n.waiting_for_promotion()}</span>
            </label>
            <button
                type="button"
                class="button primary wide"
                disabled=move || variant.with(Option::is_none)
                on:click=add
            >
                {move || i18n.add_to_bag()}
            </button>
            <p class="confirmation" role="status">
                {move || match added.get() {
                    Added::NotYet => None,
                    Added::Yes => Some(view! {
                        {i18n.added_to_bag()} " " <a href=Route::Bag.href()>{i18n.view_bag()}</a>
                    }.into_any()),
                    Added::Failed => Some(view! { <span class="problem">{i18n.add_failed()}</span> }.into_any()),
                }}
            </p>
        </div>
    }
}
