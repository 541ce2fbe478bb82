//! Pictures, complete the look and the festivals' calendar over HTTP, on a seeded database.

use crate::common::{add, assert_error, token, Fixture};
use shopbag_api::looks::complements;
use shopbag_api::looks::{LooksResponse, Source};
use shopbag_api::promotions::{Calendar, PhaseKind, Timestamp};
use shopbag_api::{picture_path, Category, Product, ProductId};
use shopbag_server::seed;

async fn product(f: &Fixture, id: &ProductId) -> Product {
    let response = f.server.get(&format!("/api/v1/products/{id}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn looks(f: &Fixture, query: &str) -> LooksResponse {
    let response = f.server.get(&format!("/api/v1/looks?{query}")).await;
    assert_eq!(response.status(), 200, "{query}");
    response.json().await.unwrap()
}

/// The first seeded product of `category` that some look holds.
fn styled(category: Category) -> ProductId {
    let demo = seed::demo();
    demo.looks
        .iter()
        .flat_map(|l| &l.items)
        .find(|(_, c)| *c == category)
        .map(|(id, _)| id.clone())
        .unwrap()
}

#[tokio::test]
async fn every_product_has_a_picture_in_each_colour_kept_for_a_year() {
    let f = Fixture::new().await;
    let coat = product(&f, &styled(Category::Outerwear)).await;
    for colour in &coat.colours {
        let path = picture_path(&coat.id, colour);
        let response = f.server.get(&path).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "image/svg+xml");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let svg = response.text().await.unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("width=\"240\" height=\"300\""));
        assert!(
            svg.contains(&colour.hex.to_ascii_lowercase()),
            "{path} is drawn in {}",
            colour.hex
        );
    }
    let colour = &coat.colours[0];
    let path = picture_path(&coat.id, colour);
    for wrong in [
        path.replace("/pictures/1/", "/pictures/0/"),
        path.replace(coat.id.as_str(), "P9999"),
        path.replace(&format!("-{}-", colour.code), "-XXX-"),
        path.replace(".svg", ".png"),
        format!("/api/v1/pictures/1/{}-{}.svg", coat.id, colour.code),
    ] {
        let response = f.server.get(&wrong).await;
        assert_error(response, 404, "not_found").await;
    }
}

#[tokio::test]
async fn a_colour_that_changes_gets_a_new_picture_address() {
    let f = Fixture::new().await;
    let coat = product(&f, &styled(Category::Outerwear)).await;
    let old = picture_path(&coat.id, &coat.colours[0]);
    sqlx::query("UPDATE product_colours SET hex = '#123456' WHERE product_id = $1 AND code = $2")
        .bind(coat.id.as_str())
        .bind(coat.colours[0].code.as_str())
        .execute(&f.db().await)
        .await
        .unwrap();
    assert_error(f.server.get(&old).await, 404, "not_found").await;
    let new = product(&f, &coat.id)
        .await
        .picture(&coat.colours[0].code)
        .unwrap();
    assert!(new.ends_with("-123456.svg"), "{new}");
    assert_eq!(f.server.get(&new).await.status(), 200);
}

#[tokio::test]
async fn a_coat_gets_complementary_items_in_her_size_never_another_coat() {
    let f = Fixture::new().await;
    let coat = styled(Category::Outerwear);
    let answer = looks(
        &f,
        &format!("product={coat}&sizes=shoes:38,trousers:M,knitwear:M&store=sh-jingan"),
    )
    .await;
    assert!(!answer.looks.is_empty() && answer.looks.len() <= 3);
    let mut seen = std::collections::HashSet::new();
    for look in &answer.looks {
        assert!(!look.items.is_empty());
        for item in &look.items {
            let p = &item.product;
            assert!(
                complements(Category::Outerwear, p.category),
                "{} is {:?}",
                p.id,
                p.category
            );
            assert_ne!(p.id, coat);
            assert!(seen.insert(p.id.clone()), "{} shown twice", p.id);
            // In her size where it is known, and really to be had where the answer says.
            let variant = match &item.sku {
                Some(sku) => p.variants.iter().find(|v| &v.sku == sku).unwrap(),
                None => p.variants.iter().find(|v| v.colour == item.colour).unwrap(),
            };
            if let Some(size) = &item.size {
                assert_eq!(&variant.size, size);
                assert!(["shoes", "trousers", "knitwear"].contains(&p.category.as_str()));
            }
            match &item.source {
                Source::Here if item.sku.is_some() => {
                    assert!(variant.stock_in(&"sh-jingan".into()) > 0)
                }
                Source::Stores { stores } if item.sku.is_some() => {
                    assert!(stores.iter().all(|s| variant.stock_in(s) > 0))
                }
                Source::Online if item.sku.is_some() => assert!(variant.online_stock > 0),
                _ => {}
            }
        }
    }
    // Its own look comes first.
    let own = seed::demo()
        .looks
        .into_iter()
        .find(|l| l.items.iter().any(|(id, _)| *id == coat))
        .unwrap();
    assert_eq!(answer.looks[0].id, own.id);
}

#[tokio::test]
async fn an_item_sold_out_everywhere_in_her_size_is_no_longer_suggested() {
    let f = Fixture::new().await;
    let coat = styled(Category::Outerwear);
    let query = format!("product={coat}&sizes=trousers:M,knitwear:M,tops:M,skirts:M,dresses:M");
    let before = looks(&f, &query).await;
    let item = before
        .looks
        .iter()
        .flat_map(|l| &l.items)
        .find(|i| i.size.is_some())
        .expect("an item in a known size");
    let (id, size) = (item.product.id.clone(), item.size.clone().unwrap());
    let db = f.db().await;
    let sold_out = "WHERE product_id = $1 AND size = $2";
    sqlx::query(&format!("UPDATE variants SET online_stock = 0 {sold_out}"))
        .bind(id.as_str())
        .bind(&size)
        .execute(&db)
        .await
        .unwrap();
    sqlx::query(&format!(
        "UPDATE stock SET quantity = 0 WHERE sku IN (SELECT sku FROM variants {sold_out})"
    ))
    .bind(id.as_str())
    .bind(&size)
    .execute(&db)
    .await
    .unwrap();
    let after = looks(&f, &query).await;
    assert!(
        after
            .looks
            .iter()
            .flat_map(|l| &l.items)
            .all(|i| i.product.id != id),
        "{id} in {size} is sold out everywhere"
    );
}

#[tokio::test]
async fn the_bags_looks_leave_out_what_it_has_and_the_parts_it_dresses() {
    let f = Fixture::new().await;
    let demo = seed::demo();
    let find = |category| {
        demo.products
            .iter()
            .find(|p| {
                p.category == category && p.variants.iter().any(|v| v.size == "38" || v.size == "M")
            })
            .unwrap()
    };
    let (coat, shoes) = (find(Category::Outerwear), find(Category::Shoes));
    let bag = token();
    let sku = |p: &Product| p.variants[0].sku.clone();
    f.server
        .apply(&bag, &[add(&sku(coat), 1), add(&sku(shoes), 1)])
        .await;
    let response = f
        .server
        .with_token(f.server.client.get(f.server.url("/api/v1/looks?bag")), &bag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: LooksResponse = response.json().await.unwrap();
    assert!(!answer.looks.is_empty());
    for item in answer.looks.iter().flat_map(|l| &l.items) {
        let category = item.product.category;
        assert!(
            category != Category::Shoes && category != Category::Outerwear,
            "{}",
            item.product.id
        );
    }
    // The product page, with the same token: her coat's look never offers her shoes back.
    let response = f
        .server
        .with_token(
            f.server
                .client
                .get(f.server.url(&format!("/api/v1/looks?product={}", coat.id))),
            &bag,
        )
        .send()
        .await
        .unwrap();
    let answer: LooksResponse = response.json().await.unwrap();
    assert!(answer
        .looks
        .iter()
        .flat_map(|l| &l.items)
        .all(|i| i.product.id != shoes.id));
    // An empty bag has nothing to complete.
    let empty = token();
    let response = f
        .server
        .with_token(
            f.server.client.get(f.server.url("/api/v1/looks?bag")),
            &empty,
        )
        .send()
        .await
        .unwrap();
    let answer: LooksResponse = response.json().await.unwrap();
    assert!(answer.looks.is_empty());
}

#[tokio::test]
async fn looks_questions_that_cannot_be_answered_say_why() {
    let f = Fixture::new().await;
    let coat = styled(Category::Outerwear);
    for (query, status, code) in [
        ("", 400, "bad_request"),
        (&*format!("product={coat}&bag"), 400, "bad_request"),
        ("product=P9999", 404, "not_found"),
        (&*format!("product={coat}&sizes=hats:M"), 400, "bad_request"),
        ("bag", 401, "unauthorized"),
    ] {
        let response = f.server.get(&format!("/api/v1/looks?{query}")).await;
        assert_error(response, status, code).await;
    }
}

#[tokio::test]
async fn the_calendar_holds_double_twelve_and_next_singles_day_in_shanghai_time() {
    let f = Fixture::new().await;
    let response = f.server.get("/api/v1/promotions").await;
    assert_eq!(response.status(), 200);
    let calendar: Calendar = response.json().await.unwrap();
    let ids: Vec<&str> = calendar.promotions.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["1111-2026", "1212-2026", "1111-2027"]);
    let now = Timestamp::parse("2026-12-06T10:00:00+08:00").unwrap();
    let next = calendar.next(now).unwrap();
    assert_eq!(
        (next.promotion.id.as_str(), next.phase.kind),
        ("1212-2026", PhaseKind::WarmUp)
    );
    assert_eq!(
        next.phase.starts_at.to_string(),
        "2026-12-08T00:00:00+08:00"
    );
    // A bag page asks for its lines' event prices.
    let demo = seed::demo();
    let sku = &demo
        .event_prices
        .iter()
        .find(|e| e.promotion == "1212-2026")
        .unwrap()
        .sku;
    let response = f
        .server
        .get(&format!("/api/v1/promotions?skus={sku},P0001-NOPE-M"))
        .await;
    let with_prices: Calendar = response.json().await.unwrap();
    let list_price = demo
        .products
        .iter()
        .flat_map(|p| &p.variants)
        .find(|v| &v.sku == sku)
        .unwrap()
        .price;
    assert!(with_prices.event_prices.iter().any(|e| &e.sku == sku
        && e.promotion == "1212-2026"
        && e.phase == PhaseKind::MainDay
        && e.price < list_price));
    assert!(with_prices.event_prices.iter().all(|e| &e.sku == sku));
    assert!(calendar.event_prices.is_empty());
}

#[tokio::test]
async fn a_database_seeded_before_the_new_festivals_gets_them_at_start() {
    let f = Fixture::new().await;
    let db = f.db().await;
    for table in ["event_prices", "price_rules", "promotion_phases"] {
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE promotion_id <> '1111-2026'"
        ))
        .execute(&db)
        .await
        .unwrap();
    }
    sqlx::query("DELETE FROM promotions WHERE id <> '1111-2026'")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;
    f.server.stop().await;
    let config = crate::common::config(&f.database.url, &f.dir.path().join("dist"));
    let server = crate::common::TestServer::start(&config).await;
    let (status, calendar) = server.get_json("/api/v1/promotions").await;
    assert_eq!(status, 200);
    assert_eq!(calendar["promotions"].as_array().unwrap().len(), 3);
    server.stop().await;
}
