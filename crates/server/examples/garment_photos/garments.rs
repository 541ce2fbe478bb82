//! Real photos of garments for visual search: garments cut from the group photos that npm's
//! `@vladmandic/face-api` ships as demo pictures (the test setup installs it; they are never
//! committed or served), and the shots a shopper's phone would take of them — cropped, turned,
//! in other light, blurred, compressed. The server's accuracy test and the visual search
//! benchmark (`examples/garment_photos`) share them.

// Shared by the accuracy test and the benchmark's example, each using a part of it.
#![allow(dead_code)]

use image::imageops::{self, FilterType};
use image::{DynamicImage, Rgb, RgbImage};
use std::path::PathBuf;

/// One garment: which demo photo, and its box there (x, y, width, height in pixels).
pub struct Garment {
    pub photo: u8,
    pub bounds: (u32, u32, u32, u32),
    pub what: &'static str,
}

const fn g(photo: u8, x: u32, y: u32, w: u32, h: u32, what: &'static str) -> Garment {
    Garment {
        photo,
        bounds: (x, y, w, h),
        what,
    }
}

/// Every garment in the six demo photos worn by someone whose body is in view.
pub const GARMENTS: [Garment; 21] = [
    g(
        1,
        300,
        580,
        420,
        700,
        "black lattice-sleeve top, red tartan",
    ),
    g(1, 760, 600, 500, 680, "black leather jacket"),
    g(1, 1220, 440, 420, 800, "black uniform shirt with a patch"),
    g(2, 360, 440, 520, 680, "black tank dress"),
    g(2, 860, 420, 480, 620, "grey slip dress"),
    g(2, 1380, 380, 500, 740, "black cami dress"),
    g(3, 220, 600, 730, 680, "blush shirt over a navy top"),
    g(3, 910, 490, 530, 790, "black lace-up kaftan top"),
    g(3, 1380, 580, 480, 700, "mauve ribbed dress"),
    g(4, 220, 520, 380, 928, "black top, black jeans"),
    g(4, 540, 340, 380, 1108, "black top, light-blue jeans"),
    g(4, 920, 440, 400, 840, "geometric-print dress"),
    g(4, 1260, 400, 600, 960, "black long-sleeve skater dress"),
    g(5, 770, 340, 250, 420, "coral tank top"),
    g(5, 1100, 500, 380, 560, "navy dress"),
    g(5, 1380, 680, 460, 718, "orange top, beige skirt"),
    g(6, 150, 840, 580, 696, "olive slip dress"),
    g(6, 630, 700, 410, 836, "burgundy long-sleeve dress"),
    g(6, 980, 720, 350, 816, "black and white striped jumpsuit"),
    g(6, 1410, 620, 330, 916, "green and white top"),
    g(6, 1630, 960, 280, 370, "denim jacket on a sofa"),
];

pub fn demo_photo(n: u8) -> DynamicImage {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../node_modules/@vladmandic/face-api/demo")
        .join(format!("sample{n}.jpg"));
    image::open(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the test setup installs npm's @vladmandic/face-api: run bash scripts/test.sh)",
            path.display()
        )
    })
}

/// The garment as staff would photograph it for enrolment: its box, at most 640 px.
pub fn cut(photos: &[DynamicImage], garment: &Garment) -> RgbImage {
    let (x, y, w, h) = garment.bounds;
    let photo = &photos[usize::from(garment.photo - 1)];
    let cropped = photo.crop_imm(x, y, w, h).to_rgb8();
    shrink(&cropped, 640)
}

/// Only the garment `i`, from its own photo.
pub fn one_garment(i: usize) -> RgbImage {
    let garment = &GARMENTS[i];
    let mut photos = vec![DynamicImage::new_rgb8(1, 1); 6];
    photos[usize::from(garment.photo - 1)] = demo_photo(garment.photo);
    cut(&photos, garment)
}

pub fn shrink(picture: &RgbImage, longest: u32) -> RgbImage {
    let (w, h) = picture.dimensions();
    let scale = longest as f32 / w.max(h) as f32;
    if scale >= 1.0 {
        return picture.clone();
    }
    let size = |side: u32| ((side as f32 * scale).round() as u32).max(1);
    imageops::resize(picture, size(w), size(h), FilterType::Triangle)
}

pub fn jpeg(picture: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    picture.write_with_encoder(encoder).unwrap();
    out
}

/// A part of the picture: `keep` of each side, its centre moved by `shift` of a side.
pub fn crop(picture: &RgbImage, keep: f32, shift: (f32, f32)) -> RgbImage {
    let (w, h) = picture.dimensions();
    let (cw, ch) = ((w as f32 * keep) as u32, (h as f32 * keep) as u32);
    let x = ((w - cw) as f32 / 2.0 + shift.0 * w as f32).clamp(0.0, (w - cw) as f32) as u32;
    let y = ((h - ch) as f32 / 2.0 + shift.1 * h as f32).clamp(0.0, (h - ch) as f32) as u32;
    imageops::crop_imm(picture, x, y, cw, ch).to_image()
}

/// Turned by `degrees` about the centre; the corners it uncovers repeat the nearest edge, as a
/// phone's crop of a larger scene would show more of the same background.
pub fn turn(picture: &RgbImage, degrees: f32) -> RgbImage {
    let (w, h) = picture.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    RgbImage::from_fn(w, h, |x, y| {
        let (dx, dy) = (x as f32 - cx, y as f32 - cy);
        let sx = (cos * dx + sin * dy + cx).clamp(0.0, (w - 1) as f32);
        let sy = (-sin * dx + cos * dy + cy).clamp(0.0, (h - 1) as f32);
        *picture.get_pixel(sx as u32, sy as u32)
    })
}

/// Each channel scaled: darker or brighter, warmer or cooler light.
pub fn light(picture: &RgbImage, gains: [f32; 3]) -> RgbImage {
    RgbImage::from_fn(picture.width(), picture.height(), |x, y| {
        let Rgb(p) = *picture.get_pixel(x, y);
        Rgb(std::array::from_fn(|c| {
            (f32::from(p[c]) * gains[c]).clamp(0.0, 255.0) as u8
        }))
    })
}

/// The shot a shopper's phone sends: the app downscales to 384 px and compresses.
pub fn shot(picture: &RgbImage, quality: u8) -> Vec<u8> {
    jpeg(&shrink(picture, 384), quality)
}

/// An alteration: the garment's picture and its number in, the shot sent out.
pub type Alteration = fn(&RgbImage, usize) -> Vec<u8>;

/// The alterations, each applied to every garment.
pub fn alterations() -> Vec<(&'static str, Alteration)> {
    vec![
        ("crop 80 %, off centre", |p, i| {
            let side = if i % 2 == 0 { 0.08 } else { -0.08 };
            shot(&crop(p, 0.8, (side, side / 2.0)), 85)
        }),
        ("turned ±10°", |p, i| {
            shot(&turn(p, if i % 2 == 0 { 10.0 } else { -10.0 }), 85)
        }),
        ("dim and warm light", |p, _| {
            shot(&light(p, [0.8, 0.65, 0.5]), 85)
        }),
        ("bright and cool light", |p, _| {
            shot(&light(p, [1.1, 1.25, 1.45]), 85)
        }),
        ("blurred (σ 2.5)", |p, _| {
            shot(&imageops::blur(&shrink(p, 384), 2.5), 85)
        }),
        ("JPEG quality 25", |p, _| shot(p, 25)),
        ("all at once", |p, i| {
            let turned = turn(
                &crop(p, 0.85, (0.05, -0.05)),
                if i % 2 == 0 { 6.0 } else { -6.0 },
            );
            shot(&imageops::blur(&light(&turned, [0.9, 0.8, 0.7]), 1.2), 60)
        }),
    ]
}
