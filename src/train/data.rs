//! The NER trainer's data: CoNLL documents read, re-cased for augmentation, and cut into
//! windows with a gold label per word start, exactly as `extract` cuts its windows.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use super::TrainOptions;
use crate::conll::{read_conll, to_iob2, ConllDocument, Recase};
use crate::ner::{self, Tag, Window, CONLL_TAGS};

/// A training example: a window and the gold label id of each word start in it.
pub(super) struct Example {
    pub(super) window: Window,
    pub(super) labels: Vec<i64>,
}

fn label_id(tag: Tag) -> Result<i64> {
    // IOB1 files mark the first word of an entity I- unless it follows one of the same type; as
    // training targets we want IOB2, converted by the caller.
    CONLL_TAGS
        .iter()
        .position(|&t| t == tag)
        .map(|i| i as i64)
        .with_context(|| format!("unknown tag {tag}"))
}

fn examples(docs: &[ConllDocument], windower: &ner::Windower) -> Result<Vec<Example>> {
    let mut out = Vec::new();
    for doc in docs {
        let sentences: Vec<Vec<&str>> = doc
            .sentences
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        let tags: Vec<i64> = doc
            .sentences
            .iter()
            .flat_map(|s| to_iob2(&s.tags))
            .map(label_id)
            .collect::<Result<_>>()?;
        for window in windower.windows(&sentences)? {
            let labels = window.word_starts.iter().map(|&(_, w)| tags[w]).collect();
            out.push(Example { window, labels });
        }
    }
    Ok(out)
}

/// Casing augmentation: each sentence is, with probability `share`, rewritten all lower case
/// (one half of those) or all upper case (the other half), `Pompeo met Lleshaj` →
/// `pompeo met lleshaj` or `POMPEO MET LLESHAJ`. The word pieces stay the same (the vocabulary is
/// uncased); the casing input changes, so the model learns names from the words too. Which
/// sentences is fixed by `seed` and each sentence's position.
fn recase_sentences(docs: &mut [ConllDocument], share: f64, seed: i64) {
    if share <= 0.0 {
        return;
    }
    for (d, doc) in docs.iter_mut().enumerate() {
        for (s, sentence) in doc.sentences.iter_mut().enumerate() {
            let draw = crate::fnv::Fnv1a::default()
                .field(&seed.to_le_bytes())
                .field(&d.to_le_bytes())
                .field(&s.to_le_bytes())
                .finish();
            let unit = (draw >> 11) as f64 / (1u64 << 53) as f64;
            if unit < share / 2.0 {
                Recase::Lower.apply(sentence);
            } else if unit < share {
                Recase::Upper.apply(sentence);
            }
        }
    }
}

pub(super) fn read_all(paths: &[PathBuf], limit: Option<usize>) -> Result<Vec<ConllDocument>> {
    let mut docs = Vec::new();
    for p in paths {
        docs.extend(read_conll(p)?);
    }
    if let Some(limit) = limit {
        let mut left = limit;
        docs.retain_mut(|d| {
            d.sentences.truncate(left);
            left -= d.sentences.len();
            !d.sentences.is_empty()
        });
    }
    Ok(docs)
}

/// The training set, ready for the loop.
pub(super) struct TrainingData {
    /// Documents read (after `--limit-sentences`).
    pub(super) documents: usize,
    /// The windows as the student reads them (re-cased by `--case-augment`).
    pub(super) examples: Vec<Example>,
    /// With a teacher and `--case-augment`: the same windows as written. The vocabulary is
    /// uncased, so the windows are the same and only the casing input differs; the student
    /// learns to find on re-cased text what the teacher finds on cased text. Without
    /// augmentation the teacher reads [`TrainingData::examples`] ([`TrainingData::teacher_input`]).
    teacher_view: Option<Vec<Example>>,
}

impl TrainingData {
    pub(super) fn read(opts: &TrainOptions, windower: &ner::Windower) -> Result<TrainingData> {
        let as_written = read_all(&opts.train, opts.limit_sentences)?;
        let recasing = opts.case_augment > 0.0;
        let teacher_view = if recasing && !opts.teacher.is_empty() {
            Some(examples(&as_written, windower)?)
        } else {
            None
        };
        let mut docs = as_written;
        recase_sentences(&mut docs, opts.case_augment, opts.seed);
        let student_view = examples(&docs, windower)?;
        if student_view.is_empty() {
            bail!("no training sentences in {:?}", opts.train);
        }
        Ok(TrainingData {
            documents: docs.len(),
            examples: student_view,
            teacher_view,
        })
    }

    /// The windows the teacher reads: as written.
    pub(super) fn teacher_input(&self) -> &[Example] {
        self.teacher_view.as_deref().unwrap_or(&self.examples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing_augmentation_rewrites_about_its_share_of_sentences() {
        let sentence = |i: usize| crate::conll::ConllSentence {
            words: vec![format!("Pompeo{i}"), "met".into(), "MEK".into()],
            tags: vec![Tag::Outside; 3],
            line: 0,
        };
        let mut docs = vec![ConllDocument {
            sentences: (0..1000).map(sentence).collect(),
        }];
        recase_sentences(&mut docs, 0.4, 13);
        let (mut lower, mut upper) = (0, 0);
        for s in &docs[0].sentences {
            let text = s.words.join(" ");
            lower += (text == text.to_lowercase()) as usize;
            upper += (text == text.to_uppercase()) as usize;
        }
        assert!((150..250).contains(&lower), "{lower} lower-cased of 1000");
        assert!((150..250).contains(&upper), "{upper} upper-cased of 1000");
        let mut same = docs.clone();
        recase_sentences(&mut same, 0.0, 13);
        assert_eq!(same, docs);
    }
}
