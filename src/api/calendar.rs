//! The festivals' calendar read field by field from the browser's JSON. serde's derived
//! readers for its ten types weighed more than the festival banner itself, in the first load
//! of the start page; this reads the same wire form (see `shopbag_api::promotions`). What it
//! cannot read is left out: a rule of a kind this release does not know, a phase of a newer
//! calendar.

use shopbag_api::promotions::{
    Calendar, EventPrice, Offer, Phase, PhaseKind, PriceRule, Promotion,
};
use shopbag_api::{Category, Localized, Money, Timestamp};
use wasm_bindgen::JsValue;

fn field(value: &JsValue, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(value, &name.into())
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

fn text(value: &JsValue, name: &str) -> Option<String> {
    field(value, name)?.as_string()
}

fn money(value: &JsValue, name: &str) -> Option<Money> {
    let fen = field(value, name)?.as_f64()?;
    (fen.fract() == 0.0).then_some(Money::fen(fen as i64))
}

fn localized(value: &JsValue, name: &str) -> Option<Localized> {
    let names = field(value, name)?;
    Some(Localized::new(text(&names, "zh")?, text(&names, "en")?))
}

fn time(value: &JsValue, name: &str) -> Option<Timestamp> {
    Timestamp::parse(&text(value, name)?)
}

fn kind(value: &JsValue, name: &str) -> Option<PhaseKind> {
    PhaseKind::from_str_opt(&text(value, name)?)
}

fn category(value: &JsValue) -> Option<Category> {
    Category::from_str_opt(&text(value, "category")?)
}

/// Each item of the list `name` that `read` can read.
fn items<T>(value: &JsValue, name: &str, read: impl Fn(&JsValue) -> Option<T>) -> Vec<T> {
    match field(value, name) {
        Some(list) if js_sys::Array::is_array(&list) => js_sys::Array::from(&list)
            .iter()
            .filter_map(|item| read(&item))
            .collect(),
        _ => Vec::new(),
    }
}

fn offer(value: &JsValue) -> Option<Offer> {
    if let Some(o) = field(value, "percent_off") {
        let percent = field(&o, "percent")?.as_f64()?;
        return Some(Offer::PercentOff {
            category: category(&o),
            percent: percent.clamp(0.0, 100.0) as u32,
        });
    }
    if let Some(o) = field(value, "threshold") {
        return Some(Offer::Threshold {
            threshold: money(&o, "threshold")?,
            discount: money(&o, "discount")?,
            repeats: field(&o, "repeats")?.as_bool()?,
        });
    }
    let o = field(value, "deposit")?;
    Some(Offer::Deposit {
        category: category(&o),
        deposit: money(&o, "deposit")?,
        worth: money(&o, "worth")?,
    })
}

fn promotion(value: &JsValue) -> Option<Promotion> {
    Some(Promotion {
        id: text(value, "id")?,
        name: localized(value, "name")?,
        time_zone: text(value, "time_zone")?,
        phases: items(value, "phases", |p| {
            Some(Phase {
                kind: kind(p, "kind")?,
                title: localized(p, "title")?,
                starts_at: time(p, "starts_at")?,
                ends_at: time(p, "ends_at")?,
            })
        }),
        rules: items(value, "rules", |r| {
            Some(PriceRule {
                id: text(r, "id")?,
                phase: kind(r, "phase")?,
                title: localized(r, "title")?,
                offer: offer(&field(r, "offer")?)?,
            })
        }),
    })
}

/// The calendar in `value`, the answer of `GET /promotions`.
pub fn read(value: &JsValue) -> Option<Calendar> {
    field(value, "promotions")?;
    Some(Calendar {
        promotions: items(value, "promotions", promotion),
        event_prices: items(value, "event_prices", |e| {
            Some(EventPrice {
                sku: text(e, "sku")?.into(),
                promotion: text(e, "promotion")?,
                phase: kind(e, "phase")?,
                price: money(e, "price")?,
            })
        }),
    })
}
