//! "Add to calendar": the coming phases of the festival as an `.ics` file, downloaded. The file
//! is made by `shopbag_api::promotions::ics`; this is the browser's side of handing it over.

use super::FestivalLine;
use crate::api::promotions::ics::{calendar as ics_file, CalendarEvent};
use crate::api::promotions::{unit_price, Calendar};
use crate::api::{Lang, Timestamp};
use crate::i18n::*;
use leptos::prelude::document;
use wasm_bindgen::JsCast;

/// The events: each phase of the festival that matters next still to start, with what each
/// of her lines costs then.
pub fn events(
    calendar: &Calendar,
    lines: &[FestivalLine],
    now: Timestamp,
    lang: Lang,
    i18n: I18n,
) -> Vec<CalendarEvent> {
    let Some(promotion) = calendar.current(now) else {
        return Vec::new();
    };
    promotion
        .phases
        .iter()
        .filter(|phase| phase.starts_at > now)
        .map(|phase| {
            let prices: Vec<String> = lines
                .iter()
                .filter_map(|line| {
                    let priced = line.priced(calendar)?;
                    let then = unit_price(Some(promotion), &priced, phase.starts_at);
                    Some(format!("{}: {}", line.product.name.get(lang), then))
                })
                .collect();
            let mut description = i18n.calendar_event(promotion.name.get(lang)).to_string();
            if !prices.is_empty() {
                description.push('\n');
                description.push_str(&prices.join("\n"));
            }
            CalendarEvent {
                uid: format!("{}-{}@shopbag", promotion.id, phase.kind.as_str()),
                starts_at: phase.starts_at,
                minutes: 30,
                summary: format!("{}: {}", promotion.name.get(lang), phase.title.get(lang)),
                description,
            }
        })
        .collect()
}

/// Hands the file to the browser as a download named after the festival: a `data:` address on
/// a link (no Blob or object URL: each browser API the app binds is in every page's first load).
pub fn download(
    calendar: &Calendar,
    lines: &[FestivalLine],
    now: Timestamp,
    lang: Lang,
    i18n: I18n,
) {
    let events = events(calendar, lines, now, lang, i18n);
    let Some(promotion) = calendar.current(now).filter(|_| !events.is_empty()) else {
        return;
    };
    let text = ics_file(&events, now);
    let href = format!(
        "data:text/calendar;charset=utf-8,{}",
        js_sys::encode_uri_component(&text)
    );
    let Ok(link) = document().create_element("a") else {
        return;
    };
    let _ = link.set_attribute("href", &href);
    let _ = link.set_attribute("download", &format!("shopbag-{}.ics", promotion.id));
    if let Ok(link) = link.dyn_into::<web_sys::HtmlElement>() {
        link.click();
    }
}
