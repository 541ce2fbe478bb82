//! "Remind me" on a bag line, and the reminders that came due: shown on the screen she opens
//! next, and as a notification (through the service worker, so it shows with the tab in the
//! background) when she allowed them. The server decides when a reminder is due; the app asks
//! when a screen opens and every minute while it stays open.

use crate::api::bag::BagToken;
use crate::api::promotions::Calendar;
use crate::api::reminders::{Reminder, ReminderKind, ReminderRequest};
use crate::api::{Client, Fetch, Sku, StoreId};
use crate::components::use_lang;
use crate::i18n::*;
use crate::reflect::{call, get};
use crate::storage;
use leptos::prelude::*;
use leptos_use::use_interval_fn;

use wasm_bindgen_futures::JsFuture;

/// How often an open screen asks whether a reminder came due.
const ASK_EVERY_MS: u64 = 60_000;
/// The reminders this device already notified, so a minute later they are not shown again.
const NOTIFIED_KEY: &str = "shopbag.notified";

/// What a due reminder says.
fn message(i18n: I18n, reminder: &Reminder, lang: crate::api::Lang) -> String {
    let name = reminder.name.get(lang);
    let due = reminder.due.as_ref();
    match reminder.kind {
        ReminderKind::PromotionStart => {
            let festival = due
                .and_then(|d| d.promotion.as_ref())
                .map(|p| p.get(lang).to_string())
                .unwrap_or_default();
            i18n.reminder_promotion_due(festival, name).to_string()
        }
        ReminderKind::Restock => i18n.reminder_restock_due(name).to_string(),
        ReminderKind::PriceDrop => {
            let was = due.and_then(|d| d.was).unwrap_or_default();
            let now = due.and_then(|d| d.now).unwrap_or_default();
            i18n.reminder_price_drop_due(name, was.to_string(), now.to_string())
                .to_string()
        }
    }
}

/// The due reminders she has not been told about, each with "OK".
#[component]
pub fn DueReminders(token: Signal<Option<BagToken>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = expect_context::<Client>();
    let seen_client = client.clone();
    let due = Fetch::new(move || {
        let client = client.clone();
        let token = token.get_untracked();
        async move {
            let token = token?;
            let answer = client.reminders(&token).await.ok()?;
            Some(answer.to_tell().cloned().collect::<Vec<_>>())
        }
    });
    use_interval_fn(move || due.again(), ASK_EVERY_MS);
    // Told elsewhere too: as a notification, once per reminder and device.
    Effect::new(move |_| {
        due.with(|due| {
            for reminder in due.and_then(Option::as_ref).into_iter().flatten() {
                notify_once(reminder.id, &message(i18n, reminder, lang()));
            }
        })
    });
    let told = move |id: i64| {
        let client = seen_client.clone();
        let Some(token) = token.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            if client.reminder_seen(&token, id).await.is_ok() {
                due.again();
            }
        });
    };
    move || {
        due.with(|due| {
            let due = due.and_then(Option::as_ref).filter(|d| !d.is_empty())?;
            let items: Vec<_> = due
                .iter()
                .map(|reminder| {
                    let id = reminder.id;
                    let text = message(i18n, reminder, lang());
                    let told = told.clone();
                    view! {
                        <li>
                            <span>{text}</span>
                            <button type="button" class="button" on:click=move |_| told(id)>
                                {i18n.reminder_ok()}
                            </button>
                        </li>
                    }
                })
                .collect();
            Some(view! {
                <section class="due-reminders" role="status" aria-label=i18n.reminders_title().to_string()>
                    <ul>{items}</ul>
                </section>
            })
        })
    }
}

// The notification API is reached by name (see `crate::reflect`): only this screen uses it.

/// `Notification.permission`: `granted`, `denied`, `default`; `None` where there is no
/// `Notification` (some webviews).
fn permission() -> Option<String> {
    get(&get(&window(), "Notification")?, "permission")?.as_string()
}

/// Shows `text` as a system notification through the service worker, when she allowed them
/// and this device has not shown this reminder yet.
fn notify_once(id: i64, text: &str) {
    if permission().as_deref() != Some("granted") {
        return;
    }
    let notified = storage::read_text(NOTIFIED_KEY).unwrap_or_default();
    let mark = format!("{id} ");
    if notified.split_inclusive(' ').any(|n| n == mark) {
        return;
    }
    let _ = storage::write_text(NOTIFIED_KEY, &format!("{notified}{mark}"));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"body".into(), &text.into());
    let _ = js_sys::Reflect::set(&options, &"tag".into(), &format!("reminder-{id}").into());
    leptos::task::spawn_local(async move {
        let Some(ready) =
            get(&window().navigator(), "serviceWorker").and_then(|w| get(&w, "ready"))
        else {
            return;
        };
        let Ok(registration) = JsFuture::from(js_sys::Promise::from(ready)).await else {
            return;
        };
        call(
            &registration,
            "showNotification",
            &["shopbag".into(), options.into()],
        );
    });
}

/// Asks once for permission to notify, on her tap (browsers only ask after a gesture).
fn ask_to_notify() {
    if permission().as_deref() == Some("default") {
        if let Some(notification) = get(&window(), "Notification") {
            call(&notification, "requestPermission", &[]);
        }
    }
}

/// How the last "remind me" went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    Not,
    Yes(ReminderKind),
    Failed,
}

/// "Remind me" on one line: the festival's start, her size back, a lower price.
#[component]
pub fn RemindMe(
    sku: StoredValue<Sku>,
    here: Signal<Option<StoreId>>,
    token: Signal<Option<BagToken>>,
    calendar: StoredValue<Calendar>,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = use_lang();
    let client = StoredValue::new(expect_context::<Client>());
    let open = RwSignal::new(false);
    let kept = RwSignal::new(Kept::Not);
    let festival = move || {
        calendar.with_value(|c| {
            c.current(crate::clock::now())
                .map(|p| p.name.get(lang()).to_string())
                .unwrap_or_default()
        })
    };
    let remind = move |kind: ReminderKind| {
        ask_to_notify();
        let client = client.get_value();
        let request = ReminderRequest {
            sku: sku.get_value(),
            kind,
            store: here.get_untracked(),
        };
        let token = token.get_untracked();
        leptos::task::spawn_local(async move {
            let done = match token {
                Some(token) => client.remind(&token, &request).await.is_ok(),
                None => false,
            };
            kept.set(if done { Kept::Yes(kind) } else { Kept::Failed });
        });
    };
    let choice = move |kind: ReminderKind| {
        let label = move || match kind {
            ReminderKind::PromotionStart => i18n.remind_promotion(festival()).to_string(),
            ReminderKind::Restock => i18n.remind_restock().to_string(),
            ReminderKind::PriceDrop => i18n.remind_price_drop().to_string(),
        };
        view! {
            <button
                type="button"
                class="button"
                aria-pressed=move || (kept.get() == Kept::Yes(kind)).to_string()
                on:click=move |_| remind(kind)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="remind-me">
            <button
                type="button"
                class="button"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {move || i18n.remind_me()}
            </button>
            <Show when=move || open.get()>
                <div class="remind-choices" role="group" aria-label=move || i18n.remind_me()>
                    {ReminderKind::ALL.into_iter().map(choice).collect_view()}
                </div>
            </Show>
            <p class="hint" role="status">
                {move || match kept.get() {
                    Kept::Not => None,
                    Kept::Yes(_) => Some(i18n.remind_saved().to_string()),
                    Kept::Failed => Some(i18n.remind_failed().to_string()),
                }}
            </p>
        </div>
    }
}
