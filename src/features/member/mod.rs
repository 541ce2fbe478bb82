//! Her membership on this device: who she is (kept, so the member code and her points show in
//! airplane mode), the device's member-code secret, and signing in. Signing out takes her off the
//! device with `storage::forget_shopper`.

mod code_card;
pub mod drawing;

pub use code_card::CodeCard;

use crate::api::member::{DeviceRegistered, Me, Phone, SignInRequest};
use crate::{json, storage};
use serde::{Deserialize, Serialize};

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
