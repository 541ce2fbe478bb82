//! Rate limits on writes, so one bag or one client cannot take the server or a store's stock
//! for itself: a made-up token costs nothing, so bags are limited one by one and client
//! addresses as well. Limits are token buckets (governor): a burst of the whole minute's quota,
//! then the steady rate.

use crate::bag::BagKey;
use crate::error::AppError;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::convert::Infallible;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

/// How many writes per minute each key may make; 0 turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// Bag batches, orders and payments, per bag.
    pub writes_per_bag: u32,
    /// The same, per client address (a phone, a kiosk, a NAT's shoppers together).
    pub writes_per_address: u32,
    /// Orders placed per client address, per hour: what holds stock.
    pub orders_per_address_hour: u32,
    pub sign_in_codes_per_phone_hour: u32,
    pub member_codes_per_store: u32,
    pub member_codes_per_device: u32,
}

impl Default for Rates {
    fn default() -> Self {
        Rates {
            writes_per_bag: 120,
            writes_per_address: 600,
            orders_per_address_hour: 60,
            sign_in_codes_per_phone_hour: 5,
            // A busy till scans a code every few seconds; one phone's codes, a few a minute.
            member_codes_per_store: 120,
            member_codes_per_device: 6,
        }
    }
}

/// The client's IP address as the accept loop saw it (none when the router is called without a
/// socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>();
        Ok(ClientAddr(peer.map(|ConnectInfo(addr)| addr.ip())))
    }
}

/// One limit over many keys.
struct Limit<K: Hash + Eq + Clone> {
    limiter: Option<DefaultKeyedRateLimiter<K>>,
}

impl<K: Hash + Eq + Clone> Limit<K> {
    fn new(per: Duration, count: u32) -> Self {
        let limiter = NonZeroU32::new(count).map(|burst| {
            let quota = Quota::with_period(per / burst.get())
                .expect("a period over a nonzero count is nonzero")
                .allow_burst(burst);
            RateLimiter::keyed(quota)
        });
        Limit { limiter }
    }

    fn admit(&self, key: &K, what: &str) -> Result<(), AppError> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.check_key(key).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            AppError::too_many_requests(what, wait)
        })
    }

    fn forget_idle(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.retain_recent();
        }
    }
}

/// Every write limit of the server.
pub struct Throttle {
    per_bag: Limit<BagKey>,
    per_address: Limit<IpAddr>,
    orders_per_address: Limit<IpAddr>,
    codes_per_phone: Limit<String>,
    member_codes_per_store: Limit<String>,
    member_codes_per_device: Limit<u32>,
}

impl Throttle {
    pub fn new(rates: Rates) -> Self {
        let minute = Duration::from_secs(60);
        Throttle {
            per_bag: Limit::new(minute, rates.writes_per_bag),
            per_address: Limit::new(minute, rates.writes_per_address),
            orders_per_address: Limit::new(60 * minute, rates.orders_per_address_hour),
            codes_per_phone: Limit::new(60 * minute, rates.sign_in_codes_per_phone_hour),
            member_codes_per_store: Limit::new(minute, rates.member_codes_per_store),
            member_codes_per_device: Limit::new(minute, rates.member_codes_per_device),
        }
    }

    /// A sign-in code sent to `phone` (11 digits).
    pub fn sign_in_code(&self, phone: &str) -> Result<(), AppError> {
        self.codes_per_phone
            .admit(&phone.to_string(), "sign-in codes for this number")
    }

    /// A member code verified at `store`, from the device numbered `device`.
    pub fn member_code(&self, store: &str, device: u32) -> Result<(), AppError> {
        self.member_codes_per_store
            .admit(&store.to_string(), "member codes at this store")?;
        self.member_codes_per_device
            .admit(&device, "member codes from this device")
    }

    /// A write to `bag` from `client`: admitted, or 429 with when to try again.
    pub fn write(&self, bag: &BagKey, client: ClientAddr) -> Result<(), AppError> {
        if let ClientAddr(Some(ip)) = client {
            self.per_address.admit(&ip, "from this address")?;
        }
        self.per_bag.admit(bag, "for this bag")
    }

    /// An order from `client` (on top of [`Throttle::write`]).
    pub fn order(&self, client: ClientAddr) -> Result<(), AppError> {
        match client {
            ClientAddr(Some(ip)) => self
                .orders_per_address
                .admit(&ip, "orders from this address"),
            ClientAddr(None) => Ok(()),
        }
    }

    /// Drops the state of keys that are back to a full bucket (memory stays bounded).
    pub fn forget_idle(&self) {
        self.per_bag.forget_idle();
        self.per_address.forget_idle();
        self.orders_per_address.forget_idle();
        self.codes_per_phone.forget_idle();
        self.member_codes_per_store.forget_idle();
        self.member_codes_per_device.forget_idle();
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(Rates::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopbag_api::bag::BagToken;

    #[test]
    fn a_bag_gets_its_burst_then_waits_and_another_bag_is_not_held_up() {
        let throttle = Throttle::new(Rates {
            writes_per_bag: 3,
            writes_per_address: 0,
            orders_per_address_hour: 0,
            ..Rates::default()
        });
        let (one, two) = (
            BagKey::of(&BagToken::from_bits(1)),
            BagKey::of(&BagToken::from_bits(2)),
        );
        let client = ClientAddr(Some(IpAddr::from([192, 168, 1, 20])));
        for _ in 0..3 {
            assert!(throttle.write(&one, client).is_ok());
        }
        let refused = throttle.write(&one, client).unwrap_err();
        assert_eq!(refused.status, 429);
        assert!(refused.retry_after.is_some_and(|s| (1..=20).contains(&s)));
        assert!(throttle.write(&two, client).is_ok());
        // Off means off.
        for _ in 0..100 {
            assert!(throttle.order(client).is_ok());
        }
    }

    #[test]
    fn made_up_bags_from_one_address_share_its_limit() {
        let throttle = Throttle::new(Rates {
            writes_per_bag: 100,
            writes_per_address: 5,
            orders_per_address_hour: 2,
            ..Rates::default()
        });
        let client = ClientAddr(Some(IpAddr::from([10, 0, 0, 7])));
        let admitted = (0..20u128)
            .filter(|n| {
                throttle
                    .write(&BagKey::of(&BagToken::from_bits(*n)), client)
                    .is_ok()
            })
            .count();
        assert_eq!(admitted, 5);
        assert!(throttle.order(client).is_ok() && throttle.order(client).is_ok());
        assert!(throttle.order(client).is_err());
        assert!(throttle
            .order(ClientAddr(Some(IpAddr::from([10, 0, 0, 8]))))
            .is_ok());
    }
}
