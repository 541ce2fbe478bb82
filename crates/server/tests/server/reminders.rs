//! "Remind me" over HTTP: the server decides when a reminder is due from its own data, so each
//! test changes the data (stock, price, calendar) and asks again.

use crate::common::{assert_error, token, Fixture};
use serde_json::json;
use shopbag_api::bag::BagToken;
use shopbag_api::reminders::{Reminder, ReminderKind, RemindersResponse};
use shopbag_api::Timestamp;
use shopbag_server::seed;

async fn remind(f: &Fixture, bag: &BagToken, body: serde_json::Value) -> reqwest::Response {
    f.server
        .with_token(f.server.client.post(f.server.url("/api/v1/reminders")), bag)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn create(f: &Fixture, bag: &BagToken, sku: &str, kind: &str) -> Reminder {
    let response = remind(
        f,
        bag,
        json!({ "sku": sku, "kind": kind, "store": "sh-jingan" }),
    )
    .await;
    assert_eq!(response.status(), 200, "{kind}");
    response.json().await.unwrap()
}

async fn list(f: &Fixture, bag: &BagToken) -> Vec<Reminder> {
    let response = f
        .server
        .with_token(f.server.client.get(f.server.url("/api/v1/reminders")), bag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response
        .json::<RemindersResponse>()
        .await
        .unwrap()
        .reminders
}

async fn exec(f: &Fixture, sql: &str, sku: &str) {
    sqlx::query(sql)
        .bind(sku)
        .execute(&f.db().await)
        .await
        .unwrap();
}

fn a_sku() -> String {
    seed::demo().products[3].variants[0].sku.to_string()
}

#[tokio::test]
async fn a_restock_is_due_once_her_size_is_back_in_her_store_and_stays_told() {
    let f = Fixture::new().await;
    let (bag, sku) = (token(), a_sku());
    exec(&f, "UPDATE stock SET quantity = 0 WHERE sku = $1", &sku).await;
    let reminder = create(&f, &bag, &sku, "restock").await;
    assert_eq!(
        (reminder.kind, reminder.due.clone()),
        (ReminderKind::Restock, None)
    );
    assert!(list(&f, &bag).await[0].due.is_none());

    exec(
        &f,
        "UPDATE stock SET quantity = 2 WHERE sku = $1 AND store_id = 'sh-jingan'",
        &sku,
    )
    .await;
    let due = list(&f, &bag).await.remove(0);
    assert!(due.due.is_some() && !due.seen);
    // Sold out again before she looked: she is still told it came back.
    exec(&f, "UPDATE stock SET quantity = 0 WHERE sku = $1", &sku).await;
    assert!(list(&f, &bag).await[0].due.is_some());

    let response = f
        .server
        .with_token(
            f.server
                .client
                .post(f.server.url(&format!("/api/v1/reminders/{}/seen", due.id))),
            &bag,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(list(&f, &bag).await[0].seen);
}

#[tokio::test]
async fn a_price_drop_is_due_when_the_price_falls_below_what_she_saw() {
    let f = Fixture::new().await;
    let (bag, sku) = (token(), a_sku());
    let reminder = create(&f, &bag, &sku, "price_drop").await;
    assert!(reminder.due.is_none());
    // Dearer first: still not due.
    exec(
        &f,
        "UPDATE variants SET price = price + 1000 WHERE sku = $1",
        &sku,
    )
    .await;
    assert!(list(&f, &bag).await[0].due.is_none());
    exec(
        &f,
        "UPDATE variants SET price = price - 3000 WHERE sku = $1",
        &sku,
    )
    .await;
    let due = list(&f, &bag).await.remove(0).due.expect("due");
    assert_eq!(due.was.unwrap().as_fen() - due.now.unwrap().as_fen(), 2000);
}

#[tokio::test]
async fn a_festival_start_is_due_when_the_calendar_says_its_prices_began() {
    let f = Fixture::new().await;
    let (bag, sku) = (token(), a_sku());
    let reminder = create(&f, &bag, &sku, "promotion_start").await;
    let expected = reminder
        .expected
        .expect("the start of the next festival's prices");
    assert!(expected.0 > shopbag_server::now_ms());
    assert!(reminder.due.is_none());
    // The store group moves that festival's price phases to the past.
    let start = Timestamp(expected.0 - 400 * 86_400_000).to_string();
    sqlx::query("UPDATE promotion_phases SET starts_at = $1 WHERE starts_at = $2")
        .bind(&start)
        .bind(expected.to_string())
        .execute(&f.db().await)
        .await
        .unwrap();
    let due = list(&f, &bag).await.remove(0).due.expect("due");
    assert_eq!(due.at.to_string(), start);
    assert!(due.promotion.is_some());
}

#[tokio::test]
async fn reminders_are_kept_once_per_line_and_kind_and_only_for_their_bag() {
    let f = Fixture::new().await;
    let (bag, other, sku) = (token(), token(), a_sku());
    let first = create(&f, &bag, &sku, "restock").await;
    let again = create(&f, &bag, &sku, "restock").await;
    assert_eq!(first.id, again.id);
    create(&f, &bag, &sku, "price_drop").await;
    assert_eq!(list(&f, &bag).await.len(), 2);
    assert!(list(&f, &other).await.is_empty());
    let delete = |token: BagToken| {
        let request = f
            .server
            .client
            .delete(f.server.url(&format!("/api/v1/reminders/{}", first.id)));
        f.server.with_token(request, &token).send()
    };
    assert_error(delete(other).await.unwrap(), 404, "not_found").await;
    assert_eq!(delete(bag.clone()).await.unwrap().status(), 204);
    assert_eq!(list(&f, &bag).await.len(), 1);
}

#[tokio::test]
async fn reminders_that_cannot_be_kept_say_why() {
    let f = Fixture::new().await;
    let bag = token();
    let sku = a_sku();
    let response = remind(&f, &bag, json!({ "sku": "P9999-XXX-M", "kind": "restock" })).await;
    assert_error(response, 422, "unknown_variant").await;
    let response = remind(
        &f,
        &bag,
        json!({ "sku": sku, "kind": "restock", "store": "nowhere" }),
    )
    .await;
    assert_error(response, 422, "invalid_operation").await;
    let response = remind(&f, &bag, json!({ "sku": sku, "kind": "someday" })).await;
    assert_error(response, 422, "invalid_json").await;
    let response = f
        .server
        .client
        .get(f.server.url("/api/v1/reminders"))
        .send()
        .await
        .unwrap();
    assert_error(response, 401, "unauthorized").await;
    // No festival ahead: nothing to wait for.
    let db = f.db().await;
    sqlx::query("UPDATE promotion_phases SET starts_at = '2020-01-01T00:00:00+08:00'")
        .execute(&db)
        .await
        .unwrap();
    let response = remind(&f, &bag, json!({ "sku": sku, "kind": "promotion_start" })).await;
    assert_error(response, 409, "no_promotion_ahead").await;
}
