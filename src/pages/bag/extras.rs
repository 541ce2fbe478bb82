//! What the bag page shows once its lines are on screen, from a chunk of its own: each line's
//! picture, festival prices, "remind me" and note (in the lines' slots), the festival's banner,
//! prompt and main-day total, and what to wear with the bag. Fetched only for a bag with lines:
//! the bag's first load is its lines, quantities and removal.

use super::{LineSlots, Ordering, Row};
use crate::api::{LooksOf, Sku};
use crate::components::{picture, use_lang, Load, Slot};
use crate::features::bag::{use_bag, SyncStatus};
use crate::features::looks::{LookChoice, LooksFor, LooksSection};
use crate::features::promos::{FestivalLine, FestivalOnBag, OnBag};
use crate::features::store::{use_here, use_stores};
use crate::i18n::*;
use crate::lazy::{split_point, ChunkError};
use crate::navigation::use_address;
use leptos::prelude::*;

split_point! { bag_extras:
    pub fn bag_extras(rows: Memo<Vec<Row>>, ordering: Ordering, slots: LineSlots) -> Result<AnyView, ChunkError> {
        Ok(view! { <Extras rows ordering slots /> }.into_any())
    }
}

#[component]
fn Extras(rows: Memo<Vec<Row>>, ordering: Ordering, slots: LineSlots) -> impl IntoView {
    let bag = use_bag();
    let here = use_here();
    let stores = use_stores();
    let lang = use_lang();
    let lines = Signal::derive(move || {
        rows.with(|rows| {
            rows.iter()
                .filter_map(|r| {
                    Some(FestivalLine {
                        sku: r.line.sku.clone(),
                        quantity: r.line.quantity,
                        product: r.product.clone()?,
                    })
                })
                .collect()
        })
    });
    let here = Signal::derive(move || here.store_id());
    let token = Signal::derive(move || bag.token());
    let order = Callback::new(move |skus: Vec<Sku>| {
        ordering.only.set_value(skus);
        ordering.open.set(true);
    });
    let festival_part = Slot::new();
    slots.fill(move |sku| {
        rows.with_untracked(|rows| {
            let row = rows.iter().find(|r| r.line.sku.as_str() == sku)?;
            let shown = row.product.as_ref().zip(row.variant.as_ref());
            let thumbnail = shown.map(|(product, variant)| {
                picture(
                    product,
                    &variant.colour,
                    lang(),
                    Load::WhenNear,
                    "picture-small",
                )
            });
            let note = row.line.note.clone().unwrap_or_default();
            Some(view! {
                {thumbnail}
                {festival_part.view(sku)}
                <NoteForm sku=Sku::from(sku) note />
            })
        })
        .into_any()
    });
    let festival = OnBag {
        lines,
        here,
        order,
        order_now: use_address().query("order").is_some(),
        line_part: festival_part,
    };
    // A look item is added like any line from a product page; the adding code comes with
    // the bag's `put` (its own chunk).
    let on_add = Callback::new(move |choice: LookChoice| {
        let (product, _, line) = choice.into_line(here.get_untracked());
        leptos::task::spawn_local(async move {
            let _ = bag.add_when_fetched(product, line).await;
        });
    });
    // Asked again when a line comes or goes, and once the server has her bag's latest.
    let again =
        Signal::derive(move || bag.count() * 2 + usize::from(bag.status() == SyncStatus::Synced));
    let looks = LooksFor {
        of: LooksOf::Bag,
        here,
        token,
        stores: Signal::derive(move || stores.list()),
        again: Some(again),
        on_add,
    };
    view! {
        <FestivalOnBag token bag=festival />
        <LooksSection looks />
    }
}

/// The line's note: kept with the line, synced like any change.
#[component]
fn NoteForm(sku: Sku, note: String) -> impl IntoView {
    let i18n = use_i18n();
    let bag = use_bag();
    let title_id = format!("line-{sku}");
    let note = RwSignal::new(note);
    view! {
        <form
            class="note"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                bag.set_note(&sku, &note.get_untracked());
            }
        >
            <label>
                <span>{move || i18n.note_label()}</span>
                <input type="text" maxlength="200" bind:value=note />
            </label>
            <button type="submit" class="button" aria-describedby=title_id>
                {move || i18n.save_note()}
            </button>
        </form>
    }
}
