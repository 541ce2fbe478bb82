//! EfficientNet-Lite0: the stem, 16 MBConv blocks and the head, as the PyPI port builds it
//! (efficientnet-lite-pytorch 0.1.0: no squeeze-excite, ReLU6, stem and head not scaled).

use crate::embedding::Embedding;
use crate::layers::{relu6, Conv, Depthwise, FeatureMap, Pointwise};
use crate::picture::Picture;
use crate::weights::{self, ModelError, Tensors};

/// The stages of Lite0, as TensorFlow's builder lists them: (blocks, kernel, stride of the first
/// block, expansion, input channels, output channels).
const STAGES: [(usize, usize, usize, usize, usize, usize); 7] = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
];
const STEM_CHANNELS: usize = 32;
const HEAD_CHANNELS: usize = Embedding::LEN;

/// An inverted-residual block: widen (1×1), filter each channel (depthwise), narrow (1×1).
struct Block {
    expand: Option<Pointwise>,
    depthwise: Depthwise,
    project: Pointwise,
    /// The input is added to the output when the block keeps the shape.
    residual: bool,
}

impl Block {
    fn run(&self, input: &FeatureMap) -> FeatureMap {
        let mut x = match &self.expand {
            Some(expand) => {
                let mut x = expand.run(input);
                relu6(&mut x.data);
                x
            }
            None => input.clone(),
        };
        x = self.depthwise.run(&x);
        relu6(&mut x.data);
        // The projection is linear: no activation after it.
        let mut out = self.project.run(&x);
        if self.residual {
            for (o, i) in out.data.iter_mut().zip(&input.data) {
                *o += i;
            }
        }
        out
    }
}

/// The loaded network, ready to embed pictures; weights in f32, about 13 MB.
pub struct Model {
    stem: Conv,
    blocks: Vec<Block>,
    head: Pointwise,
}

impl Model {
    /// Reads a weights file (the crate's docs give its format; [`crate::MODEL_PATH`] is where
    /// setup writes it), checking every tensor's name and shape against the network.
    pub fn load(bytes: &[u8]) -> Result<Model, ModelError> {
        let mut tensors = Tensors::new(weights::read(bytes)?);
        let stem = Conv::new(
            3,
            STEM_CHANNELS,
            3,
            2,
            &tensors.next("_conv_stem.weight", &[STEM_CHANNELS, 3, 3, 3])?,
            tensors.next("_conv_stem.bias", &[STEM_CHANNELS])?,
        );
        let mut blocks = Vec::new();
        for (repeats, kernel, first_stride, expansion, first_inputs, outputs) in STAGES {
            for repeat in 0..repeats {
                let (inputs, stride) = match repeat {
                    0 => (first_inputs, first_stride),
                    _ => (outputs, 1),
                };
                blocks.push(load_block(
                    &mut tensors,
                    blocks.len(),
                    inputs,
                    outputs,
                    kernel,
                    stride,
                    expansion,
                )?);
            }
        }
        let last = STAGES[STAGES.len() - 1].5;
        let head = load_pointwise(&mut tensors, "_conv_head", last, HEAD_CHANNELS)?;
        tensors.finish()?;
        Ok(Model { stem, blocks, head })
    }

    /// The picture's embedding: the head's 1280 channels averaged over the 7×7 map, unit length.
    pub fn embed(&self, picture: &Picture) -> Embedding {
        let mut x = self.stem.run(picture.feature_map());
        relu6(&mut x.data);
        for block in &self.blocks {
            x = block.run(&x);
        }
        let mut x = self.head.run(&x);
        relu6(&mut x.data);
        let mut pooled = vec![0.0f32; HEAD_CHANNELS];
        for pixel in x.data.chunks_exact(HEAD_CHANNELS) {
            for (p, v) in pooled.iter_mut().zip(pixel) {
                *p += v;
            }
        }
        // The mean's 1/49 would vanish in the normalisation: a sum is enough.
        Embedding::normalised(pooled)
    }
}

fn load_pointwise(
    tensors: &mut Tensors,
    name: &str,
    inputs: usize,
    outputs: usize,
) -> Result<Pointwise, ModelError> {
    let weight = tensors.next(&format!("{name}.weight"), &[outputs, inputs, 1, 1])?;
    let bias = tensors.next(&format!("{name}.bias"), &[outputs])?;
    Ok(Pointwise::new(inputs, outputs, weight, bias))
}

fn load_block(
    tensors: &mut Tensors,
    index: usize,
    inputs: usize,
    outputs: usize,
    kernel: usize,
    stride: usize,
    expansion: usize,
) -> Result<Block, ModelError> {
    let prefix = format!("_blocks.{index}");
    let wide = inputs * expansion;
    let expand = match expansion {
        1 => None,
        _ => Some(load_pointwise(
            tensors,
            &format!("{prefix}._expand_conv"),
            inputs,
            wide,
        )?),
    };
    let name = format!("{prefix}._depthwise_conv");
    let depthwise = Depthwise::new(
        wide,
        kernel,
        stride,
        &tensors.next(&format!("{name}.weight"), &[wide, 1, kernel, kernel])?,
        tensors.next(&format!("{name}.bias"), &[wide])?,
    );
    let project = load_pointwise(tensors, &format!("{prefix}._project_conv"), wide, outputs)?;
    Ok(Block {
        expand,
        depthwise,
        project,
        residual: stride == 1 && inputs == outputs,
    })
}
