//! Quote scoring: PolNeAR-style brat standoff and the project's JSONL fixtures in, content /
//! cue / speaker figures out.
//!
//! # Gold formats
//!
//! **brat standoff** ([`load_brat_dir`], rules in [`brat`]'s doc): a folder with `text/NAME.txt` and
//! `attributions/NAME_ANNOTATOR.ann` (PolNeAR names an .ann file after its article and a 4-hex
//! annotator id, e.g. `…-wells-f_6b86.ann`). `T` lines give spans (`T1<TAB>Source 10 20<TAB>text`,
//! discontinuous spans as `10 20;25 30`), `E` lines tie them into one attribution
//! (`E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`; `Attribution-no-source`, `Content2`
//! occur). Offsets count characters (Unicode scalar values) and are converted to bytes here. Some
//! articles were annotated by several annotators; we score against **one** annotation per article,
//! the annotator id first in sorted order, so every run reads the same gold.
//!
//! **Fixtures** ([`load_fixtures`]): JSONL, one article per line:
//!
//! ```json
//! {"id": "seed-000",
//!  "text": "…",
//!  "quotes": [{"content": [120, 180], "cue": [182, 186], "speaker": [187, 194],
//!              "speaker_canonical": "Sandër Lleshaj", "kind": "direct"}],
//!  "entities": [{"start": 187, "end": 194, "label": "PER"}]}
//! ```
//!
//! `quotes` must be there (`[]` for an article without any). All offsets are **character**
//! offsets into `text`, end exclusive. `content` is one `[start,
//! end]` pair or a list of pairs (a split quote); `cue`, `speaker`, `speaker_canonical` and `kind`
//! (`direct`, `indirect`, `mixed`) may be null or absent. `entities` lists the article's gold
//! named-entity mentions (labels PER/ORG/LOC/MISC); [`gold_entity_mentions`] turns them into
//! mentions, so fixtures score without a model.
//!
//! # Metrics
//!
//! Content spans are compared after trimming white space, punctuation and quote marks at both
//! ends and a leading "that" (gold direct quotes in PolNeAR include their marks and comma; ours do
//! not). Predicted quotes sharing a cue form one predicted attribution (a split quote is one
//! attribution with two content pieces, as in the gold). Matching is one-to-one and greedy, best
//! overlap first, where overlap = |gold ∩ predicted| / |gold| in bytes; precision, recall and F1
//! are reported for exact match and for overlap ≥ 0.3 and ≥ 0.8. Cue F1 matches cue spans that
//! overlap. Speaker accuracy counts, over attributions matched at overlap ≥ 0.3 whose gold has a
//! source, those whose predicted speaker overlaps the gold source, or resolves to the gold
//! speaker's canonical name, or to the entity of a mention overlapping the gold source.
//!
//! Subsets: `all`; `direct` (gold content holding a double quote mark or opening with a single
//! one, or written between quote marks without them, or kind direct/mixed; predictions of kind direct/mixed); `speech-verb cue` (gold cues
//! holding a speech verb of [`crate::quotes::lexicon`], predictions whose cue holds one).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Result};
use serde::Serialize;

use crate::entities::{merge, name_mentions};
use crate::ner::EntityLabel;
use crate::quotes::learned::RoleTags;
use crate::quotes::{self, QuoteKind, QuoteMethod};
use crate::text::{Document, Span};

/// One gold attribution; spans are byte ranges into the article's text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoldAttribution {
    /// The content, in pieces (discontinuous in brat, split quotes in fixtures).
    pub content: Vec<Span>,
    pub cue: Vec<Span>,
    pub source: Vec<Span>,
    /// The speaker's canonical name, when the gold gives it (fixtures).
    pub speaker_canonical: Option<String>,
    /// The kind, when the gold gives it (fixtures).
    pub kind: Option<QuoteKind>,
}

/// A gold named-entity mention (fixtures), as a byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldEntity {
    pub span: Span,
    pub label: EntityLabel,
}

/// One labeled article.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GoldArticle {
    pub id: String,
    pub text: String,
    pub attributions: Vec<GoldAttribution>,
    pub entities: Vec<GoldEntity>,
    /// Annotations the gold leaves out, each with where and why (`bridge_a1b2.ann: line 12: E5
    /// has no Content`): PolNeAR has a few attribution events without a content.
    pub left_out: Vec<String>,
}

mod baseline;
mod brat;
mod gold;
mod matching;
mod segments;

pub use baseline::capitalized_run_mentions;
pub use brat::{load_brat_annotations, load_brat_dir, parse_brat};
pub use gold::{document_of, gold_entity_mentions, load_fixtures, parse_fixture_line};
use matching::*;
pub use segments::{
    gold_segments, quote_segments, role_targets, segment_errors, RoleSegments, SegmentScores,
    SegmentTally,
};

/// Precision, recall and F1 of one comparison. A figure over nothing (precision without
/// predictions; recall and F1 without gold) is 0 here and `null` in JSON, `—` in tables: a
/// subset without gold attributions has no recall to report, not one of 0.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Prf {
    pub matched: usize,
    pub gold: usize,
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Serialize for Prf {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Prf", 6)?;
        s.serialize_field("matched", &self.matched)?;
        s.serialize_field("gold", &self.gold)?;
        s.serialize_field("predicted", &self.predicted)?;
        s.serialize_field("precision", &self.precision_if_defined())?;
        s.serialize_field("recall", &self.recall_if_defined())?;
        s.serialize_field("f1", &self.f1_if_defined())?;
        s.end()
    }
}

impl Prf {
    /// Precision, unless nothing was predicted.
    pub fn precision_if_defined(&self) -> Option<f64> {
        (self.predicted > 0).then_some(self.precision)
    }

    /// Recall, unless there is no gold (F1 too is then undefined).
    pub fn recall_if_defined(&self) -> Option<f64> {
        (self.gold > 0).then_some(self.recall)
    }

    /// F1, unless there is no gold (as recall).
    pub fn f1_if_defined(&self) -> Option<f64> {
        (self.gold > 0).then_some(self.f1)
    }

    /// `P R F1` to three places, `—` for a figure over nothing.
    pub fn cells(&self) -> String {
        let figures = [
            self.precision_if_defined(),
            self.recall_if_defined(),
            self.f1_if_defined(),
        ];
        figures.map(|x| figure(x, 5)).join(" ")
    }

    pub fn new(matched: usize, gold: usize, predicted: usize) -> Prf {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let (p, r) = (ratio(matched, predicted), ratio(matched, gold));
        let f1 = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        Prf {
            matched,
            gold,
            predicted,
            precision: p,
            recall: r,
            f1,
        }
    }
}

/// The figures of one subset of attributions.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SubsetScores {
    pub name: String,
    pub content_exact: Prf,
    pub content_overlap_30: Prf,
    pub content_overlap_80: Prf,
    pub cue: Prf,
    /// Correct speakers among matched (overlap ≥ 0.3) attributions whose gold has a source.
    pub speaker_correct: usize,
    pub speaker_judged: usize,
    /// None when no speaker was judged.
    pub speaker_accuracy: Option<f64>,
}

/// A figure to three places, right-aligned in `width`; `—` when undefined.
pub fn figure(x: Option<f64>, width: usize) -> String {
    match x {
        Some(x) => format!("{x:>width$.3}"),
        None => format!("{:>width$}", "—"),
    }
}

/// One error, for the errors dump.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteError {
    pub article: String,
    /// The subset the error was counted in: `all`, `direct` or `speech-verb cue`; or a role's
    /// exact segments (`source segment`, …: [`segment_errors`]).
    pub subset: String,
    /// `missed`, `spurious`, `wrong_speaker`, `boundary` (matched at 0.3, not exactly).
    pub kind: String,
    pub gold_content: String,
    pub predicted_content: String,
    pub gold_speaker: String,
    pub predicted_speaker: String,
}

/// Everything a quote evaluation found.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct QuoteReport {
    pub articles: usize,
    pub subsets: Vec<SubsetScores>,
    /// Per-role exact segments, as the published attribution systems score.
    pub segments: SegmentScores,
    /// How many errors of each kind (over all attributions).
    pub error_counts: BTreeMap<String, usize>,
    #[serde(skip)]
    pub errors: Vec<QuoteError>,
}

impl QuoteReport {
    /// The figures as a text table.
    pub fn table(&self) -> String {
        let mut out = format!("quotes: {} articles\n", self.articles);
        out.push_str(&format!(
            "{:<16} {:>6} {:>6} | {:>17} | {:>17} | {:>17} | {:>6} | {:>14}\n",
            "subset",
            "gold",
            "pred",
            "exact P/R/F1",
            "overlap≥0.3 P/R/F1",
            "overlap≥0.8 P/R/F1",
            "cue F1",
            "speaker acc"
        ));
        for s in &self.subsets {
            out.push_str(&format!(
                "{:<16} {:>6} {:>6} | {:>17} | {:>17} | {:>17} | {} | {} ({}/{})\n",
                s.name,
                s.content_exact.gold,
                s.content_exact.predicted,
                s.content_exact.cells(),
                s.content_overlap_30.cells(),
                s.content_overlap_80.cells(),
                figure(s.cue.f1_if_defined(), 6),
                figure(s.speaker_accuracy, 5),
                s.speaker_correct,
                s.speaker_judged
            ));
        }
        let counts: Vec<String> = self
            .error_counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        let counts = if counts.is_empty() {
            "none".to_string()
        } else {
            counts.join(", ")
        };
        out.push_str(&format!("errors: {counts}\n"));
        out.push_str(&self.segments.table());
        out
    }

    /// Writes the errors, one per line: article, subset, kind, gold and predicted content, gold and
    /// predicted speaker, separated by tabs; whole or not at all ([`crate::whole_file::replace_file`]).
    pub fn write_errors(&self, path: &Path) -> Result<()> {
        crate::whole_file::replace_file(path, |temp| {
            let mut f = std::io::BufWriter::new(std::fs::File::create(temp)?);
            writeln!(
                f,
                "article\tsubset\tkind\tgold_content\tpredicted_content\tgold_speaker\tpredicted_speaker"
            )?;
            for e in &self.errors {
                writeln!(
                    f,
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    e.article,
                    e.subset,
                    e.kind,
                    e.gold_content,
                    e.predicted_content,
                    e.gold_speaker,
                    e.predicted_speaker
                )?;
            }
            // A write error the buffer held back surfaces here, before the rename.
            f.into_inner()?;
            Ok(())
        })
    }
}

/// Extracts every article's quotes (with the mentions `mentions_for` gives for the documents, in
/// order) and scores them against the gold.
pub fn score_quotes(
    articles: &[GoldArticle],
    mentions_for: &mut MentionSource,
) -> Result<QuoteReport> {
    score_quotes_by(articles, mentions_for, QuoteMethod::Rules, &mut |_| {
        Ok(Vec::new())
    })
}

/// The attribution model's tags for documents, in order (what [`score_quotes_by`] asks for when
/// the method uses the model).
pub type RoleTagSource<'a> = dyn FnMut(&[Document]) -> Result<Vec<RoleTags>> + 'a;

/// [`score_quotes`] with the quotes found by `method`; also scores per-role exact segments
/// ([`SegmentScores`]).
pub fn score_quotes_by(
    articles: &[GoldArticle],
    mentions_for: &mut MentionSource,
    method: QuoteMethod,
    role_tags_for: &mut RoleTagSource,
) -> Result<QuoteReport> {
    let docs: Vec<Document> = articles.iter().map(document_of).collect();
    let role_tags = role_tags_of(&docs, method, role_tags_for)?;
    let mut segments = SegmentTally::default();
    let all_mentions = mentions_for(&docs)?;
    if all_mentions.len() != docs.len() {
        bail!(
            "the mention source gave {} lists for {} articles",
            all_mentions.len(),
            docs.len()
        );
    }
    let (mut all, mut direct, mut speech) = (Tally::default(), Tally::default(), Tally::default());
    let mut errors = Vec::new();
    for (i, ((article, doc), mentions)) in articles.iter().zip(&docs).zip(all_mentions).enumerate()
    {
        // As extract does: title-only mentions are no entities.
        let mentions = &name_mentions(doc, mentions);
        let entities = merge(doc, mentions);
        let quotes = quotes::extract_by(method, doc, mentions, &entities, role_tags.get(i));
        let (gold_segs, predicted_segs) =
            (gold_segments(doc, article), quote_segments(doc, &quotes));
        segments.add(&gold_segs, &predicted_segs);
        errors.extend(segment_errors(doc, &gold_segs, &predicted_segs));
        let predicted = group_predictions(&quotes);
        let ctx = ArticleContext {
            article,
            mentions,
            entities: &entities,
        };
        let gold_all: Vec<&GoldAttribution> = article.attributions.iter().collect();
        let pred_all: Vec<&Predicted> = predicted.iter().collect();
        score_subset(&ctx, "all", &gold_all, &pred_all, &mut all, &mut errors);

        let (gold_direct, pred_direct) = direct_subset(&article.text, &gold_all, &pred_all);
        score_subset(
            &ctx,
            "direct",
            &gold_direct,
            &pred_direct,
            &mut direct,
            &mut errors,
        );
        let (gold_speech, pred_speech) = speech_verb_subset(&article.text, &gold_all, &pred_all);
        score_subset(
            &ctx,
            "speech-verb cue",
            &gold_speech,
            &pred_speech,
            &mut speech,
            &mut errors,
        );
    }
    let mut error_counts = BTreeMap::new();
    for e in errors.iter().filter(|e| e.subset == "all") {
        *error_counts.entry(e.kind.clone()).or_insert(0) += 1;
    }
    Ok(QuoteReport {
        articles: articles.len(),
        subsets: vec![
            all.finish("all"),
            direct.finish("direct"),
            speech.finish("speech-verb cue"),
        ],
        segments: segments.finish(),
        error_counts,
        errors,
    })
}

/// The model's tags of every document, when `method` uses the model (else none).
fn role_tags_of(
    docs: &[Document],
    method: QuoteMethod,
    role_tags_for: &mut RoleTagSource,
) -> Result<Vec<RoleTags>> {
    if method == QuoteMethod::Rules {
        return Ok(Vec::new());
    }
    let tags = role_tags_for(docs)?;
    if tags.len() != docs.len() {
        bail!(
            "the quote model gave {} tag lists for {} articles",
            tags.len(),
            docs.len()
        );
    }
    Ok(tags)
}

/// The `direct` subset: gold of kind direct or mixed (or, without a kind, content holding a quote
/// mark or written between marks, [`between_marks`]); predictions not indirect.
fn direct_subset<'a, 'p>(
    text: &str,
    gold: &[&'a GoldAttribution],
    pred: &[&'p Predicted],
) -> (Vec<&'a GoldAttribution>, Vec<&'p Predicted>) {
    let is_direct_gold = |g: &&GoldAttribution| match g.kind {
        Some(k) => k != QuoteKind::Indirect,
        None => {
            g.content.iter().any(|s| has_quote_mark(&text[s.range()]))
                || between_marks(text, &g.content)
        }
    };
    (
        gold.iter().copied().filter(is_direct_gold).collect(),
        pred.iter()
            .copied()
            .filter(|p| p.kind != QuoteKind::Indirect)
            .collect(),
    )
}

/// The `speech-verb cue` subset: gold and predictions whose cue holds a speech verb.
fn speech_verb_subset<'a, 'p>(
    text: &str,
    gold: &[&'a GoldAttribution],
    pred: &[&'p Predicted],
) -> (Vec<&'a GoldAttribution>, Vec<&'p Predicted>) {
    let cue_text = |spans: &[Span]| {
        spans
            .iter()
            .map(|s| &text[s.range()])
            .collect::<Vec<_>>()
            .join(" ")
    };
    (
        gold.iter()
            .copied()
            .filter(|g| cue_has_speech_verb(&cue_text(&g.cue)))
            .collect(),
        pred.iter()
            .copied()
            .filter(|p| p.cue.is_some_and(|c| cue_has_speech_verb(&text[c.range()])))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A figure over nothing is `—` and JSON `null`, not 0: before, a subset without gold
    /// printed recall, F1 and speaker accuracy 0.000 beside predictions that were right.
    #[test]
    fn figures_over_nothing_are_left_undefined() {
        let p = Prf::new(0, 0, 3);
        assert_eq!(p.cells(), "0.000     —     —");
        let json = serde_json::to_value(p).unwrap();
        assert_eq!(json["precision"], 0.0);
        assert!(json["recall"].is_null() && json["f1"].is_null());
        let none = Prf::new(0, 4, 0);
        assert_eq!(none.cells(), "    — 0.000 0.000");
        assert_eq!(Prf::new(1, 2, 2).cells(), "0.500 0.500 0.500");
    }

    #[test]
    fn brat_offsets_are_characters() {
        let text = "“Ça va,” said Zoë.";
        let ann = "T1\tContent 0 8\t“Ça va,”\nT2\tCue 9 13\tsaid\nT3\tSource 14 17\tZoë\nT4\tAttribution 9 13\tsaid\nE1\tAttribution:T4 Content:T1 Cue:T2 Source:T3\n";
        let a = parse_brat("x", text, ann).unwrap();
        assert_eq!(a.attributions.len(), 1);
        let g = &a.attributions[0];
        assert_eq!(&text[g.content[0].range()], "“Ça va,”");
        assert_eq!(&text[g.cue[0].range()], "said");
        assert_eq!(&text[g.source[0].range()], "Zoë");
        let disc = parse_brat(
            "x",
            "ab cd ef",
            "T1\tContent 0 2;6 8\tab ef\nE1\tAttribution:T1 Content:T1\n",
        )
        .unwrap();
        assert_eq!(
            disc.attributions[0].content,
            vec![Span::new(0, 2), Span::new(6, 8)]
        );
        assert!(parse_brat("x", "ab", "T1\tContent 0 9\tab\n").is_err());
        // A span text over a paragraph break continues on lines of its own.
        let multi = parse_brat(
            "x",
            "ab\n\nThe cd",
            "T1\tContent 0 2;4 10\tab\n\nThe cd\nE1\tAttribution:T1 Content:T1\n",
        )
        .unwrap();
        assert_eq!(
            multi.attributions[0].content,
            vec![Span::new(0, 2), Span::new(4, 10)]
        );
    }

    #[test]
    fn fixture_line_round_trip_and_scoring() {
        let line = r#"{"id":"t","text":"“Ça va bien, merci,” said Zoë Arden.","quotes":[{"content":[1,18],"cue":[21,25],"speaker":[26,35],"speaker_canonical":"Zoë Arden","kind":"direct"}],"entities":[{"start":26,"end":35,"label":"PER"}]}"#;
        let a = parse_fixture_line(line).unwrap();
        assert_eq!(
            &a.text[a.attributions[0].content[0].range()],
            "Ça va bien, merci"
        );
        assert_eq!(&a.text[a.entities[0].span.range()], "Zoë Arden");
        let report = score_quotes(std::slice::from_ref(&a), &mut |docs| {
            Ok(vec![gold_entity_mentions(&a); docs.len()])
        })
        .unwrap();
        let all = &report.subsets[0];
        assert_eq!(all.content_exact.f1, 1.0, "{}", report.table());
        assert_eq!(all.speaker_accuracy, Some(1.0));
        assert_eq!(all.cue.f1, 1.0);
        assert!(report.table().contains("direct"));
    }

    /// A gold content written without its marks, between them, is direct: the matching trims
    /// marks, yet the subset left it out, so its exact match was a spurious direct quote.
    #[test]
    fn a_content_between_marks_is_direct_gold() {
        let text = "“The cracks are old,” Berisha said that it is fine.";
        let gold = |start: usize, end: usize| GoldAttribution {
            content: vec![Span::new(start, end)],
            ..Default::default()
        };
        let (quoted, indirect) = (gold(3, 21), gold(44, 55));
        assert_eq!(&text[quoted.content[0].range()], "The cracks are old");
        assert_eq!(&text[indirect.content[0].range()], "it is fine.");
        let (direct, _) = direct_subset(text, &[&quoted, &indirect], &[]);
        assert_eq!(direct, [&quoted]);
    }

    #[test]
    fn normalization_ignores_marks_and_that() {
        let text = "He said that the plan “works,” and more.";
        let s = normalize(text, Span::new(8, text.len()));
        assert_eq!(&text[s.range()], "the plan “works,” and more");
        let text = "said that, “there were issues.” Then";
        let s = normalize(text, Span::new(5, 31));
        assert_eq!(&text[s.range()], "there were issues");
        // "thatch" is no "that".
        let text = "thatch roofs";
        assert_eq!(normalize(text, Span::new(0, text.len())), Span::new(0, 12));
        // Spans that only white space and punctuation separate are one.
        let text = "“One. Two.” Three";
        let joined = normalize_all(text, &[Span::new(0, 7), Span::new(8, 15)]);
        assert_eq!(joined, vec![Span::new(3, 11)]);
        let apart = normalize_all(text, &[Span::new(3, 7), Span::new(16, 21)]);
        assert_eq!(apart.len(), 2);
    }
}
