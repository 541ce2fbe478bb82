//! Members over HTTP: sign-in with a code from the server's log, the session cookie, the guest
//! bag joining hers, member codes at the till (once each, one step back, stale, forged, paused,
//! rate-limited, the cashier's key), purchases confirmed once, and her history, export, erasure.

use crate::common::{add, assert_error, log, logged, token, variants_with, Fixture};
use serde_json::json;
use shopbag_api::bag::BagToken;
use shopbag_api::member::{
    CodeSecret, DeviceRegistered, Export, History, Me, MemberCode, Purchase, Verified,
};
use shopbag_api::Sku;
use shopbag_server::config::{DEMO_CASHIER_KEY, DEMO_HOST_SECRET};
use shopbag_server::members::sign_in::host_token;

/// A fixture whose server logs where `log()` reads.
async fn fixture() -> Fixture {
    log();
    Fixture::new().await
}

fn masked(phone: &str) -> String {
    format!("{}****{}", &phone[..3], &phone[7..])
}

/// The last sign-in code the log shows for `phone`.
fn code_in_log(phone: &str) -> String {
    let log = logged();
    let marker = format!("demo sign-in code for {}: ", masked(phone));
    let at = log.rfind(&marker).expect("the code is in the log") + marker.len();
    log[at..at + 6].to_string()
}

async fn ask_code(f: &Fixture, phone: &str) -> reqwest::Response {
    f.server
        .client
        .post(f.server.url("/api/v1/auth/code"))
        .json(&json!({ "phone": phone }))
        .send()
        .await
        .unwrap()
}

async fn send_sign_in(
    f: &Fixture,
    phone: &str,
    code: &str,
    bag: Option<&BagToken>,
) -> reqwest::Response {
    let request = f
        .server
        .client
        .post(f.server.url("/api/v1/auth/sign-in"))
        .json(&json!({ "phone": phone, "code": code }));
    match bag {
        Some(bag) => f.server.with_token(request, bag),
        None => request,
    }
    .send()
    .await
    .unwrap()
}

/// The `Cookie` header a browser would send back.
fn cookie_of(response: &reqwest::Response) -> String {
    let set = response
        .headers()
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap();
    set.split(';').next().unwrap().to_string()
}

/// Tests run at once and share the log: one asks for a number's code and reads it at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Asks for a code for `phone` and reads it from the log.
async fn new_code(f: &Fixture, phone: &str) -> String {
    let _turn = ONE_AT_A_TIME.lock().await;
    assert_eq!(ask_code(f, phone).await.status(), 202);
    code_in_log(phone)
}

/// Signs `phone` in (with the device's bag, if given); returns the session cookie.
async fn sign_in(f: &Fixture, phone: &str, bag: Option<&BagToken>) -> (String, Me) {
    let code = new_code(f, phone).await;
    let response = send_sign_in(f, phone, &code, bag).await;
    assert_eq!(response.status(), 200);
    let cookie = cookie_of(&response);
    (cookie, response.json().await.unwrap())
}

async fn as_member(
    f: &Fixture,
    cookie: &str,
    method: reqwest::Method,
    path: &str,
) -> reqwest::Response {
    f.server
        .client
        .request(method, f.server.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

async fn register(f: &Fixture, cookie: &str) -> (MemberCode, CodeSecret) {
    let response = as_member(f, cookie, reqwest::Method::POST, "/api/v1/member/devices").await;
    assert_eq!(response.status(), 201);
    let device: DeviceRegistered = response.json().await.unwrap();
    let code = MemberCode::at(device.device, &device.secret, shopbag_server::now_ms());
    (code, device.secret)
}

async fn verify_as(
    f: &Fixture,
    key: Option<&str>,
    code: &str,
    lines: serde_json::Value,
) -> reqwest::Response {
    let mut request = f
        .server
        .client
        .post(f.server.url("/api/v1/pos/member-code/verify"))
        .json(&json!({ "code": code, "store_id": "sh-jingan", "lines": lines }));
    if let Some(key) = key {
        request = request.header("x-cashier-key", key);
    }
    request.send().await.unwrap()
}

async fn verify(f: &Fixture, code: &str, lines: serde_json::Value) -> reqwest::Response {
    verify_as(f, Some(DEMO_CASHIER_KEY), code, lines).await
}

async fn confirm(f: &Fixture, verification: &str, lines: serde_json::Value) -> reqwest::Response {
    f.server
        .client
        .post(f.server.url("/api/v1/pos/purchases"))
        .header("x-cashier-key", DEMO_CASHIER_KEY)
        .json(&json!({ "verification": verification, "lines": lines }))
        .send()
        .await
        .unwrap()
}

// The seed's demo members sign in with their masked numbers' hidden digits as 0000.
const LIN: &str = "13800002046"; // 林小雨, gold, a birthday coupon usable in December
const CHEN: &str = "13900008812"; // 陈思远, silver, a welcome coupon

#[tokio::test]
async fn a_code_from_the_log_signs_her_in_once_with_a_cookie_scripts_cannot_read() {
    let f = fixture().await;
    let turn = ONE_AT_A_TIME.lock().await;
    let response = ask_code(&f, "+86 138-0000-2046").await;
    assert_eq!(response.status(), 202);
    let body = response.text().await.unwrap();
    let code = code_in_log(LIN);
    drop(turn);
    assert!(!body.contains(&code), "the code is never in an answer");
    assert!(body.contains("138****2046"));

    let response = send_sign_in(&f, LIN, &code, None).await;
    assert_eq!(response.status(), 200);
    let set = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/api"] {
        assert!(set.contains(part), "{set}");
    }
    let me: Me = response.json().await.unwrap();
    assert_eq!(me.profile.display_name, "林小雨");
    assert_eq!(me.profile.phone_masked, "138****2046");
    assert!(
        !me.profile.follow_up,
        "consent is off until she turns it on"
    );

    // Single use.
    assert_error(
        send_sign_in(&f, LIN, &code, None).await,
        401,
        "sign_in_failed",
    )
    .await;
    // The session works; without it, nothing.
    let cookie = set.split(';').next().unwrap();
    assert_eq!(
        as_member(&f, cookie, reqwest::Method::GET, "/api/v1/me")
            .await
            .status(),
        200
    );
    assert_error(f.server.get("/api/v1/me").await, 401, "not_signed_in").await;
    assert_error(
        as_member(
            &f,
            "shopbag_session=00ff",
            reqwest::Method::GET,
            "/api/v1/me",
        )
        .await,
        401,
        "not_signed_in",
    )
    .await;
}

#[tokio::test]
async fn wrong_expired_and_over_tried_codes_fail_and_codes_per_number_are_limited() {
    let f = fixture().await;
    let phone = "18600005530";
    assert_error(ask_code(&f, "12345").await, 422, "invalid_phone").await;

    // Five wrong tries and the code is gone, even the right one after them.
    let code = new_code(&f, phone).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_error(
            send_sign_in(&f, phone, wrong, None).await,
            401,
            "sign_in_failed",
        )
        .await;
    }
    assert_error(
        send_sign_in(&f, phone, &code, None).await,
        401,
        "sign_in_failed",
    )
    .await;

    // Expired.
    let code = new_code(&f, phone).await;
    sqlx::query("UPDATE sign_in_codes SET expires_at = 0")
        .execute(&f.db().await)
        .await
        .unwrap();
    assert_error(
        send_sign_in(&f, phone, &code, None).await,
        401,
        "sign_in_failed",
    )
    .await;

    // Two codes asked above, three more, then the number waits.
    for _ in 0..3 {
        assert_eq!(ask_code(&f, phone).await.status(), 202);
    }
    assert_error(ask_code(&f, phone).await, 429, "too_many_requests").await;
    // Another number is not held up.
    assert_eq!(ask_code(&f, "13500000917").await.status(), 202);
}

#[tokio::test]
async fn a_new_number_becomes_a_new_member() {
    let f = fixture().await;
    let (_, me) = sign_in(&f, "19912345678", None).await;
    assert_eq!(me.profile.display_name, "会员5678");
    assert_eq!(me.profile.points, 0);
    assert!(me.coupons.is_empty());
}

#[tokio::test]
async fn at_sign_in_the_guest_bag_joins_hers_and_sign_out_gives_the_device_its_own_bag_back() {
    let f = fixture().await;
    let skus: Vec<Sku> = variants_with("sh-jingan", 1, 0)
        .into_iter()
        .map(|v| v.sku)
        .take(3)
        .collect();
    // Her phone's bag holds two lines; a kiosk's bag holds one of them and another.
    let phone = token();
    f.server
        .apply(&phone, &[add(&skus[0], 1), add(&skus[1], 2)])
        .await;
    let (phone_cookie, _) = sign_in(&f, CHEN, Some(&phone)).await;
    let kiosk = token();
    f.server
        .apply(&kiosk, &[add(&skus[1], 1), add(&skus[2], 1)])
        .await;
    let (kiosk_cookie, _) = sign_in(&f, CHEN, Some(&kiosk)).await;

    // One bag, whichever device asks: the union of both.
    let lines = |state: shopbag_api::bag::BagState| {
        let mut skus: Vec<Sku> = state.lines.into_iter().map(|l| l.sku).collect();
        skus.sort();
        skus
    };
    let mut all = skus.clone();
    all.sort();
    assert_eq!(lines(f.server.bag(&phone).await), all);
    assert_eq!(lines(f.server.bag(&kiosk).await), all);
    // A change on one device shows on the other.
    let later = variants_with("sh-jingan", 1, 0)[5].sku.clone();
    f.server.apply(&kiosk, &[add(&later, 1)]).await;
    assert!(lines(f.server.bag(&phone).await).contains(&later));

    // The kiosk signs out: its token is an empty bag of its own again; hers is untouched.
    let response = as_member(
        &f,
        &kiosk_cookie,
        reqwest::Method::POST,
        "/api/v1/auth/sign-out",
    )
    .await;
    assert_eq!(response.status(), 204);
    assert!(response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert!(f.server.bag(&kiosk).await.lines.is_empty());
    assert_eq!(lines(f.server.bag(&phone).await).len(), 4);
    assert_error(
        as_member(&f, &kiosk_cookie, reqwest::Method::GET, "/api/v1/me").await,
        401,
        "not_signed_in",
    )
    .await;
    assert_eq!(
        as_member(&f, &phone_cookie, reqwest::Method::GET, "/api/v1/me")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn a_device_signed_in_before_it_had_a_bag_joins_hers_with_its_first_bag_request() {
    let f = fixture().await;
    let sku = variants_with("sh-jingan", 1, 0)[0].sku.clone();
    let phone = token();
    f.server.apply(&phone, &[add(&sku, 1)]).await;
    sign_in(&f, CHEN, Some(&phone)).await;
    // A kiosk signs in with no bag, then makes one: its first batch carries the session.
    let (cookie, _) = sign_in(&f, CHEN, None).await;
    let kiosk = token();
    let later = variants_with("sh-jingan", 1, 0)[3].sku.clone();
    let response = f
        .server
        .with_token(
            f.server.client.post(f.server.url("/api/v1/bag/ops")),
            &kiosk,
        )
        .header("cookie", &cookie)
        .json(&json!({ "ops": [add(&later, 1)] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut skus: Vec<Sku> = f
        .server
        .bag(&phone)
        .await
        .lines
        .into_iter()
        .map(|l| l.sku)
        .collect();
    skus.sort();
    let mut both = vec![sku, later];
    both.sort();
    assert_eq!(skus, both);
    // Without a session, a new bag stays its own.
    let stranger = token();
    f.server.apply(&stranger, &[add(&both[0], 1)]).await;
    assert_eq!(f.server.bag(&stranger).await.lines.len(), 1);
    assert_eq!(f.server.bag(&phone).await.lines.len(), 2);
}

#[tokio::test]
async fn a_code_verifies_once_in_its_step_or_the_next_and_never_when_stale_forged_or_paused() {
    let f = fixture().await;
    let (cookie, _) = sign_in(&f, LIN, None).await;
    let (code, secret) = register(&f, &cookie).await;

    let response = verify(&f, &code.to_string(), json!([])).await;
    assert_eq!(response.status(), 200);
    let verified: Verified = response.json().await.unwrap();
    assert_eq!(verified.display_name, "林小雨");
    assert_eq!(verified.points, 12_480);
    assert!(verified.coupons.iter().any(|c| c.code == "M0001-B50"));

    // Replayed: 409.
    assert_error(
        verify(&f, &code.to_string(), json!([])).await,
        409,
        "member_code_used",
    )
    .await;

    // The step before counts (shown just before it changed); two steps back does not.
    let now = shopbag_server::now_ms();
    let before = MemberCode::at(code.device, &secret, now - 30_000);
    assert_eq!(
        verify(&f, &before.to_string(), json!([])).await.status(),
        200
    );
    let stale = MemberCode::at(code.device, &secret, now - 60_000);
    assert_error(
        verify(&f, &stale.to_string(), json!([])).await,
        403,
        "member_code_rejected",
    )
    .await;

    // Forged: the right device, digits made up.
    let forged = MemberCode {
        otp: (code.otp + 1) % 100_000_000,
        ..code
    };
    assert_error(
        verify(&f, &forged.to_string(), json!([])).await,
        403,
        "member_code_rejected",
    )
    .await;
    // Not a member code at all.
    assert_error(
        verify(&f, "6971106500012", json!([])).await,
        422,
        "invalid_member_code",
    )
    .await;

    // Paused: no code of that device verifies until she resumes it. (Another device: each is
    // limited to a few codes a minute.)
    let (code, secret) = register(&f, &cookie).await;
    let device = code.device.get();
    let paused = as_member(
        &f,
        &cookie,
        reqwest::Method::POST,
        &format!("/api/v1/member/devices/{device}/pause"),
    )
    .await;
    assert_eq!(paused.status(), 200);
    let fresh = MemberCode::at(code.device, &secret, shopbag_server::now_ms());
    assert_error(
        verify(&f, &fresh.to_string(), json!([])).await,
        403,
        "member_code_rejected",
    )
    .await;
    let resumed = as_member(
        &f,
        &cookie,
        reqwest::Method::POST,
        &format!("/api/v1/member/devices/{device}/resume"),
    )
    .await;
    assert_eq!(resumed.status(), 200);
    assert_eq!(
        verify(&f, &fresh.to_string(), json!([])).await.status(),
        200
    );
}

#[tokio::test]
async fn the_till_needs_the_cashier_key_and_a_device_is_only_its_members() {
    let f = fixture().await;
    let (lin, _) = sign_in(&f, LIN, None).await;
    let (chen, _) = sign_in(&f, CHEN, None).await;
    let (lin_code, _) = register(&f, &lin).await;
    let (chen_code, _) = register(&f, &chen).await;

    assert_error(
        verify_as(&f, None, &lin_code.to_string(), json!([])).await,
        401,
        "cashier_key_rejected",
    )
    .await;
    assert_error(
        verify_as(&f, Some("guess"), &lin_code.to_string(), json!([])).await,
        401,
        "cashier_key_rejected",
    )
    .await;

    // Each code names its own member.
    let verified: Verified = verify(&f, &chen_code.to_string(), json!([]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(verified.display_name, "陈思远");
    // She cannot pause another member's device.
    let other = as_member(
        &f,
        &chen,
        reqwest::Method::POST,
        &format!("/api/v1/member/devices/{}/pause", lin_code.device.get()),
    )
    .await;
    assert_error(other, 404, "not_found").await;
    let verified: Verified = verify(&f, &lin_code.to_string(), json!([]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(verified.display_name, "林小雨");
}

#[tokio::test]
async fn codes_from_one_device_are_rate_limited() {
    let f = fixture().await;
    let (cookie, _) = sign_in(&f, LIN, None).await;
    let (code, _) = register(&f, &cookie).await;
    let forged = |n: u32| {
        MemberCode {
            otp: (code.otp + n) % 100_000_000,
            ..code
        }
        .to_string()
    };
    for n in 1..=6 {
        assert_error(
            verify(&f, &forged(n), json!([])).await,
            403,
            "member_code_rejected",
        )
        .await;
    }
    let limited = verify(&f, &code.to_string(), json!([])).await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_error(limited, 429, "too_many_requests").await;
}

#[tokio::test]
async fn a_purchase_adds_points_and_redeems_its_coupon_once_however_often_it_is_confirmed() {
    let f = fixture().await;
    let (cookie, before) = sign_in(&f, LIN, None).await;
    let (code, _) = register(&f, &cookie).await;
    let variant = &variants_with("sh-jingan", 2, 0)[0];
    let lines = json!([{ "sku": variant.sku, "quantity": 2 }]);
    let verified: Verified = verify(&f, &code.to_string(), lines.clone())
        .await
        .json()
        .await
        .unwrap();
    let total = verified.total.unwrap();
    assert!(
        total.0 < verified.list_total.unwrap().0,
        "her birthday coupon applies"
    );

    let first = confirm(&f, &verified.verification, lines.clone()).await;
    assert_eq!(first.status(), 200);
    let purchase: Purchase = first.json().await.unwrap();
    assert_eq!(purchase.total, total);
    assert_eq!(purchase.points_added, total.0 / 100);
    assert_eq!(
        purchase.points,
        before.profile.points + purchase.points_added
    );
    assert_eq!(purchase.coupon.as_deref(), Some("M0001-B50"));
    // The till retries: the same purchase, nothing added twice.
    let again: Purchase = confirm(&f, &verified.verification, lines.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, purchase);
    let me: Me = as_member(&f, &cookie, reqwest::Method::GET, "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me.profile.points, purchase.points);
    let coupon = me.coupons.iter().find(|c| c.code == "M0001-B50").unwrap();
    assert_eq!(coupon.status, shopbag_api::member::CouponStatus::Redeemed);

    let history: History = as_member(&f, &cookie, reqwest::Method::GET, "/api/v1/me/history")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(history.purchases, vec![purchase.clone()]);
    assert_eq!(history.points[0].change, purchase.points_added);

    assert_error(confirm(&f, "unknown", lines).await, 422, "invalid_purchase").await;
}

#[tokio::test]
async fn a_host_token_signs_in_its_user_and_a_forged_one_does_not() {
    let f = fixture().await;
    let exp = shopbag_server::now_ms() / 1000 + 300;
    let claims = json!({ "host": "wechat", "user": "o6_bmjr", "name": "小美", "exp": exp });
    let send = |token: String| {
        f.server
            .client
            .post(f.server.url("/api/v1/auth/host-token"))
            .json(&json!({ "token": token }))
            .send()
    };
    let response = send(host_token(DEMO_HOST_SECRET, &claims)).await.unwrap();
    assert_eq!(response.status(), 200);
    let me: Me = response.json().await.unwrap();
    assert_eq!(me.profile.display_name, "小美");
    // The same user again is the same member.
    let again: Me = send(host_token(DEMO_HOST_SECRET, &claims))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again.profile.joined_on, me.profile.joined_on);
    assert_error(
        send(host_token("not the secret", &claims)).await.unwrap(),
        401,
        "sign_in_failed",
    )
    .await;
    let expired = json!({ "host": "wechat", "user": "o6_bmjr", "name": "小美", "exp": exp - 600 });
    assert_error(
        send(host_token(DEMO_HOST_SECRET, &expired)).await.unwrap(),
        401,
        "sign_in_failed",
    )
    .await;
}

#[tokio::test]
async fn she_can_take_her_data_and_erase_her_account_and_her_purchases_stay_anonymous() {
    let f = fixture().await;
    let bag = token();
    let sku = variants_with("sh-jingan", 1, 0)[0].sku.clone();
    f.server.apply(&bag, &[add(&sku, 1)]).await;
    let (cookie, _) = sign_in(&f, CHEN, Some(&bag)).await;
    let consent = f
        .server
        .client
        .put(f.server.url("/api/v1/me/consent"))
        .header("cookie", &cookie)
        .json(&json!({ "follow_up": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), 200);
    let (code, _) = register(&f, &cookie).await;
    let lines = json!([{ "sku": sku, "quantity": 1 }]);
    let verified: Verified = verify(&f, &code.to_string(), lines.clone())
        .await
        .json()
        .await
        .unwrap();
    let purchase: Purchase = confirm(&f, &verified.verification, lines)
        .await
        .json()
        .await
        .unwrap();

    let response = as_member(&f, &cookie, reqwest::Method::GET, "/api/v1/me/export").await;
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let export: Export = response.json().await.unwrap();
    assert_eq!(export.phone, CHEN);
    assert!(export.profile.follow_up);
    assert_eq!(export.history.purchases, vec![purchase.clone()]);
    assert_eq!(export.devices.len(), 1);

    let erased = as_member(&f, &cookie, reqwest::Method::DELETE, "/api/v1/me").await;
    assert_eq!(erased.status(), 204);
    assert_error(
        as_member(&f, &cookie, reqwest::Method::GET, "/api/v1/me").await,
        401,
        "not_signed_in",
    )
    .await;
    // Her device's codes no longer verify, her bag is empty, her number names no one.
    assert_error(
        verify(&f, &code.to_string(), json!([])).await,
        403,
        "member_code_rejected",
    )
    .await;
    assert!(f.server.bag(&bag).await.lines.is_empty());
    let db = f.db().await;
    let (phones,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM members WHERE phone = $1")
        .bind(CHEN)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(phones, 0);
    let (kept, owner): (i64, Option<String>) =
        sqlx::query_as("SELECT total_fen, member_id FROM purchases WHERE number = $1")
            .bind(&purchase.number)
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!((kept, owner), (purchase.total.0, None));
    // Signing in with the number again makes a new member, with nothing of hers.
    let (_, me) = sign_in(&f, CHEN, None).await;
    assert_eq!(me.profile.points, 0);
    assert!(me.coupons.is_empty());
}

#[tokio::test]
async fn with_her_consent_a_sold_out_size_in_her_bag_is_followed_up_when_it_is_back() {
    let f = fixture().await;
    let sku = variants_with("sh-jingan", 1, 0)[0].sku.clone();
    let bag = token();
    f.server.apply(&bag, &[add(&sku, 1)]).await;
    let (cookie, _) = sign_in(&f, CHEN, Some(&bag)).await;
    let db = f.db().await;
    for statement in [
        "UPDATE stock SET quantity = 0 WHERE sku = $1",
        "UPDATE variants SET online_stock = 0 WHERE sku = $1",
    ] {
        sqlx::query(statement)
            .bind(sku.as_str())
            .execute(&db)
            .await
            .unwrap();
    }
    let reminders = |f: &Fixture| {
        let request = f
            .server
            .with_token(f.server.client.get(f.server.url("/api/v1/reminders")), &bag);
        async move {
            let answer: shopbag_api::reminders::RemindersResponse =
                request.send().await.unwrap().json().await.unwrap();
            answer.reminders
        }
    };
    // Off until she turns it on: the brand does not follow up.
    assert!(reminders(&f).await.is_empty());
    let consent = f
        .server
        .client
        .put(f.server.url("/api/v1/me/consent"))
        .header("cookie", &cookie)
        .json(&json!({ "follow_up": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(consent.status(), 200);
    let kept = reminders(&f).await;
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].kind, shopbag_api::reminders::ReminderKind::Restock);
    assert!(kept[0].due.is_none());
    sqlx::query("UPDATE variants SET online_stock = 4 WHERE sku = $1")
        .bind(sku.as_str())
        .execute(&db)
        .await
        .unwrap();
    assert!(reminders(&f).await[0].due.is_some(), "her size is back");
}
