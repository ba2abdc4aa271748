//! Self-attention over windows packed end to end, each window attending to its own rows only.
//!
//! A padded batch makes every window as long as the longest one: its keys gain masked columns,
//! and libtorch's attention then sums over a different length, in a different blocking, and the
//! bits of a window's result depend on its neighbours. Here the windows of a batch lie one after
//! the other without padding, `[CLS] Iran said … [SEP][CLS] Pompeo … [SEP]`, and each window's
//! rows attend to that window's rows alone.
//!
//! Every sum runs in an order fixed by the window itself: a score is a dot product summed over
//! the head's dimensions in order, a context a sum over the window's keys in order, the softmax
//! denominator eight interleaved partial sums joined in a fixed tree. So a window's context has
//! the same bits alone, in a batch of any size, in any position, on any number of threads, and
//! (no fused multiply-add, no vector-width dependent order) on any x86 CPU.

use std::cell::RefCell;
use std::ops::Range;

use super::{kernels, omp};

/// Keys per block of scores.
const KEYS: usize = 16;
/// Head dimensions per block of context: heads must be a multiple of this wide.
pub const DIMS: usize = 16;

/// Writes each row's attention context (`hidden` wide, heads side by side) to `out`.
///
/// `qkv` holds, for each row, its query, key and value projections side by side (`3 × hidden`);
/// `windows` are the row ranges of the windows, in order, covering every row.
pub fn attention(
    qkv: &[f32],
    hidden: usize,
    heads: usize,
    windows: &[Range<usize>],
    out: &mut [f32],
) {
    assert!(heads > 0 && hidden.is_multiple_of(heads) && (hidden / heads).is_multiple_of(DIMS));
    let rows = out.len() / hidden;
    assert!(out.len() == rows * hidden && qkv.len() == rows * 3 * hidden);
    let mut parts = Vec::with_capacity(windows.len());
    let mut rest = out;
    let mut next = 0;
    for w in windows {
        assert_eq!(w.start, next, "windows must cover the rows in order");
        let (part, tail) = rest.split_at_mut(w.len() * hidden);
        parts.push(part);
        rest = tail;
        next = w.end;
    }
    assert!(rest.is_empty(), "windows must cover every row");
    omp::for_each_part(parts, &|i, out| {
        let w = &windows[i];
        SCRATCH.with_borrow_mut(|scratch| {
            window_attention(
                &qkv[w.start * 3 * hidden..w.end * 3 * hidden],
                hidden,
                heads,
                out,
                scratch,
            )
        });
    });
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Per-thread buffers, reused from window to window.
#[derive(Default)]
struct Scratch {
    /// Each head's queries, scaled, padded with zero rows to a whole block of queries (heads ×
    /// padded rows × dims).
    q: Vec<f32>,
    /// The keys, transposed (hidden × keys: head by head, dims × keys), padded with zero
    /// columns to a multiple of [`KEYS`].
    kt: Vec<f32>,
    /// Each head's values (heads × rows × dims).
    v: Vec<f32>,
    /// Scores, then probabilities, of one block of queries (queries × padded keys).
    p: Vec<f32>,
}

/// The widest variant the CPU runs. They differ in tile height and in fused multiply-adds (one
/// rounding instead of two), never in the order of a sum: on one machine, a window's bits are
/// the same whatever else is in the batch.
fn window_attention(qkv: &[f32], hidden: usize, heads: usize, out: &mut [f32], s: &mut Scratch) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX-512F and FMA, checked just above.
            return unsafe { window_attention_avx512(qkv, hidden, heads, out, s) };
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA, checked just above.
            return unsafe { window_attention_avx2(qkv, hidden, heads, out, s) };
        }
    }
    window_attention_any::<4, false, false>(qkv, hidden, heads, out, s)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
unsafe fn window_attention_avx512(
    qkv: &[f32],
    hidden: usize,
    heads: usize,
    out: &mut [f32],
    s: &mut Scratch,
) {
    window_attention_any::<8, true, true>(qkv, hidden, heads, out, s)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn window_attention_avx2(
    qkv: &[f32],
    hidden: usize,
    heads: usize,
    out: &mut [f32],
    s: &mut Scratch,
) {
    window_attention_any::<4, true, false>(qkv, hidden, heads, out, s)
}

/// `a * b + c`, in one rounding where the variant has fused multiply-adds.
#[inline(always)]
fn madd<const FUSED: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FUSED {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// Attention of one window, `Q` queries at a time; `AVX512`: the products through [`avx512`]'s
/// kernels (`Q` 8, `FUSED`, and only inside a function compiled for AVX-512F and FMA).
#[inline(always)]
fn window_attention_any<const Q: usize, const FUSED: bool, const AVX512: bool>(
    qkv: &[f32],
    hidden: usize,
    heads: usize,
    out: &mut [f32],
    s: &mut Scratch,
) {
    let len = qkv.len() / (3 * hidden);
    let dims = hidden / heads;
    let keys = len.next_multiple_of(KEYS);
    let scale = 1.0 / (dims as f32).sqrt();
    gather_heads::<AVX512>(qkv, hidden, heads, scale, Q, s);
    let padded = len.next_multiple_of(Q);
    for h in 0..heads {
        let head_q = &s.q[h * padded * dims..(h + 1) * padded * dims];
        let head_kt = &s.kt[h * dims * keys..(h + 1) * dims * keys];
        let head_v = &s.v[h * len * dims..(h + 1) * len * dims];
        for first in (0..len).step_by(Q) {
            let queries = Q.min(len - first);
            let q = &head_q[first * dims..(first + Q) * dims];
            block_scores::<Q, FUSED, AVX512>(q, head_kt, dims, keys, &mut s.p);
            let mut inverse_sums = [0f32; Q];
            for (r, inverse) in inverse_sums.iter_mut().enumerate().take(queries) {
                *inverse = row_softmax::<AVX512>(&mut s.p[r * keys..r * keys + len]);
            }
            for block in (0..dims).step_by(DIMS) {
                let ctx = block_context::<Q, FUSED, AVX512>(&s.p, keys, head_v, dims, block, len);
                for r in 0..queries {
                    let row = &mut out[(first + r) * hidden + h * dims + block..][..DIMS];
                    for (o, c) in row.iter_mut().zip(ctx[r]) {
                        *o = c * inverse_sums[r];
                    }
                }
            }
        }
    }
}

/// [`scores`] through the variant's kernel: [`avx512::scores`] where `AVX512`.
#[inline(always)]
fn block_scores<const Q: usize, const FUSED: bool, const AVX512: bool>(
    q: &[f32],
    kt: &[f32],
    dims: usize,
    keys: usize,
    p: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    if AVX512 {
        const { assert!(!AVX512 || Q == avx512::QUERIES && FUSED) };
        // SAFETY: instantiated with AVX512 only by `window_attention_avx512`, which runs on
        // CPUs with AVX-512F and FMA.
        return unsafe { avx512::scores(q, kt, dims, keys, p) };
    }
    scores::<Q, FUSED>(q, kt, dims, keys, p)
}

/// [`context`] through the variant's kernel: [`avx512::context`] where `AVX512`.
#[inline(always)]
fn block_context<const Q: usize, const FUSED: bool, const AVX512: bool>(
    p: &[f32],
    keys: usize,
    v: &[f32],
    dims: usize,
    block: usize,
    len: usize,
) -> [[f32; DIMS]; Q] {
    #[cfg(target_arch = "x86_64")]
    if AVX512 {
        let mut ctx = [[0f32; DIMS]; Q];
        // SAFETY: as in `block_scores`.
        unsafe { avx512::context(p, keys, v, dims, block, len, &mut ctx) };
        return ctx;
    }
    context::<Q, FUSED>(p, keys, v, dims, block, len)
}

/// [`softmax`] through the variant's kernel: [`avx512::softmax`] where `AVX512`.
#[inline(always)]
fn row_softmax<const AVX512: bool>(scores: &mut [f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if AVX512 {
        // SAFETY: as in `block_scores`.
        return unsafe { avx512::softmax(scores) };
    }
    softmax(scores)
}

/// Copies every head's queries (scaled), keys (transposed) and values out of `qkv`, in one pass
/// over its rows. Head by head, each pass read a 128-byte piece of every row 4.6 KB apart, and
/// computed and checked an index for every float: the copies took longer than the score and
/// context products (the benchmark in BENCHMARKS.md: attention 35 → 29 ms). The keys are
/// transposed 16 rows at a time where `AVX512` ([`avx512::transpose_keys`]).
#[inline(always)]
fn gather_heads<const AVX512: bool>(
    qkv: &[f32],
    hidden: usize,
    heads: usize,
    scale: f32,
    queries_per_block: usize,
    s: &mut Scratch,
) {
    let len = qkv.len() / (3 * hidden);
    let keys = len.next_multiple_of(KEYS);
    let dims = hidden / heads;
    let padded = len.next_multiple_of(queries_per_block);
    s.q.clear();
    s.q.resize(heads * padded * dims, 0.0);
    s.kt.clear();
    s.kt.resize(hidden * keys, 0.0);
    s.v.clear();
    s.v.resize(heads * len * dims, 0.0);
    s.p.clear();
    s.p.resize(queries_per_block * keys, 0.0);
    for (r, row) in qkv.chunks_exact(3 * hidden).enumerate() {
        let (q, rest) = row.split_at(hidden);
        let v = &rest[hidden..];
        for (h, (q, v)) in q.chunks_exact(dims).zip(v.chunks_exact(dims)).enumerate() {
            let q_out = &mut s.q[(h * padded + r) * dims..][..dims];
            for (out, &q) in q_out.iter_mut().zip(q) {
                *out = q * scale;
            }
            s.v[(h * len + r) * dims..][..dims].copy_from_slice(v);
        }
    }
    // Head h's keys, transposed, are rows h * dims .. (h + 1) * dims of all keys transposed.
    #[cfg(target_arch = "x86_64")]
    if AVX512 {
        // SAFETY: as in `block_scores`.
        return unsafe { avx512::transpose_keys(qkv, hidden, keys, &mut s.kt) };
    }
    for (r, row) in qkv.chunks_exact(3 * hidden).enumerate() {
        for (kt_row, &k) in s.kt.chunks_exact_mut(keys).zip(&row[hidden..2 * hidden]) {
            kt_row[r] = k;
        }
    }
}

/// Scores of `Q` queries against every (padded) key: `p[r, j] = Σ_d q[r, d] kt[d, j]`, summed
/// over `d` in order.
#[inline(always)]
fn scores<const Q: usize, const FUSED: bool>(
    q: &[f32],
    kt: &[f32],
    dims: usize,
    keys: usize,
    p: &mut [f32],
) {
    for first in (0..keys).step_by(KEYS) {
        let mut acc = [[0f32; KEYS]; Q];
        for d in 0..dims {
            let k: &[f32; KEYS] = kt[d * keys + first..][..KEYS].try_into().expect("KEYS");
            for (r, acc) in acc.iter_mut().enumerate() {
                let qv = q[r * dims + d];
                for (a, &k) in acc.iter_mut().zip(k) {
                    *a = madd::<FUSED>(qv, k, *a);
                }
            }
        }
        for (r, acc) in acc.iter().enumerate() {
            p[r * keys + first..][..KEYS].copy_from_slice(acc);
        }
    }
}

/// Turns one query's scores into unnormalised probabilities `e^(s - max)` in place; returns
/// 1 / their sum.
#[inline(always)]
fn softmax(scores: &mut [f32]) -> f32 {
    let max = scores.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let mut lanes = [0f32; 8];
    for chunk in scores.chunks_mut(8) {
        for (v, lane) in chunk.iter_mut().zip(lanes.iter_mut()) {
            *v = kernels::exp(*v - max);
            *lane += *v;
        }
    }
    let sum = ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3]))
        + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
    1.0 / sum
}

/// Unnormalised context of `Q` queries in dimensions `block..block + DIMS`:
/// `Σ_j p[r, j] v[j, d]`, summed over the window's `len` keys in order.
#[inline(always)]
fn context<const Q: usize, const FUSED: bool>(
    p: &[f32],
    keys: usize,
    v: &[f32],
    dims: usize,
    block: usize,
    len: usize,
) -> [[f32; DIMS]; Q] {
    let mut acc = [[0f32; DIMS]; Q];
    for j in 0..len {
        let v: &[f32; DIMS] = v[j * dims + block..][..DIMS].try_into().expect("DIMS");
        for (r, acc) in acc.iter_mut().enumerate() {
            let pj = p[r * keys + j];
            for (a, &v) in acc.iter_mut().zip(v) {
                *a = madd::<FUSED>(pj, v, *a);
            }
        }
    }
    acc
}

/// [`scores`] and [`context`] for 8 queries in AVX-512 intrinsics: the same sums, term by term
/// in the same order, each term one fused multiply-add as the generic form's `FUSED` variant
/// does it, so the same bits. The compiler's code for the generic loops reloaded indices and
/// checked bounds around every vector multiply-add (about five instructions of overhead for
/// each); here a key block or a value row is one load and eight multiply-adds. Likewise
/// [`softmax`] 16 scores at a time (the compiler's loop took eight) and the keys' transposition
/// 16 × 16 at a time: in the benchmark of BENCHMARKS.md, attention 29 → 21 ms.
#[cfg(target_arch = "x86_64")]
mod avx512 {
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
        let mask =
            |start: usize| -> __mmask16 { (u32::MAX >> (32 - (len - start).min(16))) as u16 };
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

    /// Every row's keys (the middle third of its `qkv` row), transposed into `kt` (hidden ×
    /// `keys`, its padding columns zero): 16 rows × 16 dimensions at a time, 16
    /// loads, 64 shuffles and 16 stores where copying element by element took 256 stores.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn transpose_keys(qkv: &[f32], hidden: usize, keys: usize, kt: &mut [f32]) {
        let len = qkv.len() / (3 * hidden);
        assert!(hidden.is_multiple_of(16) && keys >= len.next_multiple_of(16));
        assert!(qkv.len() == len * 3 * hidden && kt.len() >= hidden * keys);
        for first in (0..len).step_by(16) {
            for dim in (0..hidden).step_by(16) {
                let mut block = [_mm512_setzero_ps(); 16];
                for (i, b) in block.iter_mut().enumerate().take(len - first) {
                    // SAFETY: row first + i < len, dims dim..dim + 16 <= hidden of its keys.
                    *b = unsafe {
                        _mm512_loadu_ps(qkv.as_ptr().add((first + i) * 3 * hidden + hidden + dim))
                    };
                }
                for (d, column) in transpose16(block).iter().enumerate() {
                    // SAFETY: dim + d < hidden and first + 16 <= keys: inside `kt`.
                    unsafe {
                        _mm512_storeu_ps(kt.as_mut_ptr().add((dim + d) * keys + first), *column)
                    };
                }
            }
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic pseudo-random values in [-2, 2).
    fn values(n: usize, seed: u64) -> Vec<f32> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 40) as f32 / (1u64 << 24) as f32 * 4.0 - 2.0
            })
            .collect()
    }

    /// Attention computed the textbook way, in f64.
    fn reference(qkv: &[f32], hidden: usize, heads: usize, w: Range<usize>) -> Vec<f64> {
        let dims = hidden / heads;
        let at = |r: usize, part: usize, h: usize, d: usize| {
            qkv[r * 3 * hidden + part * hidden + h * dims + d] as f64
        };
        let mut out = vec![0f64; w.len() * hidden];
        for h in 0..heads {
            for i in w.clone() {
                let s: Vec<f64> = w
                    .clone()
                    .map(|j| {
                        (0..dims)
                            .map(|d| at(i, 0, h, d) * at(j, 1, h, d))
                            .sum::<f64>()
                            / (dims as f64).sqrt()
                    })
                    .collect();
                let max = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let e: Vec<f64> = s.iter().map(|v| (v - max).exp()).collect();
                let sum: f64 = e.iter().sum();
                for d in 0..dims {
                    let c: f64 = w.clone().zip(&e).map(|(j, p)| p * at(j, 2, h, d)).sum();
                    out[(i - w.start) * hidden + h * dims + d] = c / sum;
                }
            }
        }
        out
    }

    #[test]
    fn matches_textbook_attention() {
        let (hidden, heads) = (96, 3);
        let windows = [0..1, 1..18, 18..25, 25..58];
        let qkv = values(58 * 3 * hidden, 1);
        let mut out = vec![0f32; 58 * hidden];
        attention(&qkv, hidden, heads, &windows, &mut out);
        for w in windows {
            let expected = reference(&qkv, hidden, heads, w.clone());
            for (a, b) in out[w.start * hidden..w.end * hidden].iter().zip(expected) {
                assert!((*a as f64 - b).abs() < 1e-5, "{a} vs {b}");
            }
        }
    }

    #[test]
    fn the_avx512_kernels_give_the_generic_fused_forms_bits() {
        #[cfg(target_arch = "x86_64")]
        if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma") {
            let (hidden, heads) = (96, 3);
            for (len, seed) in [(1, 3), (7, 4), (16, 5), (41, 6)] {
                let qkv = values(len * 3 * hidden, seed);
                let run = |intrinsics: bool| {
                    let mut out = vec![0f32; len * hidden];
                    let mut s = Scratch::default();
                    if intrinsics {
                        // SAFETY: the CPU has AVX-512F and FMA, checked above.
                        unsafe { window_attention_avx512(&qkv, hidden, heads, &mut out, &mut s) };
                    } else {
                        window_attention_any::<8, true, false>(
                            &qkv, hidden, heads, &mut out, &mut s,
                        );
                    }
                    out.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
                };
                assert_eq!(run(true), run(false), "window of {len}");
            }
        }
    }

    #[test]
    fn a_window_gets_the_same_bits_alone_and_in_any_batch() {
        let (hidden, heads) = (64, 2);
        let lengths = [3usize, 40, 17, 1, 29];
        let total: usize = lengths.iter().sum();
        let qkv = values(total * 3 * hidden, 2);
        let mut windows = Vec::new();
        let mut start = 0;
        for len in lengths {
            windows.push(start..start + len);
            start += len;
        }
        let mut batched = vec![0f32; total * hidden];
        attention(&qkv, hidden, heads, &windows, &mut batched);
        for w in &windows {
            let alone_qkv = &qkv[w.start * 3 * hidden..w.end * 3 * hidden];
            let mut alone = vec![0f32; w.len() * hidden];
            let whole = std::iter::once(0..w.len()).collect::<Vec<_>>();
            attention(alone_qkv, hidden, heads, &whole, &mut alone);
            let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(
                bits(&alone),
                bits(&batched[w.start * hidden..w.end * hidden])
            );
        }
    }
}
