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
    window_attention_any::<4, false, GENERIC>(qkv, hidden, heads, out, s)
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
    window_attention_any::<{ avx512::QUERIES }, true, AVX512>(qkv, hidden, heads, out, s)
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
    window_attention_any::<{ avx2::QUERIES }, true, AVX2>(qkv, hidden, heads, out, s)
}

/// Which kernels a variant runs: the generic loops, or [`avx2`]'s or [`avx512`]'s intrinsics
/// (only inside a function compiled for those features).
const GENERIC: u8 = 0;
const AVX2: u8 = 1;
const AVX512: u8 = 2;

/// `a * b + c`, in one rounding where the variant has fused multiply-adds.
#[inline(always)]
fn madd<const FUSED: bool>(a: f32, b: f32, c: f32) -> f32 {
    if FUSED {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// Attention of one window, `Q` queries at a time, through the kernels of `KIND` (for
/// [`AVX2`] and [`AVX512`]: `Q` their `QUERIES`, `FUSED`, and only inside a function compiled
/// for their features).
#[inline(always)]
fn window_attention_any<const Q: usize, const FUSED: bool, const KIND: u8>(
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
    gather_heads::<KIND>(qkv, hidden, heads, scale, Q, s);
    let padded = len.next_multiple_of(Q);
    for h in 0..heads {
        let head_q = &s.q[h * padded * dims..(h + 1) * padded * dims];
        let head_kt = &s.kt[h * dims * keys..(h + 1) * dims * keys];
        let head_v = &s.v[h * len * dims..(h + 1) * len * dims];
        for first in (0..len).step_by(Q) {
            let queries = Q.min(len - first);
            let q = &head_q[first * dims..(first + Q) * dims];
            block_scores::<Q, FUSED, KIND>(q, head_kt, dims, keys, &mut s.p);
            let mut inverse_sums = [0f32; Q];
            for (r, inverse) in inverse_sums.iter_mut().enumerate().take(queries) {
                *inverse = row_softmax::<KIND>(&mut s.p[r * keys..r * keys + len]);
            }
            for block in (0..dims).step_by(DIMS) {
                let ctx = block_context::<Q, FUSED, KIND>(&s.p, keys, head_v, dims, block, len);
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

/// [`scores`] through the variant's kernel.
#[inline(always)]
fn block_scores<const Q: usize, const FUSED: bool, const KIND: u8>(
    q: &[f32],
    kt: &[f32],
    dims: usize,
    keys: usize,
    p: &mut [f32],
) {
    #[cfg(target_arch = "x86_64")]
    {
        const { assert!(KIND != AVX512 || Q == avx512::QUERIES && FUSED) };
        const { assert!(KIND != AVX2 || Q == avx2::QUERIES && FUSED) };
        // SAFETY: instantiated with AVX512 only by `window_attention_avx512`, which runs on
        // CPUs with AVX-512F and FMA, and with AVX2 only by `window_attention_avx2` (AVX2, FMA).
        match KIND {
            AVX512 => return unsafe { avx512::scores(q, kt, dims, keys, p) },
            AVX2 => return unsafe { avx2::scores(q, kt, dims, keys, p) },
            _ => {}
        }
    }
    scores::<Q, FUSED>(q, kt, dims, keys, p)
}

/// [`context`] through the variant's kernel.
#[inline(always)]
fn block_context<const Q: usize, const FUSED: bool, const KIND: u8>(
    p: &[f32],
    keys: usize,
    v: &[f32],
    dims: usize,
    block: usize,
    len: usize,
) -> [[f32; DIMS]; Q] {
    #[cfg(target_arch = "x86_64")]
    if KIND != GENERIC {
        let mut ctx = [[0f32; DIMS]; Q];
        // SAFETY: as in `block_scores`.
        unsafe {
            match KIND {
                AVX512 => avx512::context(p, keys, v, dims, block, len, &mut ctx),
                _ => avx2::context(p, keys, v, dims, block, len, &mut ctx),
            }
        }
        return ctx;
    }
    context::<Q, FUSED>(p, keys, v, dims, block, len)
}

/// [`softmax`] through the variant's kernel.
#[inline(always)]
fn row_softmax<const KIND: u8>(scores: &mut [f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as in `block_scores`.
    match KIND {
        AVX512 => return unsafe { avx512::softmax(scores) },
        AVX2 => return unsafe { avx2::softmax(scores) },
        _ => {}
    }
    softmax(scores)
}

/// Copies every head's queries (scaled), keys (transposed) and values out of `qkv`, in one pass
/// over its rows. Head by head, each pass read a 128-byte piece of every row 4.6 KB apart, and
/// computed and checked an index for every float: the copies took longer than the score and
/// context products (the benchmark in BENCHMARKS.md: attention 35 → 29 ms). The keys are
/// transposed 16 or 8 rows at a time by the AVX-512 and AVX2 variants.
#[inline(always)]
fn gather_heads<const KIND: u8>(
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
    // SAFETY: as in `block_scores`.
    match KIND {
        AVX512 => return unsafe { avx512::transpose_keys(qkv, hidden, &mut s.kt) },
        AVX2 => return unsafe { avx2::transpose_keys(qkv, hidden, &mut s.kt) },
        _ => {}
    }
    for (r, row) in qkv.chunks_exact(3 * hidden).enumerate() {
        for (kt_row, &k) in s.kt.chunks_exact_mut(keys).zip(&row[hidden..2 * hidden]) {
            kt_row[r] = k;
        }
    }
}

/// Every row's keys (the middle third of its `qkv` row), transposed into `kt` (hidden × keys,
/// the keys padded with zero columns to a multiple of [`KEYS`]) a block of `W` rows × `W` dimensions at a time, for the
/// intrinsics variants: `load` reads `W` floats into a vector, `transpose` turns a block's rows
/// into its columns, `store` writes a vector back.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn transpose_keys_in_blocks<const W: usize, V: Copy>(
    qkv: &[f32],
    hidden: usize,
    kt: &mut [f32],
    zero: V,
    load: impl Fn(&[f32; W]) -> V,
    transpose: impl Fn([V; W]) -> [V; W],
    store: impl Fn(&mut [f32; W], V),
) {
    let (len, keys) = (qkv.len() / (3 * hidden), kt.len() / hidden);
    assert!(hidden.is_multiple_of(W) && keys >= len.next_multiple_of(W));
    assert!(qkv.len() == len * 3 * hidden && kt.len() == hidden * keys);
    for first in (0..len).step_by(W) {
        for dim in (0..hidden).step_by(W) {
            let mut block = [zero; W];
            for (i, b) in block.iter_mut().enumerate().take(len - first) {
                let at = (first + i) * 3 * hidden + hidden + dim;
                *b = load(qkv[at..at + W].try_into().expect("W floats"));
            }
            for (d, column) in transpose(block).into_iter().enumerate() {
                let at = (dim + d) * keys + first;
                store((&mut kt[at..at + W]).try_into().expect("W floats"), column);
            }
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

#[cfg(target_arch = "x86_64")]
mod avx2;
#[cfg(target_arch = "x86_64")]
mod avx512;

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

    /// Each intrinsics variant the CPU runs gives the generic fused form's bits, so a window's
    /// context is the same on AVX2 and AVX-512 machines.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn the_avx2_and_avx512_kernels_give_the_generic_fused_forms_bits() {
        type Variant = unsafe fn(&[f32], usize, usize, &mut [f32], &mut Scratch);
        let mut variants: Vec<(&str, Variant)> = Vec::new();
        if std::is_x86_feature_detected!("fma") {
            if std::is_x86_feature_detected!("avx2") {
                variants.push(("avx2", window_attention_avx2));
            }
            if std::is_x86_feature_detected!("avx512f") {
                variants.push(("avx512", window_attention_avx512));
            }
        }
        let (hidden, heads) = (96, 3);
        for (len, seed) in [(1, 3), (7, 4), (9, 7), (16, 5), (41, 6)] {
            let qkv = values(len * 3 * hidden, seed);
            let bits = |out: &[f32]| out.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let mut generic = vec![0f32; len * hidden];
            window_attention_any::<5, true, GENERIC>(
                &qkv,
                hidden,
                heads,
                &mut generic,
                &mut Scratch::default(),
            );
            for (name, variant) in &variants {
                let mut out = vec![0f32; len * hidden];
                // SAFETY: the CPU has the variant's features, checked above.
                unsafe { variant(&qkv, hidden, heads, &mut out, &mut Scratch::default()) };
                assert_eq!(bits(&out), bits(&generic), "{name}, window of {len}");
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
