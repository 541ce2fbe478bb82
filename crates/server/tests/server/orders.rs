//! Orders over HTTP: stock reserved once and never below zero, lines leave the bag, retries are safe.

use crate::common::{
    add, assert_error, key, pickup_at, place, token, variants_with, Fixture, TestServer,
};
use serde_json::{json, Value};
use shopbag_api::bag::{BagToken, Change};
use shopbag_api::{Order, OrderStatus, Sku, Variant, MAX_OPEN_ORDERS};

const STORE: &str = "sh-jingan";

fn pickup(skus: &[&Sku]) -> Value {
    pickup_at(STORE, skus)
}

fn delivery(skus: &[&Sku]) -> Value {
    json!({"skus": skus, "fulfilment": {"type": "delivery", "address": {
        "name": "李娜", "phone": "13800138000", "address": "上海市徐汇区衡山路 10 号"
    }}})
}

async fn read(server: &TestServer, bag: &BagToken, number: &str) -> reqwest::Response {
    server
        .with_token(
            server
                .client
                .get(server.url(&format!("/api/v1/orders/{number}"))),
            bag,
        )
        .send()
        .await
        .unwrap()
}

fn is_order_number(number: &str) -> bool {
    let b = number.as_bytes();
    number.len() >= 17
        && number.starts_with("SB20")
        && b[2..10].iter().all(u8::is_ascii_digit)
        && b[10] == b'-'
        && b[11..].iter().all(u8::is_ascii_digit)
}

#[tokio::test]
async fn pickup_reserves_store_stock_and_empties_those_lines() {
    let f = Fixture::new().await;
    let candidates = variants_with(STORE, 3, 0);
    let (coat, scarf, kept): (&Variant, &Variant, &Variant) =
        (&candidates[0], &candidates[1], &candidates[2]);
    let shopper = token();
    f.server
        .apply(
            &shopper,
            &[add(&coat.sku, 2), add(&scarf.sku, 1), add(&kept.sku, 1)],
        )
        .await;
    let coat_before = f.server.stock(&coat.sku, Some(STORE)).await;
    let online_before = f.server.stock(&coat.sku, None).await;

    let response = place(
        &f.server,
        &shopper,
        &key(),
        &pickup(&[&coat.sku, &scarf.sku]),
    )
    .await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    let order: Order = response.json().await.unwrap();
    assert!(is_order_number(&order.number), "{}", order.number);
    assert_eq!(location, format!("/api/v1/orders/{}", order.number));
    assert_eq!(order.status, OrderStatus::AwaitingPayment);
    assert_eq!(order.lines.len(), 2);
    assert_eq!(order.lines[0].sku, coat.sku);
    assert_eq!(order.lines[0].quantity, 2);
    assert_eq!(order.lines[0].unit_price, coat.price);
    assert_eq!(order.lines[0].size, coat.size);
    assert_eq!(order.lines[0].product_id.as_str(), &coat.sku.as_str()[..5]);
    assert!(!order.lines[0].name.zh.is_empty() && !order.lines[0].colour.en.is_empty());
    assert_eq!(
        order.total.as_fen(),
        coat.price.as_fen() * 2 + scarf.price.as_fen()
    );
    assert!(order.created_at > 1_700_000_000_000);

    assert_eq!(
        f.server.stock(&coat.sku, Some(STORE)).await,
        coat_before - 2
    );
    assert_eq!(f.server.stock(&coat.sku, None).await, online_before);
    let bag = f.server.bag(&shopper).await;
    let left: Vec<&str> = bag.lines.iter().map(|l| l.sku.as_str()).collect();
    assert_eq!(left, [kept.sku.as_str()]);
    // The lines left as removals the devices can merge: they name the adds they remove.
    let removals: Vec<_> = bag
        .ops
        .iter()
        .filter_map(|op| match &op.change {
            Change::Remove { sku, observed } => Some((sku, observed.len())),
            _ => None,
        })
        .collect();
    assert_eq!(removals.len(), 2);
    assert!(removals.iter().all(|(_, observed)| *observed == 1));

    let again = read(&f.server, &shopper, &order.number).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Order>().await.unwrap(), order);
    assert_error(
        read(&f.server, &token(), &order.number).await,
        404,
        "not_found",
    )
    .await;
    assert_error(
        read(&f.server, &shopper, "SB20261126-999999").await,
        404,
        "not_found",
    )
    .await;
    let anonymous = f
        .server
        .get(&format!("/api/v1/orders/{}", order.number))
        .await;
    assert_error(anonymous, 401, "unauthorized").await;
}

#[tokio::test]
async fn delivery_reserves_online_stock() {
    let f = Fixture::new().await;
    let dress = &variants_with(STORE, 0, 2)[5];
    let shopper = token();
    f.server.apply(&shopper, &[add(&dress.sku, 2)]).await;
    let online = f.server.stock(&dress.sku, None).await;
    let in_store = f.server.stock(&dress.sku, Some(STORE)).await;
    let response = place(&f.server, &shopper, &key(), &delivery(&[&dress.sku])).await;
    assert_eq!(response.status(), 201);
    let order: Order = response.json().await.unwrap();
    assert_eq!(
        serde_json::to_value(&order.fulfilment).unwrap()["address"]["name"],
        "李娜"
    );
    assert_eq!(f.server.stock(&dress.sku, None).await, online - 2);
    assert_eq!(f.server.stock(&dress.sku, Some(STORE)).await, in_store);
    assert!(f.server.bag(&shopper).await.lines.is_empty());
    // Numbers come from one sequence.
    let shopper_two = token();
    f.server.apply(&shopper_two, &[add(&dress.sku, 1)]).await;
    let second: Order = place(&f.server, &shopper_two, &key(), &delivery(&[&dress.sku]))
        .await
        .json()
        .await
        .unwrap();
    let seq = |n: &str| n[11..].parse::<u64>().unwrap();
    assert_eq!(seq(&second.number), seq(&order.number) + 1);
}

#[tokio::test]
async fn an_order_number_is_never_given_twice() {
    let f = Fixture::new().await;
    let dress = &variants_with(STORE, 0, 2)[5];
    let number = |shopper: BagToken| {
        let f = &f;
        async move {
            f.server.apply(&shopper, &[add(&dress.sku, 1)]).await;
            let order: Order = place(&f.server, &shopper, &key(), &delivery(&[&dress.sku]))
                .await
                .json()
                .await
                .unwrap();
            order.number
        }
    };
    let first = number(token()).await;
    // The order is gone from the table (an operator removed it; a lost write did the same).
    let pool = f.db().await;
    sqlx::query("DELETE FROM order_lines")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM orders")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let second = number(token()).await;
    assert_ne!(second[11..], first[11..], "{first} was handed out again");
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_same_order_and_reserves_once() {
    let f = Fixture::new().await;
    let shoes = &variants_with(STORE, 4, 0)[3];
    let shopper = token();
    f.server.apply(&shopper, &[add(&shoes.sku, 1)]).await;
    let before = f.server.stock(&shoes.sku, Some(STORE)).await;
    let key = key();
    let request = pickup(&[&shoes.sku]);
    let first = place(&f.server, &shopper, &key, &request).await;
    assert_eq!(first.status(), 201);
    let first: Order = first.json().await.unwrap();
    for _ in 0..2 {
        let again = place(&f.server, &shopper, &key, &request).await;
        assert_eq!(again.status(), 200);
        assert_eq!(again.json::<Order>().await.unwrap(), first);
    }
    assert_eq!(f.server.stock(&shoes.sku, Some(STORE)).await, before - 1);
    // The same key for something else is a client bug, not a new order.
    assert_error(
        place(&f.server, &shopper, &key, &delivery(&[&shoes.sku])).await,
        422,
        "invalid_order",
    )
    .await;
    // The key does not reach another bag's orders: there it is a new order, which fails here
    // because that bag has no such line.
    assert_error(
        place(&f.server, &token(), &key, &request).await,
        422,
        "invalid_order",
    )
    .await;
    // Concurrent retries of a new order place it once.
    let shopper = token();
    f.server.apply(&shopper, &[add(&shoes.sku, 1)]).await;
    let key = self::key();
    let (a, b) = tokio::join!(
        place(&f.server, &shopper, &key, &request),
        place(&f.server, &shopper, &key, &request)
    );
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [200, 201]);
    let (a, b): (Order, Order) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(f.server.stock(&shoes.sku, Some(STORE)).await, before - 2);
}

#[tokio::test]
async fn orders_that_cannot_be_placed_change_nothing() {
    let f = Fixture::new().await;
    let in_stock = &variants_with(STORE, 2, 0)[0];
    let sold_out_here = shopbag_server::seed::demo()
        .products
        .into_iter()
        .flat_map(|p| p.variants)
        .find(|v| {
            v.store_stock
                .iter()
                .any(|s| s.store_id.as_str() == STORE && s.quantity == 0)
        })
        .unwrap();
    let not_in_bag = &variants_with(STORE, 1, 1)[9];
    let shopper = token();
    f.server
        .apply(
            &shopper,
            &[add(&in_stock.sku, 1), add(&sold_out_here.sku, 1)],
        )
        .await;
    let bag_before = f.server.bag(&shopper).await;
    let stock_before = f.server.stock(&in_stock.sku, Some(STORE)).await;

    let response = place(
        &f.server,
        &shopper,
        &key(),
        &pickup(&[&in_stock.sku, &sold_out_here.sku]),
    )
    .await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "sold_out");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(sold_out_here.sku.as_str()), "{message}");
    assert!(!message.contains(in_stock.sku.as_str()), "{message}");

    let empty_address = json!({"skus": [in_stock.sku], "fulfilment": {"type": "delivery",
        "address": {"name": "李娜", "phone": " ", "address": "上海"}}});
    let unknown_store = json!({"skus": [in_stock.sku],
        "fulfilment": {"type": "pickup", "store_id": "sh-nowhere"}});
    for request in [
        pickup(&[&not_in_bag.sku]),
        pickup(&[&in_stock.sku, &"P9999-NOPE-M".into()]),
        pickup(&[]),
        pickup(&[&in_stock.sku, &in_stock.sku]),
        empty_address,
        unknown_store,
    ] {
        assert_error(
            place(&f.server, &shopper, &key(), &request).await,
            422,
            "invalid_order",
        )
        .await;
    }
    assert_error(
        place(&f.server, &shopper, &key(), &json!({"skus": "x"})).await,
        422,
        "invalid_json",
    )
    .await;
    let request = pickup(&[&in_stock.sku]);
    for bad_key in [None, Some("abc"), Some("0123456789ABCDEF0123456789ABCDEF")] {
        let mut call = f
            .server
            .with_token(
                f.server.client.post(f.server.url("/api/v1/orders")),
                &shopper,
            )
            .json(&request);
        if let Some(bad_key) = bad_key {
            call = call.header("idempotency-key", bad_key);
        }
        assert_error(call.send().await.unwrap(), 400, "bad_request").await;
    }
    let anonymous = f
        .server
        .client
        .post(f.server.url("/api/v1/orders"))
        .header("idempotency-key", key())
        .json(&request)
        .send()
        .await
        .unwrap();
    assert_error(anonymous, 401, "unauthorized").await;

    assert_eq!(f.server.bag(&shopper).await, bag_before);
    assert_eq!(
        f.server.stock(&in_stock.sku, Some(STORE)).await,
        stock_before
    );
    let pool = f.db().await;
    let (orders,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM orders")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(orders, 0);
}

#[tokio::test]
async fn two_orders_for_the_last_unit_one_wins() {
    let f = Fixture::new().await;
    let last = &variants_with(STORE, 1, 1)[12];
    let pool = f.db().await;
    sqlx::query("UPDATE stock SET quantity = 1 WHERE sku = $1 AND store_id = $2")
        .bind(last.sku.as_str())
        .bind(STORE)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE variants SET online_stock = 1 WHERE sku = $1")
        .bind(last.sku.as_str())
        .execute(&pool)
        .await
        .unwrap();
    for (fulfilment, store) in [
        (pickup(&[&last.sku]), Some(STORE)),
        (delivery(&[&last.sku]), None),
    ] {
        let (anna, bella) = (token(), token());
        f.server.apply(&anna, &[add(&last.sku, 1)]).await;
        f.server.apply(&bella, &[add(&last.sku, 1)]).await;
        let (key_a, key_b) = (key(), key());
        let (a, b) = tokio::join!(
            place(&f.server, &anna, &key_a, &fulfilment),
            place(&f.server, &bella, &key_b, &fulfilment)
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [201, 409], "{store:?}");
        assert_eq!(f.server.stock(&last.sku, store).await, 0);
        // The loser keeps the line in her bag.
        let kept = f.server.bag(&anna).await.lines.len() + f.server.bag(&bella).await.lines.len();
        assert_eq!(kept, 1);
    }
    let (negative,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM stock WHERE quantity < 0) \
         + (SELECT COUNT(*) FROM variants WHERE online_stock < 0)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(negative, 0);
}

#[tokio::test]
async fn an_add_made_meanwhile_on_another_device_survives_the_order() {
    let f = Fixture::new().await;
    let coat = &variants_with(STORE, 3, 0)[4];
    let shopper = token();
    let phone_add = add(&coat.sku, 1);
    f.server.apply(&shopper, &[phone_add]).await;
    let order = place(&f.server, &shopper, &key(), &pickup(&[&coat.sku])).await;
    assert_eq!(order.status(), 201);
    // The kiosk, offline until now, had added the same coat again.
    let kiosk_add = add(&coat.sku, 1);
    let bag = f.server.apply(&shopper, &[kiosk_add]).await;
    assert_eq!(bag.lines.len(), 1);
}

async fn confirm(server: &TestServer, bag: &BagToken, number: &str) -> reqwest::Response {
    let url = server.url(&format!("/api/v1/orders/{number}/confirm"));
    server
        .with_token(server.client.post(url), bag)
        .send()
        .await
        .unwrap()
}

/// Waits (at most ten seconds) until `done` says yes.
async fn eventually<F: std::future::Future<Output = bool>>(mut done: impl FnMut() -> F) -> bool {
    for _ in 0..100 {
        if done().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn an_unpaid_order_gives_its_stock_back_and_a_paid_one_keeps_it() {
    // A made-up bag ordering everything a store shows used to hold it for good.
    let f = Fixture::with(|config| config.pay_within = 1).await;
    let candidates = variants_with(STORE, 2, 0);
    let (coat, scarf) = (&candidates[0], &candidates[1]);
    let before = (
        f.server.stock(&coat.sku, Some(STORE)).await,
        f.server.stock(&scarf.sku, Some(STORE)).await,
    );
    let (greedy, shopper) = (token(), token());
    f.server.apply(&greedy, &[add(&coat.sku, 1)]).await;
    f.server.apply(&shopper, &[add(&scarf.sku, 1)]).await;
    let unpaid: Order = place(&f.server, &greedy, &key(), &pickup(&[&coat.sku]))
        .await
        .json()
        .await
        .unwrap();
    let paid: Order = place(&f.server, &shopper, &key(), &pickup(&[&scarf.sku]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unpaid.pay_by - unpaid.created_at, 1_000);
    let confirmed = confirm(&f.server, &shopper, &paid.number).await;
    assert_eq!(confirmed.status(), 200);
    assert_eq!(
        confirmed.json::<Order>().await.unwrap().status,
        OrderStatus::Confirmed
    );
    assert_eq!(f.server.stock(&coat.sku, Some(STORE)).await, before.0 - 1);

    // Past the deadline the server gives the unpaid coat back by itself.
    let server = &f.server;
    assert!(eventually(|| async { server.stock(&coat.sku, Some(STORE)).await == before.0 }).await);
    let expired: Order = read(&f.server, &greedy, &unpaid.number)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(expired.status, OrderStatus::Expired);
    assert_error(
        confirm(&f.server, &greedy, &unpaid.number).await,
        409,
        "order_expired",
    )
    .await;
    // The paid scarf stays hers; paying twice is paying once.
    assert_eq!(f.server.stock(&scarf.sku, Some(STORE)).await, before.1 - 1);
    let again: Order = confirm(&f.server, &shopper, &paid.number)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again.status, OrderStatus::Confirmed);
    assert_error(
        confirm(&f.server, &token(), &paid.number).await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn a_bag_has_at_most_three_orders_awaiting_payment() {
    let f = Fixture::new().await;
    let candidates = variants_with(STORE, 1, 0);
    let shopper = token();
    let adds: Vec<_> = candidates[..5].iter().map(|v| add(&v.sku, 1)).collect();
    f.server.apply(&shopper, &adds).await;
    let mut numbers = Vec::new();
    for variant in &candidates[..MAX_OPEN_ORDERS] {
        let response = place(&f.server, &shopper, &key(), &pickup(&[&variant.sku])).await;
        assert_eq!(response.status(), 201);
        numbers.push(response.json::<Order>().await.unwrap().number);
    }
    let next = pickup(&[&candidates[MAX_OPEN_ORDERS].sku]);
    let before = f
        .server
        .stock(&candidates[MAX_OPEN_ORDERS].sku, Some(STORE))
        .await;
    assert_error(
        place(&f.server, &shopper, &key(), &next).await,
        409,
        "too_many_open_orders",
    )
    .await;
    assert_eq!(
        f.server
            .stock(&candidates[MAX_OPEN_ORDERS].sku, Some(STORE))
            .await,
        before
    );
    // Paying one makes room.
    assert_eq!(
        confirm(&f.server, &shopper, &numbers[0]).await.status(),
        200
    );
    assert_eq!(
        place(&f.server, &shopper, &key(), &next).await.status(),
        201
    );
}

#[tokio::test]
async fn writes_past_a_bags_rate_wait_and_other_bags_go_on() {
    let f = Fixture::with(|config| config.writes_per_bag = 3).await;
    let sku = &variants_with(STORE, 1, 0)[0].sku;
    let busy = token();
    for _ in 0..3 {
        f.server.apply(&busy, &[add(sku, 1)]).await;
    }
    let refused = f.server.send_ops(&busy, &[add(sku, 1)]).await;
    let wait: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=20).contains(&wait), "{wait}");
    assert_error(refused, 429, "too_many_requests").await;
    assert_eq!(
        f.server.bag(&busy).await.ops.len(),
        3,
        "nothing of the refused batch"
    );
    f.server.apply(&token(), &[add(sku, 1)]).await;
}

#[tokio::test]
async fn made_up_bags_from_one_address_cannot_order_without_end() {
    let f = Fixture::with(|config| config.orders_per_address = 2).await;
    let candidates = variants_with(STORE, 1, 0);
    for (n, variant) in candidates[..3].iter().enumerate() {
        let made_up = token();
        f.server.apply(&made_up, &[add(&variant.sku, 1)]).await;
        let response = place(&f.server, &made_up, &key(), &pickup(&[&variant.sku])).await;
        if n < 2 {
            assert_eq!(response.status(), 201);
        } else {
            assert_error(response, 429, "too_many_requests").await;
        }
    }
}
