//! One tagging path: documents as sentences of words in, one tag per word out.
//!
//! A [`Tagger`] fixes, once, everything that decides which words the model sees and how: the
//! model's tokenizer and window length (a [`Windower`]), whether lowercase-only sentences skip
//! the model, and how windows are batched. `extract`, `stream`, `eval ner`, `eval quotes` and
//! training's dev evaluation all tag through it, so they cannot drift apart:
//!
//! ```text
//! [["Pompeo", "spoke", "."], ["The", "talks", "failed", "."]]      one document's sentences
//!   → windows  [CLS] pompe ##o spoke . [SEP]                       (the second sentence skipped)
//!   → batches across documents, sorted by length → the model ([`TagModel`])
//!   → word tags  B-PER O O | O O O O                               (skipped words: O, prob 1)
//! ```
//!
//! The model behind it is anything that runs batches of windows ([`TagModel`]): a loaded
//! [`NerModel`] on the calling thread, or the pipeline's inference thread. A second
//! token-classification model (an attribution tagger) is a second `Tagger`.

use anyhow::{bail, Result};

use tokenizers::Tokenizer;

use super::{
    document_word_tags, Batching, ModelSettings, NerModel, Tag, Task, Window, Windower, WordTag,
};

/// A token-classification model that tags batches of windows.
pub trait TagModel {
    fn tokenizer(&self) -> &Tokenizer;
    fn settings(&self) -> &ModelSettings;
    /// The model's tags by id, the ids of its [`WordTag`]s.
    fn tag_set(&self) -> &[Tag];
    /// Each window's word tags, in the order of its `word_starts`; `batches` are indices into
    /// `windows`, as [`Batching::plan_windows`] makes them.
    fn run(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<WordTag>>>;
}

impl TagModel for NerModel {
    fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
    fn settings(&self) -> &ModelSettings {
        &self.config.settings
    }
    fn tag_set(&self) -> &[Tag] {
        &self.config.tags
    }
    fn run(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<WordTag>>> {
        let mut out = vec![Vec::new(); windows.len()];
        for batch in batches {
            let batch_windows: Vec<&Window> = batch.iter().map(|&i| windows[i]).collect();
            for (&i, tags) in batch.iter().zip(self.predict(&batch_windows)) {
                out[i] = tags;
            }
        }
        Ok(out)
    }
}

/// A model whose word logits are decoded by the caller (the attribution model, a softmax per
/// role): batches of windows in, each window's logits (words × labels, row-major) out.
pub trait WordScorer {
    fn tokenizer(&self) -> &Tokenizer;
    fn settings(&self) -> &ModelSettings;
    /// `batches` are indices into `windows`, as [`Batching::plan_windows`] makes them.
    fn word_scores(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<f32>>>;
}

impl WordScorer for NerModel {
    fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }
    fn settings(&self) -> &ModelSettings {
        &self.config.settings
    }
    fn word_scores(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<f32>>> {
        let mut out = vec![Vec::new(); windows.len()];
        for batch in batches {
            let batch_windows: Vec<&Window> = batch.iter().map(|&i| windows[i]).collect();
            let scores = self.batch_scores(&batch_windows);
            split_rows(windows, batch, &scores, &mut out);
        }
        Ok(out)
    }
}

/// Hands a batch's logits (all its windows' words, in window order) to each window.
pub fn split_rows(windows: &[&Window], batch: &[usize], scores: &[f32], out: &mut [Vec<f32>]) {
    let words: usize = batch.iter().map(|&i| windows[i].word_starts.len()).sum();
    let labels = scores.len().checked_div(words).unwrap_or(0);
    let mut rest = scores;
    for &i in batch {
        let (mine, after) = rest.split_at(windows[i].word_starts.len() * labels);
        out[i] = mine.to_vec();
        rest = after;
    }
}

impl<M: WordScorer> WordScorer for &M {
    fn tokenizer(&self) -> &Tokenizer {
        (*self).tokenizer()
    }
    fn settings(&self) -> &ModelSettings {
        (*self).settings()
    }
    fn word_scores(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<f32>>> {
        (*self).word_scores(windows, batches)
    }
}

impl<M: TagModel> TagModel for &M {
    fn tokenizer(&self) -> &Tokenizer {
        (*self).tokenizer()
    }
    fn settings(&self) -> &ModelSettings {
        (*self).settings()
    }
    fn tag_set(&self) -> &[Tag] {
        (*self).tag_set()
    }
    fn run(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<WordTag>>> {
        (*self).run(windows, batches)
    }
}

/// How much model work a call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TagWork {
    pub batches: usize,
    /// Word pieces run through the model.
    pub pieces: usize,
    /// Pieces as a padded batch would hold them (each batch as wide as its longest window).
    pub padded_pieces: usize,
}

impl TagWork {
    /// Counts the work of `batches` (indices into `windows`, each in ascending length).
    fn add(&mut self, windows: &[&Window], batches: &[Vec<usize>]) {
        self.batches += batches.len();
        for batch in batches {
            self.pieces += batch.iter().map(|&i| windows[i].len()).sum::<usize>();
            // Each batch is in ascending length: its last window sets the padded width.
            self.padded_pieces += batch.len() * batch.last().map_or(0, |&i| windows[i].len());
        }
    }
}

/// A model with its windowing and batching fixed, and optionally its any-case companion: a
/// model of the same tags and windows, trained with sentences lower- and upper-cased at random,
/// that tags the windows of documents whose casing does not tell names apart
/// ([`Window::any_case`]). Which model tags a window depends on its document alone, so output
/// stays the same whatever the batching.
pub struct Tagger<M> {
    model: M,
    any_case: Option<M>,
    batching: Batching,
    skip_lowercase_sentences: bool,
}

impl<M: TagModel> Tagger<M> {
    /// `skip_lowercase_sentences`: see [`Windower::skip_lowercase_sentences`]. Refuses an
    /// attribution model, whose labels are roles, not entities (it would tag no entity at all).
    pub fn new(model: M, batching: Batching, skip_lowercase_sentences: bool) -> Result<Tagger<M>> {
        if model.settings().task != Task::Ner {
            bail!(
                "this is an attribution model (its config.json says \"task\": \"attribution\"), \
                 not an NER model: give it as --quote-model"
            );
        }
        Ok(Tagger {
            model,
            any_case: None,
            batching,
            skip_lowercase_sentences,
        })
    }

    /// Adds the any-case companion; it must share the model's tags, vocabulary and windows.
    pub fn with_any_case(mut self, any_case: M) -> Result<Tagger<M>> {
        let (a, b) = (self.model.settings(), any_case.settings());
        let same = self.model.tag_set() == any_case.tag_set()
            && a.max_length == b.max_length
            && a.casing == b.casing
            && self.model.tokenizer().get_vocab(true) == any_case.tokenizer().get_vocab(true);
        if !same {
            bail!(
                "the any-case model's tags, vocabulary or window settings differ from the model's"
            );
        }
        self.any_case = Some(any_case);
        Ok(self)
    }

    /// Adds the any-case companion the model directory `model_dir` holds
    /// ([`super::any_case_dir`]), loaded by `load`; the tagger as it is when there is none.
    pub fn with_any_case_of(
        self,
        model_dir: &std::path::Path,
        load: impl FnOnce(&std::path::Path) -> Result<M>,
    ) -> Result<Tagger<M>> {
        match super::any_case_dir(model_dir) {
            Some(dir) => self.with_any_case(load(&dir)?),
            None => Ok(self),
        }
    }

    /// Whether an any-case companion tags the windows that need it.
    pub fn has_any_case(&self) -> bool {
        self.any_case.is_some()
    }

    pub fn model(&self) -> &M {
        &self.model
    }

    /// The any-case companion, when there is one.
    pub fn any_case_model(&self) -> Option<&M> {
        self.any_case.as_ref()
    }

    pub fn tag_set(&self) -> &[Tag] {
        self.model.tag_set()
    }

    /// The windower this tagger cuts documents with (it is `Sync`: one can window documents on
    /// many threads while the tagger itself stays on one).
    pub fn windower(&self) -> Result<Windower<'_>> {
        Ok(
            Windower::new(self.model.tokenizer(), self.model.settings())?
                .skip_lowercase_sentences(self.skip_lowercase_sentences)
                .mark_any_case(self.has_any_case()),
        )
    }

    /// Tags documents already cut into windows (by [`Tagger::windower`]), batched across
    /// documents: for each `(words, windows)`, one tag per word.
    pub fn tag_windows(&self, docs: &[(usize, &[Window])]) -> Result<(Vec<Vec<WordTag>>, TagWork)> {
        let windows: Vec<&Window> = docs.iter().flat_map(|(_, w)| w.iter()).collect();
        let mut work = TagWork::default();
        let mut all_tags: Vec<Vec<WordTag>> = vec![Vec::new(); windows.len()];
        // Each model runs the windows that are its own, batched among themselves.
        let mut run = |model: &M, any_case: bool| -> Result<()> {
            let mine: Vec<usize> = (0..windows.len())
                .filter(|&i| (windows[i].any_case && self.any_case.is_some()) == any_case)
                .collect();
            let mine_windows: Vec<&Window> = mine.iter().map(|&i| windows[i]).collect();
            let batches = self.batching.plan_windows(&mine_windows);
            work.add(&mine_windows, &batches);
            for (i, tags) in mine.into_iter().zip(model.run(&mine_windows, &batches)?) {
                all_tags[i] = tags;
            }
            Ok(())
        };
        run(&self.model, false)?;
        if let Some(companion) = &self.any_case {
            run(companion, true)?;
        }
        let mut tags = all_tags.into_iter();
        let word_tags = docs
            .iter()
            .map(|(words, windows)| document_word_tags(*words, windows, &mut tags))
            .collect();
        Ok((word_tags, work))
    }

    /// Tags documents given as sentences of words: for each, one tag per word, across its
    /// sentences.
    pub fn tag(&self, docs: &[Vec<Vec<&str>>]) -> Result<(Vec<Vec<WordTag>>, TagWork)> {
        let windower = self.windower()?;
        let windows = docs
            .iter()
            .map(|sentences| windower.windows(sentences))
            .collect::<Result<Vec<_>>>()?;
        let docs: Vec<(usize, &[Window])> = docs
            .iter()
            .zip(&windows)
            .map(|(sentences, w)| (sentences.iter().map(Vec::len).sum(), w.as_slice()))
            .collect();
        self.tag_windows(&docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::{load_tokenizer, ModelConfig};

    /// A model that tags every word with one label, and counts the windows it ran.
    struct OneLabel {
        label: usize,
        config: ModelConfig,
        tokenizer: Tokenizer,
        windows_run: std::cell::Cell<usize>,
    }

    impl OneLabel {
        fn new(label: usize) -> OneLabel {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en");
            OneLabel {
                label,
                config: ModelConfig::read(&dir.join("config.json")).unwrap(),
                tokenizer: load_tokenizer(&dir.join("tokenizer.json")).unwrap(),
                windows_run: Default::default(),
            }
        }
    }

    impl TagModel for OneLabel {
        fn tokenizer(&self) -> &Tokenizer {
            &self.tokenizer
        }
        fn settings(&self) -> &ModelSettings {
            &self.config.settings
        }
        fn tag_set(&self) -> &[Tag] {
            &self.config.tags
        }
        fn run(&self, windows: &[&Window], batches: &[Vec<usize>]) -> Result<Vec<Vec<WordTag>>> {
            assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), windows.len());
            self.windows_run.set(self.windows_run.get() + windows.len());
            let tag = WordTag {
                label: self.label,
                prob: 1.0,
            };
            Ok(windows
                .iter()
                .map(|w| vec![tag; w.word_starts.len()])
                .collect())
        }
    }

    #[test]
    fn documents_not_normally_cased_go_to_the_any_case_model() {
        fn doc(text: &str) -> Vec<Vec<&str>> {
            text.split(" . ").map(|s| s.split(' ').collect()).collect()
        }
        let docs = [
            doc("Pompeo met Rama in Tirana . The talks failed"),
            doc("pompeo met rama in tirana . the talks failed"),
            doc("POMPEO MET RAMA IN TIRANA . THE TALKS FAILED"),
        ];
        let labels = |tagger: &Tagger<OneLabel>, docs: &[Vec<Vec<&str>>]| -> Vec<usize> {
            let (tags, work) = tagger.tag(docs).unwrap();
            assert!(work.batches >= 1);
            tags.iter().map(|t| t[0].label).collect()
        };
        let plain = Tagger::new(OneLabel::new(1), Batching::default(), true).unwrap();
        assert_eq!(labels(&plain, &docs), [1, 1, 1]);
        let routed = Tagger::new(OneLabel::new(1), Batching::default(), true)
            .unwrap()
            .with_any_case(OneLabel::new(3))
            .unwrap();
        assert!(routed.has_any_case());
        assert_eq!(labels(&routed, &docs), [1, 3, 3]);
        // The cased document's skipped sentence is not sent to either model.
        assert_eq!(routed.model().windows_run.get(), 1);
        // A document's model does not depend on the documents tagged with it.
        assert_eq!(labels(&routed, &docs[1..2]), [3]);
        assert_eq!(labels(&routed, &docs[..1]), [1]);
        // A companion must share the model's tags.
        let mut other = OneLabel::new(3);
        other.config.tags.pop();
        assert!(plain.with_any_case(other).is_err());
    }
}
