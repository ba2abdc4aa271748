//! [`super::scores`], [`super::context`], [`super::softmax`] and the keys' transposition in
//! AVX2 + FMA intrinsics, for CPUs without AVX-512: the same sums as the generic form's `FUSED`
//! variant, term by term in the same order, so the same bits as on an AVX-512 machine. The
//! compiler's code for the generic loops reloads indices and checks bounds around each vector
//! multiply-add; here 6 queries share each load of 16 keys or of a value row (12 accumulators
//! in the 16 registers), scores go 8 at a time through [`kernels::exp8`], and the keys are
//! transposed 8 × 8 at a time.

use std::arch::x86_64::*;

use super::{kernels, DIMS, KEYS};

/// Queries per block.
pub const QUERIES: usize = 6;

/// [`super::scores`] of 6 queries (`q`: 6 rows of `dims`) against the padded keys.
#[target_feature(enable = "avx2,fma")]
pub unsafe fn scores(q: &[f32], kt: &[f32], dims: usize, keys: usize, p: &mut [f32]) {
    assert!(KEYS == 16 && keys.is_multiple_of(KEYS));
    assert!(q.len() >= QUERIES * dims && kt.len() >= dims * keys && p.len() >= QUERIES * keys);
    let (q, kt, p) = (q.as_ptr(), kt.as_ptr(), p.as_mut_ptr());
    for first in (0..keys).step_by(KEYS) {
        let mut acc = [[_mm256_setzero_ps(); 2]; QUERIES];
        for d in 0..dims {
            // SAFETY: d < dims and first + 16 <= keys, so the 16 floats lie in `kt`; r < 6 and
            // d < dims, so each query value lies in `q` (lengths asserted above).
            unsafe {
                let k = kt.add(d * keys + first);
                let (low, high) = (_mm256_loadu_ps(k), _mm256_loadu_ps(k.add(8)));
                for (r, a) in acc.iter_mut().enumerate() {
                    let qv = _mm256_broadcast_ss(&*q.add(r * dims + d));
                    a[0] = _mm256_fmadd_ps(qv, low, a[0]);
                    a[1] = _mm256_fmadd_ps(qv, high, a[1]);
                }
            }
        }
        for (r, a) in acc.iter().enumerate() {
            // SAFETY: r < 6 and first + 16 <= keys: inside `p` (asserted above).
            unsafe {
                _mm256_storeu_ps(p.add(r * keys + first), a[0]);
                _mm256_storeu_ps(p.add(r * keys + first + 8), a[1]);
            }
        }
    }
}

/// [`super::context`] of 6 queries in dimensions `block..block + 16`, into `out` (6 rows).
#[target_feature(enable = "avx2,fma")]
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
    let mut acc = [[_mm256_setzero_ps(); 2]; QUERIES];
    for j in 0..len {
        // SAFETY: j < len, block + 16 <= dims: the value row lies in `v`; r < 6, j < keys: each
        // probability lies in `p` (asserted above).
        unsafe {
            let row = vp.add(j * dims + block);
            let (low, high) = (_mm256_loadu_ps(row), _mm256_loadu_ps(row.add(8)));
            for (r, a) in acc.iter_mut().enumerate() {
                let pj = _mm256_broadcast_ss(&*pp.add(r * keys + j));
                a[0] = _mm256_fmadd_ps(pj, low, a[0]);
                a[1] = _mm256_fmadd_ps(pj, high, a[1]);
            }
        }
    }
    for (o, a) in out.iter_mut().zip(acc) {
        // SAFETY: `o` holds 16 floats.
        unsafe {
            _mm256_storeu_ps(o.as_mut_ptr(), a[0]);
            _mm256_storeu_ps(o.as_mut_ptr().add(8), a[1]);
        }
    }
}

/// [`super::softmax`] 8 scores at a time: the same maximum, the same [`kernels::exp`]
/// ([`kernels::exp8`]), and the same eight partial sums (score `j` goes to sum `j mod 8`, lane
/// `j mod 8` of its vector), so the same bits.
#[target_feature(enable = "avx2")]
pub unsafe fn softmax(scores: &mut [f32]) -> f32 {
    let (len, s) = (scores.len(), scores.as_mut_ptr());
    // The lanes of the vector at `start` that hold scores (all ones), as a mask.
    let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    let mask = |start: usize| -> __m256i {
        _mm256_cmpgt_epi32(_mm256_set1_epi32((len - start).min(8) as i32), lanes)
    };
    let mut max = _mm256_set1_ps(f32::NEG_INFINITY);
    for start in (0..len).step_by(8) {
        let m = mask(start);
        // SAFETY: the mask keeps the load inside `scores`.
        let v = unsafe { _mm256_maskload_ps(s.add(start), m) };
        max = _mm256_max_ps(max, _mm256_blendv_ps(max, v, _mm256_castsi256_ps(m)));
    }
    let mut m = [0f32; 8];
    // SAFETY: `m` holds 8 floats.
    unsafe { _mm256_storeu_ps(m.as_mut_ptr(), max) };
    let max = _mm256_set1_ps(m.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)));
    let mut sums = _mm256_setzero_ps();
    for start in (0..len).step_by(8) {
        let m = mask(start);
        // SAFETY: the mask keeps the load and the store inside `scores`.
        let e = unsafe {
            let v = _mm256_maskload_ps(s.add(start), m);
            let e = _mm256_and_ps(kernels::exp8(_mm256_sub_ps(v, max)), _mm256_castsi256_ps(m));
            _mm256_maskstore_ps(s.add(start), m, e);
            e
        };
        sums = _mm256_add_ps(sums, e);
    }
    let mut l = [0f32; 8];
    // SAFETY: `l` holds 8 floats.
    unsafe { _mm256_storeu_ps(l.as_mut_ptr(), sums) };
    1.0 / (((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7])))
}

/// Every row's keys transposed into `kt` ([`super::transpose_keys_in_blocks`]), 8 rows ×
/// 8 dimensions at a time.
#[target_feature(enable = "avx2")]
pub unsafe fn transpose_keys(qkv: &[f32], hidden: usize, kt: &mut [f32]) {
    super::transpose_keys_in_blocks::<8, __m256>(
        qkv,
        hidden,
        kt,
        _mm256_setzero_ps(),
        // SAFETY: each array holds the 8 floats the vector loads or stores.
        |x| unsafe { _mm256_loadu_ps(x.as_ptr()) },
        |block| transpose8(block),
        |out, v| unsafe { _mm256_storeu_ps(out.as_mut_ptr(), v) },
    )
}

/// The transpose of an 8 × 8 block, rows in vectors: pairs of rows interleaved by floats, then
/// by pairs of floats (each 128-bit lane now holds four rows of one column), then the lanes of
/// rows 0–3 and 4–7 joined.
#[target_feature(enable = "avx2")]
fn transpose8(r: [__m256; 8]) -> [__m256; 8] {
    let (ps, pd) = (_mm256_castpd_ps, _mm256_castps_pd);
    let mut a = [_mm256_setzero_ps(); 8];
    for i in 0..4 {
        a[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        a[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // b[4g + k], lane l: rows 4g..4g + 4 of column 4l + k.
    let mut b = [_mm256_setzero_ps(); 8];
    for g in 0..2 {
        let (x, y) = (4 * g, 4 * g + 2);
        b[x] = ps(_mm256_unpacklo_pd(pd(a[x]), pd(a[y])));
        b[x + 1] = ps(_mm256_unpackhi_pd(pd(a[x]), pd(a[y])));
        b[x + 2] = ps(_mm256_unpacklo_pd(pd(a[x + 1]), pd(a[y + 1])));
        b[x + 3] = ps(_mm256_unpackhi_pd(pd(a[x + 1]), pd(a[y + 1])));
    }
    let mut out = [_mm256_setzero_ps(); 8];
    for k in 0..4 {
        out[k] = _mm256_permute2f128_ps::<0x20>(b[k], b[4 + k]);
        out[4 + k] = _mm256_permute2f128_ps::<0x31>(b[k], b[4 + k]);
    }
    out
}
