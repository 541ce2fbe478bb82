//! Her history with the brand: her orders, her purchases at the till and her points; her consent
//! to follow-up; and, as China's PIPL expects, all of it exported, or her account erased (her
//! personal data gone, her orders and purchases kept without her).

use super::till::{devices, purchases_of};
use super::{coupons, profile};
use crate::bag::BagKey;
use crate::error::AppError;
use crate::AppState;
use shopbag_api::member::{Consent, Export, History, OrderRecord, PointsEntry, Profile};
use shopbag_api::{Fulfilment, Money, Timestamp};
use sqlx::AnyConnection;

pub async fn history(conn: &mut AnyConnection, member: &str) -> Result<History, AppError> {
    let orders: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT o.number, o.total, o.status, o.created_at FROM orders o \
         JOIN members m ON m.bag = o.bag WHERE m.id = $1 ORDER BY o.created_at DESC",
    )
    .bind(member)
    .fetch_all(&mut *conn)
    .await?;
    let points: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT change, reason, at FROM points_history WHERE member_id = $1 ORDER BY at DESC, id DESC",
    )
    .bind(member)
    .fetch_all(&mut *conn)
    .await?;
    Ok(History {
        orders: orders
            .into_iter()
            .map(|(number, total, status, created_at)| OrderRecord {
                number,
                total: Money::fen(total),
                status,
                created_at: Timestamp(created_at),
            })
            .collect(),
        purchases: purchases_of(conn, member).await?,
        points: points
            .into_iter()
            .map(|(change, reason, at)| PointsEntry {
                change,
                reason,
                at: Timestamp(at),
            })
            .collect(),
    })
}

pub async fn set_consent(
    state: &AppState,
    member: &str,
    consent: Consent,
) -> Result<Profile, AppError> {
    let mut tx = state.writer.begin().await?;
    let result = async {
        sqlx::query("UPDATE members SET follow_up = $1 WHERE id = $2")
            .bind(i64::from(consent.follow_up))
            .bind(member)
            .execute(&mut *tx)
            .await?;
        profile(&mut tx, member).await
    }
    .await;
    tx.finish(result).await
}

pub async fn export(conn: &mut AnyConnection, member: &str) -> Result<Export, AppError> {
    let (phone,): (Option<String>,) = sqlx::query_as("SELECT phone FROM members WHERE id = $1")
        .bind(member)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Export {
        profile: profile(conn, member).await?,
        phone: phone.unwrap_or_default(),
        coupons: coupons(conn, member, Timestamp(crate::now_ms())).await?,
        history: history(conn, member).await?,
        devices: devices(conn, member).await?,
    })
}

/// Erases her account: what names or reaches her goes (number, name, sessions, devices, coupons,
/// points history, her bag and its reminders, the delivery details of her orders); her orders and
/// purchases stay, no longer linked to anyone.
pub async fn erase(state: &AppState, member: &str) -> Result<(), AppError> {
    let mut tx = state.writer.begin().await?;
    let result = async {
        let (bag,): (Option<Vec<u8>>,) = sqlx::query_as("SELECT bag FROM members WHERE id = $1")
            .bind(member)
            .fetch_one(&mut *tx)
            .await?;
        if let Some(bag) = bag.as_deref().and_then(BagKey::from_stored) {
            let orders: Vec<(i64, String)> =
                sqlx::query_as("SELECT id, fulfilment FROM orders WHERE bag = $1")
                    .bind(bag.as_bytes())
                    .fetch_all(&mut *tx)
                    .await?;
            for (id, fulfilment) in orders {
                let kept = anonymous(&fulfilment);
                // A fresh random key: the order belongs to no bag any more.
                sqlx::query(
                    "UPDATE orders SET bag = $1, fulfilment = $2, request = '{}' WHERE id = $3",
                )
                .bind(&super::random::<32>()[..])
                .bind(kept)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            }
            for statement in [
                "DELETE FROM bag_ops WHERE bag = $1",
                "DELETE FROM reminders WHERE bag = $1",
                "DELETE FROM bag_aliases WHERE bag = $1",
            ] {
                sqlx::query(statement)
                    .bind(bag.as_bytes())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for statement in [
            "DELETE FROM sessions WHERE member_id = $1",
            "DELETE FROM member_devices WHERE member_id = $1",
            "DELETE FROM host_users WHERE member_id = $1",
            "DELETE FROM points_history WHERE member_id = $1",
            "DELETE FROM coupons WHERE member_id = $1",
            "UPDATE purchases SET member_id = NULL WHERE member_id = $1",
            "UPDATE members SET phone = NULL, phone_masked = '', display_name = '', points = 0, \
             follow_up = 0, bag = NULL, erased_at = $2 WHERE id = $1",
        ] {
            sqlx::query(statement)
                .bind(member)
                .bind(crate::now_ms())
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }
    .await;
    tx.finish(result).await
}

/// An order's fulfilment without who it went to: a pickup names only a store; a delivery keeps
/// nothing of the address.
fn anonymous(fulfilment: &str) -> String {
    let kept = match serde_json::from_str::<Fulfilment>(fulfilment) {
        Ok(Fulfilment::Pickup { store_id }) => Fulfilment::Pickup { store_id },
        _ => Fulfilment::Delivery {
            address: shopbag_api::DeliveryAddress {
                name: String::new(),
                phone: String::new(),
                address: String::new(),
            },
        },
    };
    serde_json::to_string(&kept).expect("a fulfilment serialises")
}
