//! `/cashier`: the till's side, for a store staff device with the cashier key. The camera (the
//! same decoder worker as the scanner), a USB scanner or typed digits read her member code; the
//! screen shows who she is, her points and coupons, big; product codes read next are the lines;
//! "Confirm purchase" adds her points and redeems the coupon, once.

mod photos;
mod sale;

use crate::api::member::{MemberCode, PurchaseRequest, Verified, VerifyRequest};
use crate::api::{ApiError, Client, ErrorCode, ScannedCode};
use crate::components::{use_lang, Price};
use crate::features::member::MemberStyle;
use crate::features::scan::decoder::Decoder;
use crate::features::scan::{frames, use_wedge, Cooldown, Viewfinder};
use crate::features::store::use_stores;
use crate::i18n::*;
use crate::{json, storage};
use leptos::prelude::*;
use sale::{Customer, Line, Sale, Turn};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

const KEY: &str = "shopbag.cashier";

/// What a staff device keeps: the store's key and which store the till is in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Till {
    key: String,
    store: String,
}

impl Till {
    /// The till as set up: the key without the spaces around it, in the store chosen (the first
    /// listed when none was); none while the key or every store is missing.
    fn build(mut self, first_store: Option<String>) -> Option<Till> {
        self.key = self.key.trim().to_string();
        if self.store.is_empty() {
            self.store = first_store?;
        }
        (!self.key.is_empty() && !self.store.is_empty()).then_some(self)
    }
}

#[component]
pub fn CashierPage() -> impl IntoView {
    let i18n = use_i18n();
    let till =
        RwSignal::new(storage::read_text(KEY).and_then(|text| json::from_text::<Till>(&text).ok()));
    view! {
        <section class="page cashier">
            <MemberStyle />
            <h1>{move || i18n.cashier_title()}</h1>
            {move || match till.get() {
                Some(t) if !t.key.is_empty() && !t.store.is_empty() => {
                    let key = t.key.clone();
                    view! {
                        <Counter till=t on_change=move || till.set(None) />
                        <details class="product-photos">
                            <summary>{move || i18n.photos_title()}</summary>
                            <photos::ProductPhotos key />
                        </details>
                    }
                    .into_any()
                }
                _ => view! { <Setup till /> }.into_any(),
            }}
        </section>
    }
}

/// The cashier key and the store, once per device.
#[component]
fn Setup(till: RwSignal<Option<Till>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let stores = use_stores();
    let draft = RwSignal::new(Till::default());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let first_store = stores.list().first().map(|s| s.id.to_string());
        if let Some(chosen) = draft.get_untracked().build(first_store) {
            let _ = storage::write(KEY, &chosen);
            till.set(Some(chosen));
        }
    };
    view! {
        <form class="cashier-setup" on:submit=save>
            <label for="cashier-key">{move || i18n.cashier_key()}</label>
            <input
                id="cashier-key"
                type="password"
                autocomplete="off"
                on:input=move |ev| draft.update(|d| d.key = event_target_value(&ev))
            />
            <label for="cashier-store">{move || i18n.cashier_store()}</label>
            <select
                id="cashier-store"
                on:change=move |ev| draft.update(|d| d.store = event_target_value(&ev))
            >
                {move || stores.list().into_iter().map(|s| {
                    let name = s.name.get(lang()).to_string();
                    view! { <option value=s.id.to_string()>{name}</option> }
                }).collect_view()}
            </select>
            <button type="submit" class="button primary">{move || i18n.cashier_start()}</button>
        </form>
    }
}

/// What a refusal says to the cashier.
fn refusal(i18n: I18n, error: &ApiError) -> String {
    match error.code() {
        Some(ErrorCode::MemberCodeUsed) => i18n.cashier_code_used().to_string(),
        Some(ErrorCode::MemberCodeRejected) => i18n.cashier_code_rejected().to_string(),
        Some(ErrorCode::InvalidMemberCode) => i18n.cashier_not_member_code().to_string(),
        Some(ErrorCode::CashierKeyRejected) => i18n.cashier_key_rejected().to_string(),
        Some(ErrorCode::TooManyRequests) => i18n.error_too_many_requests().to_string(),
        Some(ErrorCode::InvalidPurchase) => i18n.cashier_purchase_refused().to_string(),
        _ => i18n.cashier_offline().to_string(),
    }
}

/// The till at work: the reader, the customer, her lines.
#[component]
fn Counter(till: Till, on_change: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let till = StoredValue::new(till);
    let sale = RwSignal::new(Sale::default());
    // Member codes handled here: the camera keeps seeing the one on her screen.
    let handled = StoredValue::new(HashSet::<String>::new());
    let cooldown = StoredValue::new_local(Cooldown::default());
    let decoder = StoredValue::new_local(Decoder::start());
    let restarts = decoder.with_value(Decoder::restarts);
    on_cleanup(move || decoder.with_value(Decoder::shut_down));

    let Requests {
        verify,
        add_line,
        purchase,
    } = Requests::new(till, sale);
    // Every reader ends here. `deliberate`: typed or a USB scanner, which mean it.
    let take = move |text: String, deliberate: bool| {
        let text = text.trim().to_string();
        if let Ok(code) = MemberCode::parse(&text) {
            let code = code.to_string();
            let seen = handled.with_value(|h| h.contains(&code));
            if seen && !deliberate {
                return;
            }
            handled.update_value(|h| {
                h.insert(code.clone());
            });
            if let Some(turn) = sale.try_update(Sale::check) {
                verify.dispatch((turn, code));
            }
        } else if let (Ok(_), Some(turn)) = (
            ScannedCode::parse(&text),
            sale.with_untracked(Sale::taking_lines),
        ) {
            let mut fresh = true;
            cooldown.update_value(|c| fresh = c.admit(&text, frames::now()));
            if fresh || deliberate {
                add_line.dispatch((turn, text));
            }
        }
    };
    let wedge = use_wedge();
    Effect::new(move |_| {
        if let Some(code) = wedge.take_new() {
            take(code, true);
        }
    });
    let confirm = move |()| {
        if let Some((turn, verification, lines)) = sale.try_update(Sale::confirm).flatten() {
            purchase.dispatch((
                turn,
                PurchaseRequest {
                    verification,
                    lines,
                },
            ));
        }
    };
    let lines = Signal::derive(move || sale.with(|sale| sale.lines.clone()));
    // The customer's part is drawn again only when she changes, not with every line.
    let customer = Memo::new(move |_| sale.with(|sale| sale.customer.clone()));

    view! {
        <Viewfinder
            on_code=Callback::new(move |code| take(code, false))
            decoder
            paused=Signal::derive(move || customer.get() == Customer::Checking)
            restarts
        />
        <TypedCode take=Callback::new(move |code| take(code, true)) />
        <CustomerPart customer sale lines confirm=Callback::new(confirm) />
        <button type="button" class="button" on:click=move |_| {
            storage::remove(KEY);
            on_change();
        }>
            {move || i18n.cashier_change()}
        </button>
    }
}

/// The till's three requests. Each answer is stamped with the customer it was asked for:
/// `Sale` drops late ones.
#[derive(Clone, Copy)]
struct Requests {
    verify: Action<(Turn, String), ()>,
    add_line: Action<(Turn, String), ()>,
    purchase: Action<(Turn, PurchaseRequest), ()>,
}

impl Requests {
    fn new(till: StoredValue<Till>, sale: RwSignal<Sale>) -> Requests {
        let i18n = use_i18n();
        let lang = use_lang();
        let client = StoredValue::new(expect_context::<Client>());
        let verify = Action::new_local(move |(turn, code): &(Turn, String)| {
            let (turn, client, till) = (*turn, client.get_value(), till.get_value());
            let request = VerifyRequest {
                code: code.clone(),
                store_id: till.store.into(),
                lines: Vec::new(),
            };
            async move {
                let answer = client.verify_member_code(&till.key, &request).await;
                let answer = answer.map_err(|error| refusal(i18n, &error));
                sale.update(|sale| sale.checked(turn, answer));
            }
        });
        let add_line = Action::new_local(move |(turn, code): &(Turn, String)| {
            let (turn, code, client) = (*turn, code.clone(), client.get_value());
            async move {
                let Ok(found) = client.code(&code).await else {
                    return;
                };
                let Some(variant) = found.variant() else {
                    return;
                };
                let line = Line {
                    sku: variant.sku.clone(),
                    name: found.product.name.get(lang()).to_string(),
                    price: variant.price,
                    quantity: 1,
                };
                sale.update(|sale| sale.add(turn, line));
            }
        });
        let purchase = Action::new_local(move |(turn, request): &(Turn, PurchaseRequest)| {
            let (turn, request, till) = (*turn, request.clone(), till.get_value());
            let client = client.get_value();
            async move {
                let answer = client.confirm_purchase(&till.key, &request).await;
                let answer = answer.map_err(|error| refusal(i18n, &error));
                sale.update(|sale| sale.confirmed(turn, answer));
            }
        });
        Requests {
            verify,
            add_line,
            purchase,
        }
    }
}

/// A code typed at the till (or from a scanner that types into the field).
#[component]
fn TypedCode(take: Callback<String>) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        take.run(typed.get_untracked());
        typed.set(String::new());
    };
    view! {
    <form class="typed-code" on:submit=submit>
        <label for="till-code">{move || i18n.cashier_typed()}</label>
        <div class="code-entry-row">
            <input id="till-code" inputmode="numeric" autocomplete="off" bind:value=typed />
            <button type="submit" class="button">{move || i18n.cashier_take()}</button>
        </div>
    </form>
    }
}

/// The customer at the till: waiting, being checked, refused, verified with her lines and the
/// confirm button, or bought.
#[component]
fn CustomerPart(
    customer: Memo<Customer>,
    sale: RwSignal<Sale>,
    lines: Signal<Vec<Line>>,
    confirm: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
    <section class="customer" aria-live="polite">
        {move || match customer.get() {
            Customer::Waiting => view! {
                <p class="hint">{move || i18n.cashier_waiting()}</p>
            }.into_any(),
            Customer::Checking => view! {
                <p class="hint">{move || i18n.cashier_checking()}</p>
            }.into_any(),
            Customer::Refused(why) => view! {
                <p class="verdict refused" role="alert">{why}</p>
            }.into_any(),
            Customer::Verified(verified) => view! {
                <Member verified=*verified lines />
                <button type="button" class="button primary" on:click=move |_| confirm.run(())
                    disabled=move || sale.with(|sale| sale.lines.is_empty() || sale.is_confirming())>
                    {move || i18n.cashier_confirm()}
                </button>
            }.into_any(),
            Customer::Bought(purchase) => view! {
                <div class="verdict bought" role="status">
                    <p>{i18n.cashier_bought(purchase.points_added, purchase.points)}</p>
                    <p><Price amount=purchase.total /></p>
                </div>
                <button type="button" class="button" on:click=move |_| sale.update(Sale::next)>
                    {move || i18n.cashier_next()}
                </button>
            }.into_any(),
        }}
    </section>
    }
}

/// Who she is, big, with her coupons and the lines scanned so far.
#[component]
fn Member(verified: Verified, lines: Signal<Vec<Line>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    view! {
        <div class="verdict verified" role="status">
            <p class="name">{verified.display_name.clone()}</p>
            <p>{i18n.cashier_points(verified.points)}</p>
        </div>
        <ul class="coupons">
            {verified.coupons.into_iter().map(|c| view! {
                <li>{c.title.get(lang()).to_string()}</li>
            }).collect_view()}
        </ul>
        <p class="hint">{move || i18n.cashier_scan_items()}</p>
        <ul class="till-lines">
            {move || lines.get().into_iter().map(|l| view! {
                <li>{format!("{} × {}", l.name, l.quantity)} " " <Price amount=l.price /></li>
            }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::Till;

    fn till(key: &str, store: &str) -> Till {
        Till {
            key: key.into(),
            store: store.into(),
        }
    }

    #[test]
    fn a_till_needs_a_key_and_takes_the_first_store_unless_one_was_chosen() {
        let first = Some("sh-jingan".to_string());
        assert_eq!(
            till(" key \n", "").build(first.clone()),
            Some(till("key", "sh-jingan"))
        );
        assert_eq!(
            till("key", "sh-xintiandi").build(first.clone()),
            Some(till("key", "sh-xintiandi"))
        );
        assert_eq!(till("  ", "sh-xintiandi").build(first), None);
        assert_eq!(till("key", "").build(None), None);
    }
}
