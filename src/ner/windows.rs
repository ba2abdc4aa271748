//! Windows and batches: sentences of words become windows of word pieces for the model, and
//! windows of many articles become batches.
//!
//! `Pompeo spoke .` becomes `[CLS] pompe ##o spoke . [SEP]` with word starts at pieces 1, 3
//! and 4; sentences are packed greedily into windows of at most the model's `max_length`
//! pieces, and a sentence longer than that is cut between words.

use std::ops::Range;

use anyhow::{Context, Result};
use tokenizers::Tokenizer;

use super::casing::{casing_class, lowercase_sentence, needs_any_case, normally_cased};
use super::files::ModelSettings;
use super::piece_memo::PieceMemo;

/// Words a windower remembers the pieces of ([`PieceMemo`]): the bench dump's first thousand
/// articles hold 34 thousand kinds of word; a hundred thousand or so take a few megabytes.
const MEMO_WORDS: usize = 1 << 17;

/// One model input: consecutive sentences' words packed up to the model's length.
#[derive(Debug, Clone, Default)]
pub struct Window {
    /// Word-piece ids, starting with [CLS] and ending with [SEP].
    pub input_ids: Vec<i64>,
    /// Casing class per piece (all 0 for a model without casing input).
    pub type_ids: Vec<i64>,
    /// Pieces that start a word: (piece index, word index in the caller's word list).
    pub word_starts: Vec<(usize, usize)>,
    /// The window's document needs the any-case model ([`super::needs_any_case`]): a
    /// [`super::Tagger`] with one runs this window through it (set only by a windower that
    /// [`Windower::mark_any_case`]s).
    pub any_case: bool,
}

impl Window {
    pub fn len(&self) -> usize {
        self.input_ids.len()
    }
    pub fn is_empty(&self) -> bool {
        self.input_ids.is_empty()
    }
}

/// How windows are grouped into model batches: sorted by length, then cut so that no batch
/// holds more than `windows` windows or more than `tokens` word pieces once padded (a single
/// window longer than `tokens` still forms a batch of one).
///
/// The token budget matters more than the window count: each layer's activations should stay
/// in the CPU's cache. On a 2-core AMD EPYC, with one one-thread copy of the model per core
/// (`pipeline`'s inference threads), 512 pieces ran the bench dump's NER work 10–15% faster
/// than 2,048 and steadier, with 80 MB less memory (BENCHMARKS.md, 2026-12-04); batches of 4,096
/// ran 1.4–1.5× slower per piece than a thousand on two libtorch threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batching {
    pub windows: usize,
    pub tokens: usize,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            windows: 64,
            tokens: 512,
        }
    }
}

impl Batching {
    /// Batches of indices into `lengths`, each batch in ascending length order, shortest
    /// batches first.
    pub fn plan(&self, lengths: &[usize]) -> Vec<Vec<usize>> {
        let mut order: Vec<usize> = (0..lengths.len()).collect();
        // Stable: windows of equal length keep their input order, so plans are deterministic.
        order.sort_by_key(|&i| lengths[i]);
        let (max_windows, max_tokens) = (self.windows.max(1), self.tokens.max(1));
        let mut batches: Vec<Vec<usize>> = Vec::new();
        let mut current: Vec<usize> = Vec::new();
        for i in order {
            // Sorted ascending: the newest window is the longest, so it sets the padded width.
            let padded = (current.len() + 1) * lengths[i];
            if !current.is_empty() && (current.len() == max_windows || padded > max_tokens) {
                batches.push(std::mem::take(&mut current));
            }
            current.push(i);
        }
        if !current.is_empty() {
            batches.push(current);
        }
        batches
    }

    /// [`Batching::plan`] for windows.
    pub fn plan_windows(&self, windows: &[&Window]) -> Vec<Vec<usize>> {
        let lengths: Vec<usize> = windows.iter().map(|w| w.len()).collect();
        self.plan(&lengths)
    }
}

/// Turns sentences of words into windows for one model: sentences are packed greedily into
/// windows of at most `max_length` pieces; a sentence longer than that is cut between words.
pub struct Windower<'a> {
    tokenizer: &'a Tokenizer,
    casing: bool,
    context_pieces: usize,
    max_length: usize,
    skip_lowercase: bool,
    mark_any_case: bool,
    cls: i64,
    sep: i64,
    unk: i64,
    memo: PieceMemo,
}

impl<'a> Windower<'a> {
    pub fn new(tokenizer: &'a Tokenizer, settings: &ModelSettings) -> Result<Windower<'a>> {
        let id = |t: &str| {
            tokenizer
                .token_to_id(t)
                .map(|i| i as i64)
                .with_context(|| format!("tokenizer has no {t} token"))
        };
        Ok(Windower {
            tokenizer,
            casing: settings.casing,
            context_pieces: settings.context_pieces,
            max_length: settings.max_length,
            skip_lowercase: false,
            mark_any_case: false,
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            unk: id("[UNK]")?,
            memo: PieceMemo::new(MEMO_WORDS),
        })
    }

    /// Leaves out of the windows the sentences of normally cased documents that hold no capital
    /// beyond a capitalised function word at their start ([`lowercase_sentence`]): in English
    /// news such sentences name no entity, and skipping them saves a sixth of the model's work.
    /// Sentences without a letter or digit (a run of quote marks, `* * *`) are left out of any
    /// document: they name nothing, and a record of two megabytes of quote marks would
    /// otherwise keep the model busy for minutes. Their words get no tag (callers tag them O).
    /// Off for training, where every sentence counts.
    pub fn skip_lowercase_sentences(mut self, on: bool) -> Windower<'a> {
        self.skip_lowercase = on;
        self
    }

    /// Marks the windows of documents that need an any-case companion ([`Window::any_case`]);
    /// off where no companion would read the mark (training, a model without one), so nothing
    /// counts the document's casing for nothing.
    pub fn mark_any_case(mut self, on: bool) -> Windower<'a> {
        self.mark_any_case = on;
        self
    }

    /// The model's context before each paragraph, in pieces ([`Windower::context_windows`]).
    pub fn context_pieces(&self) -> usize {
        self.context_pieces
    }

    /// Word pieces of each word, remembered across calls ([`PieceMemo`]).
    fn pieces(&self, words: &[&str]) -> Result<Vec<Vec<i64>>> {
        self.memo.pieces(words, |missing| self.tokenize(missing))
    }

    /// Word pieces of each word: the tokenizer sees the words pre-tokenized, so piece→word mapping
    /// is exact. A word the tokenizer drops entirely (control characters) becomes [UNK], so every
    /// word gets a prediction.
    fn tokenize(&self, words: &[&str]) -> Result<Vec<Vec<i64>>> {
        let enc = self
            .tokenizer
            .encode(words.to_vec(), false)
            .map_err(|e| anyhow::anyhow!("tokenizer failed: {e}"))?;
        let mut out = vec![Vec::new(); words.len()];
        for (id, word) in enc.get_ids().iter().zip(enc.get_word_ids()) {
            if let Some(w) = word {
                out[*w as usize].push(*id as i64);
            }
        }
        for p in out.iter_mut().filter(|p| p.is_empty()) {
            p.push(self.unk);
        }
        Ok(out)
    }

    /// Windows over `sentences`, each a list of words; word indices count across all sentences.
    pub fn windows(&self, sentences: &[Vec<&str>]) -> Result<Vec<Window>> {
        let budget = self.max_length - 2;
        let mut out = Vec::new();
        let mut cur = Window::default();
        let mut word_base = 0;
        let skip = self.skip_lowercase && normally_cased(sentences);
        let any_case = self.mark_any_case && needs_any_case(sentences);
        for words in sentences {
            let no_name = self.skip_lowercase && !words.iter().any(|w| has_alphanumeric(w));
            if no_name || skip && lowercase_sentence(words) {
                word_base += words.len();
                continue;
            }
            let pieces = self.pieces(words)?;
            let sentence_len: usize = pieces.iter().map(|p| p.len().min(budget)).sum();
            if !cur.is_empty() && cur.len() - 1 + sentence_len > budget {
                self.close(&mut cur, &mut out);
            }
            for (w, word_pieces) in pieces.iter().enumerate() {
                // Pathological words (a 2,000-character URL) keep only their first pieces.
                let word_pieces = &word_pieces[..word_pieces.len().min(budget)];
                if !cur.is_empty() && cur.len() - 1 + word_pieces.len() > budget {
                    self.close(&mut cur, &mut out);
                }
                if cur.is_empty() {
                    cur.input_ids.push(self.cls);
                    cur.type_ids.push(0);
                }
                let class = if self.casing {
                    casing_class(words[w])
                } else {
                    0
                };
                cur.word_starts.push((cur.input_ids.len(), word_base + w));
                cur.input_ids.extend_from_slice(word_pieces);
                cur.type_ids
                    .extend(std::iter::repeat_n(class, word_pieces.len()));
            }
            word_base += words.len();
        }
        self.close(&mut cur, &mut out);
        for w in &mut out {
            w.any_case = any_case;
        }
        Ok(out)
    }

    /// Windows that read each paragraph with the words before it, for a model that labels
    /// paragraphs (the attribution model): `[CLS] context [SEP] target [SEP]`, word starts only
    /// for the target's words, so every word of `paragraphs` is in exactly one window. The
    /// context is the words just before the target, back to the start of the previous paragraph,
    /// at most `context_pieces` pieces; a paragraph too long for one window is cut between words
    /// into targets that leave room for context, each reading the previous one's end.
    ///
    /// `words` are the document's words; `paragraphs` are ranges of them, in order.
    pub fn context_windows(
        &self,
        words: &[&str],
        paragraphs: &[Range<usize>],
        context_pieces: usize,
    ) -> Result<Vec<Window>> {
        let budget = self.max_length.saturating_sub(3).max(1);
        let reserve = context_pieces.min(budget / 4);
        let pieces: Vec<Vec<i64>> = self
            .pieces(words)?
            .into_iter()
            .map(|mut p| {
                p.truncate(budget - reserve);
                p
            })
            .collect();
        let mut out = Vec::new();
        for (p, para) in paragraphs.iter().enumerate() {
            let context_floor = if p == 0 {
                para.start
            } else {
                paragraphs[p - 1].start
            };
            let mut start = para.start;
            while start < para.end {
                let mut end = start;
                let mut target_len = 0;
                while end < para.end
                    && (end == start || target_len + pieces[end].len() <= budget - reserve)
                {
                    target_len += pieces[end].len();
                    end += 1;
                }
                let room = context_pieces.min(budget - target_len);
                let mut context_start = start;
                let mut context_len = 0;
                while context_start > context_floor
                    && context_len + pieces[context_start - 1].len() <= room
                {
                    context_start -= 1;
                    context_len += pieces[context_start].len();
                }
                out.push(self.context_window(words, &pieces, context_start..start, start..end));
                start = end;
            }
        }
        Ok(out)
    }

    fn context_window(
        &self,
        words: &[&str],
        pieces: &[Vec<i64>],
        context: Range<usize>,
        target: Range<usize>,
    ) -> Window {
        let mut window = Window::default();
        window.input_ids.push(self.cls);
        window.type_ids.push(0);
        let has_context = !context.is_empty();
        for w in context.chain(target.clone()) {
            if w == target.start && has_context {
                window.input_ids.push(self.sep);
                window.type_ids.push(0);
            }
            let class = if self.casing {
                casing_class(words[w])
            } else {
                0
            };
            if target.contains(&w) {
                window.word_starts.push((window.input_ids.len(), w));
            }
            window.input_ids.extend_from_slice(&pieces[w]);
            window
                .type_ids
                .extend(std::iter::repeat_n(class, pieces[w].len()));
        }
        window.input_ids.push(self.sep);
        window.type_ids.push(0);
        window
    }

    fn close(&self, cur: &mut Window, out: &mut Vec<Window>) {
        if cur.is_empty() {
            return;
        }
        cur.input_ids.push(self.sep);
        cur.type_ids.push(0);
        out.push(std::mem::take(cur));
    }
}

fn has_alphanumeric(word: &str) -> bool {
    word.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::casing::normally_cased;
    use crate::ner::files::{load_tokenizer, ModelConfig};

    #[test]
    fn remembered_pieces_are_the_pieces_a_word_gets_in_its_sentence() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en");
        let config = ModelConfig::read(&dir.join("config.json")).unwrap();
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json")).unwrap();
        let long_url = format!("https://example.org/{}", "ab".repeat(300));
        let words = [
            "Sandër",
            "Lleshaj",
            "PMOI/MEK",
            "U.S.",
            "Pompeo's",
            "“talks”",
            "—",
            "Łódź",
            "東京",
            "naïve",
            "\u{200b}",
            "\u{7}",
            "😀",
            "l'État",
            "x\u{301}",
            &long_url,
            "said",
            ".",
        ];
        let windower = Windower::new(&tokenizer, &config.settings).unwrap();
        // Each word alone first, so the sentence below is read from the memo only.
        let alone: Vec<Vec<i64>> = words
            .iter()
            .flat_map(|w| windower.pieces(&[w]).unwrap())
            .collect();
        assert_eq!(windower.memo.len(), words.len());
        let from_memo = windower.pieces(&words).unwrap();
        let fresh = Windower::new(&tokenizer, &config.settings).unwrap();
        let in_sentence = fresh.tokenize(&words).unwrap();
        assert_eq!(from_memo, in_sentence);
        assert_eq!(alone, in_sentence);
        // The control character has no piece of its own: [UNK], from the memo as from the tokenizer.
        assert_eq!(in_sentence[11], vec![windower.unk]);
    }

    #[test]
    fn only_normally_cased_documents_skip_sentences() {
        let cased = vec![vec!["Pompeo", "spoke", "."], vec!["the", "talks", "failed"]];
        let lowered = vec![vec!["pompeo", "spoke", "."], vec!["the", "talks", "failed"]];
        assert!(normally_cased(&cased));
        assert!(!normally_cased(&lowered));
        assert!(!normally_cased(&[vec!["123"]]));

        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en");
        let config = ModelConfig::read(&dir.join("config.json")).unwrap();
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json")).unwrap();
        let windower = Windower::new(&tokenizer, &config.settings).unwrap();
        let words = |windows: Vec<Window>| -> Vec<usize> {
            windows
                .iter()
                .flat_map(|w| w.word_starts.iter().map(|&(_, word)| word))
                .collect()
        };
        let sentences = vec![
            vec!["Pompeo", "spoke", "."],
            vec!["The", "talks", "failed", "."],
            vec!["Iran", "objected", "."],
        ];
        let all = words(windower.windows(&sentences).unwrap());
        assert_eq!(all, (0..10).collect::<Vec<_>>());
        let windower = windower.skip_lowercase_sentences(true);
        assert_eq!(
            words(windower.windows(&sentences).unwrap()),
            [0, 1, 2, 7, 8, 9]
        );
        assert_eq!(
            words(windower.windows(&lowered).unwrap()),
            (0..6).collect::<Vec<_>>()
        );
        // Without a letter or digit, a sentence is skipped in any document.
        let symbols = vec![
            vec!["\"", "\"", "\""],
            vec!["pompeo", "2", "."],
            vec!["*", "*"],
        ];
        assert_eq!(words(windower.windows(&symbols).unwrap()), [3, 4, 5]);
    }

    #[test]
    fn context_windows_label_each_paragraph_word_once() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en");
        let config = ModelConfig::read(&dir.join("config.json")).unwrap();
        let tokenizer = load_tokenizer(&dir.join("tokenizer.json")).unwrap();
        let mut settings = config.settings.clone();
        settings.max_length = 16;
        let windower = Windower::new(&tokenizer, &settings).unwrap();
        let words: Vec<&str> =
            "Pompeo spoke . The talks failed , he said on Monday in Tirana before leaving"
                .split(' ')
                .collect();
        let paragraphs = [0..3, 3..words.len()];
        let windows = windower.context_windows(&words, &paragraphs, 8).unwrap();
        let labelled: Vec<usize> = windows
            .iter()
            .flat_map(|w| w.word_starts.iter().map(|&(_, word)| word))
            .collect();
        assert_eq!(labelled, (0..words.len()).collect::<Vec<_>>());
        for w in &windows {
            assert!(w.len() <= 16, "{w:?}");
            assert_eq!(w.input_ids.len(), w.type_ids.len());
        }
        // The first paragraph has no context; the second reads the first before a [SEP].
        let sep = tokenizer.token_to_id("[SEP]").unwrap() as i64;
        assert_eq!(
            windows[0].input_ids.iter().filter(|&&i| i == sep).count(),
            1
        );
        assert_eq!(
            windows[1].input_ids.iter().filter(|&&i| i == sep).count(),
            2
        );
        assert_eq!(windows[1].word_starts[0].1, 3);
        // The long second paragraph is cut; its later windows read the words before them.
        assert!(windows.len() > 2);
        assert_eq!(
            windows[2].input_ids.iter().filter(|&&i| i == sep).count(),
            2
        );
    }

    #[test]
    fn batches_respect_both_budgets_and_cover_every_window_once() {
        let lengths = [10, 128, 30, 10, 100, 20, 128, 5];
        let batching = Batching {
            windows: 3,
            tokens: 200,
        };
        let plan = batching.plan(&lengths);
        let mut seen: Vec<usize> = plan.iter().flatten().copied().collect();
        seen.sort();
        assert_eq!(seen, (0..lengths.len()).collect::<Vec<_>>());
        for batch in &plan {
            assert!(batch.len() <= 3);
            let width = batch.iter().map(|&i| lengths[i]).max().unwrap();
            assert!(batch.len() == 1 || batch.len() * width <= 200, "{batch:?}");
        }
        // Shortest first; equal lengths keep input order; each 128 window alone.
        assert_eq!(
            plan,
            vec![vec![7, 0, 3], vec![5, 2], vec![4], vec![1], vec![6]]
        );
        // A window longer than the token budget still runs, alone.
        let tiny = Batching {
            windows: 8,
            tokens: 4,
        };
        assert_eq!(tiny.plan(&[9, 9]), vec![vec![0], vec![1]]);
        assert!(tiny.plan(&[]).is_empty());
    }
}
