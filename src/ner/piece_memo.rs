//! Word pieces remembered per word, so that a word the dump has already shown is not tokenized
//! again.
//!
//! The windowers hand the tokenizer words already split (`Pompeo`, `said`, `.`), and a BERT
//! tokenizer reads each such word on its own: lower-casing, accents, punctuation splitting and
//! WordPiece never look across it, so `Pompeo` is `pompe ##o` in any sentence. News repeats its
//! words: the bench dump's first thousand articles hold 864,506 words of 33,955 kinds. Cutting
//! their NER windows took 4.4 s on one core of a Zen 3 EPYC without this memo and 0.9 s with it
//! (one run each, 2026-12-05), and `extract` cuts every word twice (once for each model).
//!
//! The memo is shared by the threads that cut windows (a lock held for a lookup or an insert,
//! never while tokenizing) and bounded: once it holds [`PieceMemo::new`]'s `limit` words it
//! stops remembering, so a dump of a million rare tokens (URLs, numbers) cannot grow it without
//! end; the words seen first, the frequent ones, stay. A word's pieces are the tokenizer's in
//! either case, so windows, tags and CSVs are the same bytes with or without it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use anyhow::Result;

/// Words remembered with their pieces, at most `limit` of them.
pub struct PieceMemo {
    words: Mutex<HashMap<Box<str>, Box<[i64]>>>,
    limit: usize,
}

impl PieceMemo {
    pub fn new(limit: usize) -> PieceMemo {
        PieceMemo {
            words: Mutex::new(HashMap::new()),
            limit,
        }
    }

    /// Each word's pieces: remembered ones from the memo, the others from `tokenize`, which is
    /// called at most once, with the words not remembered (in order, repeats included), and must
    /// give one list of pieces per word it is given.
    pub fn pieces(
        &self,
        words: &[&str],
        tokenize: impl FnOnce(&[&str]) -> Result<Vec<Vec<i64>>>,
    ) -> Result<Vec<Vec<i64>>> {
        let mut out: Vec<Option<Vec<i64>>> = {
            let memo = self.lock();
            words
                .iter()
                .map(|w| memo.get(*w).map(|p| p.to_vec()))
                .collect()
        };
        let missing: Vec<usize> = (0..words.len()).filter(|&i| out[i].is_none()).collect();
        if missing.is_empty() {
            return Ok(out.into_iter().flatten().collect());
        }
        let missing_words: Vec<&str> = missing.iter().map(|&i| words[i]).collect();
        let found = tokenize(&missing_words)?;
        anyhow::ensure!(
            found.len() == missing.len(),
            "tokenizer gave pieces for {} words of {}",
            found.len(),
            missing.len()
        );
        let mut memo = self.lock();
        for (&i, pieces) in missing.iter().zip(found) {
            if memo.len() < self.limit && !memo.contains_key(words[i]) {
                memo.insert(words[i].into(), pieces.as_slice().into());
            }
            out[i] = Some(pieces);
        }
        Ok(out.into_iter().flatten().collect())
    }

    /// Words remembered.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The memo even after a thread panicked holding it: every entry in it was whole (entries
    /// are inserted in one step), so what it holds is still right.
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Box<str>, Box<[i64]>>> {
        self.words.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// A tokenizer of one piece per letter, recording the words it was asked for.
    fn letters<'c>(
        calls: &'c RefCell<Vec<Vec<String>>>,
    ) -> impl FnOnce(&[&str]) -> Result<Vec<Vec<i64>>> + 'c {
        move |words: &[&str]| {
            calls
                .borrow_mut()
                .push(words.iter().map(|w| w.to_string()).collect());
            Ok(words
                .iter()
                .map(|w| w.bytes().map(i64::from).collect())
                .collect())
        }
    }

    #[test]
    fn only_words_not_remembered_are_tokenized_and_the_pieces_keep_the_words_order() {
        let memo = PieceMemo::new(100);
        let calls = RefCell::new(Vec::new());
        let first = memo.pieces(&["ab", "c", "ab"], letters(&calls)).unwrap();
        assert_eq!(first, vec![vec![97, 98], vec![99], vec![97, 98]]);
        let second = memo.pieces(&["c", "d", "ab"], letters(&calls)).unwrap();
        assert_eq!(second, vec![vec![99], vec![100], vec![97, 98]]);
        assert_eq!(
            memo.pieces(&["d"], letters(&calls)).unwrap(),
            vec![vec![100]]
        );
        // The repeat in the first call went to the tokenizer (nothing was remembered yet); the
        // second asked for `d` alone; the third asked nothing.
        assert_eq!(calls.into_inner(), vec![vec!["ab", "c", "ab"], vec!["d"]]);
        assert_eq!(memo.len(), 3);
    }

    #[test]
    fn a_full_memo_stops_remembering_but_still_gives_every_words_pieces() {
        let memo = PieceMemo::new(2);
        let calls = RefCell::new(Vec::new());
        memo.pieces(&["a", "b", "c"], letters(&calls)).unwrap();
        assert_eq!(memo.len(), 2);
        let again = memo.pieces(&["a", "b", "c"], letters(&calls)).unwrap();
        assert_eq!(again, vec![vec![97], vec![98], vec![99]]);
        assert_eq!(calls.into_inner()[1], vec!["c"]);
        assert_eq!(memo.len(), 2);
    }

    #[test]
    fn a_tokenizer_that_loses_a_word_is_an_error_not_a_shifted_row() {
        let memo = PieceMemo::new(10);
        let short = |_: &[&str]| -> Result<Vec<Vec<i64>>> { Ok(vec![vec![1]]) };
        let err = memo.pieces(&["a", "b"], short).unwrap_err();
        assert!(err.to_string().contains("1 words of 2"), "{err}");
        assert!(memo.is_empty());
    }
}
