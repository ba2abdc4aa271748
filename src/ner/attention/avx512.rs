//! [`super::scores`] and [`super::context`] for 8 queries in AVX-512 intrinsics: the same sums, term by term
//! in the same order, each term one fused multiply-add as the generic form's `FUSED` variant
//! does it, so the same bits. The compiler's code for the generic loops reloaded indices and
//! checked bounds around every vector multiply-add (about five instructions of overhead for
//! each); here a key block or a value row is one load and eight multiply-adds. Likewise
//! [`super::softmax`] 16 scores at a time (the compiler's loop took eight) and the keys' transposition
//! 16 × 16 at a time: in the benchmark of BENCHMARKS.md, attention 29 → 21 ms.

use std::arch::x86_64::*;

use super::{kernels, DIMS, KEYS};

/// Queries per block.
pub const QUERIES: usize = 8;

/// [`super::scores`] of 8 queries (`q`: 8 rows of `dims`) against the padded keys.
#[target_feature(enable = "avx512f,fma")]
pub unsafe fn scores(q: &[f32], kt: &[f32], dims: usize, keys: usize, p: &mut [f32]) {
    assert!(KEYS == 16 && keys.is_multiple_of(KEYS));
    assert!(q.len() >= QUERIES * dims && kt.len() >= dims * keys && p.len() >= QUERIES * keys);
    let (q, kt, p) = (q.as_ptr(), kt.as_ptr(), p.as_mut_ptr());
    for first in (0..keys).step_by(KEYS) {
        let mut acc: [__m512; QUERIES] = [_mm512_setzero_ps(); QUERIES];
        for d in 0..dims {
            // SAFETY: d < dims and first + 16 <= keys, so the 16 floats lie in `kt`; r < 8
            // and d < dims, so each query value lies in `q` (lengths asserted above).
            unsafe {
                let k = _mm512_loadu_ps(kt.add(d * keys + first));
                for (r, a) in acc.iter_mut().enumerate() {
                    *a = _mm512_fmadd_ps(_mm512_set1_ps(*q.add(r * dims + d)), k, *a);
                }
            }
        }
        for (r, a) in acc.iter().enumerate() {
            // SAFETY: r < 8 and first + 16 <= keys: inside `p` (asserted above).
            unsafe { _mm512_storeu_ps(p.add(r * keys + first), *a) };
        }
    }
}

/// [`super::context`] of 8 queries in dimensions `block..block + 16`, into `out` (8 rows).
#[target_feature(enable = "avx512f,fma")]
pub unsafe fn context(
    p: &[f32],
    keys: usize,
    v: &[f32],
    dims: usize,
    block: usize,
    len: usize,
    out: &mut [[f32; DIMS]],
) {
    assert!(DIMS == 16 && block + DIMS <= dims && len <= keys && out.len() == QUERIES);
    assert!(p.len() >= QUERIES * keys && v.len() >= len * dims);
    let (pp, vp) = (p.as_ptr(), v.as_ptr());
    let mut acc: [__m512; QUERIES] = [_mm512_setzero_ps(); QUERIES];
    for j in 0..len {
        // SAFETY: j < len, block + 16 <= dims: the value row lies in `v`; r < 8, j < keys:
        // each probability lies in `p` (asserted above).
        unsafe {
            let vj = _mm512_loadu_ps(vp.add(j * dims + block));
            for (r, a) in acc.iter_mut().enumerate() {
                *a = _mm512_fmadd_ps(_mm512_set1_ps(*pp.add(r * keys + j)), vj, *a);
            }
        }
    }
    for (o, a) in out.iter_mut().zip(acc) {
        // SAFETY: `o` holds 16 floats.
        unsafe { _mm512_storeu_ps(o.as_mut_ptr(), a) };
    }
}

/// [`super::softmax`] 16 scores at a time: the same maximum, the same [`kernels::exp`]
/// ([`kernels::exp16`]), and the same eight partial sums, each taking its scores in order
/// (score `j` goes to sum `j mod 8`: a vector's low half, then its high half), so the same bits.
#[target_feature(enable = "avx512f")]
pub unsafe fn softmax(scores: &mut [f32]) -> f32 {
    let (len, s) = (scores.len(), scores.as_mut_ptr());
    // The lanes of the last vector that hold scores.
    let mask = |start: usize| -> __mmask16 { (u32::MAX >> (32 - (len - start).min(16))) as u16 };
    let mut max = _mm512_set1_ps(f32::NEG_INFINITY);
    for start in (0..len).step_by(16) {
        // SAFETY: the mask keeps the load inside `scores`.
        let v = unsafe { _mm512_mask_loadu_ps(max, mask(start), s.add(start)) };
        max = _mm512_max_ps(max, v);
    }
    let max = _mm512_set1_ps(_mm512_reduce_max_ps(max));
    let mut sums = _mm256_setzero_ps();
    for start in (0..len).step_by(16) {
        let m = mask(start);
        // SAFETY: the mask keeps the load and the store inside `scores`.
        let e = unsafe {
            let v = _mm512_maskz_loadu_ps(m, s.add(start));
            let e = _mm512_maskz_mov_ps(m, kernels::exp16(_mm512_sub_ps(v, max)));
            _mm512_mask_storeu_ps(s.add(start), m, e);
            e
        };
        let high = _mm512_extractf64x4_pd::<1>(_mm512_castps_pd(e));
        sums = _mm256_add_ps(sums, _mm512_castps512_ps256(e));
        sums = _mm256_add_ps(sums, _mm256_castpd_ps(high));
    }
    let mut l = [0f32; 8];
    // SAFETY: `l` holds 8 floats.
    unsafe { _mm256_storeu_ps(l.as_mut_ptr(), sums) };
    1.0 / (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])))
}

/// Every row's keys transposed into `kt` ([`super::transpose_keys_in_blocks`]), 16 rows ×
/// 16 dimensions at a time.
#[target_feature(enable = "avx512f")]
pub unsafe fn transpose_keys(qkv: &[f32], hidden: usize, kt: &mut [f32]) {
    super::transpose_keys_in_blocks::<16, __m512>(
        qkv,
        hidden,
        kt,
        _mm512_setzero_ps(),
        // SAFETY: each array holds the 16 floats the vector loads or stores.
        |x| unsafe { _mm512_loadu_ps(x.as_ptr()) },
        |block| transpose16(block),
        |out, v| unsafe { _mm512_storeu_ps(out.as_mut_ptr(), v) },
    )
}

/// The transpose of a 16 × 16 block, rows in vectors: pairs of rows interleaved by floats,
/// then by pairs of floats (each 128-bit lane now holds four rows of one column), then the
/// lanes gathered column by column.
#[target_feature(enable = "avx512f")]
fn transpose16(r: [__m512; 16]) -> [__m512; 16] {
    let (ps, pd) = (_mm512_castpd_ps, _mm512_castps_pd);
    let mut a = [_mm512_setzero_ps(); 16];
    for i in 0..8 {
        a[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        a[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // b[4g + k], lane l: rows 4g..4g + 4 of column 4l + k.
    let mut b = [_mm512_setzero_ps(); 16];
    for g in 0..4 {
        let (x, y) = (4 * g, 4 * g + 2);
        b[x] = ps(_mm512_unpacklo_pd(pd(a[x]), pd(a[y])));
        b[x + 1] = ps(_mm512_unpackhi_pd(pd(a[x]), pd(a[y])));
        b[x + 2] = ps(_mm512_unpacklo_pd(pd(a[x + 1]), pd(a[y + 1])));
        b[x + 3] = ps(_mm512_unpackhi_pd(pd(a[x + 1]), pd(a[y + 1])));
    }
    let mut out = [_mm512_setzero_ps(); 16];
    for k in 0..4 {
        let low_lanes_01 = _mm512_shuffle_f32x4::<0x44>(b[k], b[4 + k]);
        let low_lanes_23 = _mm512_shuffle_f32x4::<0xEE>(b[k], b[4 + k]);
        let high_lanes_01 = _mm512_shuffle_f32x4::<0x44>(b[8 + k], b[12 + k]);
        let high_lanes_23 = _mm512_shuffle_f32x4::<0xEE>(b[8 + k], b[12 + k]);
        out[k] = _mm512_shuffle_f32x4::<0x88>(low_lanes_01, high_lanes_01);
        out[4 + k] = _mm512_shuffle_f32x4::<0xDD>(low_lanes_01, high_lanes_01);
        out[8 + k] = _mm512_shuffle_f32x4::<0x88>(low_lanes_23, high_lanes_23);
        out[12 + k] = _mm512_shuffle_f32x4::<0xDD>(low_lanes_23, high_lanes_23);
    }
    out
}
