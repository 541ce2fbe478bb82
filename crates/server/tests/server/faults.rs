//! The test-only fault switch: failures before the write apply nothing, after the write a retry
//! with the same ids or key finds the work done. Run with `--features fault-injection`.

use crate::common::{
    add, assert_error, pickup_at, place, token, variants_with, Fixture, TestServer,
};
use serde_json::{json, Value};
use shopbag_api::bag::{BagState, BagToken};
use shopbag_api::{Order, Sku};
use std::time::{Duration, Instant};

const STORE: &str = "sh-jingan";

async fn set_faults(server: &TestServer, plan: Value) -> reqwest::Response {
    server
        .client
        .post(server.url("/api/v1/test/faults"))
        .json(&plan)
        .send()
        .await
        .unwrap()
}

async fn get_bag(server: &TestServer, bag: &BagToken) -> reqwest::Response {
    server
        .with_token(server.client.get(server.url("/api/v1/bag")), bag)
        .send()
        .await
        .unwrap()
}

async fn order(server: &TestServer, bag: &BagToken, key: &str, sku: &Sku) -> reqwest::Response {
    place(server, bag, key, &pickup_at(STORE, &[sku])).await
}

#[tokio::test]
async fn fail_next_answers_500_and_applies_nothing() {
    let f = Fixture::new().await;
    let shopper = token();
    let sku = &variants_with(STORE, 2, 0)[0].sku;
    let response = set_faults(&f.server, json!({"fail_next": 3})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<Value>().await.unwrap()["fail_next"], 3);
    // Other endpoints are not affected.
    assert_eq!(f.server.get("/api/v1/stores").await.status(), 200);

    let batch = [add(sku, 1)];
    assert_error(f.server.send_ops(&shopper, &batch).await, 500, "internal").await;
    assert_error(get_bag(&f.server, &shopper).await, 500, "internal").await;
    assert_error(
        order(&f.server, &shopper, token().expose(), sku).await,
        500,
        "internal",
    )
    .await;
    // The switch is spent: everything works again, and nothing was applied.
    assert_eq!(f.server.bag(&shopper).await, BagState::default());
    assert_eq!(f.server.apply(&shopper, &batch).await.ops.len(), 1);
}

#[tokio::test]
async fn hang_next_waits_then_fails_without_applying() {
    let f = Fixture::new().await;
    let shopper = token();
    let sku = &variants_with(STORE, 2, 0)[1].sku;
    set_faults(&f.server, json!({"hang_next": 1, "hang_ms": 300})).await;
    let started = Instant::now();
    let response = f.server.send_ops(&shopper, &[add(sku, 1)]).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_error(response, 500, "internal").await;
    assert_eq!(f.server.bag(&shopper).await, BagState::default());

    // A client that gives up first sees a timeout; the server still applies nothing.
    set_faults(&f.server, json!({"hang_next": 1, "hang_ms": 2000})).await;
    let timed_out = f
        .server
        .with_token(
            f.server.client.post(f.server.url("/api/v1/bag/ops")),
            &shopper,
        )
        .timeout(Duration::from_millis(200))
        .json(&json!({"ops": [add(sku, 1)]}))
        .send()
        .await;
    assert!(timed_out.unwrap_err().is_timeout());
    assert_eq!(f.server.bag(&shopper).await, BagState::default());
}

#[tokio::test]
async fn fail_after_commit_applies_and_a_retry_changes_nothing_more() {
    let f = Fixture::new().await;
    let shopper = token();
    let variant = &variants_with(STORE, 3, 0)[2];
    set_faults(&f.server, json!({"fail_after_commit_next": 1})).await;
    let batch = [add(&variant.sku, 2)];
    assert_error(f.server.send_ops(&shopper, &batch).await, 500, "internal").await;
    let stored = f.server.bag(&shopper).await;
    assert_eq!(stored.lines.len(), 1, "the write happened");
    // The client retries the same operation ids: same bag, no duplicates.
    assert_eq!(f.server.apply(&shopper, &batch).await, stored);

    // An order whose answer is lost: the retry with the same key gets it, stock moves once.
    let before = f.server.stock(&variant.sku, Some(STORE)).await;
    let key = token().expose().to_string();
    set_faults(&f.server, json!({"fail_after_commit_next": 1})).await;
    assert_error(
        order(&f.server, &shopper, &key, &variant.sku).await,
        500,
        "internal",
    )
    .await;
    assert_eq!(f.server.stock(&variant.sku, Some(STORE)).await, before - 2);
    let retry = order(&f.server, &shopper, &key, &variant.sku).await;
    assert_eq!(retry.status(), 200);
    let order: Order = retry.json().await.unwrap();
    assert_eq!(order.lines[0].quantity, 2);
    assert_eq!(f.server.stock(&variant.sku, Some(STORE)).await, before - 2);
    assert!(f.server.bag(&shopper).await.lines.is_empty());
}

#[tokio::test]
async fn modes_run_in_order_and_the_switch_is_replaced_not_added() {
    let f = Fixture::new().await;
    let shopper = token();
    let sku = &variants_with(STORE, 1, 0)[3].sku;
    set_faults(&f.server, json!({"fail_next": 5})).await;
    set_faults(
        &f.server,
        json!({"fail_next": 1, "hang_next": 1, "hang_ms": 50, "fail_after_commit_next": 1}),
    )
    .await;
    let [failed, hung, committed] = [add(sku, 1), add(sku, 2), add(sku, 3)];
    for op in [&failed, &hung, &committed] {
        assert_error(
            f.server.send_ops(&shopper, std::slice::from_ref(op)).await,
            500,
            "internal",
        )
        .await;
    }
    // Only the last was applied, and the earlier plan of five failures is gone.
    let bag = f.server.bag(&shopper).await;
    assert_eq!(bag.ops, [committed]);

    assert_error(
        set_faults(&f.server, json!({"hang_next": 1, "hang_ms": 600_000})).await,
        400,
        "bad_request",
    )
    .await;
    assert_error(
        set_faults(&f.server, json!({"explode": true})).await,
        422,
        "invalid_json",
    )
    .await;
}

#[tokio::test]
async fn the_switch_is_documented_in_test_builds() {
    let f = Fixture::new().await;
    let (_, doc) = f.server.get_json("/api/v1/openapi.json").await;
    assert!(doc["paths"]["/api/v1/test/faults"]["post"].is_object());
    assert!(doc["components"]["schemas"]["FaultPlan"].is_object());
}
