//! Her membership on this device: who she is (kept, so the member code and her points show in
//! airplane mode), the device's member-code secret, signing in, and what signing out takes off
//! the device.

mod code_card;
pub mod drawing;

pub use code_card::CodeCard;

use crate::api::member::{DeviceRegistered, Me, Phone, SignInRequest};
use crate::reflect::{call, get};
use crate::route::Route;
use crate::{json, storage};
use leptos::prelude::window;
use serde::{Deserialize, Serialize};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

const KEY: &str = "shopbag.member";

/// The member code's, her history's and the till's styles (style/member.css): linked by those
/// screens, so no first load carries them; the service worker keeps the file for offline.
#[leptos::component]
pub fn MemberStyle() -> impl leptos::IntoView {
    leptos::view! { <link rel="stylesheet" href="/member.css" /> }
}

/// What this device keeps of her membership.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub me: Me,
    /// This device's number and code secret, once registered.
    pub device: Option<DeviceRegistered>,
    /// She paused this device's code.
    #[serde(default)]
    pub paused: bool,
}

impl Membership {
    /// Hers on this device, if she signed in here.
    pub fn load() -> Option<Membership> {
        json::from_text(&storage::read_text(KEY)?).ok()
    }

    pub fn save(&self) -> Result<(), storage::Refused> {
        storage::write(KEY, self)
    }
}

/// The device's own settings, which stay when she signs out: they say nothing about her.
const DEVICE_SETTINGS: [&str; 5] = [
    "shopbag.language",
    "shopbag.camera",
    "shopbag.scan.beep",
    "shopbag.store",
    "shopbag.cashier",
];

/// Whether a stored key holds something of hers (her bag, its products, sizes she chose,
/// reminders she was shown, her membership): signing out removes all of those.
pub fn is_personal(key: &str) -> bool {
    key.starts_with("shopbag.") && !DEVICE_SETTINGS.contains(&key)
}

/// The device forgets her: everything of hers goes from its storage, and the app starts again
/// on the start page, so nothing of hers stays in memory either (the bag starts empty, with a
/// token of its own). Storage and navigation are reached by name (see `crate::reflect`).
pub fn forget_her() {
    let window = JsValue::from(window());
    remove_personal();
    // A write already on its way (a sync answer storing the bag) could land before the page
    // goes: what is hers is removed once more as it goes, when nothing can write any more.
    let again = Closure::once_into_js(remove_personal);
    call(&window, "addEventListener", &["pagehide".into(), again]);
    if let Some(location) = get(&window, "location") {
        call(&location, "replace", &[Route::Home.href().into()]);
    }
}

fn remove_personal() {
    let Some(storage) = get(&window().into(), "localStorage") else {
        return;
    };
    let count = get(&storage, "length")
        .and_then(|n| n.as_f64())
        .unwrap_or(0.0) as u32;
    let keys: Vec<String> = (0..count)
        .filter_map(|i| call(&storage, "key", &[i.into()])?.as_string())
        .filter(|key| is_personal(key))
        .collect();
    for key in keys {
        storage::remove(&key);
    }
}

/// The sign-in form as she fills it in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInDraft {
    pub phone: String,
    pub code: String,
}

/// What is wrong with the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftProblem {
    Phone,
    Code,
}

impl SignInDraft {
    pub fn phone(&self) -> Result<Phone, DraftProblem> {
        Phone::parse(&self.phone).ok_or(DraftProblem::Phone)
    }

    pub fn request(&self) -> Result<SignInRequest, DraftProblem> {
        let phone = self.phone()?;
        let code = crate::api::member::sign_in_code(&self.code).ok_or(DraftProblem::Code)?;
        Ok(SignInRequest {
            phone: phone.digits().to_string(),
            code,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_out_takes_her_things_and_leaves_the_devices_settings() {
        for hers in [
            "shopbag.bag",
            "shopbag.products",
            "shopbag.member",
            "shopbag.size.coat",
            "shopbag.notified",
            "shopbag.prompted",
        ] {
            assert!(is_personal(hers), "{hers}");
        }
        for kept in DEVICE_SETTINGS.iter().chain(&["other.app.key"]) {
            assert!(!is_personal(kept), "{kept}");
        }
    }

    #[test]
    fn a_draft_signs_in_with_a_mainland_number_and_six_digits() {
        let draft = SignInDraft {
            phone: "+86 138 0000 2046".into(),
            code: "123 456".into(),
        };
        assert_eq!(
            draft.request(),
            Ok(SignInRequest {
                phone: "13800002046".into(),
                code: "123456".into()
            })
        );
        let no_phone = SignInDraft {
            phone: "12345".into(),
            ..draft.clone()
        };
        assert_eq!(no_phone.request(), Err(DraftProblem::Phone));
        let no_code = SignInDraft {
            code: "12".into(),
            ..draft
        };
        assert_eq!(no_code.request(), Err(DraftProblem::Code));
    }
}
