//! Kiosk mode: a big touch screen in a store, shared by strangers. A device becomes a kiosk by
//! opening `/?kiosk=<id>` once (staff do, when they set it up) and stays one until
//! `/?kiosk=off`. On a kiosk nothing personal outlives a shopper: no member sign-in, and after a
//! minute without input a warning, then everything of hers is wiped (see [`idle`]).
//!
//! The rules are here, in plain Rust; the kiosk's screen parts are `crate::pages::kiosk`, in the
//! scanner's chunk, so no phone's first load carries them.

use crate::storage;

const KEY: &str = "shopbag.kiosk";

/// A kiosk's name, as staff gave it in the link: 1–32 letters, digits, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskId(String);

impl KioskId {
    pub fn parse(text: &str) -> Option<KioskId> {
        let ok = (1..=32).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        ok.then(|| KioskId(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What `?kiosk=…` asks of this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Become(KioskId),
    StopBeing,
    Nothing,
}

impl Asked {
    pub fn from_query(value: Option<&str>) -> Asked {
        match value {
            Some("off") => Asked::StopBeing,
            Some(id) => KioskId::parse(id).map_or(Asked::Nothing, Asked::Become),
            None => Asked::Nothing,
        }
    }
}

/// The kiosk this device is, after doing what the address asks (`?kiosk=` of the page opened).
pub fn on_this_device(asked: Option<&str>) -> Option<KioskId> {
    match Asked::from_query(asked) {
        Asked::Become(id) => {
            // A device that will not store it is a kiosk for this page only.
            let _ = storage::write_text(KEY, id.as_str());
            Some(id)
        }
        Asked::StopBeing => {
            storage::remove(KEY);
            None
        }
        Asked::Nothing => KioskId::parse(&storage::read_text(KEY)?),
    }
}

/// The kiosk this device is, as it was set up.
pub fn this_device() -> Option<KioskId> {
    on_this_device(None)
}

/// A minute without input, then the warning.
pub const IDLE_MS: i64 = 60_000;
/// How long the warning stays before the kiosk starts over.
pub const WARNING_MS: i64 = 15_000;

/// Where a kiosk is with the shopper in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// She is using it, or it is at rest and was not left alone long.
    InUse,
    /// At rest and left alone as long as a warning would have taken: anything of a shopper's
    /// still stored (a size she chose, then emptied her bag) goes, without a word or a reload.
    Tidy,
    /// "Are you still there?", with the whole seconds left.
    Warning { seconds_left: u32 },
    /// Time is up: wipe and start over.
    StartOver,
}

/// Where the kiosk is `now`, with the last input at `last_input` (ms). A kiosk at rest (the
/// start screen, an empty bag) shows nothing of anybody's: no reason to interrupt anybody.
pub fn idle(now: i64, last_input: i64, at_rest: bool) -> Idle {
    let quiet = now - last_input;
    if quiet < IDLE_MS || (at_rest && quiet < IDLE_MS + WARNING_MS) {
        Idle::InUse
    } else if at_rest {
        Idle::Tidy
    } else if quiet < IDLE_MS + WARNING_MS {
        let left = IDLE_MS + WARNING_MS - quiet;
        Idle::Warning {
            seconds_left: u32::try_from((left + 999) / 1000).unwrap_or(u32::MAX),
        }
    } else {
        Idle::StartOver
    }
}

/// Whole minutes left until `expires_at` (ms), rounded up: what a kiosk's handoff code says.
pub fn minutes_left(now: i64, expires_at: i64) -> u32 {
    u32::try_from(((expires_at - now).max(0) + 59_999) / 60_000).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_makes_a_kiosk_and_off_ends_it() {
        let id = KioskId::parse("jingan-1").unwrap();
        assert_eq!(Asked::from_query(Some("jingan-1")), Asked::Become(id));
        assert_eq!(Asked::from_query(Some("off")), Asked::StopBeing);
        assert_eq!(Asked::from_query(None), Asked::Nothing);
        for bad in ["", "a b", "<script>", &"x".repeat(33), "门店1"] {
            assert_eq!(Asked::from_query(Some(bad)), Asked::Nothing, "{bad}");
        }
    }

    #[test]
    fn a_minute_quiet_warns_for_fifteen_seconds_then_starts_over() {
        let t = 1_000_000;
        assert_eq!(idle(t, t, false), Idle::InUse);
        assert_eq!(idle(t + 59_999, t, false), Idle::InUse);
        assert_eq!(
            idle(t + 60_000, t, false),
            Idle::Warning { seconds_left: 15 }
        );
        assert_eq!(
            idle(t + 60_001, t, false),
            Idle::Warning { seconds_left: 15 }
        );
        assert_eq!(
            idle(t + 74_000, t, false),
            Idle::Warning { seconds_left: 1 }
        );
        assert_eq!(
            idle(t + 74_999, t, false),
            Idle::Warning { seconds_left: 1 }
        );
        assert_eq!(idle(t + 75_000, t, false), Idle::StartOver);
        assert_eq!(idle(t + 3_600_000, t, false), Idle::StartOver);
        // Any input starts the minute again.
        assert_eq!(idle(t + 80_000, t + 70_000, false), Idle::InUse);
    }

    #[test]
    fn a_kiosk_at_rest_is_never_interrupted_only_tidied() {
        let t = 1_000_000;
        assert_eq!(idle(t + 60_000, t, true), Idle::InUse);
        assert_eq!(idle(t + 74_999, t, true), Idle::InUse);
        assert_eq!(idle(t + 75_000, t, true), Idle::Tidy);
        assert_eq!(idle(t + 10_000_000, t, true), Idle::Tidy);
    }

    #[test]
    fn minutes_left_round_up_and_stop_at_zero() {
        assert_eq!(minutes_left(0, 300_000), 5);
        assert_eq!(minutes_left(1, 300_000), 5);
        assert_eq!(minutes_left(240_001, 300_000), 1);
        assert_eq!(minutes_left(300_000, 300_000), 0);
        assert_eq!(minutes_left(400_000, 300_000), 0);
    }
}
