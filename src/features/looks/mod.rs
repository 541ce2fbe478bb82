//! "Complete the look": what to wear with the product on screen or with her bag, each item with
//! its picture, price and where to get it, added with one tap in the size she last chose in its
//! category (or after she picks one). The screen that shows it says what adding does.

use crate::api::bag::{BagToken, Intent};
use crate::api::looks::{Look, LookItem, Source};
use crate::api::{Client, ColourCode, Fetch, Lang, LooksOf, Product, Sku, Store, StoreId};
use crate::components::{picture, use_lang, Load, NewLine, Price, ScreenFetch, WhenSeen};
use crate::i18n::*;
use crate::lazy::{split_point, ChunkError};
use crate::sizes;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsValue;

/// An item she chose from a look: the product as the API sent it (to keep on the device) and
/// the variant.
#[derive(Clone)]
pub struct LookChoice {
    pub product: Product,
    pub product_json: SendWrapper<JsValue>,
    pub sku: Sku,
}

impl LookChoice {
    /// The bag line it makes for a shopper in `store`, with the product to keep (as the API
    /// sent it): kept for the same reason as any new line (sold out where she stands, say).
    pub fn into_line(self, store: Option<StoreId>) -> (Product, JsValue, NewLine) {
        let intent = self
            .product
            .variants
            .iter()
            .find(|v| v.sku == self.sku)
            .and_then(|v| Intent::for_new_line(v, store.as_ref(), false));
        let line = NewLine {
            sku: self.sku,
            store,
            intent,
        };
        (self.product, self.product_json.take(), line)
    }
}

/// What the section is about and what adding does, from the screen that shows it.
#[derive(Clone)]
pub struct LooksFor {
    pub of: LooksOf,
    /// The store she stands in: what it has comes first.
    pub here: Signal<Option<StoreId>>,
    /// Her bag, so that nothing in it is suggested.
    pub token: Signal<Option<BagToken>>,
    /// Every store, for "at Jing'an, Xintiandi".
    pub stores: Signal<Vec<Store>>,
    /// Asked again when this changes (her bag changed).
    pub again: Option<Signal<usize>>,
    pub on_add: Callback<LookChoice>,
}

/// "Complete the look" below the rest of a screen: its code and its looks are fetched when she
/// scrolls to it.
#[component]
pub fn CompleteTheLook(looks: LooksFor) -> impl IntoView {
    let looks = StoredValue::new(looks);
    let load = move |()| -> ScreenFetch { Box::pin(section(looks.get_value())) };
    view! { <WhenSeen load=Callback::new(load) /> }
}

split_point! { looks:
    fn section(looks: LooksFor) -> Result<AnyView, ChunkError> {
        Ok(view! { <LooksSection looks /> }.into_any())
    }
}

/// The section itself, for a screen whose own lazy part shows it; nothing while the looks are
/// on their way or when there are none (a failure to fetch them costs her nothing but the
/// suggestion).
#[component]
pub fn LooksSection(looks: LooksFor) -> impl IntoView {
    let i18n = use_i18n();
    let client = expect_context::<Client>();
    let LooksFor {
        of,
        here,
        token,
        stores,
        again,
        on_add,
    } = looks;
    let of = StoredValue::new(of);
    let looks = Fetch::new(move || {
        let client = client.clone();
        let (sizes, store, token) = (
            sizes::remembered(),
            here.get_untracked(),
            token.get_untracked(),
        );
        async move {
            client
                .looks(&of.get_value(), &sizes, store.as_ref(), token.as_ref())
                .await
                .map(|(answer, json)| (answer.looks, SendWrapper::new(json)))
                .ok()
        }
    });
    if let Some(again) = again {
        Effect::watch(move || again.get(), move |_, _, _| looks.again(), false);
    }
    move || {
        looks.with(|answer| {
            let (found, json) = answer?.as_ref()?;
            (!found.is_empty()).then(|| {
                let shown: Vec<_> = found
                    .iter()
                    .enumerate()
                    .map(|(i, look)| {
                        let json = look_json(json, i);
                        view! { <LookCard look=look.clone() json stores on_add /> }
                    })
                    .collect();
                view! {
                    <section class="looks" aria-labelledby="looks-title">
                        <h2 id="looks-title">{move || i18n.complete_the_look()}</h2>
                        {shown}
                    </section>
                }
            })
        })
    }
}

/// `answer.looks[i]` of the JSON the API sent.
fn look_json(answer: &JsValue, i: usize) -> JsValue {
    let get = |value: &JsValue, key: &JsValue| js_sys::Reflect::get(value, key).unwrap_or_default();
    get(&get(answer, &"looks".into()), &JsValue::from(i as u32))
}

#[component]
fn LookCard(
    look: Look,
    json: JsValue,
    stores: Signal<Vec<Store>>,
    on_add: Callback<LookChoice>,
) -> impl IntoView {
    let lang = use_lang();
    let name = look.name.clone();
    let items = js_sys::Reflect::get(&json, &"items".into()).unwrap_or_default();
    let cards: Vec<_> = look
        .items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let product_json = js_sys::Reflect::get(&items, &JsValue::from(i as u32))
                .and_then(|it| js_sys::Reflect::get(&it, &"product".into()))
                .unwrap_or_default();
            view! { <ItemCard item product_json=SendWrapper::new(product_json) stores on_add /> }
        })
        .collect();
    view! {
        <article class="look">
            <h3>{move || name.get(lang()).to_string()}</h3>
            <ul class="look-items">{cards}</ul>
        </article>
    }
}

/// Where she can get it, in words.
fn source_text(i18n: I18n, source: &Source, lang: Lang, stores: &[Store]) -> String {
    match source {
        Source::Here => i18n.look_here().to_string(),
        Source::Stores { stores: ids } => {
            let names: Vec<String> = ids
                .iter()
                .filter_map(|id| stores.iter().find(|s| s.id == *id))
                .map(|s| s.name.get(lang).to_string())
                .collect();
            let separator = if lang == Lang::En { ", " } else { "、" };
            i18n.look_in_stores(names.join(separator)).to_string()
        }
        Source::Online => i18n.look_online().to_string(),
    }
}

/// What the item's button does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// One tap adds it (her size is known), or opens the sizes.
    Ready,
    ChoosingSize,
    Added,
}

/// The sizes of a colour, each with its variant and whether it can be had somewhere: a sold-out
/// one is shown, disabled.
fn sizes_of(product: &Product, colour: &ColourCode) -> Vec<(String, Sku, bool)> {
    product
        .sizes
        .iter()
        .filter_map(|size| {
            let v = product.variant(colour, size)?;
            let can_be_had = v.online_stock > 0 || v.store_stock.iter().any(|s| s.quantity > 0);
            Some((size.clone(), v.sku.clone(), can_be_had))
        })
        .collect()
}

#[component]
fn ItemCard(
    item: LookItem,
    product_json: SendWrapper<JsValue>,
    stores: Signal<Vec<Store>>,
    on_add: Callback<LookChoice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let LookItem {
        product,
        colour,
        sku,
        price,
        source,
        ..
    } = item;
    let product = StoredValue::new(product);
    let product_json = StoredValue::new(product_json);
    let step = RwSignal::new(Step::Ready);
    let add = move |sku: Sku| {
        on_add.run(LookChoice {
            product: product.get_value(),
            product_json: product_json.get_value(),
            sku,
        });
        step.set(Step::Added);
    };
    let name = move || product.with_value(|p| p.name.get(lang()).to_string());
    let source = move || stores.with(|stores| source_text(i18n, &source, lang(), stores));
    let colour = StoredValue::new(colour);
    let button = move || match (step.get(), sku.clone()) {
        (Step::Added, _) => {
            view! { <p class="confirmation" role="status">{i18n.look_added()}</p> }.into_any()
        }
        (Step::Ready, Some(sku)) => view! {
            <button type="button" class="button" on:click=move |_| add(sku.clone())>
                {move || i18n.look_add()}
                <span class="visually-hidden">" " {name}</span>
            </button>
        }
        .into_any(),
        (Step::Ready, None) => view! {
            <button type="button" class="button" on:click=move |_| step.set(Step::ChoosingSize)>
                {move || i18n.look_choose_size()}
                <span class="visually-hidden">" " {name}</span>
            </button>
        }
        .into_any(),
        (Step::ChoosingSize, _) => {
            let sizes = product.with_value(|p| colour.with_value(|c| sizes_of(p, c)));
            view! {
                <div class="sizes" role="group" aria-label=move || i18n.look_size_for(name())>
                    {sizes
                        .into_iter()
                        .map(|(size, sku, can_be_had)| view! {
                            <button type="button" class="button size" disabled=!can_be_had on:click=move |_| add(sku.clone())>
                                {size}
                            </button>
                        })
                        .collect_view()}
                </div>
            }
            .into_any()
        }
    };
    view! {
        <li class="look-item">
            {move || product.with_value(|p| colour.with_value(|c| picture(p, c, lang(), Load::WhenNear, "picture-small")))}
            <p class="look-item-name">{name}</p>
            <Price amount=price />
            <p class="hint">{source}</p>
            {button}
        </li>
    }
}
