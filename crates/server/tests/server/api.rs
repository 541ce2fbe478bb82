//! The REST API over HTTP against a freshly seeded database: codes, products, stores, errors.

use crate::common::{assert_error, Fixture};
use serde_json::{json, Value};
use shopbag_api::code::check_digit;
use shopbag_api::{
    CodeMatch, Health, Product, ProductId, ProductSummary, ResolveResponse, Sku, Store,
};
use shopbag_server::seed::{self, SeedCode};

fn encode(url: &str) -> String {
    url.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn seeded(kind: &str) -> Vec<SeedCode> {
    seed::demo()
        .codes
        .into_iter()
        .filter(|c| c.kind == kind)
        .collect()
}

async fn lookup(f: &Fixture, code: &str) -> CodeMatch {
    let response = f.server.get(&format!("/api/v1/codes/{code}")).await;
    assert_eq!(response.status(), 200, "{code}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn health_is_ok_once_listening() {
    let f = Fixture::new().await;
    let response = f.server.get("/api/v1/health").await;
    assert_eq!(response.status(), 200);
    let health: Health = response.json().await.unwrap();
    assert_eq!(health.status, "ok");
    assert!(!health.version.is_empty());
}

#[tokio::test]
async fn a_code_of_every_kind_names_its_variant() {
    let f = Fixture::new().await;
    let demo = seed::demo();
    let ean13 = &seeded("ean13")[7];
    let in_store = &seeded("in_store")[42];
    let upc_a = &seeded("upc_a")[10];
    let ean8 = &seeded("ean8")[3];
    // Both UPC-E rule families: "last digit 5–9" (maker 12345) and "0–2" (maker 42100).
    let upc_e: Vec<(String, &SeedCode)> = demo
        .codes
        .iter()
        .filter_map(|c| seed::upc_e(&c.printed).map(|e| (e, c)))
        .collect();
    assert!(upc_e.iter().any(|(e, _)| e.as_bytes()[6] >= b'5'));
    assert!(upc_e.iter().any(|(e, _)| e.as_bytes()[6] <= b'2'));

    let cases: Vec<(String, &SeedCode, &str)> = vec![
        (ean13.printed.clone(), ean13, "ean13"),
        (in_store.printed.clone(), in_store, "in_store"),
        (upc_a.printed.clone(), upc_a, "upc_a"),
        (format!("0{}", upc_a.printed), upc_a, "ean13"),
        (ean8.printed.clone(), ean8, "ean8"),
        (upc_e[0].0.clone(), upc_e[0].1, "upc_e"),
        (
            upc_e[upc_e.len() - 1].0.clone(),
            upc_e[upc_e.len() - 1].1,
            "upc_e",
        ),
        (
            encode(&format!("https://id.shopbag.example/01/{}", ean13.gtin)),
            ean13,
            "tag_url",
        ),
        (
            encode(&format!(
                "https://shopbag.example/p/{}?src=tag",
                ean13.printed
            )),
            ean13,
            "tag_url",
        ),
        (
            encode(&format!("https://shopbag.example/p/{}", in_store.printed)),
            in_store,
            "in_store",
        ),
        // Scanners end lines with CR/LF.
        (encode(&format!("{}\r\n", ean13.printed)), ean13, "ean13"),
    ];
    for (code, expected, kind) in cases {
        let found = lookup(&f, &code).await;
        assert_eq!(found.sku, expected.sku, "{code}");
        assert_eq!(found.gtin, expected.gtin, "{code}");
        assert_eq!(serde_json::to_value(found.kind).unwrap(), kind, "{code}");
        assert!(
            found.variant().is_some(),
            "{code}: the sku is one of the product's variants"
        );
        assert_eq!(
            found.product.id.as_str(),
            &expected.sku.as_str()[..5],
            "{code}"
        );
    }
}

#[tokio::test]
async fn a_test_can_find_codes_through_the_api_alone() {
    let f = Fixture::new().await;
    let (status, list) = f.server.get_json("/api/v1/products?limit=1").await;
    assert_eq!(status, 200);
    let summary: Vec<ProductSummary> = serde_json::from_value(list).unwrap();
    let found = lookup(&f, &summary[0].ean13).await;
    assert_eq!(found.product.id, summary[0].id);
    let in_store = &found.variant().unwrap().in_store_code;
    assert_eq!(lookup(&f, in_store).await.sku, found.sku);
}

#[tokio::test]
async fn a_well_formed_unknown_code_is_404() {
    let f = Fixture::new().await;
    let unknown_ean = format!("690000000000{}", check_digit("690000000000"));
    let unknown_in_store = format!("299999999999{}", check_digit("299999999999"));
    for code in [unknown_ean.as_str(), unknown_in_store.as_str(), "96385074"] {
        assert_error(
            f.server.get(&format!("/api/v1/codes/{code}")).await,
            404,
            "unknown_code",
        )
        .await;
    }
}

#[tokio::test]
async fn malformed_codes_are_400_never_5xx() {
    let f = Fixture::new().await;
    let ean = &seeded("ean13")[0].printed;
    let wrong_check = format!("{}{}", &ean[..12], (ean.as_bytes()[12] - b'0' + 1) % 10);
    let flood = "1".repeat(10_000);
    let letters = "a".repeat(10_000);
    for code in [
        "ABC123",
        "12345",
        "%20",
        wrong_check.as_str(),
        flood.as_str(),
        letters.as_str(),
        &encode("https://shopbag.example/about"),
        &encode("https://id.shopbag.example/01/06900000000001"),
        "%F0%9F%91%9C",
    ] {
        let response = f.server.get(&format!("/api/v1/codes/{code}")).await;
        assert_error(response, 400, "malformed_code").await;
    }
    // Not UTF-8 once decoded: refused by the path extractor, in the same shape.
    assert_error(
        f.server.get("/api/v1/codes/%FF%FE").await,
        400,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn product_detail_lists_every_variant_in_every_store() {
    let f = Fixture::new().await;
    let (_, stores) = f.server.get_json("/api/v1/stores").await;
    let store_ids: Vec<String> = serde_json::from_value::<Vec<Store>>(stores)
        .unwrap()
        .into_iter()
        .map(|s| s.id.to_string())
        .collect();
    let mut sold_out_somewhere = 0;
    for id in ["P0001", "P0100", "P0200"] {
        let response = f.server.get(&format!("/api/v1/products/{id}")).await;
        assert_eq!(response.status(), 200);
        let product: Product = response.json().await.unwrap();
        assert_eq!(product.id.as_str(), id);
        assert_eq!(
            product.variants.len(),
            product.colours.len() * product.sizes.len()
        );
        assert_eq!(
            product.price,
            product.variants.iter().map(|v| v.price).min().unwrap()
        );
        for variant in &product.variants {
            let listed: Vec<&str> = variant
                .store_stock
                .iter()
                .map(|s| s.store_id.as_str())
                .collect();
            assert_eq!(listed, store_ids, "{}", variant.sku);
            sold_out_somewhere += variant
                .store_stock
                .iter()
                .filter(|s| s.quantity == 0)
                .count();
        }
    }
    assert!(sold_out_somewhere > 0);
    assert_error(
        f.server.get("/api/v1/products/P9999").await,
        404,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn stores_are_in_shanghai() {
    let f = Fixture::new().await;
    let (status, body) = f.server.get_json("/api/v1/stores").await;
    assert_eq!(status, 200);
    let stores: Vec<Store> = serde_json::from_value(body).unwrap();
    assert!(stores.len() >= 3);
    for store in &stores {
        assert!((30.6..31.9).contains(&store.position.lat), "{}", store.id);
        assert!((120.8..122.2).contains(&store.position.lng), "{}", store.id);
        assert!(!store.name.zh.is_empty() && !store.address.en.is_empty());
        let (status, one) = f
            .server
            .get_json(&format!("/api/v1/stores/{}", store.id))
            .await;
        assert_eq!(status, 200);
        assert_eq!(serde_json::from_value::<Store>(one).unwrap(), *store);
    }
    assert!(stores.iter().any(|s| s.id.as_str() == "sh-jingan"));
    assert_error(
        f.server.get("/api/v1/stores/sh-nowhere").await,
        404,
        "not_found",
    )
    .await;
}

async fn search(f: &Fixture, query: &str) -> Vec<ProductSummary> {
    let (status, body) = f.server.get_json(&format!("/api/v1/products{query}")).await;
    assert_eq!(status, 200, "{query}: {body}");
    serde_json::from_value(body).unwrap()
}

#[tokio::test]
async fn search_finds_by_name_brand_and_category() {
    let f = Fixture::new().await;
    assert_eq!(search(&f, "").await.len(), 24);
    assert_eq!(search(&f, "?limit=500").await.len(), 100);
    let page_one = search(&f, "?limit=10").await;
    let page_two = search(&f, "?limit=10&offset=10").await;
    assert!(page_one
        .iter()
        .all(|a| page_two.iter().all(|b| a.id != b.id)));

    let wool = search(&f, "?q=WOOL&limit=100").await;
    assert!(!wool.is_empty());
    assert!(wool
        .iter()
        .all(|p| p.name.en.to_lowercase().contains("wool")
            || p.brand.to_lowercase().contains("wool")));
    let coats = search(&f, "?q=%E7%BE%8A%E6%AF%9B%20%E5%A4%A7%E8%A1%A3").await; // 羊毛 大衣
    assert!(!coats.is_empty());
    assert!(coats
        .iter()
        .all(|p| p.name.zh.contains("羊毛") && p.name.zh.contains("大衣")));
    let brand = search(&f, "?q=northfield").await;
    assert!(!brand.is_empty() && brand.iter().all(|p| p.brand == "Northfield"));

    let shoes = search(&f, "?category=shoes&limit=100").await;
    assert!(!shoes.is_empty());
    assert!(shoes
        .iter()
        .all(|p| p.category == shopbag_api::Category::Shoes));
    assert!(search(&f, "?q=%25_%25").await.is_empty());
    assert!(search(&f, "?q=nothing-like-this").await.is_empty());
    for summary in &shoes {
        assert_eq!(summary.ean13.len(), 13);
        assert!(!summary.colours.is_empty());
    }

    for category in ["hats", ""] {
        assert_error(
            f.server
                .get(&format!("/api/v1/products?category={category}"))
                .await,
            400,
            "bad_request",
        )
        .await;
    }
    assert_error(
        f.server.get("/api/v1/products?limit=lots").await,
        400,
        "bad_request",
    )
    .await;
    let long = "a".repeat(1_000);
    assert_error(
        f.server.get(&format!("/api/v1/products?q={long}")).await,
        400,
        "bad_request",
    )
    .await;
}

#[tokio::test]
async fn resolve_answers_every_code_in_order() {
    let f = Fixture::new().await;
    let ean13 = &seeded("ean13")[5];
    let in_store = &seeded("in_store")[9];
    let unknown = format!("690000000000{}", check_digit("690000000000"));
    let codes = vec![
        ean13.printed.clone(),
        "not a code".to_string(),
        in_store.printed.clone(),
        unknown.clone(),
        "1".repeat(10_000),
    ];
    let response = f
        .server
        .client
        .post(f.server.url("/api/v1/codes/resolve"))
        .json(&json!({ "codes": codes }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: ResolveResponse = response.json().await.unwrap();
    assert_eq!(body.results.len(), codes.len());
    for (result, code) in body.results.iter().zip(&codes) {
        assert_eq!(&result.code, code);
    }
    assert_eq!(
        body.results[0].sku.as_ref().map(Sku::as_str),
        Some(ean13.sku.as_str())
    );
    assert_eq!(
        body.results[0].product_id.as_ref().map(ProductId::as_str),
        Some(&ean13.sku.as_str()[..5])
    );
    assert!(body.results[0].error.is_none());
    let error_code =
        |i: usize| serde_json::to_value(body.results[i].error.as_ref().unwrap().code).unwrap();
    assert_eq!(error_code(1), "malformed_code");
    assert_eq!(
        body.results[2].sku.as_ref().map(Sku::as_str),
        Some(in_store.sku.as_str())
    );
    assert_eq!(error_code(3), "unknown_code");
    assert_eq!(error_code(4), "malformed_code");
    assert!(body.results[3].sku.is_none());

    let too_many: Vec<String> = (0..101).map(|_| ean13.printed.clone()).collect();
    let response = f
        .server
        .client
        .post(f.server.url("/api/v1/codes/resolve"))
        .json(&json!({ "codes": too_many }))
        .send()
        .await
        .unwrap();
    assert_error(response, 400, "bad_request").await;
}

async fn post_raw(
    f: &Fixture,
    content_type: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> reqwest::Response {
    let mut request = f
        .server
        .client
        .post(f.server.url("/api/v1/codes/resolve"))
        .body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn bad_bodies_get_clear_errors() {
    let f = Fixture::new().await;
    let big = format!(r#"{{"codes":["{}"]}}"#, "1".repeat(70 * 1024));
    assert_error(
        post_raw(&f, Some("application/json"), big).await,
        413,
        "payload_too_large",
    )
    .await;
    assert_error(
        post_raw(&f, Some("application/json"), r#"{"codes": ["#).await,
        400,
        "invalid_json",
    )
    .await;
    assert_error(
        post_raw(&f, Some("application/json"), r#"{"codes": 7}"#).await,
        422,
        "invalid_json",
    )
    .await;
    assert_error(
        post_raw(&f, Some("text/plain"), r#"{"codes": []}"#).await,
        415,
        "unsupported_media_type",
    )
    .await;
    // serde would read a record from an array of its fields; the API takes objects only.
    assert_error(
        post_raw(&f, Some("application/json"), r#"[["6971106500012"]]"#).await,
        422,
        "invalid_json",
    )
    .await;
    assert_error(
        post_raw(&f, None, r#"{"codes": []}"#).await,
        415,
        "unsupported_media_type",
    )
    .await;
    // The server is still fine afterwards.
    let ok = post_raw(&f, Some("application/json"), r#"{"codes": []}"#).await;
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_error_shape() {
    let f = Fixture::new().await;
    assert_error(f.server.get("/api/v1/nope").await, 404, "not_found").await;
    assert_error(f.server.get("/api/nope").await, 404, "not_found").await;
    assert_error(f.server.get("/api").await, 404, "not_found").await;
    let client = &f.server.client;
    let delete = client
        .delete(f.server.url("/api/v1/stores"))
        .send()
        .await
        .unwrap();
    assert_eq!(delete.headers()["allow"], "GET,HEAD");
    assert_error(delete, 405, "method_not_allowed").await;
    let put = client
        .put(f.server.url("/api/v1/codes/resolve"))
        .send()
        .await
        .unwrap();
    assert_error(put, 405, "method_not_allowed").await;
}

#[tokio::test]
async fn openapi_document_lists_the_paths() {
    let f = Fixture::new().await;
    let (status, doc) = f.server.get_json("/api/v1/openapi.json").await;
    assert_eq!(status, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/health",
        "/api/v1/codes/{code}",
        "/api/v1/codes/resolve",
        "/api/v1/products",
        "/api/v1/products/{id}",
        "/api/v1/stores",
        "/api/v1/stores/{id}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} missing");
    }
    assert!(doc["paths"]["/api/v1/codes/resolve"]["post"].is_object());
    for schema in [
        "CodeMatch",
        "Product",
        "ErrorResponse",
        "ResolveRequest",
        "Store",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
}

#[tokio::test]
async fn the_document_is_as_strict_as_the_server() {
    // What the server refuses, the document forbids: an operation id or idempotency key of any
    // other shape, an offset past the maximum.
    let f = Fixture::new().await;
    let (_, doc) = f.server.get_json("/api/v1/openapi.json").await;
    let hex32 = "^[0-9a-f]{32}$";
    assert_eq!(doc["components"]["schemas"]["OpId"]["pattern"], hex32);
    let order = &doc["paths"]["/api/v1/orders"]["post"];
    let key = order["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Idempotency-Key")
        .unwrap();
    assert_eq!(key["schema"]["pattern"], hex32);
    let products = doc["paths"]["/api/v1/products"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let offset = products.iter().find(|p| p["name"] == "offset").unwrap();
    let most = offset["schema"]["maximum"].as_u64().unwrap();
    let (status, _) = f
        .server
        .get_json(&format!("/api/v1/products?offset={most}"))
        .await;
    assert_eq!(status, 200);
    let past = f
        .server
        .get(&format!("/api/v1/products?offset={}", most + 1))
        .await;
    assert_error(past, 400, "bad_request").await;
}

#[tokio::test]
async fn other_origins_may_call_without_credentials() {
    let f = Fixture::new().await;
    let client = &f.server.client;
    let preflight = client
        .request(
            reqwest::Method::OPTIONS,
            f.server.url("/api/v1/codes/resolve"),
        )
        .header("origin", "http://127.0.0.1:9999")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,authorization",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], "*");
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    assert!(methods.contains("GET") && methods.contains("POST"));
    let allowed = headers["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("content-type") && allowed.contains("authorization"));
    assert!(headers.get("access-control-allow-credentials").is_none());

    let get = client
        .get(f.server.url("/api/v1/stores"))
        .header("origin", "http://127.0.0.1:9999")
        .send()
        .await
        .unwrap();
    assert_eq!(get.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn json_is_compressed_and_carries_security_headers() {
    let f = Fixture::new().await;
    for encoding in ["gzip", "br"] {
        let response = f
            .server
            .client
            .get(f.server.url("/api/v1/products?limit=100"))
            .header("accept-encoding", encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-encoding"], encoding);
    }
    // JSON is never run or rendered: it needs `nosniff`, not the page policies.
    let response = f.server.get("/api/v1/health").await;
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(!headers.contains_key("content-security-policy"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn a_record_inside_a_body_is_an_object_too() {
    let f = Fixture::new().await;
    let shopper = crate::common::token();
    let order = json!({"skus": ["P0001-GRY-M"], "fulfilment": {"type": "delivery",
        "address": ["李娜", "13800138000", "上海市徐汇区衡山路 10 号"]}});
    let response = crate::common::place(&f.server, &shopper, &crate::common::key(), &order).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_json");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("`fulfilment.address`"), "{message}");
}

#[tokio::test]
async fn every_answer_to_a_broken_request_is_in_the_document() {
    // A body that is not JSON, not sent as JSON, or the wrong shape, and a path parameter that
    // does not parse: the server's answer is one its OpenAPI document lists for the operation.
    let f = Fixture::new().await;
    let (_, doc) = f.server.get_json("/api/v1/openapi.json").await;
    let token = crate::common::token();
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if path.contains("/test/") {
            continue; // the fault switch of test builds
        }
        for (method, operation) in item.as_object().unwrap() {
            let documented = |status: u16| operation["responses"][status.to_string()].is_object();
            let url = f.server.url(&path.replace('{', "x").replace('}', ""));
            let send = |content_type: Option<&str>, body: &'static str| {
                let mut request = f
                    .server
                    .client
                    .request(method.to_uppercase().parse().unwrap(), url.clone())
                    .header("authorization", format!("Bearer {}", token.expose()))
                    .header("idempotency-key", crate::common::key())
                    .header("x-cashier-key", shopbag_server::config::DEMO_CASHIER_KEY)
                    .body(body);
                if let Some(content_type) = content_type {
                    request = request.header("content-type", content_type);
                }
                request.send()
            };
            let mut cases = vec![send(None, "")];
            if operation["requestBody"].is_object() {
                cases.push(send(None, "{}"));
                cases.push(send(Some("application/json"), "{"));
                cases.push(send(Some("application/json"), "7"));
            }
            for case in cases {
                let status = case.await.unwrap().status().as_u16();
                assert!(
                    documented(status),
                    "{method} {path}: {status} is not documented"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked} requests");
}
