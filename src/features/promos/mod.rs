//! The festivals on screen: a banner counting down to the next phase, a "time to order" prompt
//! when ordering starts to pay, each bag line's price today and on the main day with "remind
//! me", the bag's total on the main day with its savings, "add to calendar", and the reminders
//! that came due. The rules are `shopbag_api::promotions`; this is their views. Its code comes
//! after the screen's own: on the start page a chunk fetched when seen, on the bag page part of
//! the bag's extras; all time comes from `crate::clock`.

mod calendar_file;
mod reminders;

use crate::api::bag::BagToken;
use crate::api::promotions::{lowered_now, quote, unit_price, Calendar, Moment, PricedLine};
use crate::api::{
    Client, Countdown, Fetch, Lang, Localized, Money, Product, Sku, StoreId, Timestamp,
};
use crate::clock;
use crate::components::{use_lang, ScreenFetch, Slot, WhenSeen};
use crate::i18n::*;
use crate::lazy::{split_point, ChunkError};
use crate::route::Route;
use crate::storage;
use leptos::prelude::*;

/// A bag line as the festival sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct FestivalLine {
    pub sku: Sku,
    pub quantity: u8,
    pub product: Product,
}

impl FestivalLine {
    /// The line for the price engine, with the event prices the calendar brought.
    fn priced<'a>(&'a self, calendar: &'a Calendar) -> Option<PricedLine<'a>> {
        let variant = self.product.variants.iter().find(|v| v.sku == self.sku)?;
        Some(PricedLine {
            sku: &self.sku,
            category: self.product.category,
            list_price: variant.price,
            event_prices: &calendar.event_prices,
            quantity: u32::from(self.quantity),
            deposit_paid: false,
        })
    }
}

/// The bag page's side of the festival.
#[derive(Clone)]
pub struct OnBag {
    pub lines: Signal<Vec<FestivalLine>>,
    pub here: Signal<Option<StoreId>>,
    /// "Order now": opens the order form with these lines ticked.
    pub order: Callback<Vec<Sku>>,
    /// Arrived from a "time to order" prompt elsewhere: open the order at once.
    pub order_now: bool,
    /// Where each line shows its prices and "remind me".
    pub line_part: Slot,
}

/// The festival on the start page: the countdown, the prompt (leading to the bag) and, for a
/// device with a bag, the reminders that came due.
///
/// Its code is over a quarter of a first visit's load (docs/benchmarks.md), so a first visit
/// gets it below the stores, fetched when she scrolls to it. A device with a bag (`token`) has
/// been here: the service worker holds the whole app, the chunk costs nothing on the wire, and
/// the festival goes at the top, fetched at once.
#[component]
pub fn FestivalOnStart(token: Option<BagToken>) -> impl IntoView {
    let now = token.is_some();
    let load = Callback::new(move |()| -> ScreenFetch { Box::pin(on_start(token.clone())) });
    view! { <WhenSeen load now /> }
}

split_point! { festival_start:
    fn on_start(token: Option<BagToken>) -> Result<AnyView, ChunkError> {
        let calendar = calendar_of(None);
        let now = clock::ticking();
        let due = token.map(|token| {
            view! { <reminders::DueReminders token=Signal::stored(Some(token)) /> }
        });
        Ok(view! {
            {due}
            {move || {
                calendar.with(|answer| {
                    let calendar = StoredValue::new(answer?.as_ref()?.clone());
                    Some(view! {
                        <Banner calendar now lines=None />
                        <TimeToOrder calendar now order=None />
                    })
                })
            }}
        }
        .into_any())
    }
}

/// The festival over the bag (part of the bag page's extras chunk): the banner, the prompt,
/// each line's prices and "remind me", the main day's total and the reminders that came due.
#[component]
pub fn FestivalOnBag(token: Signal<Option<BagToken>>, bag: OnBag) -> impl IntoView {
    let lines = bag.lines;
    let calendar = calendar_of(Some(lines));
    let now = clock::ticking();
    view! {
        <reminders::DueReminders token />
        {move || {
            calendar.with(|answer| {
                let calendar = StoredValue::new(answer?.as_ref()?.clone());
                fill_line_part(calendar, now, bag.clone(), token);
                let open = bag.order;
                let order = Callback::new(move |()| {
                    let skus = calendar.with_value(|c| {
                        lines.with_untracked(|lines| {
                            let priced: Vec<PricedLine> =
                                lines.iter().filter_map(|l| l.priced(c)).collect();
                            let lowered = lowered_now(c, &priced, now.get_untracked());
                            lowered.into_iter().cloned().collect()
                        })
                    });
                    open.run(skus);
                });
                Some(view! {
                    <Banner calendar now lines=Some(lines) />
                    <TimeToOrder calendar now order=Some(order) order_now=bag.order_now />
                    <MainDayTotal calendar now lines />
                })
            })
        }}
    }
}

/// The calendar, with the event prices of the bag's lines (asked again when they change).
fn calendar_of(lines: Option<Signal<Vec<FestivalLine>>>) -> Fetch<Option<Calendar>> {
    let client = expect_context::<Client>();
    let skus = Memo::new(move |_| {
        lines.map_or_else(Vec::new, |l| {
            l.with(|l| l.iter().map(|l| l.sku.clone()).collect::<Vec<_>>())
        })
    });
    let calendar = Fetch::new(move || {
        let client = client.clone();
        let skus = skus.get_untracked();
        async move { client.promotions(&skus).await.ok() }
    });
    Effect::watch(move || skus.get(), move |_, _, _| calendar.again(), false);
    calendar
}

/// "3 d 4 h", "4 h 12 min", "12 min 5 s".
fn left(i18n: I18n, countdown: Countdown) -> String {
    let Countdown {
        days,
        hours,
        minutes,
        seconds,
    } = countdown;
    if days > 0 {
        i18n.left_days(days, hours).to_string()
    } else if hours > 0 {
        i18n.left_hours(hours, minutes).to_string()
    } else {
        i18n.left_minutes(minutes, seconds).to_string()
    }
}

/// "12/12 00:00": a moment on the stores' clock.
fn store_time(i18n: I18n, at: Timestamp) -> String {
    let c = at.in_store();
    i18n.store_time(c.month, c.day, format!("{:02}:{:02}", c.hour, c.minute))
        .to_string()
}

/// The countdown to the next phase, or to the end of the one on.
#[component]
fn Banner(
    calendar: StoredValue<Calendar>,
    now: Signal<Timestamp>,
    lines: Option<Signal<Vec<FestivalLine>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let text = move || {
        let now = now.get();
        calendar.with_value(|calendar| {
            Some(match calendar.moment(now)? {
                Moment::On(on) => i18n
                    .festival_on(
                        on.phase.title.get(lang()),
                        left(
                            i18n,
                            Countdown::between(now, Timestamp(on.phase.ends_at.0 + 1_000)),
                        ),
                    )
                    .to_string(),
                Moment::Next(next) => i18n
                    .festival_next(
                        next.promotion.name.get(lang()),
                        next.phase.title.get(lang()),
                        left(i18n, Countdown::between(now, next.phase.starts_at)),
                        store_time(i18n, next.phase.starts_at),
                    )
                    .to_string(),
            })
        })
    };
    // The file is made on her tap, by code fetched then.
    let download = move |_| {
        let lines = lines.map(|l| l.get_untracked()).unwrap_or_default();
        let calendar = calendar.get_value();
        let lang = lang();
        leptos::task::spawn_local(async move {
            let _ = save_calendar(calendar, lines, lang, i18n).await;
        });
    };
    // Said politely once a minute (the timer itself is silent: every second would drown her
    // screen reader).
    let minute = Memo::new(move |_| now.get().0 / 60_000);
    let said = move || {
        minute.track();
        untrack(text)
    };
    move || {
        text().map(|text| {
            view! {
                <aside class="festival-banner" aria-label=move || i18n.festival_title()>
                    <p role="timer">{text}</p>
                    <p class="visually-hidden" aria-live="polite">{said}</p>
                    <button type="button" class="button" on:click=download>
                        {move || i18n.add_to_calendar()}
                    </button>
                </aside>
            }
        })
    }
}

split_point! { calendar_file:
    fn save_calendar(calendar: Calendar, lines: Vec<FestivalLine>, lang: Lang, i18n: I18n) -> Result<(), ChunkError> {
        calendar_file::download(&calendar, &lines, clock::now(), lang, i18n);
        Ok(())
    }
}

/// Where the device keeps the phases she said "later" to.
const PROMPTED_KEY: &str = "shopbag.prompted";

/// When final payment or the main day starts: "Time to order". On the bag page `order` opens
/// the order of the lines it concerns; elsewhere the prompt leads to the bag.
#[component]
fn TimeToOrder(
    calendar: StoredValue<Calendar>,
    now: Signal<Timestamp>,
    order: Option<Callback<()>>,
    /// Arrived from a prompt on another screen: the order opens at once.
    #[prop(optional)]
    order_now: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let dismissed = RwSignal::new(storage::read_text(PROMPTED_KEY).unwrap_or_default());
    // The phase the prompt is about, as `promotion/phase`.
    let phase = Memo::new(move |_| {
        let now = now.get();
        calendar.with_value(|c| {
            let on = c.time_to_order(now)?;
            let id = format!("{}/{}", on.promotion.id, on.phase.kind.as_str());
            Some((id, on.phase.title.clone()))
        })
    });
    if let Some(order) = order.filter(|_| order_now && phase.get_untracked().is_some()) {
        order.run(());
    }
    let later = move |_| {
        if let Some((id, _)) = phase.get_untracked() {
            dismissed.update(|d| {
                d.push_str(&id);
                d.push(' ');
            });
            let _ = storage::write_text(PROMPTED_KEY, &dismissed.get_untracked());
        }
    };
    move || {
        let (id, title) = phase.get()?;
        if dismissed.with(|d| d.split(' ').any(|seen| seen == id)) {
            return None;
        }
        let act = match order {
            Some(order) => view! {
                <button type="button" class="button primary" on:click=move |_| order.run(())>
                    {i18n.order_now()}
                </button>
            }
            .into_any(),
            None => view! {
                <a class="button primary" href=format!("{}?order", Route::Bag.href())>{i18n.order_now()}</a>
            }
            .into_any(),
        };
        Some(view! {
            <div class="time-to-order" role="alert">
                <p>{i18n.time_to_order(title.get(lang())).to_string()}</p>
                {act}
                <button type="button" class="button" on:click=later>{i18n.later()}</button>
            </div>
        })
    }
}

/// Each line's price today and on the main day, and "remind me", in the slot the bag page holds.
fn fill_line_part(
    calendar: StoredValue<Calendar>,
    now: Signal<Timestamp>,
    bag: OnBag,
    token: Signal<Option<BagToken>>,
) {
    let lines = bag.lines;
    let here = bag.here;
    bag.line_part.fill(move |sku: &str| -> AnyView {
        let sku = StoredValue::new(Sku::from(sku));
        let prices = move || {
            let now = now.get();
            lines.with(|lines| {
                let line = lines.iter().find(|l| sku.with_value(|sku| l.sku == *sku))?;
                calendar.with_value(|c| {
                    let priced = line.priced(c)?;
                    let today = unit_price(c.current(now), &priced, now);
                    let (promotion, at) = c.festival_prices(now)?;
                    let festival = unit_price(Some(promotion), &priced, at);
                    let on = (today < priced.list_price).then(|| promotion.name.clone());
                    Some((today, festival, promotion.name.clone(), on))
                })
            })
        };
        view! {
            <LinePrices prices=Signal::derive(prices) />
            <reminders::RemindMe sku here token calendar />
        }
        .into_any()
    });
}

/// A line's price today and at the festival: (today, on the main day, the festival, the
/// festival whose price is on today).
type LinePriceTexts = (Money, Money, Localized, Option<Localized>);

/// "Today ¥199.00 · 12.12 price ¥169.00" before the festival, "12.12 price today: ¥169.00"
/// while it is on, nothing for a line it does not change.
#[component]
fn LinePrices(prices: Signal<Option<LinePriceTexts>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    move || {
        let (today, festival, name, on) = prices.get()?;
        let text = match on {
            Some(on) => i18n
                .festival_price_now(on.get(lang()), today.to_string())
                .to_string(),
            None if festival != today => format!(
                "{} · {}",
                i18n.today_price(today.to_string()),
                i18n.festival_price(name.get(lang()), festival.to_string())
            ),
            None => return None,
        };
        Some(view! { <p class="festival-price">{text}</p> })
    }
}

/// The bag's total on the main day, with what each offer saves.
#[component]
fn MainDayTotal(
    calendar: StoredValue<Calendar>,
    now: Signal<Timestamp>,
    lines: Signal<Vec<FestivalLine>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let total = move || {
        let now = now.get();
        lines.with(|lines| {
            calendar.with_value(|c| {
                let priced: Vec<PricedLine> = lines.iter().filter_map(|l| l.priced(c)).collect();
                let (promotion, at) = c.festival_prices(now)?;
                let festival = quote(c, &priced, &[], at);
                (festival.total < festival.list_total).then(|| (promotion.name.clone(), festival))
            })
        })
    };
    move || {
        let (name, festival) = total()?;
        Some(view! {
            <section class="festival-total" aria-label=i18n.festival_total(name.get(lang())).to_string()>
                <p class="bag-total">
                    <span>{i18n.festival_total(name.get(lang())).to_string()}</span>
                    <span class="price">{festival.total.to_string()}</span>
                </p>
                <ul class="savings">
                    {festival
                        .savings
                        .into_iter()
                        .map(|s| view! { <li>{s.title.get(lang()).to_string()} " −" {s.amount.to_string()}</li> })
                        .collect_view()}
                </ul>
            </section>
        })
    }
}
