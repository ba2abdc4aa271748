//! Element-wise steps of the packed encoder ([`super::packed`]), on the raw rows of CPU
//! tensors: int8 quantization and dequantization ([`super::int8`]), `exp` and GELU.
//!
//! Around each int8 product, libtorch would run quantization as five passes over the
//! activations (abs, max, divide, round, convert) and the way back as four (convert, two scales,
//! bias), each a separate loop through memory. These kernels do each side in one pass per row,
//! while the row is in the L1 cache, with the same arithmetic in the same order, so their results
//! are bit-identical to the libtorch steps they replace (tested below). The loops are compiled
//! again for AVX2 and for AVX-512 and chosen at run time: element by element, with no fused
//! multiply-add, so every width gives the same bits (a test compares them).
//!
//! The kernels work on whatever rows they are given; their callers split the rows over
//! libtorch's threads ([`super::omp`]) in blocks of 64 rows, and in int8 run dequantization,
//! GELU and quantization of the feed-forward's inner rows one row at a time, in the cache. A
//! pass over a thousand rows takes 0.04–0.23 ms on one core, but there are eight of them per
//! layer, and on the calling thread alone they were a fifth of the products' time at two
//! threads (splitting them: `extract` +7–15%, BENCHMARKS.md).

/// 1.5 * 2^23: see [`quantize_block`].
const ROUNDER: f32 = 12_582_912.0;

/// Symmetric per-row quantization: `scales[r] = max(max |x[r, ·]|, 1e-8) / 127` and
/// `q[r, c] = round_half_even(x[r, c] / scales[r])`.
pub fn quantize_rows(x: &[f32], cols: usize, q: &mut [i8], scales: &mut [f32]) {
    assert!(cols > 0 && x.len() == q.len() && x.len() == scales.len() * cols);
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return unsafe { quantize_block_avx512(x, cols, q, scales) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { quantize_block_avx2(x, cols, q, scales) };
        }
    }
    quantize_block(x, cols, q, scales)
}

/// Row scaling back from int32 accumulators:
/// `out[r, c] = acc[r, c] * row_scale[r] * col_scale[c] + bias[c] (+ residual[r, c])`.
pub fn dequantize_rows(
    acc: &[i32],
    row_scale: &[f32],
    col_scale: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
    out: &mut [f32],
) {
    let cols = col_scale.len();
    assert!(cols > 0 && bias.len() == cols);
    assert!(acc.len() == out.len() && acc.len() == row_scale.len() * cols);
    assert!(residual.is_none_or(|r| r.len() == out.len()));
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return unsafe {
                dequantize_block_avx512(acc, row_scale, col_scale, bias, residual, out)
            };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe {
                dequantize_block_avx2(acc, row_scale, col_scale, bias, residual, out)
            };
        }
    }
    dequantize_block(acc, row_scale, col_scale, bias, residual, out)
}

#[inline(always)]
fn quantize_block(x: &[f32], cols: usize, q: &mut [i8], scales: &mut [f32]) {
    for ((x, q), scale) in x
        .chunks_exact(cols)
        .zip(q.chunks_exact_mut(cols))
        .zip(scales)
    {
        // The largest |x| through the bits: for non-negative floats the integer order is the
        // numeric order, and an integer maximum vectorizes where a float one (NaN rules) won't.
        let max_bits = x.iter().fold(0u32, |m, v| m.max(v.to_bits() & 0x7fff_ffff));
        let s = f32::from_bits(max_bits).max(1e-8) / 127.0;
        *scale = s;
        for (q, &v) in q.iter_mut().zip(x) {
            // Adding and subtracting 1.5 * 2^23 rounds |y| < 2^22 to the nearest integer, ties to
            // even (the FPU's rounding), as `round_ties_even` does, but in a form that vectorizes.
            let rounded = (v / s + ROUNDER) - ROUNDER;
            // SAFETY: |v / s| <= 127, so the value is an integer well inside i32.
            *q = unsafe { rounded.to_int_unchecked::<i32>() } as i8;
        }
    }
}

#[inline(always)]
fn dequantize_block(
    acc: &[i32],
    row_scale: &[f32],
    col_scale: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
    out: &mut [f32],
) {
    let cols = col_scale.len();
    for (r, (acc, out)) in acc
        .chunks_exact(cols)
        .zip(out.chunks_exact_mut(cols))
        .enumerate()
    {
        let rs = row_scale[r];
        let terms = out.iter_mut().zip(acc).zip(col_scale).zip(bias);
        match residual {
            Some(res) => {
                let res = &res[r * cols..(r + 1) * cols];
                for ((((o, &a), &cs), &b), &res) in terms.zip(res) {
                    *o = (a as f32 * rs * cs + b) + res;
                }
            }
            None => {
                for (((o, &a), &cs), &b) in terms {
                    *o = a as f32 * rs * cs + b;
                }
            }
        }
    }
}

/// The AVX2 and AVX-512 builds of a kernel: the same loop, compiled for each width.
macro_rules! compiled_for_widths {
    ($kernel:ident => $avx2:ident, $avx512:ident ($($arg:ident: $ty:ty),*)) => {
        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx2")]
        unsafe fn $avx2($($arg: $ty),*) {
            $kernel($($arg),*)
        }

        #[cfg(target_arch = "x86_64")]
        #[target_feature(enable = "avx512f")]
        unsafe fn $avx512($($arg: $ty),*) {
            $kernel($($arg),*)
        }
    };
}

compiled_for_widths!(quantize_block => quantize_block_avx2, quantize_block_avx512(
    x: &[f32], cols: usize, q: &mut [i8], scales: &mut [f32]
));
compiled_for_widths!(dequantize_block => dequantize_block_avx2, dequantize_block_avx512(
    acc: &[i32],
    row_scale: &[f32],
    col_scale: &[f32],
    bias: &[f32],
    residual: Option<&[f32]>,
    out: &mut [f32]
));
compiled_for_widths!(gelu_block => gelu_block_avx2, gelu_block_avx512(x: &mut [f32]));

/// [`exp`]'s range: `x` is clamped to it, so that `2^n` stays a normal float.
const EXP_RANGE: (f32, f32) = (-87.0, 88.0);
/// ln 2 in two parts, `ln 2 = a - b`, so that `x - n ln 2` loses nothing.
const LN2_PARTS: (f32, f32) = (0.693_359_4, 2.121_944_4e-4);
/// [`exp`]'s polynomial on `r = x - n ln 2`, highest power first.
const EXP_POLY: [f32; 6] = [
    1.987_569_1e-4,
    1.398_199_9e-3,
    8.333_452e-3,
    4.166_579_6e-2,
    1.666_666_5e-1,
    0.5,
];

/// `e^x` in arithmetic that vectorizes (Cephes' `expf`: a degree-5 polynomial on
/// `x - n ln 2`, then the exponent set to `n`), within 2 ulp for `x` in [-87, 88]; outside that
/// range `x` is clamped. Pure arithmetic, so the same on every CPU and in any vector width
/// ([`exp16`] is the same steps on 16 values).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(EXP_RANGE.0, EXP_RANGE.1);
    let n = (x * std::f32::consts::LOG2_E + ROUNDER) - ROUNDER;
    let r = x - n * LN2_PARTS.0 + n * LN2_PARTS.1;
    let mut p = EXP_POLY[0];
    for c in &EXP_POLY[1..] {
        p = p * r + c;
    }
    let y = p * (r * r) + r + 1.0;
    // SAFETY: |n| <= 127 after the clamp, well inside i32.
    let n = unsafe { n.to_int_unchecked::<i32>() };
    y * f32::from_bits(((n + 127) as u32) << 23)
}

/// [`exp`] of 16 values in AVX-512 intrinsics: the same operations in the same order (no fused
/// multiply-add), so the same bits.
///
/// # Safety
/// The CPU must have AVX-512F (callers compiled for it call this safely).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f")]
#[inline]
pub fn exp16(x: std::arch::x86_64::__m512) -> std::arch::x86_64::__m512 {
    use std::arch::x86_64::*;
    let splat = _mm512_set1_ps;
    let x = _mm512_min_ps(_mm512_max_ps(x, splat(EXP_RANGE.0)), splat(EXP_RANGE.1));
    let n = _mm512_mul_ps(x, splat(std::f32::consts::LOG2_E));
    let n = _mm512_sub_ps(_mm512_add_ps(n, splat(ROUNDER)), splat(ROUNDER));
    let r = _mm512_sub_ps(x, _mm512_mul_ps(n, splat(LN2_PARTS.0)));
    let r = _mm512_add_ps(r, _mm512_mul_ps(n, splat(LN2_PARTS.1)));
    let mut p = splat(EXP_POLY[0]);
    for &c in &EXP_POLY[1..] {
        p = _mm512_add_ps(_mm512_mul_ps(p, r), splat(c));
    }
    let y = _mm512_mul_ps(p, _mm512_mul_ps(r, r));
    let y = _mm512_add_ps(_mm512_add_ps(y, r), splat(1.0));
    let n = _mm512_add_epi32(_mm512_cvttps_epi32(n), _mm512_set1_epi32(127));
    _mm512_mul_ps(y, _mm512_castsi512_ps(_mm512_slli_epi32::<23>(n)))
}

/// [`exp`] of 8 values in AVX2 intrinsics: the same operations in the same order as [`exp16`]
/// (no fused multiply-add), so the same bits.
///
/// # Safety
/// The CPU must have AVX2 (callers compiled for it call this safely).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
pub fn exp8(x: std::arch::x86_64::__m256) -> std::arch::x86_64::__m256 {
    use std::arch::x86_64::*;
    let splat = _mm256_set1_ps;
    let x = _mm256_min_ps(_mm256_max_ps(x, splat(EXP_RANGE.0)), splat(EXP_RANGE.1));
    let n = _mm256_mul_ps(x, splat(std::f32::consts::LOG2_E));
    let n = _mm256_sub_ps(_mm256_add_ps(n, splat(ROUNDER)), splat(ROUNDER));
    let r = _mm256_sub_ps(x, _mm256_mul_ps(n, splat(LN2_PARTS.0)));
    let r = _mm256_add_ps(r, _mm256_mul_ps(n, splat(LN2_PARTS.1)));
    let mut p = splat(EXP_POLY[0]);
    for &c in &EXP_POLY[1..] {
        p = _mm256_add_ps(_mm256_mul_ps(p, r), splat(c));
    }
    let y = _mm256_mul_ps(p, _mm256_mul_ps(r, r));
    let y = _mm256_add_ps(_mm256_add_ps(y, r), splat(1.0));
    let n = _mm256_add_epi32(_mm256_cvttps_epi32(n), _mm256_set1_epi32(127));
    _mm256_mul_ps(y, _mm256_castsi256_ps(_mm256_slli_epi32::<23>(n)))
}

/// BERT's GELU, `x Φ(x) = x/2 (1 + erf(x/√2))`, in place, with erf from Abramowitz and Stegun
/// 7.1.26 (absolute error under 1.5e-7) over [`exp`]. libtorch's GELU switches between a
/// vector and a scalar formula at the edges of its threads' chunks, so the same value could
/// come out differently in batches of different sizes; this one is a pure function of `x`.
pub fn gelu_in_place(x: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F, checked just above.
            return unsafe { gelu_block_avx512(x) };
        }
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2, checked just above.
            return unsafe { gelu_block_avx2(x) };
        }
    }
    gelu_block(x)
}

#[inline(always)]
fn gelu_block(x: &mut [f32]) {
    for v in x {
        let z = *v * std::f32::consts::FRAC_1_SQRT_2;
        let a = z.abs();
        let t = 1.0 / (1.0 + 0.327_591_1 * a);
        let poly = ((((1.061_405_4 * t - 1.453_152) * t + 1.421_413_8) * t - 0.284_496_72) * t
            + 0.254_829_6)
            * t;
        let erf_abs = 1.0 - poly * exp(-(a * a));
        let erf = if z < 0.0 { -erf_abs } else { erf_abs };
        *v = 0.5 * *v * (1.0 + erf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tch::{Device, Kind, Tensor};

    fn floats(t: &Tensor) -> Vec<f32> {
        Vec::<f32>::try_from(t.flatten(0, -1)).unwrap()
    }

    #[test]
    fn quantization_matches_libtorch_bit_for_bit() {
        tch::manual_seed(7);
        let (rows, cols) = (150i64, 96i64);
        let x = Tensor::randn([rows, cols], (Kind::Float, Device::Cpu)) * 3.0;
        // A zero row, and a row whose scale is exactly 1 with values halfway between two steps
        // (ties round to even).
        let _ = x.get(0).fill_(0.0);
        x.get(1)
            .copy_(&(Tensor::arange(cols, (Kind::Float, Device::Cpu)) - 48.5));
        let _ = x.get(1).get(0).fill_(127.0);
        let scale = x.abs().amax([1], true).clamp_min(1e-8).divide_scalar(127.0);
        let expected = (&x / &scale).round().to_kind(Kind::Int8);
        let xs = floats(&x);
        let mut q = vec![0i8; xs.len()];
        let mut scales = vec![0f32; rows as usize];
        quantize_rows(&xs, cols as usize, &mut q, &mut scales);
        assert_eq!(scales, floats(&scale));
        assert_eq!(q, Vec::<i8>::try_from(expected.flatten(0, -1)).unwrap());
    }

    #[test]
    fn dequantization_matches_libtorch_bit_for_bit() {
        tch::manual_seed(11);
        let (rows, cols) = (70i64, 40i64);
        let acc = Tensor::randint_low(-40_000, 40_000, [rows, cols], (Kind::Int, Device::Cpu));
        let row_scale = Tensor::rand([rows, 1], (Kind::Float, Device::Cpu)) * 0.01;
        let col_scale = Tensor::rand([1, cols], (Kind::Float, Device::Cpu)) * 0.01;
        let bias = Tensor::randn([cols], (Kind::Float, Device::Cpu));
        let residual = Tensor::randn([rows, cols], (Kind::Float, Device::Cpu));
        let expected = acc.to_kind(Kind::Float) * &row_scale * &col_scale + &bias;
        let with_residual = &expected + &residual;
        let acc_v = Vec::<i32>::try_from(acc.flatten(0, -1)).unwrap();
        let mut out = vec![0f32; acc_v.len()];
        let (rs, cs, b) = (floats(&row_scale), floats(&col_scale), floats(&bias));
        dequantize_rows(&acc_v, &rs, &cs, &b, None, &mut out);
        assert_eq!(out, floats(&expected));
        let res = floats(&residual);
        dequantize_rows(&acc_v, &rs, &cs, &b, Some(&res), &mut out);
        assert_eq!(out, floats(&with_residual));
    }

    #[test]
    fn exp_is_within_two_ulp_of_std() {
        let mut x = -87.0f32;
        while x <= 88.0 {
            let (ours, std) = (exp(x), x.exp());
            let ulp = (ours.to_bits() as i64 - std.to_bits() as i64).abs();
            assert!(ulp <= 2, "exp({x}) = {ours}, std {std}: {ulp} ulp");
            x += 0.0137;
        }
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1e30) > 0.0 && exp(-1e30) < 1e-37);
    }

    /// Inputs for the vector `exp`s: a sweep over the whole range, the edges and beyond.
    fn exp_inputs(width: usize) -> Vec<f32> {
        let mut xs: Vec<f32> = (0..4096).map(|i| -100.0 + i as f32 * 0.0478).collect();
        xs.extend([
            0.0,
            -0.0,
            -87.0,
            88.0,
            1e-30,
            -1e30,
            1e30,
            f32::MIN_POSITIVE,
        ]);
        xs.resize(xs.len().next_multiple_of(width), 0.5);
        xs
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn exp16_gives_exps_bits() {
        if !std::is_x86_feature_detected!("avx512f") {
            return;
        }
        for chunk in exp_inputs(16).chunks_exact(16) {
            let mut out = [0f32; 16];
            // SAFETY: the CPU has AVX-512F (checked above); `chunk` and `out` hold 16 floats.
            unsafe {
                use std::arch::x86_64::{_mm512_loadu_ps, _mm512_storeu_ps};
                _mm512_storeu_ps(out.as_mut_ptr(), exp16(_mm512_loadu_ps(chunk.as_ptr())));
            }
            for (x, e) in chunk.iter().zip(out) {
                assert_eq!(e.to_bits(), exp(*x).to_bits(), "exp16({x})");
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn exp8_gives_exps_bits() {
        if !std::is_x86_feature_detected!("avx2") {
            return;
        }
        for chunk in exp_inputs(8).chunks_exact(8) {
            let mut out = [0f32; 8];
            // SAFETY: the CPU has AVX2 (checked above); `chunk` and `out` hold 8 floats.
            unsafe {
                use std::arch::x86_64::{_mm256_loadu_ps, _mm256_storeu_ps};
                _mm256_storeu_ps(out.as_mut_ptr(), exp8(_mm256_loadu_ps(chunk.as_ptr())));
            }
            for (x, e) in chunk.iter().zip(out) {
                assert_eq!(e.to_bits(), exp(*x).to_bits(), "exp8({x})");
            }
        }
    }

    /// The AVX2 and AVX-512 builds of each loop give the plain loop's bits, so a window's
    /// output is the same on every x86 CPU kind.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn every_vector_width_gives_the_same_bits() {
        type Gelu = unsafe fn(&mut [f32]);
        type Quantize = unsafe fn(&[f32], usize, &mut [i8], &mut [f32]);
        type Dequantize = unsafe fn(&[i32], &[f32], &[f32], &[f32], Option<&[f32]>, &mut [f32]);
        let mut widths: Vec<(&str, Gelu, Quantize, Dequantize)> = Vec::new();
        if std::is_x86_feature_detected!("avx2") {
            widths.push((
                "avx2",
                gelu_block_avx2,
                quantize_block_avx2,
                dequantize_block_avx2,
            ));
        }
        if std::is_x86_feature_detected!("avx512f") {
            widths.push((
                "avx512f",
                gelu_block_avx512,
                quantize_block_avx512,
                dequantize_block_avx512,
            ));
        }
        tch::manual_seed(11);
        let (rows, cols) = (37usize, 1536usize);
        let x = floats(&(Tensor::randn([(rows * cols) as i64], (Kind::Float, Device::Cpu)) * 5.0));
        let bits = |v: &[f32]| v.iter().map(|f| f.to_bits()).collect::<Vec<_>>();
        let (bias, col_scale): (&[f32], Vec<f32>) = (
            &x[cols..2 * cols],
            x[..cols].iter().map(|v| v.abs() / 100.0).collect(),
        );
        let mut plain = x.clone();
        gelu_block(&mut plain);
        let (mut q, mut scales) = (vec![0i8; x.len()], vec![0f32; rows]);
        quantize_block(&x, cols, &mut q, &mut scales);
        let acc: Vec<i32> = q.iter().map(|&v| v as i32 * 37 - 5).collect();
        let mut deq = vec![0f32; x.len()];
        dequantize_block(&acc, &scales, &col_scale, bias, Some(&x), &mut deq);
        for (width, gelu, quantize, dequantize) in widths {
            let mut g = x.clone();
            let (mut q2, mut s2) = (vec![0i8; x.len()], vec![0f32; rows]);
            let mut d2 = vec![0f32; x.len()];
            // SAFETY: each width is listed only where the CPU has it (checked above).
            unsafe {
                gelu(&mut g);
                quantize(&x, cols, &mut q2, &mut s2);
                dequantize(&acc, &scales, &col_scale, bias, Some(&x), &mut d2);
            }
            assert_eq!(bits(&g), bits(&plain), "gelu, {width}");
            assert_eq!((&q2, bits(&s2)), (&q, bits(&scales)), "quantize, {width}");
            assert_eq!(bits(&d2), bits(&deq), "dequantize, {width}");
        }
    }
}
