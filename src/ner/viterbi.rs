//! The one best-sequence decoder of both models: Viterbi over per-word log-probabilities with a
//! cost for each step from one label to the next.
//!
//! The NER model's tags and each attribution role's O/B/I are decoded here; each caller says
//! only what a sequence may cost. With labels `O, B, I` and the BIO rule (`I` never after `O`
//! nor first), a word-by-word `O I I O` (`I` at 0.6 on the second word, `B` at 0.3) becomes
//! `O B I O`: the forbidden step costs [`FORBIDDEN`], so the best path that avoids it wins.

/// The cost of a step no sequence may take: paths through it score −∞ and never win.
pub const FORBIDDEN: f32 = f32::INFINITY;

/// `ln softmax(row)`, through the largest value: `(x − max) − ln Σ exp(x − max)`.
pub fn log_softmax(row: &[f32]) -> impl Iterator<Item = f32> + '_ {
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    let log_sum = row.iter().map(|&v| (v - max).exp()).sum::<f32>().ln();
    row.iter().map(move |&v| v - max - log_sum)
}

/// The label sequence with the highest sum of `log_probs` (words × `labels`, row-major) less
/// `start(label)` for the first word's label and `step(previous, next)` for each later one.
/// Ties go to the lower label id, at every step and at the end, so decoding is deterministic.
pub fn best_path(
    log_probs: &[f32],
    labels: usize,
    start: impl Fn(usize) -> f32,
    step: impl Fn(usize, usize) -> f32,
) -> Vec<usize> {
    let words = log_probs.len() / labels.max(1);
    if words == 0 {
        return Vec::new();
    }
    let score = |word: usize, label: usize| log_probs[word * labels + label];
    let mut best: Vec<f32> = (0..labels).map(|l| score(0, l) - start(l)).collect();
    let mut next = vec![0f32; labels];
    let mut from = vec![0usize; words * labels];
    for word in 1..words {
        next.fill(f32::NEG_INFINITY);
        for (l, next) in next.iter_mut().enumerate() {
            for (p, &before) in best.iter().enumerate() {
                let candidate = before - step(p, l) + score(word, l);
                if candidate > *next {
                    *next = candidate;
                    from[word * labels + l] = p;
                }
            }
        }
        std::mem::swap(&mut best, &mut next);
    }
    let mut label = (0..labels).fold(0, |b, l| if best[l] > best[b] { l } else { b });
    let mut path = vec![0; words];
    for word in (0..words).rev() {
        path[word] = label;
        label = from[word * labels + label];
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    /// O, B, I with the BIO rule.
    fn bio(log_probs: &[f32]) -> Vec<usize> {
        let start = |l| if l == 2 { FORBIDDEN } else { 0.0 };
        best_path(log_probs, 3, start, |p, l| {
            if p == 0 && l == 2 {
                FORBIDDEN
            } else {
                0.0
            }
        })
    }

    fn free(_: usize) -> f32 {
        0.0
    }

    #[test]
    fn free_steps_give_each_word_its_best_label() {
        let rows = [0.1f32, 0.7, 0.2, 0.5, 0.2, 0.3, 0.2, 0.2, 0.6].map(f32::ln);
        assert_eq!(best_path(&rows, 3, free, |_, _| 0.0), [1, 0, 2]);
        assert!(best_path(&[], 3, free, |_, _| 0.0).is_empty());
    }

    #[test]
    fn a_forbidden_step_is_never_taken() {
        let rows = [
            0.8f32, 0.1, 0.1, 0.1, 0.3, 0.6, 0.1, 0.1, 0.8, 0.8, 0.1, 0.1,
        ]
        .map(f32::ln);
        assert_eq!(bio(&rows), [0, 1, 2, 0]);
        // Nor is a forbidden start: a lone I becomes the better of O and B.
        assert_eq!(bio(&[0.1f32, 0.3, 0.6].map(f32::ln)), [1]);
    }

    #[test]
    fn a_step_cost_is_weighed_against_relabelling() {
        // Word by word 1 then 2; the step 1 → 2 costs `cost`, relabelling the second word
        // to 1 costs ln(0.6 / 0.4) ≈ 0.41.
        let rows = [0.1f32, 0.8, 0.1, 0.0001, 0.4, 0.6].map(f32::ln);
        let with_cost = |cost: f32| {
            best_path(
                &rows,
                3,
                free,
                move |p, l| if (p, l) == (1, 2) { cost } else { 0.0 },
            )
        };
        assert_eq!(with_cost(0.3), [1, 2]);
        assert_eq!(with_cost(0.5), [1, 1]);
    }

    #[test]
    fn ties_go_to_the_lower_label() {
        let even = [0.5f32, 0.5, 0.5, 0.5].map(f32::ln);
        assert_eq!(best_path(&even, 2, free, |_, _| 0.0), [0, 0]);
    }

    #[test]
    fn log_softmax_sums_to_one() {
        let row = [1.0f32, 3.0, -2.0];
        let sum: f32 = log_softmax(&row).map(f32::exp).sum();
        assert!((sum - 1.0).abs() < 1e-6);
        let ranks: Vec<f32> = log_softmax(&row).collect();
        assert!(ranks[1] > ranks[0] && ranks[0] > ranks[2]);
    }
}
