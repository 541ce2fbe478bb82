//! The network's input: 224×224 RGB scaled to −1..1, made from pixels or from a JPEG/PNG file.

use crate::layers::FeatureMap;
use std::fmt;

/// The side of the square the network looks at (Lite0's training resolution).
const SIDE: usize = 224;

/// A picture ready for [`crate::Model::embed`]: 224×224, RGB, each value `x / 255 * 2 − 1`.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    map: FeatureMap,
}

/// Why pixels or a file could not become a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PictureError {
    /// A width or height of zero.
    Empty,
    /// The RGB buffer is not `width × height × 3` bytes (or the input tensor not 224×224×3).
    WrongLength { expected: usize, found: usize },
    /// A value of the input tensor outside −1..=1 (or not a number).
    OutOfRange,
    /// The bytes are not a JPEG or PNG file.
    #[cfg(feature = "decode")]
    UnsupportedFormat,
    /// A JPEG or PNG file that could not be decoded (damaged, truncated, too large).
    #[cfg(feature = "decode")]
    Decode(String),
    /// A file whose sides are not between [`Picture::SMALLEST`] and [`Picture::LARGEST`].
    #[cfg(feature = "decode")]
    Size { width: u32, height: u32 },
}

impl fmt::Display for PictureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => write!(f, "the picture has no pixels"),
            Self::WrongLength { expected, found } => {
                write!(
                    f,
                    "expected {expected} values for the picture, found {found}"
                )
            }
            Self::OutOfRange => write!(f, "the picture's values must lie in -1..=1"),
            #[cfg(feature = "decode")]
            Self::UnsupportedFormat => write!(f, "not a JPEG or PNG picture"),
            #[cfg(feature = "decode")]
            Self::Decode(why) => write!(f, "the picture could not be decoded: {why}"),
            #[cfg(feature = "decode")]
            Self::Size { width, height } => write!(
                f,
                "a picture of {width}×{height} pixels: each side must be {} to {}",
                Picture::SMALLEST,
                Picture::LARGEST
            ),
        }
    }
}

impl std::error::Error for PictureError {}

impl Picture {
    /// The side of the square input, in pixels.
    pub const SIDE: u32 = SIDE as u32;
    /// The shortest side a file may have: below it there is no garment to recognise.
    #[cfg(feature = "decode")]
    pub const SMALLEST: u32 = 32;
    /// The longest side a file may have: a 50-megapixel camera's, and not a bomb's.
    #[cfg(feature = "decode")]
    pub const LARGEST: u32 = 10_000;

    /// From 8-bit RGB pixels, row by row (`rgb.len() == width * height * 3`).
    ///
    /// The largest centred square is kept and scaled to 224×224 rather than the whole picture
    /// squashed: a squashed dress looks like another cut, the network was trained on centred
    /// crops, and both a shopper's shot and a product photo put the garment in the middle.
    pub fn from_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<Picture, PictureError> {
        let (width, height) = (width as usize, height as usize);
        if width == 0 || height == 0 {
            return Err(PictureError::Empty);
        }
        let expected = width
            .checked_mul(height)
            .and_then(|n| n.checked_mul(3))
            .unwrap_or(usize::MAX);
        if rgb.len() != expected {
            return Err(PictureError::WrongLength {
                expected,
                found: rgb.len(),
            });
        }
        let side = width.min(height);
        let (left, top) = ((width - side) / 2, (height - side) / 2);
        let taps = area_taps(side, SIDE);

        // Rows first: every source row of the square, narrowed to 224 columns.
        let mut narrow = vec![0.0f32; side * SIDE * 3];
        for (y, out_row) in narrow.chunks_exact_mut(SIDE * 3).enumerate() {
            let row = &rgb[((top + y) * width + left) * 3..][..side * 3];
            for (out, taps) in out_row.chunks_exact_mut(3).zip(&taps) {
                for &(x, weight) in taps {
                    for (o, &v) in out.iter_mut().zip(&row[x * 3..x * 3 + 3]) {
                        *o += weight * f32::from(v);
                    }
                }
            }
        }
        // Then columns: 224 rows, each a weighted sum of narrowed rows.
        let mut data = vec![0.0f32; SIDE * SIDE * 3];
        for (out_row, taps) in data.chunks_exact_mut(SIDE * 3).zip(&taps) {
            for &(y, weight) in taps {
                let row = &narrow[y * SIDE * 3..][..SIDE * 3];
                for (o, &v) in out_row.iter_mut().zip(row) {
                    *o += weight * v;
                }
            }
        }
        for v in &mut data {
            *v = *v / 255.0 * 2.0 - 1.0;
        }
        Ok(Self::from_map(data))
    }

    /// The network's input as it is: 224 × 224 × 3 values, row by row, RGB interleaved, already
    /// in −1..=1. For callers that prepare pixels their own way, and for tests that must not
    /// depend on resizing.
    pub fn from_normalised(values: Vec<f32>) -> Result<Picture, PictureError> {
        if values.len() != SIDE * SIDE * 3 {
            return Err(PictureError::WrongLength {
                expected: SIDE * SIDE * 3,
                found: values.len(),
            });
        }
        if !values.iter().all(|v| (-1.0..=1.0).contains(v)) {
            return Err(PictureError::OutOfRange);
        }
        Ok(Self::from_map(values))
    }

    /// A JPEG or PNG file, turned upright by its EXIF orientation (phones store shots sideways
    /// and say so there), then as [`Picture::from_rgb`]. A file says its size before its pixels
    /// are decoded: one smaller than [`Picture::SMALLEST`] a side (nothing to recognise) or
    /// larger than [`Picture::LARGEST`] (a few KB of PNG can claim gigabytes) is refused first.
    #[cfg(feature = "decode")]
    pub fn decode(bytes: &[u8]) -> Result<Picture, PictureError> {
        use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
        let format = image::guess_format(bytes).map_err(|_| PictureError::UnsupportedFormat)?;
        if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
            return Err(PictureError::UnsupportedFormat);
        }
        let failed = |e: image::ImageError| PictureError::Decode(e.to_string());
        let mut decoder = ImageReader::with_format(std::io::Cursor::new(bytes), format)
            .into_decoder()
            .map_err(failed)?;
        let (width, height) = decoder.dimensions();
        if width.min(height) < Self::SMALLEST || width.max(height) > Self::LARGEST {
            return Err(PictureError::Size { width, height });
        }
        let orientation = decoder.orientation().map_err(failed)?;
        let mut image = DynamicImage::from_decoder(decoder).map_err(failed)?;
        image.apply_orientation(orientation);
        let rgb = image.into_rgb8();
        Self::from_rgb(rgb.width(), rgb.height(), rgb.as_raw())
    }

    /// The values, 224 × 224 × 3, row by row, RGB interleaved.
    pub fn values(&self) -> &[f32] {
        &self.map.data
    }

    pub(crate) fn feature_map(&self) -> &FeatureMap {
        &self.map
    }

    fn from_map(data: Vec<f32>) -> Picture {
        Picture {
            map: FeatureMap {
                height: SIDE,
                width: SIDE,
                channels: 3,
                data,
            },
        }
    }
}

/// For each of `to` output pixels, the source pixels under it and their weights: each output
/// pixel averages the stretch of `from` source pixels it covers, partial pixels in part (an
/// area filter: no aliasing when a 4000-pixel photo shrinks to 224). Weights sum to 1.
fn area_taps(from: usize, to: usize) -> Vec<Vec<(usize, f32)>> {
    let scale = from as f64 / to as f64;
    (0..to)
        .map(|i| {
            let (start, end) = (i as f64 * scale, (i + 1) as f64 * scale);
            let first = start.floor() as usize;
            let last = (end.ceil() as usize).min(from);
            (first..last)
                .filter_map(|p| {
                    let overlap = end.min(p as f64 + 1.0) - start.max(p as f64);
                    (overlap > 1e-9).then(|| (p, (overlap / scale) as f32))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upscaling sums partial weights, which round in the last bit.
    fn close(pixel: &[f32], expected: [f32; 3]) -> bool {
        pixel
            .iter()
            .zip(expected)
            .all(|(a, b)| (a - b).abs() < 1e-5)
    }

    #[test]
    fn area_taps_cover_every_source_pixel_once() {
        for (from, to) in [(448, 224), (1000, 224), (224, 224), (100, 224), (3, 224)] {
            let taps = area_taps(from, to);
            assert_eq!(taps.len(), to);
            let mut coverage = vec![0.0f64; from];
            for output in &taps {
                let sum: f32 = output.iter().map(|(_, w)| w).sum();
                assert!(
                    (sum - 1.0).abs() < 1e-5,
                    "{from}->{to}: weights sum to {sum}"
                );
                for &(p, w) in output {
                    coverage[p] += f64::from(w) * from as f64 / to as f64;
                }
            }
            // Each source pixel contributes its whole area, no more, no less.
            assert!(
                coverage.iter().all(|c| (c - 1.0).abs() < 1e-4),
                "{from}->{to}"
            );
        }
        // Halving averages pairs.
        assert_eq!(
            area_taps(4, 2),
            vec![vec![(0, 0.5), (1, 0.5)], vec![(2, 0.5), (3, 0.5)]]
        );
    }

    #[test]
    fn from_rgb_scales_values_to_minus_one_one() {
        let black = Picture::from_rgb(300, 300, &vec![0; 300 * 300 * 3]).unwrap();
        assert!(black.values().iter().all(|&v| v == -1.0));
        let white = Picture::from_rgb(50, 50, &vec![255; 50 * 50 * 3]).unwrap();
        assert!(white.values().iter().all(|&v| (v - 1.0).abs() < 1e-6));
        assert_eq!(white.values().len(), 224 * 224 * 3);
    }

    #[test]
    fn from_rgb_keeps_the_centred_square() {
        // 672×224: red left third, green middle, blue right third. The centred square is the
        // green third exactly.
        let (w, h) = (672usize, 224usize);
        let mut rgb = vec![0u8; w * h * 3];
        for y in 0..h {
            for x in 0..w {
                rgb[(y * w + x) * 3 + x / 224] = 255;
            }
        }
        let picture = Picture::from_rgb(w as u32, h as u32, &rgb).unwrap();
        for pixel in picture.values().chunks_exact(3) {
            assert_eq!(pixel, [-1.0, 1.0, -1.0]);
        }
        // Tall pictures crop top and bottom the same way, and keep channels in RGB order.
        let mut tall = vec![0u8; 10 * 30 * 3];
        for y in 0..30 {
            for x in 0..10 {
                tall[(y * 10 + x) * 3 + 2] = if (10..20).contains(&y) { 255 } else { 0 };
            }
        }
        let picture = Picture::from_rgb(10, 30, &tall).unwrap();
        assert!(picture
            .values()
            .chunks_exact(3)
            .all(|p| close(p, [-1.0, -1.0, 1.0])));
    }

    #[test]
    fn from_rgb_refuses_wrong_sizes() {
        assert_eq!(Picture::from_rgb(0, 10, &[]), Err(PictureError::Empty));
        assert_eq!(
            Picture::from_rgb(2, 2, &[0; 11]),
            Err(PictureError::WrongLength {
                expected: 12,
                found: 11
            })
        );
        // RGBA is not RGB.
        assert!(Picture::from_rgb(2, 2, &[0; 16]).is_err());
    }

    #[test]
    fn from_normalised_checks_length_and_range() {
        assert!(Picture::from_normalised(vec![0.0; 224 * 224 * 3]).is_ok());
        assert_eq!(
            Picture::from_normalised(vec![0.0; 5]),
            Err(PictureError::WrongLength {
                expected: 150_528,
                found: 5
            })
        );
        let mut values = vec![0.0; 224 * 224 * 3];
        values[7] = 1.5;
        assert_eq!(
            Picture::from_normalised(values),
            Err(PictureError::OutOfRange)
        );
    }

    #[cfg(feature = "decode")]
    #[test]
    fn decode_reads_png_and_refuses_other_bytes() {
        let png = png_of(40, 32);
        let picture = Picture::decode(&png).unwrap();
        assert!(picture
            .values()
            .chunks_exact(3)
            .all(|p| close(p, [1.0, -1.0, -1.0])));
        assert_eq!(
            Picture::decode(b"GIF89a......"),
            Err(PictureError::UnsupportedFormat)
        );
        assert_eq!(
            Picture::decode(b"hello"),
            Err(PictureError::UnsupportedFormat)
        );
        assert!(matches!(
            Picture::decode(&png[..png.len() / 2]),
            Err(PictureError::Decode(_))
        ));
    }

    #[cfg(feature = "decode")]
    fn png_of(width: u32, height: u32) -> Vec<u8> {
        let mut png = Vec::new();
        image::RgbImage::from_pixel(width, height, image::Rgb([255, 0, 0]))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        png
    }

    #[cfg(feature = "decode")]
    #[test]
    fn decode_refuses_a_file_too_small_to_show_anything_or_too_large_to_hold() {
        assert_eq!(
            Picture::decode(&png_of(31, 400)),
            Err(PictureError::Size {
                width: 31,
                height: 400
            })
        );
        assert!(Picture::decode(&png_of(32, 32)).is_ok());
        assert_eq!(
            Picture::decode(&png_of(10_001, 32)),
            Err(PictureError::Size {
                width: 10_001,
                height: 32
            })
        );
    }
}
