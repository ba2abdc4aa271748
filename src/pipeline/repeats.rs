//! Windows met again are not run through the model again: their results are kept and handed
//! out once more.
//!
//! News dumps repeat themselves: the same wire story under ten sites' ids, an article scraped
//! twice, boilerplate paragraphs (`Follow Pam Key on Twitter @pamkeyNEN.`) that the attribution
//! model reads as windows of their own. A window's result depends on that window alone — its
//! pieces, their casing classes, which pieces start words, and which model runs it — never on
//! its batch, its neighbours or the thread ([`crate::ner::packed`]). So a window equal to one
//! already computed, in this call or an earlier one, takes that one's result, bit for bit, and
//! the output stays what it was.
//!
//! ```text
//! call 1   [CLS] Iran said … [SEP]   [CLS] Follow Pam Key … [SEP]   → both run
//! call 2   [CLS] Follow Pam Key … [SEP]                             → taken from call 1
//! ```
//!
//! Not for `--precision bf16`, which runs rust-bert's padded batches, where a window's result
//! may depend on its batch: there every window runs.
//!
//! Memory is bounded: results are kept in two generations of at most half the budget each; when
//! the newer one fills, the older one is dropped. A result found in the older generation moves
//! to the newer one, so windows that keep recurring stay.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::Result;

use crate::ner::{Precision, Window, WordTag};

/// Bytes of kept results per model (keys included): a few thousand windows.
pub const BUDGET_BYTES: usize = 48 << 20;

/// The budget of kept results for a model run at `precision`: none for bf16, whose results may
/// depend on the batch.
pub fn budget_for(precision: Precision) -> usize {
    match precision {
        Precision::Bf16 => 0,
        Precision::Int8 | Precision::F32 => BUDGET_BYTES,
    }
}

/// What makes two windows' results equal: their pieces with their casing classes, the pieces
/// that start words, and whether the any-case companion runs them.
#[derive(Clone, PartialEq, Eq, Hash)]
struct WindowKey {
    /// Piece id and casing class, one number per piece.
    pieces: Box<[u64]>,
    starts: Box<[u32]>,
    any_case: bool,
}

impl WindowKey {
    /// None for a window whose numbers do not pack (never from a real tokenizer): it is run.
    fn of(window: &Window) -> Option<WindowKey> {
        let pieces = window
            .input_ids
            .iter()
            .zip(&window.type_ids)
            .map(|(&id, &class)| {
                let (id, class) = (u64::try_from(id).ok()?, u64::try_from(class).ok()?);
                (id < 1 << 48 && class < 1 << 16).then_some(id << 16 | class)
            })
            .collect::<Option<Box<[u64]>>>()?;
        let starts = window
            .word_starts
            .iter()
            .map(|&(piece, _)| u32::try_from(piece).ok())
            .collect::<Option<Box<[u32]>>>()?;
        Some(WindowKey {
            pieces,
            starts,
            any_case: window.any_case,
        })
    }

    fn bytes(&self) -> usize {
        self.pieces.len() * 8 + self.starts.len() * 4 + 64
    }
}

/// A result's size in memory, for the budget.
pub trait Weight {
    fn bytes(&self) -> usize;
}

impl Weight for Vec<f32> {
    fn bytes(&self) -> usize {
        self.len() * std::mem::size_of::<f32>() + 24
    }
}

impl Weight for Vec<WordTag> {
    fn bytes(&self) -> usize {
        self.len() * std::mem::size_of::<WordTag>() + 24
    }
}

/// Two generations of kept results (see the module docs).
struct Kept<T> {
    newer: HashMap<WindowKey, T>,
    older: HashMap<WindowKey, T>,
    newer_bytes: usize,
    /// What the kept results spared so far.
    spared: Spared,
}

/// The kept results of one model, and how many windows and pieces they spared it.
pub struct Repeats<T> {
    kept: Mutex<Kept<T>>,
    budget: usize,
}

/// Windows handed a kept result instead of running, and their pieces.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Spared {
    pub windows: usize,
    pub pieces: usize,
}

impl<T: Clone + Default + Weight> Repeats<T> {
    /// Keeps at most `budget` bytes of results (and their keys); with 0, every window runs, its
    /// equals too (for a model whose results depend on the batch).
    pub fn new(budget: usize) -> Repeats<T> {
        Repeats {
            kept: Mutex::new(Kept {
                newer: HashMap::new(),
                older: HashMap::new(),
                newer_bytes: 0,
                spared: Spared::default(),
            }),
            budget,
        }
    }

    /// Each window's result, in window order: kept ones, and for the rest what `run` computes.
    /// `run` gets `batches` with every window left out that has a kept result or equals an
    /// earlier window of this call (batches left empty dropped), and writes each result it
    /// computes at its window's index.
    pub fn results(
        &self,
        windows: &[&Window],
        batches: &[Vec<usize>],
        run: impl FnOnce(&[Vec<usize>], &mut [T]) -> Result<()>,
    ) -> Result<Vec<T>> {
        let mut out: Vec<T> = vec![T::default(); windows.len()];
        if self.budget == 0 {
            run(batches, &mut out)?;
            return Ok(out);
        }
        let keys: Vec<Option<WindowKey>> = windows.iter().map(|w| WindowKey::of(w)).collect();
        // For each window: computed here (None), or a copy of a kept result or of window j.
        let mut source: Vec<Option<Source>> = vec![None; windows.len()];
        let mut first: HashMap<&WindowKey, usize> = HashMap::new();
        let mut spared = Spared::default();
        {
            let mut kept = self.lock();
            for (i, key) in keys.iter().enumerate() {
                let Some(key) = key else { continue };
                if let Some(result) = kept.take(key, self.budget) {
                    out[i] = result;
                    source[i] = Some(Source::Kept);
                } else if let Some(&j) = first.get(key) {
                    source[i] = Some(Source::Earlier(j));
                } else {
                    first.insert(key, i);
                    continue;
                }
                spared.windows += 1;
                spared.pieces += windows[i].len();
            }
        }
        let to_run: Vec<Vec<usize>> = batches
            .iter()
            .map(|b| b.iter().copied().filter(|&i| source[i].is_none()).collect())
            .filter(|b: &Vec<usize>| !b.is_empty())
            .collect();
        run(&to_run, &mut out)?;
        for i in 0..out.len() {
            if let Some(Source::Earlier(j)) = source[i] {
                out[i] = out[j].clone();
            }
        }
        let mut kept = self.lock();
        for i in to_run.iter().flatten().copied() {
            if let Some(key) = &keys[i] {
                kept.put(key.clone(), out[i].clone(), self.budget);
            }
        }
        kept.spared = kept.spared + spared;
        Ok(out)
    }

    /// Windows and pieces spared so far.
    pub fn spared(&self) -> Spared {
        self.lock().spared
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept<T>> {
        // A panic elsewhere while holding it leaves whole entries only: still usable.
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl std::iter::Sum for Spared {
    fn sum<I: Iterator<Item = Spared>>(iter: I) -> Spared {
        iter.fold(Spared::default(), |a, b| a + b)
    }
}

impl std::ops::Add for Spared {
    type Output = Spared;
    fn add(self, other: Spared) -> Spared {
        Spared {
            windows: self.windows + other.windows,
            pieces: self.pieces + other.pieces,
        }
    }
}

#[derive(Clone, Copy)]
enum Source {
    Kept,
    Earlier(usize),
}

impl<T: Clone + Weight> Kept<T> {
    /// The kept result of `key`, moved to the newer generation when found in the older.
    fn take(&mut self, key: &WindowKey, budget: usize) -> Option<T> {
        if let Some(result) = self.newer.get(key) {
            return Some(result.clone());
        }
        let result = self.older.remove(key)?;
        self.put(key.clone(), result.clone(), budget);
        Some(result)
    }

    fn put(&mut self, key: WindowKey, result: T, budget: usize) {
        let bytes = key.bytes() + result.bytes();
        if bytes > budget / 2 {
            return;
        }
        if self.newer_bytes + bytes > budget / 2 {
            self.older = std::mem::take(&mut self.newer);
            self.newer_bytes = 0;
        }
        self.newer_bytes += bytes;
        self.newer.insert(key, result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(ids: &[i64]) -> Window {
        Window {
            input_ids: ids.to_vec(),
            type_ids: vec![0; ids.len()],
            word_starts: (1..ids.len().saturating_sub(1))
                .map(|p| (p, p - 1))
                .collect(),
            any_case: false,
        }
    }

    /// Results through `repeats` with a stand-in model whose result for a window is its ids as
    /// floats; with the windows the model ran, in the order it ran them.
    fn results_of(
        repeats: &Repeats<Vec<f32>>,
        windows: &[&Window],
        batches: &[Vec<usize>],
    ) -> (Vec<Vec<f32>>, Vec<Vec<i64>>) {
        let mut ran = Vec::new();
        let out = repeats
            .results(windows, batches, |batches, out| {
                for &i in batches.iter().flatten() {
                    ran.push(windows[i].input_ids.clone());
                    out[i] = windows[i].input_ids.iter().map(|&x| x as f32).collect();
                }
                Ok(())
            })
            .unwrap();
        (out, ran)
    }

    #[test]
    fn a_repeated_window_runs_once_in_a_call_and_not_again_in_the_next() {
        let repeats = Repeats::<Vec<f32>>::new(BUDGET_BYTES);
        let (a, b) = (window(&[101, 7, 8, 102]), window(&[101, 9, 102]));
        let (out, ran) = results_of(&repeats, &[&a, &b, &a], &[vec![1, 0, 2]]);
        assert_eq!(ran, vec![vec![101, 9, 102], vec![101, 7, 8, 102]]);
        assert_eq!(out[0], vec![101.0, 7.0, 8.0, 102.0]);
        assert_eq!(out[2], out[0]);
        assert_eq!(out[1], vec![101.0, 9.0, 102.0]);

        let other = window(&[101, 5, 102]);
        let (out, ran) = results_of(&repeats, &[&b, &other], &[vec![0], vec![1]]);
        assert_eq!(
            ran,
            vec![vec![101, 5, 102]],
            "the kept window is not run again"
        );
        assert_eq!(out[0], vec![101.0, 9.0, 102.0]);
        assert_eq!(
            repeats.spared(),
            Spared {
                windows: 2,
                pieces: 7
            }
        );
    }

    #[test]
    fn windows_differing_in_casing_word_starts_or_model_are_different_windows() {
        let repeats = Repeats::<Vec<f32>>::new(BUDGET_BYTES);
        let plain = window(&[101, 7, 8, 102]);
        let mut cased = plain.clone();
        cased.type_ids[1] = 2;
        let mut one_word = plain.clone();
        one_word.word_starts = vec![(1, 0)];
        let mut any_case = plain.clone();
        any_case.any_case = true;
        let all = [&plain, &cased, &one_word, &any_case];
        let (_, ran) = results_of(&repeats, &all, &[vec![0, 1, 2, 3]]);
        assert_eq!(ran.len(), 4);
        assert_eq!(repeats.spared(), Spared::default());
    }

    #[test]
    fn with_no_budget_every_window_runs_its_equals_too() {
        let repeats = Repeats::<Vec<f32>>::new(0);
        let a = window(&[101, 7, 102]);
        let (out, ran) = results_of(&repeats, &[&a, &a], &[vec![0, 1]]);
        assert_eq!(ran.len(), 2);
        assert_eq!(out[0], out[1]);
        let (_, ran) = results_of(&repeats, &[&a], &[vec![0]]);
        assert_eq!(ran.len(), 1);
        assert_eq!(repeats.spared(), Spared::default());
    }

    #[test]
    fn kept_results_stay_within_the_budget_and_recurring_ones_stay_longest() {
        // Room for about three windows per generation.
        let size = |w: &Window| WindowKey::of(w).unwrap().bytes() + 4 * 4 + 24;
        let windows: Vec<Window> = (0..20).map(|i| window(&[101, i, 102, 0])).collect();
        let budget = 2 * 3 * size(&windows[0]) + 1;
        let repeats = Repeats::<Vec<f32>>::new(budget);
        let recurring = window(&[101, 99, 102, 0]);
        for w in &windows {
            let (out, _) = results_of(&repeats, &[w, &recurring], &[vec![0, 1]]);
            assert_eq!(out[1], vec![101.0, 99.0, 102.0, 0.0]);
            let kept = repeats.lock();
            let bytes: usize = [&kept.newer, &kept.older]
                .iter()
                .flat_map(|g| g.iter())
                .map(|(k, v)| k.bytes() + v.bytes())
                .sum();
            assert!(bytes <= budget, "{bytes} kept of {budget}");
        }
        // Run once, then found in every later call though twenty others came and went.
        assert_eq!(repeats.spared().windows, 19);
        let (_, ran) = results_of(&repeats, &[&windows[0]], &[vec![0]]);
        assert_eq!(ran.len(), 1, "a window long gone is run again");
    }
}
