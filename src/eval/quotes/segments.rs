//! Per-role exact-segment scoring, as the published attribution systems score PolNeAR
//! (CofeNet, COLING 2022): each role's spans become word segments, cut at paragraph breaks, and
//! a predicted segment counts only when its first and last word equal a gold one's.
//!
//! ```text
//! gold content    “We will not go,” | he said. “Never.”      (one span over two paragraphs)
//! segments        [We will not go]  [Never]                   two content segments
//! predicted       [We will not go]                            one match
//! predicted       [that we will not go]                       no match: "that" is a word
//! ```
//!
//! Segments are compared on words: [`Document::tokens`] that hold a letter or digit, so quote
//! marks and commas at a span's ends do not count (PolNeAR's direct quotes include their marks
//! and comma, whosaid's rules leave them out). A role's segments are a set per article, so a
//! source written once and shared by three attributions counts once, on either side. The same
//! segments, as BIO tags per role, are the attribution model's training targets
//! ([`role_targets`]).

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Serialize;

use super::{GoldArticle, Prf, QuoteError};
use crate::ner::{Bio, Role};
use crate::quotes::Quote;
use crate::text::{Document, Span};

/// One article's segments: (role, first word, end word) over [`Document::tokens`].
pub type RoleSegments = BTreeSet<(Role, usize, usize)>;

/// Segments of spans of one role: the words each covers in each paragraph, without the
/// punctuation-only tokens at either end (quote marks and commas are not words).
fn add_segments(doc: &Document, role: Role, spans: &[Span], out: &mut RoleSegments) {
    let is_word = |w: usize| doc.slice(doc.tokens[w]).chars().any(char::is_alphanumeric);
    for span in spans {
        for mut words in doc.word_ranges(*span) {
            while words.start < words.end && !is_word(words.start) {
                words.start += 1;
            }
            while words.end > words.start && !is_word(words.end - 1) {
                words.end -= 1;
            }
            if !words.is_empty() {
                out.insert((role, words.start, words.end));
            }
        }
    }
}

/// The gold's segments of every role.
pub fn gold_segments(doc: &Document, article: &GoldArticle) -> RoleSegments {
    let mut out = RoleSegments::new();
    for a in &article.attributions {
        add_segments(doc, Role::Source, &a.source, &mut out);
        add_segments(doc, Role::Cue, &a.cue, &mut out);
        add_segments(doc, Role::Content, &a.content, &mut out);
    }
    out
}

/// A quote list's segments: each quote's content, its cue, and its speaker where it is written
/// for this quote (an inherited speaker points at an earlier quote's, already counted).
pub fn quote_segments(doc: &Document, quotes: &[Quote]) -> RoleSegments {
    let mut out = RoleSegments::new();
    for q in quotes {
        add_segments(doc, Role::Content, &[q.span], &mut out);
        add_segments(doc, Role::Cue, q.cue.as_slice(), &mut out);
        add_segments(doc, Role::Source, q.speaker.as_slice(), &mut out);
    }
    out
}

/// The (first word, end word) of one role's segments.
fn of_role(segments: &RoleSegments, role: Role) -> BTreeSet<(usize, usize)> {
    segments
        .iter()
        .filter(|(r, _, _)| *r == role)
        .map(|&(_, a, b)| (a, b))
        .collect()
}

/// Per-role exact-segment precision, recall and F1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SegmentScores {
    pub content: Prf,
    pub source: Prf,
    pub cue: Prf,
}

impl SegmentScores {
    /// The mean F1 of the three roles (what model selection maximises).
    pub fn mean_f1(&self) -> f64 {
        (self.content.f1 + self.source.f1 + self.cue.f1) / 3.0
    }

    /// The figures as a text table.
    pub fn table(&self) -> String {
        let mut out = String::from(
            "per-role exact segments (paragraph-cut, on words)\nrole      gold   pred  P     R     F1\n",
        );
        for (name, p) in [
            ("content", &self.content),
            ("source", &self.source),
            ("cue", &self.cue),
        ] {
            out.push_str(&format!(
                "{name:<8} {:>5} {:>6}  {}\n",
                p.gold,
                p.predicted,
                p.cells()
            ));
        }
        out
    }
}

/// Counts of matched, gold and predicted segments, per role.
#[derive(Debug, Clone, Copy, Default)]
pub struct SegmentTally {
    counts: [(usize, usize, usize); 3],
}

impl SegmentTally {
    pub fn add(&mut self, gold: &RoleSegments, predicted: &RoleSegments) {
        for role in Role::ALL {
            let (g, p) = (of_role(gold, role), of_role(predicted, role));
            let c = &mut self.counts[role.index()];
            c.0 += g.intersection(&p).count();
            c.1 += g.len();
            c.2 += p.len();
        }
    }

    pub fn finish(&self) -> SegmentScores {
        let prf = |role: Role| {
            let (m, g, p) = self.counts[role.index()];
            Prf::new(m, g, p)
        };
        SegmentScores {
            content: prf(Role::Content),
            source: prf(Role::Source),
            cue: prf(Role::Cue),
        }
    }
}

/// One article's segment errors for the errors dump, in text order per role: subset
/// `content segment`, `source segment` or `cue segment`; kind `boundary` for a gold segment
/// missed where a predicted one of its role overlaps it (both texts, each predicted segment
/// paired once), else `missed` or `spurious`. The segment's sentence stands in the speaker
/// columns, so a row can be read alone.
///
/// ```text
/// gold source  [Secretary of State Mike Pompeo]   predicted  [Mike Pompeo]   → boundary
/// gold source  [officials]                        predicted  —               → missed
/// ```
pub fn segment_errors(
    doc: &Document,
    gold: &RoleSegments,
    predicted: &RoleSegments,
) -> Vec<QuoteError> {
    let text =
        |a: usize, b: usize| doc.slice(Span::new(doc.tokens[a].start, doc.tokens[b - 1].end));
    let sentence = |w: usize| {
        let over = doc.sentences_over(doc.tokens[w]);
        doc.sentences
            .get(over.start)
            .filter(|_| !over.is_empty())
            .map_or(String::new(), |s| {
                doc.slice(s.span).replace(['\t', '\n'], " ")
            })
    };
    let mut out = Vec::new();
    for role in Role::ALL {
        let gold = of_role(gold, role);
        let predicted_set = of_role(predicted, role);
        let predicted: Vec<(usize, usize)> = predicted_set.iter().copied().collect();
        let mut paired = vec![false; predicted.len()];
        let exact = |g: &(usize, usize)| predicted_set.contains(g);
        let row = |kind: &str, g: Option<(usize, usize)>, p: Option<(usize, usize)>| QuoteError {
            article: doc.id.clone(),
            subset: format!("{} segment", role.as_str().to_lowercase()),
            kind: kind.to_string(),
            gold_content: g.map_or(String::new(), |(a, b)| text(a, b).to_string()),
            predicted_content: p.map_or(String::new(), |(a, b)| text(a, b).to_string()),
            gold_speaker: g.map_or(String::new(), |(a, _)| sentence(a)),
            predicted_speaker: p.map_or(String::new(), |(a, _)| sentence(a)),
        };
        for g in gold.iter().filter(|g| !exact(g)) {
            let near = predicted
                .iter()
                .enumerate()
                .find(|(i, p)| !paired[*i] && !gold.contains(p) && p.0 < g.1 && g.0 < p.1);
            match near {
                Some((i, &p)) => {
                    paired[i] = true;
                    out.push(row("boundary", Some(*g), Some(p)));
                }
                None => out.push(row("missed", Some(*g), None)),
            }
        }
        for (i, p) in predicted.iter().enumerate() {
            if !paired[i] && !gold.contains(p) {
                out.push(row("spurious", None, Some(*p)));
            }
        }
    }
    out
}

/// The attribution model's targets for one annotated article: per role, a BIO tag for each of
/// `doc`'s words. Where spans of one role overlap (a content inside another), the longer span
/// keeps its words: the outer attribution is the one a reader sees first.
pub fn role_targets(doc: &Document, article: &GoldArticle) -> [Vec<Bio>; 3] {
    let mut out = [(); 3].map(|_| vec![Bio::O; doc.tokens.len()]);
    let mut segments: Vec<(Role, Range<usize>)> = gold_segments(doc, article)
        .into_iter()
        .map(|(role, a, b)| (role, a..b))
        .collect();
    // Longest first; ties in text order, so the targets are deterministic.
    segments.sort_by_key(|(role, words)| (std::cmp::Reverse(words.len()), words.start, *role));
    for (role, words) in segments {
        let tags = &mut out[role.index()];
        if tags[words.clone()].iter().any(|&t| t != Bio::O) {
            continue;
        }
        tags[words.start] = Bio::B;
        for t in &mut tags[words.start + 1..words.end] {
            *t = Bio::I;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::quotes::{document_of, parse_brat};

    const TEXT: &str =
        "“We will not go,” he said.\n\n“Never.” The minister said the talks failed.\n";

    fn article() -> GoldArticle {
        // One content over a paragraph break (two pieces in brat), a nested reported clause.
        let ann = "T1\tContent 0 17;28 36\t“We will not go,” “Never.”\nT2\tCue 21 25\tsaid\nT3\tSource 18 20\the\n\
                   T4\tContent 50 71\tsaid the talks failed\nT5\tContent 55 71\tthe talks failed\nT6\tCue 50 54\tsaid\nT7\tSource 37 49\tThe minister\n\
                   E1\tAttribution:T2 Content:T1 Cue:T2 Source:T3\nE2\tAttribution:T6 Content:T5 Cue:T6 Source:T7\nE3\tAttribution:T6 Content:T4\n";
        parse_brat("t", TEXT, ann).unwrap()
    }

    #[test]
    fn segments_are_cut_at_paragraphs_and_counted_once() {
        let a = article();
        let doc = document_of(&a);
        let gold = gold_segments(&doc, &a);
        let words = |role: Role| -> Vec<String> {
            gold.iter()
                .filter(|(r, _, _)| *r == role)
                .map(|&(_, s, e)| {
                    doc.tokens[s..e]
                        .iter()
                        .map(|t| doc.slice(*t))
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        };
        assert_eq!(
            words(Role::Content),
            [
                "We will not go",
                "Never",
                "said the talks failed",
                "the talks failed"
            ]
        );
        // Cue `said` (T2 and T6 are different words; T6 appears twice and counts once).
        assert_eq!(words(Role::Cue), ["said", "said"]);
        assert_eq!(words(Role::Source), ["he", "The minister"]);
    }

    #[test]
    fn scoring_is_exact_per_role() {
        let a = article();
        let doc = document_of(&a);
        let gold = gold_segments(&doc, &a);
        let mut tally = SegmentTally::default();
        tally.add(&gold, &gold);
        assert_eq!(tally.finish().mean_f1(), 1.0);
        // A content one word short is no match.
        let mut predicted = gold.clone();
        let first = *predicted.iter().find(|s| s.0 == Role::Content).unwrap();
        predicted.remove(&first);
        predicted.insert((Role::Content, first.1 + 1, first.2));
        let mut tally = SegmentTally::default();
        tally.add(&gold, &predicted);
        let scores = tally.finish();
        assert_eq!((scores.content.matched, scores.content.gold), (3, 4));
        assert_eq!(scores.source.f1, 1.0);
        assert!(scores.table().contains("content"));
    }

    #[test]
    fn segment_errors_pair_overlapping_segments_as_boundaries() {
        let a = article();
        let doc = document_of(&a);
        let gold = gold_segments(&doc, &a);
        let word = |w: &str| doc.tokens.iter().position(|t| doc.slice(*t) == w).unwrap();
        let mut predicted = gold.clone();
        // "The minister" read as "minister"; "he" missed; "talks" a spurious source.
        predicted.retain(|s| s.0 != Role::Source);
        predicted.insert((Role::Source, word("minister"), word("minister") + 1));
        predicted.insert((Role::Source, word("talks"), word("talks") + 1));
        let errors = segment_errors(&doc, &gold, &predicted);
        let rows: Vec<(&str, &str, &str, &str)> = errors
            .iter()
            .map(|e| {
                let text = if e.kind == "spurious" {
                    &e.predicted_content
                } else {
                    &e.gold_content
                };
                (
                    e.subset.as_str(),
                    e.kind.as_str(),
                    text.as_str(),
                    e.predicted_content.as_str(),
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("source segment", "missed", "he", ""),
                ("source segment", "boundary", "The minister", "minister"),
                ("source segment", "spurious", "talks", "talks"),
            ]
        );
        // The sentence of each segment stands beside it.
        assert_eq!(
            errors[1].gold_speaker,
            "The minister said the talks failed."
        );
        assert!(segment_errors(&doc, &gold, &gold).is_empty());
    }

    #[test]
    fn targets_keep_the_outer_span_where_spans_of_a_role_nest() {
        let a = article();
        let doc = document_of(&a);
        let [source, cue, content] = role_targets(&doc, &a);
        let tagged = |tags: &[Bio]| -> String {
            doc.tokens
                .iter()
                .zip(tags)
                .filter(|(_, &t)| t != Bio::O)
                .map(|(w, t)| format!("{}/{t:?}", doc.slice(*w)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(tagged(&source), "he/B The/B minister/I");
        assert_eq!(tagged(&cue), "said/B said/B");
        // The outer "said the talks failed" wins over the nested "the talks failed".
        assert_eq!(
            tagged(&content),
            "We/B will/I not/I go/I Never/B said/B the/I talks/I failed/I"
        );
    }
}
