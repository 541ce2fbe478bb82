//! A kiosk's bag taken along on a phone, over HTTP: the offer, its status, the phone's look and
//! claim, used, expired, unknown and malformed codes, and a claim code that never reaches the
//! log. (A signed-in phone's token leads to her member bag, so a claim lands there: `members.rs`
//! shows that lead for every bag request.)

use crate::common::{add, assert_error, log, logged, token, variants_with, Fixture};
use serde_json::{json, Value};
use shopbag_api::bag::{BagState, BagToken};
use shopbag_api::handoff::{HandoffOffer, HandoffState, HandoffStatus, OfferedBag};
use shopbag_api::Sku;

async fn post(f: &Fixture, path: &str, token: Option<&BagToken>, body: Value) -> reqwest::Response {
    let request = f.server.client.post(f.server.url(path)).json(&body);
    let request = match token {
        Some(token) => f.server.with_token(request, token),
        None => request,
    };
    request.send().await.unwrap()
}

/// A kiosk bag with two lines, offered: its token and the offer.
async fn kiosk_offer(f: &Fixture) -> (BagToken, BagState, HandoffOffer) {
    let kiosk = token();
    let skus = variants_with("sh-jingan", 1, 1);
    let bag = f
        .server
        .apply(&kiosk, &[add(&skus[0].sku, 2), add(&skus[1].sku, 1)])
        .await;
    let response = post(
        f,
        "/api/v1/handoffs",
        Some(&kiosk),
        json!({ "lines": bag.lines }),
    )
    .await;
    assert_eq!(response.status(), 200);
    (kiosk, bag.clone(), response.json().await.unwrap())
}

/// Claims `code` into the bag of `into`.
async fn claim(f: &Fixture, into: Option<&BagToken>, code: &str) -> reqwest::Response {
    post(f, "/api/v1/handoffs/claim", into, json!({ "code": code })).await
}

async fn status(f: &Fixture, kiosk: &BagToken) -> HandoffStatus {
    let request = f.server.client.get(f.server.url("/api/v1/handoffs/latest"));
    let response = f.server.with_token(request, kiosk).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn quantities(bag: &BagState) -> Vec<(Sku, u8)> {
    let mut lines: Vec<_> = bag
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.quantity))
        .collect();
    lines.sort();
    lines
}

#[tokio::test]
async fn a_phone_claims_the_kiosks_lines_once_and_the_kiosk_sees_it() {
    let f = Fixture::new().await;
    let (kiosk, kiosk_bag, offer) = kiosk_offer(&f).await;
    assert_eq!(offer.code.len(), 20);
    assert_eq!(status(&f, &kiosk).await.state, HandoffState::Waiting);

    // The phone looks first (no bag needed), then claims into its own bag.
    let response = post(
        &f,
        "/api/v1/handoffs/open",
        None,
        json!({ "code": offer.code }),
    )
    .await;
    assert_eq!(response.status(), 200);
    let offered: OfferedBag = response.json().await.unwrap();
    assert_eq!(offered.lines, kiosk_bag.lines);
    assert_eq!(offered.expires_at, offer.expires_at);

    let phone = token();
    let other = variants_with("sh-jingan", 1, 1)[5].sku.clone();
    f.server.apply(&phone, &[add(&other, 1)]).await;
    // Codes are read loosely: lower case, as a phone's camera app may pass it on.
    let code = json!({ "code": offer.code.to_lowercase() });
    let response = post(&f, "/api/v1/handoffs/claim", Some(&phone), code.clone()).await;
    assert_eq!(response.status(), 200);
    let claimed: BagState = response.json().await.unwrap();
    let mut expected = quantities(&kiosk_bag);
    expected.push((other, 1));
    expected.sort();
    assert_eq!(quantities(&claimed), expected);
    assert_eq!(quantities(&f.server.bag(&phone).await), expected);

    assert_eq!(status(&f, &kiosk).await.state, HandoffState::Claimed);
    // The kiosk's bag is emptied on the server.
    assert!(f.server.bag(&kiosk).await.lines.is_empty());

    // Once only: another phone, or the same one again.
    for claimer in [token(), phone] {
        let response = post(&f, "/api/v1/handoffs/claim", Some(&claimer), code.clone()).await;
        assert_error(response, 409, "claim_used").await;
    }
    let response = post(&f, "/api/v1/handoffs/open", None, code).await;
    assert_error(response, 409, "claim_used").await;
}

#[tokio::test]
async fn expired_unknown_and_malformed_codes_get_clear_errors_and_change_nothing() {
    let f = Fixture::new().await;
    let (kiosk, _, offer) = kiosk_offer(&f).await;
    let phone = token();
    let unknown = shopbag_api::handoff::ClaimCode::from_bits(12345)
        .expose()
        .to_string();
    for code in [unknown.as_str(), "", "not a code", "AAAAAAAAAAAAAAAAAAAA-U"] {
        let body = json!({ "code": code });
        let response = post(&f, "/api/v1/handoffs/claim", Some(&phone), body.clone()).await;
        assert_error(response, 404, "claim_not_found").await;
        let response = post(&f, "/api/v1/handoffs/open", None, body).await;
        assert_error(response, 404, "claim_not_found").await;
    }
    // Claiming needs a bag to claim into.
    let response = claim(&f, None, &offer.code).await;
    assert_error(response, 401, "unauthorized").await;
    // The kiosk cannot claim its own offer.
    let response = claim(&f, Some(&kiosk), &offer.code).await;
    assert_error(response, 422, "invalid_operation").await;

    // Five minutes later (the row's time moved back, as the clock cannot be).
    sqlx::query("UPDATE handoffs SET expires_at = expires_at - 300001")
        .execute(&f.db().await)
        .await
        .unwrap();
    assert_eq!(status(&f, &kiosk).await.state, HandoffState::Expired);
    let response = claim(&f, Some(&phone), &offer.code).await;
    assert_error(response, 410, "claim_expired").await;
    assert!(f.server.bag(&phone).await.lines.is_empty());
    // The kiosk's lines stay until it wipes itself.
    assert_eq!(f.server.bag(&kiosk).await.lines.len(), 2);
}

#[tokio::test]
async fn a_new_offer_ends_the_kiosks_earlier_one() {
    let f = Fixture::new().await;
    let (kiosk, bag, first) = kiosk_offer(&f).await;
    let response = post(
        &f,
        "/api/v1/handoffs",
        Some(&kiosk),
        json!({ "lines": bag.lines }),
    )
    .await;
    let second: HandoffOffer = response.json().await.unwrap();
    assert_ne!(first.code, second.code);
    let phone = token();
    let response = claim(&f, Some(&phone), &first.code).await;
    assert_error(response, 404, "claim_not_found").await;
    let response = claim(&f, Some(&phone), &second.code).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn offers_are_checked_like_bag_lines() {
    let f = Fixture::new().await;
    let kiosk = token();
    let sku = variants_with("sh-jingan", 1, 1)[0].sku.clone();
    let line = |sku: &Sku, quantity: u8| json!({ "sku": sku, "quantity": quantity, "store": null, "added_at": 0, "note": null, "intent": null });
    for (lines, status, code) in [
        (json!([]), 422, "invalid_operation"),
        (json!([line(&sku, 0)]), 422, "invalid_operation"),
        (json!([line(&sku, 100)]), 422, "invalid_operation"),
        (
            json!([line(&"NOSUCHSKU".into(), 1)]),
            422,
            "unknown_variant",
        ),
        (json!("lines"), 422, "invalid_json"),
    ] {
        let response = post(
            &f,
            "/api/v1/handoffs",
            Some(&kiosk),
            json!({ "lines": lines }),
        )
        .await;
        assert_error(response, status, code).await;
    }
    let response = post(
        &f,
        "/api/v1/handoffs",
        None,
        json!({ "lines": [line(&sku, 1)] }),
    )
    .await;
    assert_error(response, 401, "unauthorized").await;
    let request = f.server.client.get(f.server.url("/api/v1/handoffs/latest"));
    let response = f.server.with_token(request, &kiosk).send().await.unwrap();
    assert_error(response, 404, "not_found").await;
}

#[tokio::test]
async fn the_claim_code_never_reaches_the_log() {
    log();
    let f = Fixture::new().await;
    let (_, kiosk_bag, offer) = kiosk_offer(&f).await;
    // The claim page's address, as the phone's camera app opens it.
    f.server.get(&format!("/claim/{}", offer.code)).await;
    let phone = token();
    let response = claim(&f, Some(&phone), &offer.code).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        quantities(&f.server.bag(&phone).await),
        quantities(&kiosk_bag)
    );

    let log = logged();
    assert!(
        log.contains("path=/claim/…"),
        "the request log shows the page, without its code"
    );
    assert!(log.contains("path=/api/v1/handoffs/claim"));
    assert!(!log.contains(&offer.code), "the claim code is in the log");
}
