//! The network's three kinds of layer on channel-last feature maps: the stem's full 3×3
//! convolution, depthwise convolutions (plain loops) and 1×1 convolutions (matrix multiplies).
//! Every layer's BatchNorm is already folded into its weight and bias.

/// Activations, channel-last: the value of channel `c` at `(y, x)` is at `(y * width + x) *
/// channels + c`, so a pixel's channels are contiguous (a 1×1 convolution is then one matrix
/// multiply, and the depthwise loops run along channels).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FeatureMap {
    pub height: usize,
    pub width: usize,
    pub channels: usize,
    pub data: Vec<f32>,
}

impl FeatureMap {
    pub fn zeros(height: usize, width: usize, channels: usize) -> Self {
        Self {
            height,
            width,
            channels,
            data: vec![0.0; height * width * channels],
        }
    }
}

/// TensorFlow's "same" padding, which the weights were trained with: the output is
/// `ceil(input / stride)` long, and when the padding is odd the extra row or column goes after,
/// not before (PyTorch's symmetric padding would shift every stride-2 layer by a pixel).
/// Returns (padding before, output length).
pub(crate) fn same_padding(input: usize, kernel: usize, stride: usize) -> (usize, usize) {
    let output = input.div_ceil(stride);
    let total = ((output - 1) * stride + kernel).saturating_sub(input);
    (total / 2, output)
}

/// Slides a k×k window with stride `stride` over `input`, "same"-padded: each output pixel (as
/// many values as `bias`, starting from it) gets `tap(pixel, k, at)` for every window position
/// that falls inside the input, with `k = ky * kernel + kx` and `at` the input pixel's index.
fn slide(
    input: &FeatureMap,
    kernel: usize,
    stride: usize,
    bias: &[f32],
    tap: impl Fn(&mut [f32], usize, usize),
) -> FeatureMap {
    let channels = bias.len();
    let (pad_y, height) = same_padding(input.height, kernel, stride);
    let (pad_x, width) = same_padding(input.width, kernel, stride);
    let inside = |o: usize, k: usize, pad: usize, len: usize| {
        (o * stride + k).checked_sub(pad).filter(|&i| i < len)
    };
    let mut out = FeatureMap::zeros(height, width, channels);
    for (oy, row) in out.data.chunks_exact_mut(width * channels).enumerate() {
        for (ox, pixel) in row.chunks_exact_mut(channels).enumerate() {
            pixel.copy_from_slice(bias);
            for ky in 0..kernel {
                let Some(iy) = inside(oy, ky, pad_y, input.height) else {
                    continue;
                };
                for kx in 0..kernel {
                    if let Some(ix) = inside(ox, kx, pad_x, input.width) {
                        tap(pixel, ky * kernel + kx, iy * input.width + ix);
                    }
                }
            }
        }
    }
    out
}

pub(crate) fn relu6(values: &mut [f32]) {
    for v in values {
        *v = v.clamp(0.0, 6.0);
    }
}

/// A full convolution (the stem), weights as PyTorch stores them: `[out, in, k, k]`.
pub(crate) struct Conv {
    pub inputs: usize,
    pub outputs: usize,
    pub kernel: usize,
    pub stride: usize,
    /// Re-laid as `[ky][kx][in][out]` so that the innermost loop runs along output channels.
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl Conv {
    pub fn new(
        inputs: usize,
        outputs: usize,
        kernel: usize,
        stride: usize,
        torch_weight: &[f32],
        bias: Vec<f32>,
    ) -> Self {
        let mut weight = vec![0.0; torch_weight.len()];
        for o in 0..outputs {
            for i in 0..inputs {
                for ky in 0..kernel {
                    for kx in 0..kernel {
                        weight[((ky * kernel + kx) * inputs + i) * outputs + o] =
                            torch_weight[((o * inputs + i) * kernel + ky) * kernel + kx];
                    }
                }
            }
        }
        Self {
            inputs,
            outputs,
            kernel,
            stride,
            weight,
            bias,
        }
    }

    pub fn run(&self, input: &FeatureMap) -> FeatureMap {
        assert_eq!(input.channels, self.inputs);
        let inputs = self.inputs;
        slide(
            input,
            self.kernel,
            self.stride,
            &self.bias,
            |pixel, k, at| {
                for (i, &x) in input.data[at * inputs..][..inputs].iter().enumerate() {
                    let w = &self.weight[(k * inputs + i) * self.outputs..][..self.outputs];
                    for (p, &w) in pixel.iter_mut().zip(w) {
                        *p += x * w;
                    }
                }
            },
        )
    }
}

/// A depthwise convolution: each channel convolved with its own k×k kernel.
pub(crate) struct Depthwise {
    pub channels: usize,
    pub kernel: usize,
    pub stride: usize,
    /// Re-laid from PyTorch's `[C, 1, k, k]` as `[ky][kx][C]`, contiguous along channels.
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl Depthwise {
    pub fn new(
        channels: usize,
        kernel: usize,
        stride: usize,
        torch_weight: &[f32],
        bias: Vec<f32>,
    ) -> Self {
        let mut weight = vec![0.0; torch_weight.len()];
        for c in 0..channels {
            for k in 0..kernel * kernel {
                weight[k * channels + c] = torch_weight[c * kernel * kernel + k];
            }
        }
        Self {
            channels,
            kernel,
            stride,
            weight,
            bias,
        }
    }

    pub fn run(&self, input: &FeatureMap) -> FeatureMap {
        assert_eq!(input.channels, self.channels);
        let c = self.channels;
        slide(
            input,
            self.kernel,
            self.stride,
            &self.bias,
            |pixel, k, at| {
                let x = &input.data[at * c..][..c];
                let w = &self.weight[k * c..][..c];
                for ((p, &x), &w) in pixel.iter_mut().zip(x).zip(w) {
                    *p += x * w;
                }
            },
        )
    }
}

/// A 1×1 convolution: every pixel's channels times the same matrix, so the whole map is one
/// `(pixels × in) · (in × out)` multiply.
pub(crate) struct Pointwise {
    pub inputs: usize,
    pub outputs: usize,
    /// PyTorch's `[out, in]` (the trailing 1×1 dropped), read transposed through strides.
    weight: Vec<f32>,
    bias: Vec<f32>,
}

impl Pointwise {
    pub fn new(inputs: usize, outputs: usize, weight: Vec<f32>, bias: Vec<f32>) -> Self {
        assert_eq!(weight.len(), inputs * outputs);
        assert_eq!(bias.len(), outputs);
        Self {
            inputs,
            outputs,
            weight,
            bias,
        }
    }

    pub fn run(&self, input: &FeatureMap) -> FeatureMap {
        assert_eq!(input.channels, self.inputs);
        let pixels = input.height * input.width;
        let mut out = FeatureMap::zeros(input.height, input.width, self.outputs);
        // The bias first, then the product added onto it (beta = 1).
        for pixel in out.data.chunks_exact_mut(self.outputs) {
            pixel.copy_from_slice(&self.bias);
        }
        let (m, k, n) = (pixels, self.inputs, self.outputs);
        assert_eq!(input.data.len(), m * k);
        assert_eq!(out.data.len(), m * n);
        // SAFETY: a is m×k row-major (input.data, m*k long), b is the k×n transpose of the n×k
        // weight (element (i, o) at o*k + i, within its n*k), c is m×n row-major (m*n long): the
        // lengths are asserted above and in `new`, so every index sgemm forms is in bounds.
        unsafe {
            matrixmultiply::sgemm(
                m,
                k,
                n,
                1.0,
                input.data.as_ptr(),
                k as isize,
                1,
                self.weight.as_ptr(),
                1,
                k as isize,
                1.0,
                out.data.as_mut_ptr(),
                n as isize,
                1,
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_is_tensorflows() {
        // Stride 1 keeps the size and pads evenly.
        assert_eq!(same_padding(112, 3, 1), (1, 112));
        assert_eq!(same_padding(14, 5, 1), (2, 14));
        // Stride 2 on an even size: the odd pixel of padding goes after.
        assert_eq!(same_padding(224, 3, 2), (0, 112));
        assert_eq!(same_padding(56, 5, 2), (1, 28));
        // On an odd size the padding is even again.
        assert_eq!(same_padding(7, 3, 2), (1, 4));
        // 1×1 never pads.
        assert_eq!(same_padding(7, 1, 1), (0, 7));
    }

    fn map(height: usize, width: usize, channels: usize, data: Vec<f32>) -> FeatureMap {
        assert_eq!(data.len(), height * width * channels);
        FeatureMap {
            height,
            width,
            channels,
            data,
        }
    }

    #[test]
    fn depthwise_stride_2_pads_after_only() {
        // One channel, 4×4 of ones, a 3×3 kernel of ones, stride 2: the output is 2×2, with no
        // padding before, so the top-left output sees a full 3×3 window (9) and the others run
        // over the bottom or right edge (6 and 4).
        let input = map(4, 4, 1, vec![1.0; 16]);
        let layer = Depthwise::new(1, 3, 2, &[1.0; 9], vec![0.5]);
        let out = layer.run(&input);
        assert_eq!((out.height, out.width), (2, 2));
        assert_eq!(out.data, vec![9.5, 6.5, 6.5, 4.5]);
    }

    #[test]
    fn depthwise_keeps_channels_apart() {
        // Two channels, a single pixel; kernel centre weights 2 and 3: each channel scales alone.
        let input = map(1, 1, 2, vec![1.0, 10.0]);
        let mut weight = vec![0.0; 18];
        weight[4] = 2.0; // channel 0, centre
        weight[9 + 4] = 3.0; // channel 1, centre
        let out = Depthwise::new(2, 3, 1, &weight, vec![0.0, 0.0]).run(&input);
        assert_eq!(out.data, vec![2.0, 30.0]);
    }

    #[test]
    fn pointwise_is_a_matrix_multiply_per_pixel() {
        // Two pixels of three channels to two outputs, against the sums written out.
        let input = map(1, 2, 3, vec![1.0, 2.0, 3.0, -1.0, 0.0, 4.0]);
        let weight = vec![1.0, 0.0, 2.0, 0.5, -1.0, 1.0]; // [out][in]
        let out = Pointwise::new(3, 2, weight, vec![10.0, 20.0]).run(&input);
        assert_eq!(
            out.data,
            vec![
                10.0 + 1.0 + 6.0,
                20.0 + 0.5 - 2.0 + 3.0,
                10.0 - 1.0 + 8.0,
                20.0 - 0.5 + 4.0
            ]
        );
    }

    #[test]
    fn conv_reads_torch_layout() {
        // Two input channels, one output, 3×3 kernel, on a 1×1 input: only the centre tap
        // lands, so the output is w[0][0][1][1] * a + w[0][1][1][1] * b + bias.
        let input = map(1, 1, 2, vec![3.0, 5.0]);
        let mut weight = vec![0.0; 18];
        weight[4] = 2.0;
        weight[9 + 4] = -1.0;
        weight[0] = 100.0; // a corner tap, which falls on padding
        let out = Conv::new(2, 1, 3, 1, &weight, vec![1.0]).run(&input);
        assert_eq!(out.data, vec![6.0 - 5.0 + 1.0]);
    }

    #[test]
    fn relu6_clamps() {
        let mut v = [-1.0, 0.5, 7.0];
        relu6(&mut v);
        assert_eq!(v, [0.0, 0.5, 6.0]);
    }
}
