//! NER scoring: CoNLL files in, entity-level exact-match precision/recall/F1 out.
//!
//! The definition is conlleval's (and seqeval's default mode): a predicted entity counts when
//! its type, first word and last word equal a gold entity's; tags are read as IOB, where an I-X
//! that does not continue an X starts a new entity, so IOB1 and IOB2 files both score right.

use std::collections::BTreeMap;

use anyhow::Result;
use serde::Serialize;

use crate::conll::ConllDocument;
use crate::ner::{decode_tags, EntityLabel, Tag, TagModel, TaggedEntity, Tagger};

/// Counts for one entity type.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TypeScore {
    pub gold: usize,
    pub predicted: usize,
    pub correct: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl TypeScore {
    fn finish(&mut self) {
        self.precision = ratio(self.correct, self.predicted);
        self.recall = ratio(self.correct, self.gold);
        self.f1 = if self.precision + self.recall > 0.0 {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        } else {
            0.0
        };
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Entity-level scores per type and micro-averaged over all types.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct NerScore {
    pub per_type: BTreeMap<EntityLabel, TypeScore>,
    pub micro: TypeScore,
}

/// An entity-level mismatch, for `--errors`.
#[derive(Debug, Clone, Serialize)]
pub struct NerMismatch {
    pub sentence: usize,
    /// The entity's first word's place in its sentence (0 for the first word).
    pub word: usize,
    /// "missed" (gold not predicted) or "spurious" (predicted, not gold).
    pub kind: &'static str,
    pub label: EntityLabel,
    pub text: String,
    pub context: String,
}

/// Accumulates gold/predicted tag sequences sentence by sentence.
#[derive(Debug, Default)]
pub struct NerScorer {
    score: NerScore,
    pub mismatches: Vec<NerMismatch>,
    sentences: usize,
}

impl NerScorer {
    /// Adds one sentence (or any tag sequence scored as a unit).
    pub fn add(&mut self, words: &[String], gold: &[Tag], predicted: &[Tag]) {
        assert_eq!(
            gold.len(),
            predicted.len(),
            "gold and predicted tag sequences differ in length"
        );
        let g = decode_tags(gold.iter().copied());
        let p = decode_tags(predicted.iter().copied());
        for e in &g {
            let t = self.score.per_type.entry(e.label).or_default();
            t.gold += 1;
            if p.contains(e) {
                t.correct += 1;
            } else {
                self.mismatches
                    .push(mismatch(self.sentences, "missed", words, e));
            }
        }
        for e in &p {
            self.score.per_type.entry(e.label).or_default().predicted += 1;
            if !g.contains(e) {
                self.mismatches
                    .push(mismatch(self.sentences, "spurious", words, e));
            }
        }
        self.sentences += 1;
    }

    pub fn finish(mut self) -> (NerScore, Vec<NerMismatch>) {
        let mut micro = TypeScore::default();
        for t in self.score.per_type.values_mut() {
            t.finish();
            micro.gold += t.gold;
            micro.predicted += t.predicted;
            micro.correct += t.correct;
        }
        micro.finish();
        self.score.micro = micro;
        (self.score, self.mismatches)
    }
}

fn mismatch(
    sentence: usize,
    kind: &'static str,
    words: &[String],
    entity: &TaggedEntity,
) -> NerMismatch {
    NerMismatch {
        sentence,
        word: entity.words.start,
        kind,
        label: entity.label,
        text: words
            .get(entity.words.clone())
            .map(|w| w.join(" "))
            .unwrap_or_default(),
        context: words.join(" "),
    }
}

/// Renders scores as a table.
pub fn format_score(score: &NerScore) -> String {
    let mut s = format!(
        "{:<8} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}\n",
        "type", "precision", "recall", "f1", "gold", "pred", "correct"
    );
    let row = |name: &str, t: &TypeScore| {
        format!(
            "{:<8} {:>9.4} {:>9.4} {:>9.4} {:>7} {:>7} {:>7}\n",
            name, t.precision, t.recall, t.f1, t.gold, t.predicted, t.correct
        )
    };
    for (k, t) in &score.per_type {
        s.push_str(&row(k.as_str(), t));
    }
    s.push_str(&row("micro", &score.micro));
    s
}

/// Predicted tags for every word of every sentence of `docs`, each document tagged as a whole
/// (so a sentence sees its neighbours, as in `extract`). Returns tags and the number of word
/// pieces run.
pub fn predict_conll(
    tagger: &Tagger<impl TagModel>,
    docs: &[ConllDocument],
) -> Result<(Vec<Vec<Vec<Tag>>>, usize)> {
    let sentences: Vec<Vec<Vec<&str>>> = docs
        .iter()
        .map(|doc| {
            doc.sentences
                .iter()
                .map(|s| s.words.iter().map(String::as_str).collect())
                .collect()
        })
        .collect();
    let (word_tags, work) = tagger.tag(&sentences)?;
    let tag_set = tagger.tag_set();
    let out = docs
        .iter()
        .zip(word_tags)
        .map(|(doc, tags)| {
            let mut it = tags.into_iter().map(|t| t.tag(tag_set));
            doc.sentences
                .iter()
                .map(|s| it.by_ref().take(s.words.len()).collect())
                .collect()
        })
        .collect();
    Ok((out, work.pieces))
}

/// Scores a tagger on CoNLL documents.
pub fn evaluate_conll(
    tagger: &Tagger<impl TagModel>,
    docs: &[ConllDocument],
) -> Result<(NerScore, Vec<NerMismatch>, EvalSpeed)> {
    let started = std::time::Instant::now();
    let (predicted, pieces) = predict_conll(tagger, docs)?;
    let seconds = started.elapsed().as_secs_f64();
    let mut scorer = NerScorer::default();
    let mut words = 0;
    for (doc, pred) in docs.iter().zip(&predicted) {
        for (s, p) in doc.sentences.iter().zip(pred) {
            words += s.words.len();
            scorer.add(&s.words, &s.tags, p);
        }
    }
    let (score, mismatches) = scorer.finish();
    Ok((
        score,
        mismatches,
        EvalSpeed {
            words,
            pieces,
            seconds,
        },
    ))
}

/// How fast an evaluation ran.
#[derive(Debug, Clone, Serialize)]
pub struct EvalSpeed {
    pub words: usize,
    pub pieces: usize,
    pub seconds: f64,
}

impl EvalSpeed {
    pub fn words_per_second(&self) -> f64 {
        self.words as f64 / self.seconds.max(1e-9)
    }
    pub fn pieces_per_second(&self) -> f64 {
        self.pieces as f64 / self.seconds.max(1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    use crate::ner::parse_tags as t;

    /// Hand-computed: gold has PER(0-2), LOC(3), ORG(5-7), MISC(8) = 4 entities. Predicted has
    /// PER(0-2) correct, LOC(3-5) wrong boundary, ORG(5-7) correct but typed as ORG starting with
    /// I- (IOB1 style, still correct), MISC(8) missed, PER(9) spurious: 4 predicted, 2 correct.
    /// P = 2/4, R = 2/4, F1 = 0.5. Per type: PER P 1/2 R 1/1; LOC P 0/1 R 0/1; ORG 1/1; MISC R 0/1.
    #[test]
    fn matches_hand_computed_conlleval_scores() {
        let words = v("a b c d e f g h i j");
        let gold = t("B-PER I-PER O B-LOC O B-ORG I-ORG O B-MISC O");
        let pred = t("B-PER I-PER O B-LOC I-LOC I-ORG I-ORG O O B-PER");
        let mut sc = NerScorer::default();
        sc.add(&words, &gold, &pred);
        let (score, mismatches) = sc.finish();
        assert_eq!(
            (score.micro.gold, score.micro.predicted, score.micro.correct),
            (4, 4, 2)
        );
        assert!((score.micro.f1 - 0.5).abs() < 1e-12);
        let per = &score.per_type[&EntityLabel::Per];
        assert_eq!((per.precision, per.recall), (0.5, 1.0));
        assert!((per.f1 - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(score.per_type[&EntityLabel::Loc].f1, 0.0);
        assert_eq!(score.per_type[&EntityLabel::Org].f1, 1.0);
        assert_eq!(
            (
                score.per_type[&EntityLabel::Misc].recall,
                score.per_type[&EntityLabel::Misc].predicted
            ),
            (0.0, 0)
        );
        assert_eq!(mismatches.iter().filter(|m| m.kind == "missed").count(), 2);
        assert_eq!(
            mismatches.iter().filter(|m| m.kind == "spurious").count(),
            2
        );
    }
}
