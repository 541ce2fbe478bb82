//! Rate limits on writes, so one bag or one client cannot take the server or a store's stock
//! for itself: a made-up token costs nothing, so bags are limited one by one and client
//! addresses as well. Limits are token buckets: a burst of the whole minute's quota, then the
//! steady rate. One server on SQLite keeps them in memory (governor); replicas on PostgreSQL keep
//! them in the database they share, so a client cannot multiply its quota by their number.

use crate::bag::BagKey;
use crate::db::Engine;
use crate::error::AppError;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};
use shopbag_api::StoreId;
use sqlx::AnyPool;
use std::convert::Infallible;
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
    /// Searches by photo per client address: each one keeps a core busy for a while.
    pub photo_searches_per_address: u32,
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
            // A shopper tries a few angles; a script looping on it is held back.
            photo_searches_per_address: 30,
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
struct Limit {
    /// Names the limit's buckets in the shared table.
    name: &'static str,
    per: Duration,
    count: u32,
    /// This server's own buckets (none when the limit is off); unused when they are shared.
    local: Option<DefaultKeyedRateLimiter<String>>,
}

impl Limit {
    fn new(name: &'static str, per: Duration, count: u32) -> Self {
        let local = NonZeroU32::new(count).map(|burst| {
            let quota = Quota::with_period(per / burst.get())
                .expect("a period over a nonzero count is nonzero")
                .allow_burst(burst);
            RateLimiter::keyed(quota)
        });
        Limit {
            name,
            per,
            count,
            local,
        }
    }
}

/// Where the buckets are kept.
enum Buckets {
    /// In this process: one server on one machine (SQLite), no query per request.
    Local,
    /// In the database's `rate_limits` table, which every replica shares (PostgreSQL).
    Shared(AnyPool),
}

/// Every write limit of the server.
pub struct Throttle {
    buckets: Buckets,
    per_bag: Limit,
    per_address: Limit,
    orders_per_address: Limit,
    codes_per_phone: Limit,
    member_codes_per_store: Limit,
    member_codes_per_device: Limit,
    photo_searches_per_address: Limit,
}

impl Throttle {
    /// Limits kept in this process.
    pub fn new(rates: Rates) -> Self {
        let minute = Duration::from_secs(60);
        Throttle {
            buckets: Buckets::Local,
            per_bag: Limit::new("bag", minute, rates.writes_per_bag),
            per_address: Limit::new("address", minute, rates.writes_per_address),
            orders_per_address: Limit::new("orders", 60 * minute, rates.orders_per_address_hour),
            codes_per_phone: Limit::new("phone", 60 * minute, rates.sign_in_codes_per_phone_hour),
            member_codes_per_store: Limit::new("store", minute, rates.member_codes_per_store),
            member_codes_per_device: Limit::new("device", minute, rates.member_codes_per_device),
            photo_searches_per_address: Limit::new(
                "photo",
                minute,
                rates.photo_searches_per_address,
            ),
        }
    }

    /// Limits kept in the database, so that they hold across all the servers that share it.
    pub fn shared(rates: Rates, pool: AnyPool) -> Self {
        Throttle {
            buckets: Buckets::Shared(pool),
            ..Throttle::new(rates)
        }
    }

    /// Limits for a server on `pool`: shared on PostgreSQL, where replicas run side by side.
    pub fn for_database(rates: Rates, pool: &AnyPool) -> Self {
        match Engine::of_pool(pool) {
            Engine::Sqlite => Throttle::new(rates),
            Engine::Postgres => Throttle::shared(rates, pool.clone()),
        }
    }

    /// A sign-in code sent to `phone` (11 digits).
    pub async fn sign_in_code(&self, phone: &str) -> Result<(), AppError> {
        self.admit(
            &self.codes_per_phone,
            phone,
            "sign-in codes for this number",
        )
        .await
    }

    /// A member code verified at `store`, from the device numbered `device`.
    pub async fn member_code(&self, store: &StoreId, device: u32) -> Result<(), AppError> {
        self.admit(
            &self.member_codes_per_store,
            store.as_str(),
            "member codes at this store",
        )
        .await?;
        self.admit(
            &self.member_codes_per_device,
            &device.to_string(),
            "member codes from this device",
        )
        .await
    }

    /// A write to `bag` from `client`: admitted, or 429 with when to try again.
    pub async fn write(&self, bag: &BagKey, client: ClientAddr) -> Result<(), AppError> {
        if let ClientAddr(Some(ip)) = client {
            self.admit(&self.per_address, &ip.to_string(), "from this address")
                .await?;
        }
        self.admit(&self.per_bag, &hex(bag.as_bytes()), "for this bag")
            .await
    }

    /// An order from `client` (on top of [`Throttle::write`]).
    pub async fn order(&self, client: ClientAddr) -> Result<(), AppError> {
        match client {
            ClientAddr(Some(ip)) => {
                self.admit(
                    &self.orders_per_address,
                    &ip.to_string(),
                    "orders from this address",
                )
                .await
            }
            ClientAddr(None) => Ok(()),
        }
    }

    /// A search by photo from `client`.
    pub async fn photo_search(&self, client: ClientAddr) -> Result<(), AppError> {
        match client {
            ClientAddr(Some(ip)) => {
                self.admit(
                    &self.photo_searches_per_address,
                    &ip.to_string(),
                    "searches by photo from this address",
                )
                .await
            }
            ClientAddr(None) => Ok(()),
        }
    }

    async fn admit(&self, limit: &Limit, key: &str, what: &str) -> Result<(), AppError> {
        if limit.count == 0 {
            return Ok(()); // off
        }
        match (&self.buckets, &limit.local) {
            (Buckets::Local, Some(local)) => {
                local.check_key(&key.to_string()).map_err(|not_until| {
                    let wait = not_until.wait_time_from(DefaultClock::default().now());
                    AppError::too_many_requests(what, wait)
                })
            }
            (Buckets::Local, None) => Ok(()),
            (Buckets::Shared(pool), _) => {
                let wait = shared_admit(pool, limit, key, crate::now_ms()).await?;
                match wait {
                    None => Ok(()),
                    Some(wait) => Err(AppError::too_many_requests(what, wait)),
                }
            }
        }
    }

    /// Drops the buckets that are full again (memory and the shared table stay bounded).
    pub async fn forget_idle(&self) -> Result<(), sqlx::Error> {
        match &self.buckets {
            Buckets::Local => {
                for limit in self.limits() {
                    if let Some(local) = &limit.local {
                        local.retain_recent();
                    }
                }
            }
            Buckets::Shared(pool) => forget_full(pool, crate::now_ms()).await?,
        }
        Ok(())
    }

    fn limits(&self) -> [&Limit; 7] {
        [
            &self.per_bag,
            &self.per_address,
            &self.orders_per_address,
            &self.codes_per_phone,
            &self.member_codes_per_store,
            &self.member_codes_per_device,
            &self.photo_searches_per_address,
        ]
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(Rates::default())
    }
}

/// One request against a shared bucket (the generic cell rate algorithm, the one governor uses):
/// the bucket keeps its "theoretical arrival time" `tat`; each request moves it on by the
/// emission interval, and is admitted while `tat` stays within the burst ahead of now. One
/// atomic upsert, so replicas admitting at once each see the other's step. Returns how long to
/// wait when refused.
async fn shared_admit(
    pool: &AnyPool,
    limit: &Limit,
    key: &str,
    now: i64,
) -> Result<Option<Duration>, sqlx::Error> {
    let per = i64::try_from(limit.per.as_millis()).unwrap_or(i64::MAX);
    let interval = (per / i64::from(limit.count.max(1))).max(1);
    let burst = per - interval;
    let bucket = Sha256::new()
        .chain_update(limit.name)
        .chain_update([0])
        .chain_update(key)
        .finalize()
        .to_vec();
    let admitted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO rate_limits (bucket, tat) VALUES ($1, $2 + $3) \
         ON CONFLICT (bucket) DO UPDATE \
         SET tat = CASE WHEN rate_limits.tat > $2 THEN rate_limits.tat ELSE $2 END + $3 \
         WHERE rate_limits.tat - $2 <= $4 RETURNING tat",
    )
    .bind(&bucket)
    .bind(now)
    .bind(interval)
    .bind(burst)
    .fetch_optional(pool)
    .await?;
    if admitted.is_some() {
        return Ok(None);
    }
    let tat: Option<(i64,)> = sqlx::query_as("SELECT tat FROM rate_limits WHERE bucket = $1")
        .bind(&bucket)
        .fetch_optional(pool)
        .await?;
    let wait = tat.map_or(interval, |(tat,)| tat - now - burst).max(1);
    Ok(Some(Duration::from_millis(wait.unsigned_abs())))
}

/// A bucket whose arrival time has passed is full: the same as no bucket.
async fn forget_full(pool: &AnyPool, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use shopbag_api::bag::BagToken;

    /// The same limits kept in memory, and in a database table (here a SQLite file: the table's
    /// SQL is the one PostgreSQL runs; the replica tests run it there).
    async fn both(rates: Rates) -> (Vec<Throttle>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("limits.db").display());
        let pool = crate::db::open(&url).await.unwrap();
        (
            vec![Throttle::new(rates), Throttle::shared(rates, pool)],
            dir,
        )
    }

    #[tokio::test]
    async fn a_bag_gets_its_burst_then_waits_and_another_bag_is_not_held_up() {
        let rates = Rates {
            writes_per_bag: 3,
            writes_per_address: 0,
            orders_per_address_hour: 0,
            ..Rates::default()
        };
        for throttle in both(rates).await.0 {
            let (one, two) = (
                BagKey::of(&BagToken::from_bits(1)),
                BagKey::of(&BagToken::from_bits(2)),
            );
            let client = ClientAddr(Some(IpAddr::from([192, 168, 1, 20])));
            for _ in 0..3 {
                assert!(throttle.write(&one, client).await.is_ok());
            }
            let refused = throttle.write(&one, client).await.unwrap_err();
            assert_eq!(refused.status, 429);
            assert!(refused.retry_after.is_some_and(|s| (1..=20).contains(&s)));
            assert!(throttle.write(&two, client).await.is_ok());
            // Off means off.
            for _ in 0..100 {
                assert!(throttle.order(client).await.is_ok());
            }
        }
    }

    #[tokio::test]
    async fn made_up_bags_from_one_address_share_its_limit() {
        let rates = Rates {
            writes_per_bag: 100,
            writes_per_address: 5,
            orders_per_address_hour: 2,
            ..Rates::default()
        };
        for throttle in both(rates).await.0 {
            let client = ClientAddr(Some(IpAddr::from([10, 0, 0, 7])));
            let mut admitted = 0;
            for n in 0..20u128 {
                let bag = BagKey::of(&BagToken::from_bits(n));
                admitted += usize::from(throttle.write(&bag, client).await.is_ok());
            }
            assert_eq!(admitted, 5);
            assert!(throttle.order(client).await.is_ok() && throttle.order(client).await.is_ok());
            assert!(throttle.order(client).await.is_err());
            let other = ClientAddr(Some(IpAddr::from([10, 0, 0, 8])));
            assert!(throttle.order(other).await.is_ok());
        }
    }

    #[tokio::test]
    async fn a_shared_bucket_refills_at_the_steady_rate_and_is_forgotten_once_full() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("limits.db").display());
        let pool = crate::db::open(&url).await.unwrap();
        // 6 a minute: a burst of 6, then one every 10 s.
        let limit = Limit::new("bag", Duration::from_secs(60), 6);
        for at in 0..6 {
            assert_eq!(
                shared_admit(&pool, &limit, "k", 1_000 + at).await.unwrap(),
                None
            );
        }
        let wait = shared_admit(&pool, &limit, "k", 1_006).await.unwrap();
        assert_eq!(wait, Some(Duration::from_millis(10_000 - 6)));
        assert_eq!(
            shared_admit(&pool, &limit, "k", 11_000).await.unwrap(),
            None
        );
        assert!(shared_admit(&pool, &limit, "k", 11_001)
            .await
            .unwrap()
            .is_some());
        // Another key, and the same key under another limit, have buckets of their own.
        assert_eq!(
            shared_admit(&pool, &limit, "j", 11_001).await.unwrap(),
            None
        );
        let other = Limit::new("address", Duration::from_secs(60), 6);
        assert_eq!(
            shared_admit(&pool, &other, "k", 11_001).await.unwrap(),
            None
        );
        // At 21 002 the two new buckets are full again (their one request went at 11 001); the
        // first one is not (its last went at 11 000, five intervals ahead).
        forget_full(&pool, 21_002).await.unwrap();
        let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM rate_limits")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(kept, 1);
    }
}
