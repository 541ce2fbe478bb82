//! The same tag seen again moments later is the same item, not a second one.

/// How long a scanned code is ignored after it was added: long enough to lower the phone or
/// move the tag away, short enough that a second identical item can be scanned right after.
pub const COOLDOWN_MS: f64 = 4000.0;

#[derive(Debug, Default)]
pub struct Cooldown {
    recent: Vec<(String, f64)>,
}

impl Cooldown {
    /// Whether `code`, read at `at_ms`, is new enough to be added. Every reading counts as
    /// seen: a tag left in front of the lens stays "just added" until it has been gone a while.
    pub fn admit(&mut self, code: &str, at_ms: f64) -> bool {
        self.recent.retain(|(_, seen)| at_ms - seen < COOLDOWN_MS);
        let known = self.recent.iter_mut().find(|(recent, _)| recent == code);
        match known {
            Some((_, seen)) => {
                *seen = at_ms;
                false
            }
            None => {
                self.recent.push((code.to_string(), at_ms));
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_admitted_once_within_the_cooldown() {
        let mut cooldown = Cooldown::default();
        assert!(cooldown.admit("6931234500018", 0.0));
        assert!(!cooldown.admit("6931234500018", 1500.0));
        assert!(cooldown.admit("4006381333931", 1600.0));
        // Seen again at 1500 ms: the cooldown now runs from there, and from each later sighting.
        let still_in_view = 1500.0 + COOLDOWN_MS - 1.0;
        assert!(!cooldown.admit("6931234500018", still_in_view));
        assert!(cooldown.admit("6931234500018", still_in_view + COOLDOWN_MS));
    }
}
