//! Visual search over HTTP with real photos (`garments`): each garment enrolled as one product's
//! photo, then searched with shots of it altered as a phone would take them.

use crate::common::{assert_error, Fixture};
use garments::{alterations, cut, demo_photo, jpeg, one_garment, shot, GARMENTS};
use image::{DynamicImage, ImageFormat, RgbImage};
use serde_json::Value;
use shopbag_api::visual::{EnrolledPhoto, VisualSearch, MOST_PHOTOS_PER_PRODUCT};
use shopbag_api::ProductId;
use shopbag_server::config::DEMO_CASHIER_KEY;
use std::io::Cursor;

#[path = "../../examples/garment_photos/garments.rs"]
mod garments;

async fn enrol(fixture: &Fixture, product: &ProductId, photo: Vec<u8>) -> reqwest::Response {
    let server = &fixture.server;
    server
        .client
        .post(server.url(&format!("/api/v1/staff/products/{product}/photos")))
        .header("x-cashier-key", DEMO_CASHIER_KEY)
        .header("content-type", "image/jpeg")
        .body(photo)
        .send()
        .await
        .unwrap()
}

async fn search(fixture: &Fixture, photo: Vec<u8>, content_type: &str) -> reqwest::Response {
    let server = &fixture.server;
    server
        .client
        .post(server.url("/api/v1/visual-search"))
        .header("content-type", content_type)
        .body(photo)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn altered_phone_shots_find_their_garment_first_and_among_three() {
    let fixture = Fixture::with(|config| config.photo_searches_per_address = 0).await;
    let products: Vec<ProductId> = shopbag_server::seed::demo()
        .products
        .iter()
        .map(|p| p.id.clone())
        .take(GARMENTS.len())
        .collect();
    let photos: Vec<DynamicImage> = (1..=6).map(demo_photo).collect();
    let pictures: Vec<RgbImage> = GARMENTS.iter().map(|g| cut(&photos, g)).collect();
    for (product, picture) in products.iter().zip(&pictures) {
        let response = enrol(&fixture, product, jpeg(picture, 90)).await;
        assert_eq!(response.status(), 201, "{product}");
        let enrolled: EnrolledPhoto = response.json().await.unwrap();
        assert_eq!(&enrolled.product_id, product);
    }

    let mut report = String::from("\n| alteration | top-1 | top-3 |\n|---|---|---|\n");
    let (mut first, mut among_three, mut total) = (0, 0, 0);
    for (name, alter) in alterations() {
        let (mut top1, mut top3) = (0, 0);
        for (i, (picture, product)) in pictures.iter().zip(&products).enumerate() {
            let response = search(&fixture, alter(picture, i), "image/jpeg").await;
            assert_eq!(response.status(), 200);
            let found: VisualSearch = response.json().await.unwrap();
            assert_eq!(found.matches.len(), 3);
            assert!(found.matches.windows(2).all(|m| m[0].score >= m[1].score));
            let rank = found.matches.iter().position(|m| &m.product.id == product);
            if rank == Some(0) {
                top1 += 1;
            } else {
                eprintln!("{name}: {} ranked {rank:?}", GARMENTS[i].what);
            }
            top3 += usize::from(rank.is_some());
        }
        let n = pictures.len();
        report += &format!("| {name} | {top1}/{n} | {top3}/{n} |\n");
        (first, among_three, total) = (first + top1, among_three + top3, total + n);
    }
    report += &format!("| every shot | {first}/{total} | {among_three}/{total} |\n");
    eprintln!("{report}");
    assert!(first * 100 >= total * 90, "top-1 under 90 %:{report}");
    assert!(among_three * 100 >= total * 98, "top-3 under 98 %:{report}");
}

#[tokio::test]
async fn enrolment_is_for_staff_three_photos_a_product_and_photos_are_served() {
    let fixture = Fixture::new().await;
    let product = shopbag_server::seed::demo().products[0].id.clone();
    let picture = one_garment(0);

    // Without the key, nothing is enrolled.
    let server = &fixture.server;
    let anonymous = server
        .client
        .post(server.url(&format!("/api/v1/staff/products/{product}/photos")))
        .header("content-type", "image/jpeg")
        .body(jpeg(&picture, 90))
        .send()
        .await
        .unwrap();
    assert_error(anonymous, 401, "cashier_key_rejected").await;
    assert_error(
        enrol(&fixture, &"NOPE".into(), jpeg(&picture, 90)).await,
        404,
        "not_found",
    )
    .await;

    let mut ids = Vec::new();
    for quality in [90, 80, 70].into_iter().take(MOST_PHOTOS_PER_PRODUCT) {
        let response = enrol(&fixture, &product, jpeg(&picture, quality)).await;
        assert_eq!(response.status(), 201);
        ids.push(response.json::<EnrolledPhoto>().await.unwrap().id);
    }
    assert_error(
        enrol(&fixture, &product, jpeg(&picture, 60)).await,
        409,
        "too_many_photos",
    )
    .await;

    let listed: Value = server
        .client
        .get(server.url(&format!("/api/v1/staff/products/{product}/photos")))
        .header("x-cashier-key", DEMO_CASHIER_KEY)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["photos"].as_array().unwrap().len(), 3);

    // The photo a match names is served as it was enrolled.
    let served = server
        .get(&format!("/api/v1/product-photos/{}", ids[0].0))
        .await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
    assert_eq!(served.bytes().await.unwrap().to_vec(), jpeg(&picture, 90));

    // One deleted: the product takes another, and the deleted one is gone.
    let deleted = server
        .client
        .delete(server.url(&format!(
            "/api/v1/staff/products/{product}/photos/{}",
            ids[0].0
        )))
        .header("x-cashier-key", DEMO_CASHIER_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        server
            .get(&format!("/api/v1/product-photos/{}", ids[0].0))
            .await
            .status(),
        404
    );
    assert_eq!(
        enrol(&fixture, &product, jpeg(&picture, 60)).await.status(),
        201
    );

    // The search finds it, through any of its photos.
    let found: VisualSearch = search(&fixture, jpeg(&picture, 50), "image/jpeg")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found.matches[0].product.id, product);
}

#[tokio::test]
async fn bad_photos_get_clear_errors() {
    let fixture = Fixture::new().await;
    let not_a_photo = b"GIF89a this is not a picture".to_vec();
    assert_error(
        search(&fixture, not_a_photo.clone(), "image/jpeg").await,
        422,
        "invalid_photo",
    )
    .await;
    assert_error(
        search(&fixture, not_a_photo, "image/gif").await,
        415,
        "unsupported_media_type",
    )
    .await;
    // A PNG is read as well as a JPEG; a tiny one is refused, not stretched into a guess.
    let mut tiny = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::new(4, 4))
        .write_to(&mut Cursor::new(&mut tiny), ImageFormat::Png)
        .unwrap();
    assert_error(
        search(&fixture, tiny, "image/png").await,
        422,
        "invalid_photo",
    )
    .await;
    let too_large = vec![0u8; shopbag_api::visual::MAX_PHOTO_BYTES + 1];
    assert_error(
        search(&fixture, too_large, "image/jpeg").await,
        413,
        "payload_too_large",
    )
    .await;
    // Nothing enrolled yet: a good photo finds nothing, and says so with an empty list.
    let picture = one_garment(3);
    let found: VisualSearch = search(&fixture, jpeg(&picture, 80), "image/jpeg")
        .await
        .json()
        .await
        .unwrap();
    assert!(found.matches.is_empty());
}

/// Runs `shopbag-enrol` on `folder` against the fixture's database; its exit status and output.
fn enrol_folder(fixture: &Fixture, folder: &std::path::Path) -> (bool, String) {
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_shopbag-enrol"))
        .arg(folder)
        .arg("--database-url")
        .arg(&fixture.database.url)
        .arg("--vision-model")
        .arg(crate::common::vision_model())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&run.stdout).into_owned();
    (
        run.status.success(),
        out + &String::from_utf8_lossy(&run.stderr),
    )
}

#[tokio::test]
async fn a_folder_of_photos_is_enrolled_in_bulk_once_and_the_running_server_finds_them() {
    let fixture = Fixture::new().await;
    let demo = shopbag_server::seed::demo();
    let (by_id, by_code) = (&demo.products[0], &demo.products[1]);
    let folder = fixture.dir.path().join("photos");
    // One folder named by the product's id, one by the code on its tag, one by nothing we sell.
    let named = [
        (by_id.id.to_string(), 4),
        (by_code.variants[0].ean13.clone(), 12),
        ("0000000000000".to_string(), 17),
    ];
    for (name, garment) in &named {
        std::fs::create_dir_all(folder.join(name)).unwrap();
        std::fs::write(
            folder.join(name).join("front.jpg"),
            jpeg(&one_garment(*garment), 90),
        )
        .unwrap();
    }
    std::fs::write(folder.join(&named[0].0).join("notes.txt"), "not a photo").unwrap();

    let (ok, out) = enrol_folder(&fixture, &folder);
    assert!(!ok, "the unknown folder is a problem: {out}");
    assert!(
        out.contains(&format!("{} front.jpg: enrolled as photo", by_id.id)),
        "{out}"
    );
    assert!(
        out.contains(&format!("{} front.jpg: enrolled as photo", by_code.id)),
        "{out}"
    );
    assert!(
        out.contains("0000000000000: no product has this id or code"),
        "{out}"
    );
    assert!(out.contains("2 photos enrolled, 1 problems"), "{out}");

    // Again: nothing is enrolled twice.
    std::fs::remove_dir_all(folder.join(&named[2].0)).unwrap();
    let (ok, out) = enrol_folder(&fixture, &folder);
    assert!(ok, "{out}");
    assert!(out.contains("0 photos enrolled, 0 problems"), "{out}");
    assert_eq!(out.matches("enrolled already").count(), 2, "{out}");

    // The server, running all along, finds them.
    let found: VisualSearch = search(&fixture, shot(&one_garment(12), 70), "image/jpeg")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found.matches[0].product.id, by_code.id);
    assert_eq!(found.matches.len(), 2);
}
