//! Exact int8 × int8 → int32 products, for CPUs where libtorch's `_int_mm` is not exact.
//!
//! Without VNNI, oneDNN multiplies int8 matrices by shifting the activations to unsigned
//! (x + 128) and summing each pair of products in 16 bits (`vpmaddubsw`), which saturates. On an
//! AVX2-only AMD EPYC, a row of 384 activations of 127 times a column of 384 weights of 127
//! comes out of `_int_mm` as 48,960 instead of 6,193,536, and random int8 matrices miss by up to
//! 93,003 in sums of a few hundred thousand. Real activations rarely reach that (the error shows
//! as a few entities on CoNLL dev), but a product that depends on the CPU kind is a bug.
//!
//! Here the int8 values are widened to 16 bits and multiplied in pairs by `vpmaddwd`, which
//! sums each pair in 32 bits: products of at most 127² in magnitude (activations and weights
//! are quantized to −127…127), so every sum is exact. That is two multiplies per 32 products,
//! on AVX2 (`avx2::product`); other CPUs without an exact `_int_mm` take the plain loop
//! ([`PackedWeights::product_rows`]'s fallback). A first version kept 8 bits and moved each
//! activation's sign onto its weight (`|x| · (sign(x) · w)`, then `vpmaddubsw`, exact too): it
//! needed a sign and a second multiply per 32 products, and the encoder ran 1.6× slower than
//! with oneDNN's product.
//!
//! [`libtorch_is_exact`] decides, once per process, by asking `_int_mm` for sums that saturate
//! where pairs are summed in 16 bits: the choice follows what the CPU does, not a list of flags.
//!
//! The weights are packed once, at load, still int8: columns in blocks of [`COLUMNS`], and within
//! a block, for each pair of inputs, the 2 weights of each column side by side (the layout
//! `vpmaddwd` multiplies against a broadcast pair of activations once `vpmovsxbw` has widened
//! them, as they are loaded: as fast as weights stored in 16 bits, in half the memory, which
//! matters with a copy of each model per inference thread). Inputs and columns beyond the
//! matrix are zeros. Rows are widened a panel at a time, [`PANEL_ROWS`] rows.

use std::sync::OnceLock;

use tch::{Device, Kind, Tensor};

/// Output columns per packed block: two AVX2 registers of 8 int32 sums.
pub const COLUMNS: usize = 16;
/// Inputs per step: `vpmaddwd` sums 2 products into one int32.
const PAIR: usize = 2;
/// Rows computed together: 6 rows × 16 columns = 12 accumulators of the 16 registers.
const ROWS: usize = 6;
/// Rows widened to 16 bits at a time (kept in the L2 cache while every block passes over them).
pub const PANEL_ROWS: usize = 8 * ROWS;

/// Whether libtorch's `_int_mm` gives exact int32 sums on this CPU (checked once).
pub fn libtorch_is_exact() -> bool {
    static EXACT: OnceLock<bool> = OnceLock::new();
    *EXACT.get_or_init(|| {
        // Same-sign products of 127 saturate a 16-bit pair sum whether or not the activations
        // are shifted to unsigned first; a product of opposite signs saturates the other way.
        [1i64, -1].iter().all(|&sign| {
            let (inputs, outputs) = (64i64, 16i64);
            let x = Tensor::full([8, inputs], 127, (Kind::Int8, Device::Cpu));
            let w = Tensor::full([inputs, outputs], 127 * sign, (Kind::Int8, Device::Cpu));
            // A libtorch without an int8 product (an error, not a panic) counts as inexact.
            let sums = x
                .f_internal_int_mm(&w)
                .and_then(|sums| Vec::<i32>::try_from(sums.flatten(0, -1)));
            sums.is_ok_and(|s| s.iter().all(|&v| v as i64 == 127 * 127 * inputs * sign))
        })
    })
}

/// Whether the CPU multiplies int8 tiles (AMX-INT8, CPUID leaf 7) and the OS saves their state
/// (XCR0 bits 17 and 18): where both hold, oneDNN's `_int_mm` runs on AMX.
pub fn has_amx_int8() -> bool {
    static AMX: OnceLock<bool> = OnceLock::new();
    *AMX.get_or_init(|| {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{__cpuid_count, _xgetbv};
            // AVX-512F detected means the OS enabled XSAVE (std checks OSXSAVE): xgetbv runs.
            if !std::is_x86_feature_detected!("avx512f") {
                return false;
            }
            #[target_feature(enable = "xsave")]
            fn enabled_state() -> u64 {
                // SAFETY: the caller checked that the OS enabled XSAVE.
                unsafe { _xgetbv(0) }
            }
            let leaf7 = __cpuid_count(7, 0);
            let tiles = leaf7.edx & (1 << 24) != 0 && leaf7.edx & (1 << 25) != 0;
            // SAFETY: the CPU has XSAVE, enabled by the OS (checked above).
            let state = unsafe { enabled_state() };
            tiles && state & (0b11 << 17) == 0b11 << 17
        }
        #[cfg(not(target_arch = "x86_64"))]
        false
    })
}

/// Which int8 product this process runs, in words (for benchmarks' and profiles' headers).
pub fn path() -> &'static str {
    if libtorch_is_exact() && has_amx_int8() {
        "libtorch's _int_mm (exact on this CPU, AMX: in blocks of 64 rows per thread)"
    } else if libtorch_is_exact() {
        "libtorch's _int_mm (exact on this CPU)"
    } else if has_avx2() {
        "whosaid's 16-bit pair product on AVX2 (libtorch's _int_mm saturates on this CPU)"
    } else {
        "whosaid's plain loop (libtorch's _int_mm is not exact on this CPU)"
    }
}

fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    return std::is_x86_feature_detected!("avx2");
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// Rows of `inputs` int8 values into 16-bit rows `stride` apart (a row's padding to a whole
/// pair is left as it is: zeros).
fn widen(x: &[i8], inputs: usize, stride: usize, wide: &mut [i16]) {
    for (wide, row) in wide.chunks_mut(stride).zip(x.chunks_exact(inputs)) {
        wide.iter_mut().zip(row).for_each(|(w, &v)| *w = v as i16);
    }
}

/// An (inputs, outputs) int8 weight matrix, packed for [`Self::product_rows`].
pub struct PackedWeights {
    inputs: usize,
    outputs: usize,
    /// `inputs` rounded up to whole pairs, halved.
    pairs: usize,
    /// Block `b`, pair `p`, column `c` of the block, input `i` of the pair is at
    /// `((b · pairs + p) · COLUMNS + c) · PAIR + i`.
    packed: Vec<i8>,
}

impl PackedWeights {
    /// Packs a row-major (inputs, outputs) matrix. Every weight must be in −127…127.
    pub fn pack(weight: &[i8], inputs: usize, outputs: usize) -> PackedWeights {
        assert_eq!(weight.len(), inputs * outputs);
        assert!(
            weight.iter().all(|&w| w != i8::MIN),
            "weights must be in -127..=127"
        );
        let pairs = inputs.div_ceil(PAIR);
        let blocks = outputs.div_ceil(COLUMNS);
        let mut packed = vec![0i8; blocks * pairs * COLUMNS * PAIR];
        for (k, row) in weight.chunks_exact(outputs.max(1)).enumerate() {
            for (n, &w) in row.iter().enumerate() {
                let (block, column) = (n / COLUMNS, n % COLUMNS);
                let (pair, input) = (k / PAIR, k % PAIR);
                packed[((block * pairs + pair) * COLUMNS + column) * PAIR + input] = w;
            }
        }
        PackedWeights {
            inputs,
            outputs,
            pairs,
            packed,
        }
    }

    pub fn outputs(&self) -> usize {
        self.outputs
    }

    /// `out = x · W` for row-major `x` (rows, inputs) and `out` (rows, outputs), int32 sums of
    /// exact products. Every activation must be in −127…127.
    pub fn product_rows(&self, x: &[i8], out: &mut [i32]) {
        let rows = x
            .len()
            .checked_div(self.inputs)
            .unwrap_or(out.len() / self.outputs.max(1));
        assert_eq!(x.len(), rows * self.inputs);
        assert_eq!(out.len(), rows * self.outputs);
        debug_assert!(x.iter().all(|&v| v != i8::MIN));
        let stride = self.pairs * PAIR;
        let mut wide = vec![0i16; PANEL_ROWS.min(rows) * stride];
        for first in (0..rows).step_by(PANEL_ROWS) {
            let panel = PANEL_ROWS.min(rows - first);
            let rows = &x[first * self.inputs..][..panel * self.inputs];
            widen(rows, self.inputs, stride, &mut wide);
            let out = &mut out[first * self.outputs..][..panel * self.outputs];
            #[cfg(target_arch = "x86_64")]
            if has_avx2() {
                // SAFETY: the CPU has AVX2, checked just above; `wide` holds `panel` rows of
                // `stride` values and `out` `panel` rows of `outputs`.
                unsafe { avx2::product(self, &wide, panel, out) };
                continue;
            }
            self.product_plain(&wide, panel, out);
        }
    }

    /// The same sums from widened rows (`pairs · 2` values each), one product at a time.
    fn product_plain(&self, wide: &[i16], rows: usize, out: &mut [i32]) {
        let stride = self.pairs * PAIR;
        for r in 0..rows {
            let row = &wide[r * stride..][..stride];
            for n in 0..self.outputs {
                let (block, column) = (n / COLUMNS, n % COLUMNS);
                let weights = &self.packed[block * self.pairs * COLUMNS * PAIR..];
                out[r * self.outputs + n] = row
                    .iter()
                    .enumerate()
                    .map(|(k, &v)| {
                        let w = weights[((k / PAIR) * COLUMNS + column) * PAIR + k % PAIR];
                        v as i32 * w as i32
                    })
                    .sum();
            }
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{PackedWeights, COLUMNS, PAIR, ROWS};

    /// Widened rows (`pairs · 2` values each) times the packed weights: tiles of 6 rows × 16
    /// columns, every block of columns passing over all the rows.
    ///
    /// # Safety
    /// The CPU must have AVX2; `wide` must hold `rows` rows and `out` `rows × outputs` sums.
    #[target_feature(enable = "avx2")]
    pub unsafe fn product(w: &PackedWeights, wide: &[i16], rows: usize, out: &mut [i32]) {
        assert!(wide.len() >= rows * w.pairs * PAIR && out.len() >= rows * w.outputs);
        for block in 0..w.outputs.div_ceil(COLUMNS) {
            for first in (0..rows).step_by(ROWS) {
                match rows - first {
                    1 => tile::<1>(w, wide, first, block, out),
                    2 => tile::<2>(w, wide, first, block, out),
                    3 => tile::<3>(w, wide, first, block, out),
                    4 => tile::<4>(w, wide, first, block, out),
                    5 => tile::<5>(w, wide, first, block, out),
                    _ => tile::<ROWS>(w, wide, first, block, out),
                }
            }
        }
    }

    /// Rows `first..first + R`, the columns of `block`.
    #[target_feature(enable = "avx2")]
    unsafe fn tile<const R: usize>(
        w: &PackedWeights,
        wide: &[i16],
        first: usize,
        block: usize,
        out: &mut [i32],
    ) {
        let stride = w.pairs * PAIR;
        let mut sums = [[_mm256_setzero_si256(); 2]; R];
        let weights = w.packed.as_ptr().add(block * w.pairs * COLUMNS * PAIR) as *const __m128i;
        let rows = wide.as_ptr().add(first * stride) as *const i32;
        for pair in 0..w.pairs {
            // The pair's 32 weights, widened to 16 bits as they are loaded.
            let halves = [
                _mm256_cvtepi8_epi16(_mm_loadu_si128(weights.add(2 * pair))),
                _mm256_cvtepi8_epi16(_mm_loadu_si128(weights.add(2 * pair + 1))),
            ];
            for (r, sums) in sums.iter_mut().enumerate() {
                // Two 16-bit activations of row r, as one int32, broadcast.
                let xs = _mm256_set1_epi32(rows.add(r * w.pairs + pair).read_unaligned());
                for (sum, &half) in sums.iter_mut().zip(&halves) {
                    *sum = _mm256_add_epi32(*sum, _mm256_madd_epi16(xs, half));
                }
            }
        }
        let columns = (w.outputs - block * COLUMNS).min(COLUMNS);
        for (r, sums) in sums.iter().enumerate() {
            let mut all = [0i32; COLUMNS];
            let p = all.as_mut_ptr() as *mut __m256i;
            _mm256_storeu_si256(p, sums[0]);
            _mm256_storeu_si256(p.add(1), sums[1]);
            out[(first + r) * w.outputs + block * COLUMNS..][..columns]
                .copy_from_slice(&all[..columns]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact sums in i64, from the unpacked matrix.
    fn reference(x: &[i8], weight: &[i8], inputs: usize, outputs: usize) -> Vec<i32> {
        let rows = x.len() / inputs;
        let mut out = vec![0i32; rows * outputs];
        for r in 0..rows {
            for n in 0..outputs {
                let sum: i64 = (0..inputs)
                    .map(|k| x[r * inputs + k] as i64 * weight[k * outputs + n] as i64)
                    .sum();
                out[r * outputs + n] = sum as i32;
            }
        }
        out
    }

    fn int8s(len: usize, seed: u64) -> Vec<i8> {
        let mut state = seed;
        (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (((state >> 33) % 255) as i32 - 127) as i8
            })
            .collect()
    }

    /// Products that saturate 16-bit pair sums (all 127s, all −127s against 127s) and random
    /// ones, over shapes with partial row tiles, partial column blocks, an odd input count and
    /// several panels: every sum equals the exact one, on the vector path and on the plain loop.
    #[test]
    fn every_sum_is_exact_at_the_extremes_and_on_odd_shapes() {
        for (rows, inputs, outputs) in [
            (7, 384, 48),
            (5, 13, 21),
            (1, 4, 16),
            (9, 37, 3),
            (61, 6, 40),
        ] {
            let cases = [
                (vec![127i8; rows * inputs], vec![127i8; inputs * outputs]),
                (vec![-127i8; rows * inputs], vec![127i8; inputs * outputs]),
                (int8s(rows * inputs, 7), int8s(inputs * outputs, 11)),
            ];
            for (x, weight) in cases {
                let expected = reference(&x, &weight, inputs, outputs);
                let packed = PackedWeights::pack(&weight, inputs, outputs);
                let mut out = vec![0i32; rows * outputs];
                packed.product_rows(&x, &mut out);
                assert_eq!(out, expected, "{rows}×{inputs}×{outputs}");
                let stride = packed.pairs * PAIR;
                let mut wide = vec![0i16; rows * stride];
                widen(&x, inputs, stride, &mut wide);
                out.fill(0);
                packed.product_plain(&wide, rows, &mut out);
                assert_eq!(out, expected, "plain {rows}×{inputs}×{outputs}");
            }
        }
    }

    /// Whatever the CPU, the check's answer matches what `_int_mm` does on saturating input.
    #[test]
    fn the_check_says_whether_libtorch_saturates() {
        let (inputs, outputs) = (384, 16);
        let x = vec![127i8; 4 * inputs];
        let weight = vec![127i8; inputs * outputs];
        let sums = Tensor::from_slice(&x)
            .view([4, inputs as i64])
            .internal_int_mm(&Tensor::from_slice(&weight).view([inputs as i64, outputs as i64]));
        let sums = Vec::<i32>::try_from(sums.flatten(0, -1)).unwrap();
        let exact = sums.iter().all(|&s| s == 127 * 127 * inputs as i32);
        assert_eq!(libtorch_is_exact(), exact);
    }
}
