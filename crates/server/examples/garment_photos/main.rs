//! `garment_photos DIR`: the visual search benchmark's photos (docs/benchmarks.md). Writes
//! `DIR/enrol/<product id>/front.jpg` — each real garment as the photo staff enrol for one seeded
//! product, ready for `shopbag-enrol DIR/enrol` — and `DIR/shots/<product id>.jpg`, a phone's
//! shot of the same garment (cropped, turned, dimmer, blurred, compressed) to search with.

mod garments;

use garments::{alterations, cut, demo_photo, jpeg, GARMENTS};
use image::DynamicImage;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("usage: garment_photos DIR"));
    let photos: Vec<DynamicImage> = (1..=6).map(demo_photo).collect();
    let products = shopbag_server::seed::demo().products;
    let (_, phone_shot) = alterations()
        .pop()
        .expect("the last alteration is all of them");
    for (i, (garment, product)) in GARMENTS.iter().zip(&products).enumerate() {
        let picture = cut(&photos, garment);
        let folder = dir.join("enrol").join(product.id.as_str());
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("front.jpg"), jpeg(&picture, 90)).unwrap();
        std::fs::create_dir_all(dir.join("shots")).unwrap();
        let shot = dir.join("shots").join(format!("{}.jpg", product.id));
        std::fs::write(shot, phone_shot(&picture, i)).unwrap();
    }
    println!("{} garments in {}", GARMENTS.len(), dir.display());
}
