//! Finding a garment by its picture when it has no tag to scan: what `POST /visual-search`
//! answers, and the photos store staff enrol for each product so that it can be found.

use crate::{ProductId, ProductSummary, Timestamp};
use serde::{Deserialize, Serialize};

/// The largest photo the server reads, to search with or to enrol: a phone's full-size JPEG
/// fits; the app sends a downscaled crop of a few dozen KB.
pub const MAX_PHOTO_BYTES: usize = 4 * 1024 * 1024;
/// The photo types the server reads.
pub const PHOTO_TYPES: [&str; 2] = ["image/jpeg", "image/png"];
/// Photos one product may have: a few angles are enough, and each one is a vector to compare.
pub const MOST_PHOTOS_PER_PRODUCT: usize = 3;
/// How many products a search answers: similar garments score close to each other, so she
/// chooses among a few instead of the app guessing one.
pub const MATCHES: usize = 3;

/// One product that looks like the photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisualMatch {
    pub product: ProductSummary,
    /// Cosine similarity of the photo to the product's closest enrolled photo, −1 to 1 (the
    /// right product scores about 0.7 on a phone shot, a wrong one about 0.5).
    pub score: f32,
    /// The enrolled photo it matched, to show beside the catalogue picture.
    pub photo: PhotoId,
}

/// What `POST /visual-search` answers: the closest products, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisualSearch {
    pub matches: Vec<VisualMatch>,
}

/// An enrolled photo's number, for `GET /product-photos/{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct PhotoId(pub i64);

/// One photo of a product, as staff enrolled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolledPhoto {
    pub id: PhotoId,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub product_id: ProductId,
    pub at: Timestamp,
}

/// A product's enrolled photos, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductPhotos {
    pub photos: Vec<EnrolledPhoto>,
}

/// The side of the square a shopper's shot is sent at: above the network's 224 px, so its own
/// resize has pixels to spare, and small enough to be a few dozen KB as a JPEG.
pub const SHOT_SIDE: u32 = 320;
/// The longer side of a photo staff enrol: shoppers see it beside a match, so it stays sharp
/// on a phone, but a camera's 12 MP are not uploaded.
pub const ENROLMENT_SIDE: u32 = 1024;

/// Which part of a picture is sent and at what size: `source` is (x, y, width, height) in the
/// picture's pixels, `size` the width and height it is drawn at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Framing {
    pub source: (f64, f64, f64, f64),
    pub size: (u32, u32),
}

impl Framing {
    /// A shopper's shot: the centre square of the frame, which is the part the network looks
    /// at (the server keeps the centre square of whatever it is sent), at most [`SHOT_SIDE`].
    pub fn shot(width: u32, height: u32) -> Option<Framing> {
        let side = width.min(height);
        if side == 0 {
            return None;
        }
        let drawn = side.min(SHOT_SIDE);
        Some(Framing {
            source: (
                f64::from(width - side) / 2.0,
                f64::from(height - side) / 2.0,
                f64::from(side),
                f64::from(side),
            ),
            size: (drawn, drawn),
        })
    }

    /// A photo staff enrol: all of it, its longer side at most [`ENROLMENT_SIDE`].
    pub fn enrolment(width: u32, height: u32) -> Option<Framing> {
        if width == 0 || height == 0 {
            return None;
        }
        let scale = (f64::from(ENROLMENT_SIDE) / f64::from(width.max(height))).min(1.0);
        let side = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
        Some(Framing {
            source: (0.0, 0.0, f64::from(width), f64::from(height)),
            size: (side(width), side(height)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shot_is_the_centre_square_never_enlarged() {
        let portrait = Framing::shot(1080, 1920).unwrap();
        assert_eq!(portrait.source, (0.0, 420.0, 1080.0, 1080.0));
        assert_eq!(portrait.size, (SHOT_SIDE, SHOT_SIDE));
        let landscape = Framing::shot(640, 480).unwrap();
        assert_eq!(landscape.source, (80.0, 0.0, 480.0, 480.0));
        let small = Framing::shot(200, 300).unwrap();
        assert_eq!(small.size, (200, 200));
        assert_eq!(Framing::shot(0, 480), None);
    }

    #[test]
    fn an_enrolment_photo_keeps_all_of_it_and_its_proportions() {
        let camera = Framing::enrolment(4032, 3024).unwrap();
        assert_eq!(camera.source, (0.0, 0.0, 4032.0, 3024.0));
        assert_eq!(camera.size, (ENROLMENT_SIDE, 768));
        let tall = Framing::enrolment(600, 2400).unwrap();
        assert_eq!(tall.size, (256, ENROLMENT_SIDE));
        assert_eq!(Framing::enrolment(800, 600).unwrap().size, (800, 600));
        assert_eq!(Framing::enrolment(800, 0), None);
    }
}
