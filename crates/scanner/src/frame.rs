//! One picture to read: 8-bit luma, row by row, with cropping and halving for the passes.

use std::fmt;

/// The largest picture we take: a 48-megapixel phone photo. Anything larger is refused rather
/// than allowed to exhaust a phone's memory.
pub const MAX_PIXELS: usize = 48_000_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    luma: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    Empty,
    TooLarge {
        width: u32,
        height: u32,
    },
    /// The pixel buffer does not hold width × height pixels.
    SizeMismatch {
        expected: usize,
        actual: usize,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::Empty => f.write_str("the picture has no pixels"),
            FrameError::TooLarge { width, height } => write!(
                f,
                "the picture is {width}×{height}; at most {MAX_PIXELS} pixels are read"
            ),
            FrameError::SizeMismatch { expected, actual } => {
                write!(f, "expected {expected} bytes of pixels, got {actual}")
            }
        }
    }
}

impl std::error::Error for FrameError {}

impl Frame {
    pub fn from_luma(width: u32, height: u32, luma: Vec<u8>) -> Result<Frame, FrameError> {
        let pixels = pixel_count(width, height)?;
        if luma.len() != pixels {
            return Err(FrameError::SizeMismatch {
                expected: pixels,
                actual: luma.len(),
            });
        }
        Ok(Frame {
            width,
            height,
            luma,
        })
    }

    /// From canvas `ImageData` or a decoded photo: 4 bytes a pixel. Alpha is ignored because
    /// camera frames and photos are opaque.
    pub fn from_rgba(width: u32, height: u32, rgba: &[u8]) -> Result<Frame, FrameError> {
        Frame::from_four_channels(width, height, rgba, [0, 1, 2])
    }

    /// Blue, green, red, alpha: how some cameras' video frames come.
    pub fn from_bgra(width: u32, height: u32, bgra: &[u8]) -> Result<Frame, FrameError> {
        Frame::from_four_channels(width, height, bgra, [2, 1, 0])
    }

    /// Four bytes a pixel, red, green and blue at `[r, g, b]` within them.
    fn from_four_channels(
        width: u32,
        height: u32,
        pixels: &[u8],
        [r, g, b]: [usize; 3],
    ) -> Result<Frame, FrameError> {
        let count = pixel_count(width, height)?;
        if pixels.len() != count * 4 {
            return Err(FrameError::SizeMismatch {
                expected: count * 4,
                actual: pixels.len(),
            });
        }
        // ITU-R BT.601 weights in fixed point: the same luma a camera's Y channel carries.
        let luma = pixels
            .chunks_exact(4)
            .map(|p| {
                ((77 * u32::from(p[r]) + 150 * u32::from(p[g]) + 29 * u32::from(p[b])) >> 8) as u8
            })
            .collect();
        Ok(Frame {
            width,
            height,
            luma,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    pub fn luma(&self) -> &[u8] {
        &self.luma
    }

    /// Half the width and height, each pixel the mean of four: a level of the photo pyramid.
    pub fn half(&self) -> Frame {
        let width = (self.width / 2).max(1);
        let height = (self.height / 2).max(1);
        let at = |x: u32, y: u32| {
            let x = x.min(self.width - 1);
            let y = y.min(self.height - 1);
            u32::from(self.luma[(y * self.width + x) as usize])
        };
        let mut luma = Vec::with_capacity(width as usize * height as usize);
        for y in 0..height {
            for x in 0..width {
                let (sx, sy) = (x * 2, y * 2);
                let sum = at(sx, sy) + at(sx + 1, sy) + at(sx, sy + 1) + at(sx + 1, sy + 1);
                luma.push((sum / 4) as u8);
            }
        }
        Frame {
            width,
            height,
            luma,
        }
    }

    /// Twice the width and height, each pixel repeated: a small picture's thin modules become
    /// wide enough for the finder-pattern search.
    pub fn doubled(&self) -> Frame {
        let width = self.width * 2;
        let mut luma = Vec::with_capacity(self.luma.len() * 4);
        for row in self.luma.chunks_exact(self.width as usize) {
            let start = luma.len();
            luma.extend(row.iter().flat_map(|&l| [l, l]));
            luma.extend_from_within(start..start + width as usize);
        }
        Frame {
            width,
            height: self.height * 2,
            luma,
        }
    }

    /// With a white border `margin` pixels wide: a code printed or cropped to the picture's edge
    /// gets the quiet zone its finder patterns need.
    pub fn framed(&self, margin: u32) -> Frame {
        let width = self.width + 2 * margin;
        let height = self.height + 2 * margin;
        let mut luma = vec![255; width as usize * height as usize];
        for (y, row) in self.luma.chunks_exact(self.width as usize).enumerate() {
            let start = (y + margin as usize) * width as usize + margin as usize;
            luma[start..start + row.len()].copy_from_slice(row);
        }
        Frame {
            width,
            height,
            luma,
        }
    }

    /// Turned a quarter clockwise: tags photographed sideways.
    pub fn rotated(&self) -> Frame {
        let (w, h) = (self.width as usize, self.height as usize);
        let mut luma = vec![0; w * h];
        for y in 0..h {
            for x in 0..w {
                luma[x * h + (h - 1 - y)] = self.luma[y * w + x];
            }
        }
        Frame {
            width: self.height,
            height: self.width,
            luma,
        }
    }
}

fn pixel_count(width: u32, height: u32) -> Result<usize, FrameError> {
    let pixels = width as usize * height as usize;
    if pixels == 0 {
        Err(FrameError::Empty)
    } else if pixels > MAX_PIXELS {
        Err(FrameError::TooLarge { width, height })
    } else {
        Ok(pixels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(width: u32, height: u32) -> Frame {
        let luma = (0..width * height).map(|i| i as u8).collect();
        Frame::from_luma(width, height, luma).unwrap()
    }

    #[test]
    fn rgba_becomes_luma_with_camera_weights() {
        let rgba = [
            255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255, 0, 255, 0, 0,
        ];
        let frame = Frame::from_rgba(4, 1, &rgba).unwrap();
        assert_eq!(frame.luma(), &[255, 0, 76, 149]);
        let bgra = [0, 0, 255, 255];
        assert_eq!(Frame::from_bgra(1, 1, &bgra).unwrap().luma(), &[76]);
    }

    #[test]
    fn buffers_of_the_wrong_size_are_refused() {
        assert_eq!(
            Frame::from_rgba(2, 2, &[0; 15]),
            Err(FrameError::SizeMismatch {
                expected: 16,
                actual: 15
            })
        );
        assert_eq!(Frame::from_luma(0, 5, vec![]), Err(FrameError::Empty));
        assert!(matches!(
            Frame::from_luma(100_000, 100_000, vec![]),
            Err(FrameError::TooLarge { .. })
        ));
    }

    #[test]
    fn halving_averages_blocks_of_four() {
        let frame = Frame::from_luma(2, 2, vec![0, 100, 200, 100]).unwrap();
        assert_eq!(frame.half().luma(), &[100]);
        assert_eq!(ramp(5, 3).half().width(), 2);
    }

    #[test]
    fn framing_adds_a_white_border_and_doubling_repeats_pixels() {
        let frame = Frame::from_luma(2, 1, vec![10, 20]).unwrap();
        let framed = frame.framed(1);
        assert_eq!((framed.width(), framed.height()), (4, 3));
        assert_eq!(
            framed.luma(),
            &[255, 255, 255, 255, 255, 10, 20, 255, 255, 255, 255, 255]
        );
        let doubled = frame.doubled();
        assert_eq!((doubled.width(), doubled.height()), (4, 2));
        assert_eq!(doubled.luma(), &[10, 10, 20, 20, 10, 10, 20, 20]);
    }

    #[test]
    fn rotating_four_times_is_the_same_frame() {
        let frame = ramp(3, 2);
        let once = frame.rotated();
        assert_eq!((once.width(), once.height()), (2, 3));
        assert_eq!(once.luma(), &[3, 0, 4, 1, 5, 2]);
        assert_eq!(once.rotated().rotated().rotated(), frame);
    }
}
