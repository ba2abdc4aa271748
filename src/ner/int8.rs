//! Linear layers with int8 weights and activations, for the packed encoder ([`super::packed`]).
//!
//! Most of the encoder's work is its six linear layers per block, so these are quantized
//! dynamically: weights once, per output channel, to int8; activations per row, at each call;
//! the product runs in libtorch's int8 GEMM (`_int_mm`, int32 accumulation) where that is exact,
//! in [`int8_product`]'s otherwise (CPUs without VNNI, where `_int_mm` saturates), and is scaled
//! back to f32 by [`kernels::dequantize_rows`]. Because each row gets its own scale and integer
//! sums are exact, a row's result does not depend on the other rows of the batch, nor on the CPU.
//!
//! A weight channel's scale is chosen by the model's `int8_weights` setting ([`WeightScales`]):
//! its largest |weight| / 127 (`max`: nothing clipped), or (`mse`) the scale, up to 39% smaller,
//! with the least squared error over the channel: shrinking the scale clips the few largest
//! weights a little and moves every other weight onto a finer grid. On `models/ner-en`'s
//! encoder a third of the channels take a 1–3% smaller scale and the weights' squared error
//! falls by about 1%; the model card says what that did to dev F1.

use serde::{Deserialize, Serialize};
use tch::{Device, Kind, Tensor};

use super::int8_product::{self, PackedWeights};
use super::{kernels, omp};

/// Rows per task of the quantization and dequantization passes, which are split over libtorch's
/// threads: on one thread they took a fifth of the products' time at two threads.
const PASS_ROWS: usize = 64;
/// Rows per block of a product and the pass after it, per thread, where the CPU has AMX
/// ([`Int8Linear::blockwise`]).
const BLOCK_ROWS_PER_THREAD: usize = 64;

/// How a weight channel's int8 scale is chosen.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "lowercase")]
pub enum WeightScales {
    /// The channel's largest |weight| / 127: nothing is clipped.
    #[default]
    Max,
    /// Of the clipping ratios 1.00, 0.99, …, 0.61 of the largest |weight|, the one whose
    /// quantized channel has the least squared error against the f32 weights.
    Mse,
}

/// How many scales [`WeightScales::Mse`] tries, 1% of the largest |weight| apart.
const MSE_CLIP_STEPS: usize = 40;

impl WeightScales {
    /// Per output channel scales of an f32 (out, in) weight, shaped (out, 1).
    fn of(self, weight: &Tensor) -> Tensor {
        let weight = weight.to_kind(Kind::Float).contiguous();
        let (rows, inputs) = weight.size2().expect("a (out, in) weight");
        // SAFETY: a contiguous f32 CPU tensor (weights are loaded on the CPU).
        let values = unsafe { elements::<f32>(&weight, Kind::Float) };
        let scales: Vec<f32> = values
            .chunks_exact(inputs.max(1) as usize)
            .map(|channel| self.channel_scale(channel))
            .collect();
        Tensor::from_slice(&scales).view([rows, 1])
    }

    /// One channel's scale, each step's weights in f32 (the arithmetic of the int8 path). One
    /// loop over a channel that stays in cache: as a dozen libtorch passes over the whole weight
    /// per step, this search was 0.85 s of `extract`'s 1.5 s of model load and start-up (2
    /// cores, AMX machine, 2026-12-06).
    fn channel_scale(self, channel: &[f32]) -> f32 {
        let largest = channel.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-8);
        let max_scale = largest / 127.0;
        if self == WeightScales::Max {
            return max_scale;
        }
        let mut best = (max_scale, squared_error(channel, max_scale));
        for step in 1..MSE_CLIP_STEPS {
            let scale = largest * (1.0 - step as f64 * 0.01) as f32 / 127.0;
            let error = squared_error(channel, scale);
            // Strictly less: on a tie the wider scale (less clipping) stays.
            if error < best.1 {
                best = (scale, error);
            }
        }
        best.0
    }
}

/// Lanes of [`squared_error`]'s sum: weight `i` goes to lane `i mod 8`.
const ERROR_LANES: usize = 8;

/// The squared error of a channel quantized with `scale`: each weight's error in f32, its square
/// and the sum in f64, in an order fixed by the channel (eight lanes joined in a fixed tree), so
/// that the choice of scale does not hang on how a CPU's vector width orders a sum.
fn squared_error(channel: &[f32], scale: f32) -> f64 {
    // Adding and subtracting 1.5 × 2²³ rounds an f32 below 2²² in magnitude to the nearest
    // integer, ties to even, as libtorch's `round` does; here |weight / scale| ≤ 127 / 0.61.
    const ROUNDER: f32 = 12_582_912.0;
    let error = |w: f32| {
        let q = ((w / scale + ROUNDER) - ROUNDER).clamp(-127.0, 127.0);
        let e = (q * scale - w) as f64;
        e * e
    };
    let mut lanes = [0f64; ERROR_LANES];
    let mut chunks = channel.chunks_exact(ERROR_LANES);
    for chunk in &mut chunks {
        for (lane, &w) in lanes.iter_mut().zip(chunk) {
            *lane += error(w);
        }
    }
    for (lane, &w) in lanes.iter_mut().zip(chunks.remainder()) {
        *lane += error(w);
    }
    ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
        + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]))
}

/// The int8 weights in the form their product takes.
enum Weights {
    /// Transposed to (in, out) for libtorch's `_int_mm`, where its sums are exact.
    Libtorch(Tensor),
    /// Packed for [`int8_product`], where `_int_mm` saturates.
    Packed(PackedWeights),
}

/// A linear layer with int8 weights (per output channel) and f32 bias.
pub struct Int8Linear {
    weights: Weights,
    /// Per output channel: weight = weight_q * scale.
    scale_values: Vec<f32>,
    bias_values: Vec<f32>,
}

impl Int8Linear {
    /// From an f32 (out, in) weight and its bias, the weight's scales chosen by `scales`.
    pub fn new(weight: &Tensor, bias: &Tensor, scales: WeightScales) -> Int8Linear {
        let weight = weight.to_kind(Kind::Float);
        let scale = scales.of(&weight);
        let q = (&weight / &scale)
            .round()
            .clamp(-127.0, 127.0)
            .to_kind(Kind::Int8);
        let bias = bias.to_kind(Kind::Float);
        let weight_t = q.tr().contiguous();
        let weights = if int8_product::libtorch_is_exact() {
            Weights::Libtorch(weight_t)
        } else {
            let (inputs, outputs) = (weight_t.size()[0] as usize, weight_t.size()[1] as usize);
            // SAFETY: a contiguous int8 CPU tensor.
            let values = unsafe { elements::<i8>(&weight_t, Kind::Int8) };
            Weights::Packed(PackedWeights::pack(values, inputs, outputs))
        };
        Int8Linear {
            weights,
            scale_values: Vec::<f32>::try_from(scale.flatten(0, -1).to_device(Device::Cpu))
                .expect("f32 scales"),
            bias_values: Vec::<f32>::try_from(bias.to_device(Device::Cpu)).expect("f32 bias"),
        }
    }

    /// `x` is (rows, in) in f32 on the CPU; returns (rows, out), plus `residual` (same shape) if
    /// given. Each row's result depends on that row alone: its activations get their own scale,
    /// and the int32 products are exact.
    pub fn forward(&self, x: &Tensor, residual: Option<&Tensor>) -> Tensor {
        self.forward_quantized(&quantize(x), residual)
    }

    /// [`Self::forward`] of rows already quantized.
    pub fn forward_quantized(&self, x: &QuantizedRows, residual: Option<&Tensor>) -> Tensor {
        let cols = self.scale_values.len();
        let mut y = Tensor::empty(
            [x.scales.len() as i64, cols as i64],
            (Kind::Float, Device::Cpu),
        );
        let residual = residual.map(Tensor::contiguous);
        // SAFETY: `residual` is a contiguous f32 tensor of y's shape (checked by the kernel's
        // length asserts), `y` a fresh f32 tensor.
        let (residual, out) = unsafe {
            (
                residual.as_ref().map(|r| elements::<f32>(r, Kind::Float)),
                elements_mut::<f32>(&mut y, Kind::Float),
            )
        };
        let (col_scale, bias) = (&self.scale_values[..], &self.bias_values[..]);
        self.blockwise(x, &mut |first, acc| {
            let values = first * cols..first * cols + acc.len();
            let row_scales = &x.scales[first..first + acc.len() / cols];
            let residual = residual.map(|r| &r[values.clone()]);
            let parts: Vec<_> = out[values]
                .chunks_mut(PASS_ROWS * cols)
                .enumerate()
                .collect();
            omp::for_each(parts, &|(i, out)| {
                let part = i * PASS_ROWS * cols..i * PASS_ROWS * cols + out.len();
                kernels::dequantize_rows(
                    &acc[part.clone()],
                    &row_scales[i * PASS_ROWS..][..out.len() / cols],
                    col_scale,
                    bias,
                    residual.map(|r| &r[part]),
                    out,
                )
            });
        });
        y
    }

    /// The product `x · Wᵀ` a block of rows at a time: `pass(first row, the block's exact int32
    /// sums, (block rows, out))` runs after each block's product, while its sums are in cache.
    ///
    /// Blocks where the CPU multiplies int8 tiles (AMX): there the product of a whole batch took
    /// less time than reading its int32 sums back from memory (the intermediate layer's sums
    /// for a batch of 512 rows are 3 MB, more than the L2 cache), and blocks of 64 rows per
    /// thread cut the encoder's time by 6% (`examples/encoder_profile`, one thread). Elsewhere
    /// one block: with AVX-512 VNNI alone (oneDNN capped at it on the same machine), the same
    /// blocks made the encoder 8–11% slower.
    fn blockwise(&self, x: &QuantizedRows, pass: &mut dyn FnMut(usize, &[i32])) {
        let rows = x.scales.len();
        let block = if int8_product::has_amx_int8() {
            BLOCK_ROWS_PER_THREAD * tch::get_num_threads().max(1) as usize
        } else {
            rows
        };
        self.blockwise_by(x, block, pass)
    }

    /// [`Self::blockwise`] in blocks of `block` rows.
    fn blockwise_by(&self, x: &QuantizedRows, block: usize, pass: &mut dyn FnMut(usize, &[i32])) {
        let rows = x.scales.len();
        for first in (0..rows).step_by(block.max(1)) {
            let len = block.min(rows - first);
            let acc = self.product(&x.values.narrow(0, first as i64, len as i64));
            // SAFETY: `product` returns a contiguous int32 tensor.
            pass(first, unsafe { elements::<i32>(&acc, Kind::Int) });
        }
    }

    /// The exact int32 sums `values · Wᵀ`, (rows, out), contiguous; `values` are contiguous
    /// int8 rows.
    fn product(&self, values: &Tensor) -> Tensor {
        let packed = match &self.weights {
            Weights::Libtorch(weight_t) => return values.internal_int_mm(weight_t),
            Weights::Packed(packed) => packed,
        };
        let (rows, inputs) = (values.size()[0] as usize, values.size()[1] as usize);
        let outputs = packed.outputs();
        if rows == 0 || inputs == 0 || outputs == 0 {
            return Tensor::zeros([rows as i64, outputs as i64], (Kind::Int, Device::Cpu));
        }
        let mut acc = Tensor::empty([rows as i64, outputs as i64], (Kind::Int, Device::Cpu));
        // SAFETY: `values` is a contiguous int8 tensor, `acc` a fresh int32 one.
        let (values, sums) = unsafe {
            (
                elements::<i8>(values, Kind::Int8),
                elements_mut::<i32>(&mut acc, Kind::Int),
            )
        };
        let panel = int8_product::PANEL_ROWS;
        let parts: Vec<_> = values
            .chunks(panel * inputs)
            .zip(sums.chunks_mut(panel * outputs))
            .collect();
        omp::for_each(parts, &|(values, sums)| packed.product_rows(values, sums));
        acc
    }

    /// GELU of this layer's output, quantized for the next product: `quantize(gelu(self.forward(x,
    /// None)))` with the same bits, but row by row, each row dequantized, passed through GELU
    /// and quantized while it is in the L1 cache, where three passes each went through the
    /// whole (rows × 1,536) output in memory.
    pub fn forward_gelu_quantized(&self, x: &Tensor) -> QuantizedRows {
        let x = quantize(x);
        let cols = self.scale_values.len();
        let rows = x.scales.len();
        let mut out = QuantizedRows {
            values: Tensor::empty([rows as i64, cols as i64], (Kind::Int8, Device::Cpu)),
            scales: vec![0f32; rows],
        };
        // SAFETY: `out.values` is a fresh int8 tensor.
        let values = unsafe { elements_mut::<i8>(&mut out.values, Kind::Int8) };
        let (col_scale, bias) = (&self.scale_values[..], &self.bias_values[..]);
        self.blockwise(&x, &mut |first, acc| {
            let block_rows = first..first + acc.len() / cols;
            let parts: Vec<_> = acc
                .chunks(PASS_ROWS * cols)
                .zip(values[first * cols..][..acc.len()].chunks_mut(PASS_ROWS * cols))
                .zip(
                    x.scales[block_rows.clone()]
                        .chunks(PASS_ROWS)
                        .zip(out.scales[block_rows].chunks_mut(PASS_ROWS)),
                )
                .collect();
            omp::for_each(parts, &|((acc, values), (scales_in, scales_out))| {
                let mut row = vec![0f32; cols];
                for (r, (acc, values)) in acc.chunks(cols).zip(values.chunks_mut(cols)).enumerate()
                {
                    let scale = &scales_in[r..r + 1];
                    kernels::dequantize_rows(acc, scale, col_scale, bias, None, &mut row);
                    kernels::gelu_in_place(&mut row);
                    kernels::quantize_rows(&row, cols, values, &mut scales_out[r..r + 1]);
                }
            });
        });
        out
    }
}

/// Rows quantized to int8, each with its own scale: `row ≈ values × scale`.
pub struct QuantizedRows {
    /// (rows, cols) int8, contiguous.
    values: Tensor,
    scales: Vec<f32>,
}

/// Per-row int8 quantization of a 2-d f32 CPU tensor.
fn quantize(x: &Tensor) -> QuantizedRows {
    let x = x.contiguous();
    let (rows, cols) = (x.size()[0], x.size()[1]);
    let mut xq = Tensor::empty([rows, cols], (Kind::Int8, Device::Cpu));
    let mut row_scale = vec![0f32; rows as usize];
    let cols = cols as usize;
    // SAFETY: `x` is a contiguous f32 CPU tensor and `xq` a fresh int8 one.
    let (xs, qs) = unsafe {
        (
            elements::<f32>(&x, Kind::Float),
            elements_mut::<i8>(&mut xq, Kind::Int8),
        )
    };
    let parts: Vec<_> = xs
        .chunks(PASS_ROWS * cols)
        .zip(qs.chunks_mut(PASS_ROWS * cols))
        .zip(row_scale.chunks_mut(PASS_ROWS))
        .collect();
    omp::for_each(parts, &|((x, q), scales)| {
        kernels::quantize_rows(x, cols, q, scales)
    });
    QuantizedRows {
        values: xq,
        scales: row_scale,
    }
}

/// The elements of a contiguous CPU tensor.
///
/// # Safety
/// `T` must be the element type of `kind`.
pub(super) unsafe fn elements<T>(t: &Tensor, kind: Kind) -> &[T] {
    assert!(t.kind() == kind && t.is_contiguous() && t.device() == Device::Cpu);
    std::slice::from_raw_parts(t.data_ptr() as *const T, t.numel())
}

/// The elements of a contiguous CPU tensor, writable.
///
/// # Safety
/// `T` must be the element type of `kind`, and no other view of `t`'s storage may be in use.
pub(super) unsafe fn elements_mut<T>(t: &mut Tensor, kind: Kind) -> &mut [T] {
    assert!(t.kind() == kind && t.is_contiguous() && t.device() == Device::Cpu);
    std::slice::from_raw_parts_mut(t.data_ptr() as *mut T, t.numel())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The squared error of a channel quantized with `scale`.
    fn channel_error(weights: &[f32], scale: f32) -> f32 {
        weights
            .iter()
            .map(|w| ((w / scale).round().clamp(-127.0, 127.0) * scale - w).powi(2))
            .sum()
    }

    /// `rows` channels of 384 bell-shaped weights (a sum of four uniforms), like a BERT layer's.
    fn bell_weights(rows: usize) -> Vec<f32> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut uniform = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        (0..rows * 384)
            .map(|_| 0.05 * (uniform() + uniform() + uniform() + uniform()))
            .collect()
    }

    /// The passes split over threads in blocks of rows give what one pass over all rows gives:
    /// 150 rows (two whole blocks and a part), with and without a residual.
    #[test]
    fn split_passes_give_the_one_pass_result() {
        tch::manual_seed(17);
        let opts = (Kind::Float, Device::Cpu);
        let (rows, inputs, outputs) = (2 * PASS_ROWS as i64 + 22, 96i64, 64i64);
        let x = Tensor::randn([rows, inputs], opts) * 2.0;
        let weight = Tensor::randn([outputs, inputs], opts) * 0.1;
        let bias = Tensor::randn([outputs], opts);
        let residual = Tensor::randn([rows, outputs], opts);
        let linear = Int8Linear::new(&weight, &bias, WeightScales::Max);
        let floats = |t: &Tensor| Vec::<f32>::try_from(t.flatten(0, -1)).unwrap();
        let xs = floats(&x);
        let mut q = vec![0i8; xs.len()];
        let mut row_scale = vec![0f32; rows as usize];
        kernels::quantize_rows(&xs, inputs as usize, &mut q, &mut row_scale);
        let acc = linear.product(&Tensor::from_slice(&q).view([rows, inputs]));
        let acc = Vec::<i32>::try_from(acc.flatten(0, -1)).unwrap();
        for residual in [None, Some(&residual)] {
            let mut expected = vec![0f32; (rows * outputs) as usize];
            let r = residual.map(floats);
            kernels::dequantize_rows(
                &acc,
                &row_scale,
                &linear.scale_values,
                &linear.bias_values,
                r.as_deref(),
                &mut expected,
            );
            let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
            let got = floats(&linear.forward(&x, residual));
            assert_eq!(bits(&got), bits(&expected));
        }
    }

    /// Activations and weights at the top of their range, whose pairs of products overflow 16
    /// bits: the layer's sum is still exact (libtorch's `_int_mm` gave 3.0 here for 384 on an
    /// AVX2-only CPU).
    #[test]
    fn sums_are_exact_where_pairs_of_products_overflow_16_bits() {
        let opts = (Kind::Float, Device::Cpu);
        let (rows, inputs, outputs) = (5i64, 384i64, 20i64);
        let linear = Int8Linear::new(
            &Tensor::ones([outputs, inputs], opts),
            &Tensor::zeros([outputs], opts),
            WeightScales::Max,
        );
        for sign in [1.0f32, -1.0] {
            let y = linear.forward(&(Tensor::ones([rows, inputs], opts) * sign as f64), None);
            let y = Vec::<f32>::try_from(y.flatten(0, -1)).unwrap();
            assert!(
                y.iter().all(|&v| (v - 384.0 * sign).abs() < 1e-3),
                "{sign}: {y:?}"
            );
        }
    }

    /// The fused row-by-row GELU gives what the three whole passes gave.
    #[test]
    fn gelu_between_the_products_gives_the_three_passes_bits() {
        tch::manual_seed(19);
        let opts = (Kind::Float, Device::Cpu);
        let (rows, inputs, outputs) = (3 * BLOCK_ROWS_PER_THREAD as i64 + 9, 64i64, 96i64);
        let x = Tensor::randn([rows, inputs], opts);
        let linear = Int8Linear::new(
            &(Tensor::randn([outputs, inputs], opts) * 0.2),
            &Tensor::randn([outputs], opts),
            WeightScales::Max,
        );
        let mut three = linear.forward(&x, None);
        // SAFETY: a fresh contiguous f32 tensor, not shared.
        kernels::gelu_in_place(unsafe { elements_mut::<f32>(&mut three, Kind::Float) });
        let three = quantize(&three);
        let fused = linear.forward_gelu_quantized(&x);
        let int8s = |t: &Tensor| Vec::<i8>::try_from(t.flatten(0, -1)).unwrap();
        assert_eq!(int8s(&fused.values), int8s(&three.values));
        let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&fused.scales), bits(&three.scales));
    }

    /// The product in blocks of any size gives the sums of the whole product, each block
    /// handed to the pass with its first row, in order (on every CPU, whichever blocks it
    /// takes itself).
    #[test]
    fn blocks_of_the_product_give_the_whole_products_sums() {
        tch::manual_seed(23);
        let opts = (Kind::Float, Device::Cpu);
        let (rows, inputs, outputs) = (150i64, 64i64, 48i64);
        let linear = Int8Linear::new(
            &(Tensor::randn([outputs, inputs], opts) * 0.2),
            &Tensor::randn([outputs], opts),
            WeightScales::Max,
        );
        let x = quantize(&Tensor::randn([rows, inputs], opts));
        let whole = Vec::<i32>::try_from(linear.product(&x.values).flatten(0, -1)).unwrap();
        for block in [1, 7, 64, 149, 150, 1000] {
            let mut joined = Vec::new();
            let mut firsts = Vec::new();
            linear.blockwise_by(&x, block, &mut |first, acc| {
                firsts.push(first);
                joined.extend_from_slice(acc);
            });
            assert_eq!(joined, whole, "blocks of {block}");
            let expected: Vec<usize> = (0..rows as usize).step_by(block).collect();
            assert_eq!(firsts, expected, "blocks of {block}");
        }
    }

    /// The scales as libtorch computed them before: each step a pass of tensor operations
    /// over the whole weight, the sum over a channel in libtorch's order.
    fn libtorch_scales(rule: WeightScales, weight: &Tensor) -> Vec<f32> {
        let largest = weight.abs().amax([1], true).clamp_min(1e-8);
        let mut best = &largest / 127.0;
        if rule == WeightScales::Mse {
            let error = |scale: &Tensor| {
                ((weight / scale).round().clamp(-127.0, 127.0) * scale - weight)
                    .to_kind(Kind::Double)
                    .square()
                    .sum_dim_intlist([1i64].as_slice(), true, Kind::Double)
            };
            let mut best_error = error(&best);
            for step in 1..MSE_CLIP_STEPS {
                let scale = &largest * (1.0 - step as f64 * 0.01) / 127.0;
                let scale_error = error(&scale);
                let better = scale_error.lt_tensor(&best_error);
                best = scale.where_self(&better, &best);
                best_error = scale_error.where_self(&better, &best_error);
            }
        }
        Vec::<f32>::try_from(best.flatten(0, -1)).expect("f32 scales")
    }

    /// The scales moved from libtorch passes to one loop per channel: the same scale for every
    /// channel of the shipped model's every weight matrix, and of bell-shaped weights of odd
    /// widths, so the int8 weights, and every output, are as before.
    #[test]
    fn channel_scales_are_the_libtorch_passes_scales() {
        let mut weights: Vec<(String, Tensor)> = [3, 384, 1001]
            .into_iter()
            .map(|width| {
                let values = bell_weights(width);
                let t = Tensor::from_slice(&values).view([384, width as i64]);
                (format!("bell {width}"), t)
            })
            .collect();
        weights.push((
            "zeros".into(),
            Tensor::zeros([4, 16], (Kind::Float, Device::Cpu)),
        ));
        let shipped = Tensor::read_safetensors("models/ner-en/model.safetensors").unwrap();
        let matrices = shipped.into_iter().filter(|(name, t)| {
            name.ends_with(".weight") && t.dim() == 2 && !name.contains("embeddings")
        });
        weights.extend(matrices.map(|(name, t)| (name, t.to_kind(Kind::Float))));
        assert!(
            weights.len() > 30,
            "the shipped model's linear layers were read"
        );
        for (name, weight) in &weights {
            for rule in [WeightScales::Max, WeightScales::Mse] {
                let ours = Vec::<f32>::try_from(rule.of(weight).flatten(0, -1)).unwrap();
                let reference = libtorch_scales(rule, weight);
                let same = ours
                    .iter()
                    .zip(&reference)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                assert!(same && ours.len() == reference.len(), "{name}, {rule:?}");
            }
        }
    }

    #[test]
    fn max_scales_clip_nothing_and_mse_scales_lose_less() {
        let rows = 16;
        let values = bell_weights(rows);
        let weight = Tensor::from_slice(&values).view([rows as i64, 384]);
        let scales = |rule: WeightScales| {
            Vec::<f32>::try_from(rule.of(&weight).flatten(0, -1)).expect("f32 scales")
        };
        let (max, mse) = (scales(WeightScales::Max), scales(WeightScales::Mse));
        let mut clipped = 0;
        for (row, weights) in values.chunks_exact(384).enumerate() {
            let largest = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
            assert_eq!(max[row], largest / 127.0);
            assert!(mse[row] <= max[row] && mse[row] > max[row] * 0.6);
            let (mse_error, max_error) = (
                channel_error(weights, mse[row]),
                channel_error(weights, max[row]),
            );
            assert!(mse_error <= max_error, "row {row}");
            if mse[row] < max[row] {
                assert!(mse_error < max_error, "row {row} clipped for nothing");
                clipped += 1;
            }
        }
        assert!(clipped > 0, "no channel took a smaller scale");
    }
}
