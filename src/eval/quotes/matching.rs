//! Matching predicted attributions to gold ones and tallying the figures of one subset.

use crate::entities::Entities;
use crate::ner::Mention;
use crate::quotes::{lexicon, marks, Quote, QuoteKind};
use crate::text::{Document, Span};
use anyhow::Result;

use super::*;

/// A predicted attribution: the quotes sharing one cue.
pub(super) struct Predicted {
    pub(super) content: Vec<Span>,
    pub(super) cue: Option<Span>,
    pub(super) speaker: Option<Span>,
    pub(super) speaker_entity: Option<usize>,
    pub(super) kind: QuoteKind,
}

pub(super) fn group_predictions(quotes: &[Quote]) -> Vec<Predicted> {
    let mut out: Vec<Predicted> = Vec::new();
    for (q, id) in quotes.iter().zip(crate::quotes::attribution_ids(quotes)) {
        // Ids count from 1 in order of first part: a new id is the next attribution.
        if let Some(p) = out.get_mut(id - 1) {
            p.content.push(q.span);
            if q.kind != QuoteKind::Direct {
                p.kind = q.kind;
            }
            continue;
        }
        out.push(Predicted {
            content: vec![q.span],
            cue: q.cue,
            speaker: q.speaker,
            speaker_entity: q.speaker_entity,
            kind: q.kind,
        });
    }
    out
}

pub(super) fn is_trim_char(c: char) -> bool {
    c.is_whitespace()
        || (!c.is_alphanumeric() && !matches!(c, '$' | '%' | '&' | '€' | '£'))
        || marks::is_quote_mark(c)
}

/// Trims white space, punctuation, quote marks and a leading "that" off a span.
pub(super) fn normalize(text: &str, span: Span) -> Span {
    let trim_start = |s: usize| {
        let body = &text[s..span.end];
        s + body.len() - body.trim_start_matches(is_trim_char).len()
    };
    let mut s = trim_start(span.start);
    let rest = &text[s..span.end];
    let that = rest
        .get(..4)
        .is_some_and(|w| w.eq_ignore_ascii_case("that"));
    if that && rest[4..].starts_with(is_trim_char) && rest.len() > 5 {
        s = trim_start(s + 4);
    }
    let body = &text[s..span.end];
    let e = s + body.trim_end_matches(is_trim_char).len();
    Span::new(s, e.max(s))
}

/// Normalized spans, sorted, with spans that only white space and punctuation separate joined
/// (annotators sometimes split one stretch of text into several spans).
pub(super) fn normalize_all(text: &str, spans: &[Span]) -> Vec<Span> {
    let mut sorted: Vec<Span> = spans
        .iter()
        .map(|s| normalize(text, *s))
        .filter(|s| !s.is_empty())
        .collect();
    sorted.sort();
    let mut out: Vec<Span> = Vec::with_capacity(sorted.len());
    for s in sorted {
        match out.last_mut() {
            Some(last)
                if last.end >= s.start || text[last.end..s.start].chars().all(is_trim_char) =>
            {
                last.end = last.end.max(s.end);
            }
            _ => out.push(s),
        }
    }
    out
}

pub(super) fn intersection(a: &[Span], b: &[Span]) -> usize {
    a.iter()
        .map(|x| {
            b.iter()
                .map(|y| x.end.min(y.end).saturating_sub(x.start.max(y.start)))
                .sum::<usize>()
        })
        .sum()
}

pub(super) fn total(a: &[Span]) -> usize {
    a.iter().map(Span::len).sum()
}

/// Greedy one-to-one matching of gold to predicted items by a score (higher first), keeping
/// pairs at or above a threshold. Returns (gold, predicted) pairs.
pub(super) fn greedy_match(scores: &[(usize, usize, f64)], threshold: f64) -> Vec<(usize, usize)> {
    let mut pairs: Vec<&(usize, usize, f64)> =
        scores.iter().filter(|(_, _, s)| *s >= threshold).collect();
    pairs.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    let (mut gold_used, mut pred_used) = (
        std::collections::HashSet::new(),
        std::collections::HashSet::new(),
    );
    let mut out = Vec::new();
    for &&(g, p, _) in &pairs {
        if !gold_used.contains(&g) && !pred_used.contains(&p) {
            gold_used.insert(g);
            pred_used.insert(p);
            out.push((g, p));
        }
    }
    out
}

pub(super) fn has_quote_mark(text: &str) -> bool {
    text.contains(marks::DOUBLE_MARKS) || text.trim_start().starts_with(['‘', '\''])
}

/// Whether content pieces written without their marks sit between them in the text: a quote
/// mark right before the first piece, and one right after the last past its closing
/// punctuation (`“The cracks are old,” Berisha said.` with the content `The cracks are old`).
/// The matching trims marks, so it scores such a content as one with them; the `direct`
/// subset must count it as direct too.
pub(super) fn between_marks(text: &str, content: &[Span]) -> bool {
    let (Some(first), Some(end)) = (content.first(), content.iter().map(|s| s.end).max()) else {
        return false;
    };
    let before = text[..first.start].chars().next_back();
    let after = text[end..]
        .trim_start_matches([',', '.', '?', '!', ';', ':'])
        .chars()
        .next();
    before.is_some_and(marks::is_quote_mark) && after.is_some_and(marks::is_quote_mark)
}

pub(super) fn cue_has_speech_verb(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .any(lexicon::is_speech_verb)
        || text.to_lowercase().contains("according to")
}

/// Running totals of one subset.
#[derive(Default)]
pub(super) struct Tally {
    exact: (usize, usize, usize),
    o30: (usize, usize, usize),
    o80: (usize, usize, usize),
    cue: (usize, usize, usize),
    speaker_correct: usize,
    speaker_judged: usize,
}

pub(super) fn add(t: &mut (usize, usize, usize), matched: usize, gold: usize, pred: usize) {
    t.0 += matched;
    t.1 += gold;
    t.2 += pred;
}

pub(super) fn clip(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 240 {
        format!("{}…", one_line.chars().take(240).collect::<String>())
    } else {
        one_line
    }
}

pub(super) struct ArticleContext<'a> {
    pub(super) article: &'a GoldArticle,
    pub(super) mentions: &'a [Mention],
    pub(super) entities: &'a Entities,
}

impl ArticleContext<'_> {
    fn speaker_correct(&self, gold: &GoldAttribution, pred: &Predicted) -> bool {
        if let Some(s) = pred.speaker {
            if gold.source.iter().any(|g| g.overlaps(s)) {
                return true;
            }
        }
        let Some(e) = pred.speaker_entity else {
            return false;
        };
        let Some(entity) = self.entities.entities.get(e) else {
            return false;
        };
        if let Some(canonical) = &gold.speaker_canonical {
            if canonical.eq_ignore_ascii_case(&entity.canonical) {
                return true;
            }
        }
        self.mentions.iter().enumerate().any(|(m, mention)| {
            self.entities.of_mention.get(m) == Some(&e)
                && gold.source.iter().any(|g| g.overlaps(mention.span))
        })
    }

    fn text_of(&self, spans: &[Span]) -> String {
        clip(
            &spans
                .iter()
                .map(|s| &self.article.text[s.range()])
                .collect::<Vec<_>>()
                .join(" … "),
        )
    }
}

pub(super) fn score_subset(
    ctx: &ArticleContext,
    subset: &str,
    gold: &[&GoldAttribution],
    pred: &[&Predicted],
    tally: &mut Tally,
    errors: &mut Vec<QuoteError>,
) {
    let content = content_matches(&ctx.article.text, gold, pred);
    add(
        &mut tally.exact,
        content.exact.len(),
        gold.len(),
        pred.len(),
    );
    add(&mut tally.o30, content.o30.len(), gold.len(), pred.len());
    add(&mut tally.o80, content.o80.len(), gold.len(), pred.len());
    let (cues_matched, gold_cues, pred_cues) = cue_matches(gold, pred);
    add(&mut tally.cue, cues_matched, gold_cues, pred_cues);
    let mut wrong_speakers = Vec::new();
    for &(gi, pi) in &content.o30 {
        if gold[gi].source.is_empty() && gold[gi].speaker_canonical.is_none() {
            continue;
        }
        tally.speaker_judged += 1;
        if ctx.speaker_correct(gold[gi], pred[pi]) {
            tally.speaker_correct += 1;
        } else {
            wrong_speakers.push((gi, pi));
        }
    }
    let report = ErrorReport {
        ctx,
        subset,
        gold,
        pred,
    };
    report.push_all(&content, &wrong_speakers, errors);
}

/// One-to-one content matches of a subset: exact, and at overlap ≥ 0.3 and ≥ 0.8.
struct ContentMatches {
    exact: Vec<(usize, usize)>,
    o30: Vec<(usize, usize)>,
    o80: Vec<(usize, usize)>,
}

fn content_matches(text: &str, gold: &[&GoldAttribution], pred: &[&Predicted]) -> ContentMatches {
    let gold_norm: Vec<Vec<Span>> = gold
        .iter()
        .map(|g| normalize_all(text, &g.content))
        .collect();
    let pred_norm: Vec<Vec<Span>> = pred
        .iter()
        .map(|p| normalize_all(text, &p.content))
        .collect();
    let mut overlap_scores = Vec::new();
    let mut exact_scores = Vec::new();
    for (gi, g) in gold_norm.iter().enumerate() {
        let g_len = total(g).max(1);
        for (pi, p) in pred_norm.iter().enumerate() {
            let inter = intersection(g, p);
            if inter == 0 {
                continue;
            }
            overlap_scores.push((gi, pi, inter as f64 / g_len as f64));
            if g == p {
                exact_scores.push((gi, pi, 1.0));
            }
        }
    }
    ContentMatches {
        exact: greedy_match(&exact_scores, 1.0),
        o30: greedy_match(&overlap_scores, 0.3),
        o80: greedy_match(&overlap_scores, 0.8),
    }
}

/// Cue spans matched one to one by overlap: (matched, gold cues, distinct predicted cues).
fn cue_matches(gold: &[&GoldAttribution], pred: &[&Predicted]) -> (usize, usize, usize) {
    let gold_cues: Vec<&[Span]> = gold
        .iter()
        .map(|g| g.cue.as_slice())
        .filter(|c| !c.is_empty())
        .collect();
    let mut pred_cues: Vec<Span> = pred.iter().filter_map(|p| p.cue).collect();
    pred_cues.sort();
    pred_cues.dedup();
    let mut cue_scores = Vec::new();
    for (gi, g) in gold_cues.iter().enumerate() {
        for (pi, p) in pred_cues.iter().enumerate() {
            let inter = intersection(g, std::slice::from_ref(p));
            if inter > 0 {
                cue_scores.push((gi, pi, inter as f64));
            }
        }
    }
    let matched = greedy_match(&cue_scores, 0.0).len();
    (matched, gold_cues.len(), pred_cues.len())
}

/// The error rows of one subset of one article, for `--errors`.
struct ErrorReport<'a> {
    ctx: &'a ArticleContext<'a>,
    subset: &'a str,
    gold: &'a [&'a GoldAttribution],
    pred: &'a [&'a Predicted],
}

impl ErrorReport<'_> {
    fn push_all(
        &self,
        content: &ContentMatches,
        wrong_speakers: &[(usize, usize)],
        errors: &mut Vec<QuoteError>,
    ) {
        use std::collections::HashSet;
        let matched_gold: HashSet<usize> = content.o30.iter().map(|m| m.0).collect();
        let matched_pred: HashSet<usize> = content.o30.iter().map(|m| m.1).collect();
        let exact_pairs: HashSet<(usize, usize)> = content.exact.iter().copied().collect();
        for g in (0..self.gold.len()).filter(|g| !matched_gold.contains(g)) {
            errors.push(self.error("missed", Some(g), None));
        }
        for p in (0..self.pred.len()).filter(|p| !matched_pred.contains(p)) {
            errors.push(self.error("spurious", None, Some(p)));
        }
        for &(g, p) in &content.o30 {
            if !exact_pairs.contains(&(g, p)) {
                errors.push(self.error("boundary", Some(g), Some(p)));
            }
        }
        for &(g, p) in wrong_speakers {
            errors.push(self.error("wrong_speaker", Some(g), Some(p)));
        }
    }

    fn error(&self, kind: &str, g: Option<usize>, p: Option<usize>) -> QuoteError {
        let ctx = self.ctx;
        QuoteError {
            article: ctx.article.id.clone(),
            subset: self.subset.to_string(),
            kind: kind.to_string(),
            gold_content: g.map_or(String::new(), |g| ctx.text_of(&self.gold[g].content)),
            predicted_content: p.map_or(String::new(), |p| ctx.text_of(&self.pred[p].content)),
            gold_speaker: g.map_or(String::new(), |g| self.gold_speaker(self.gold[g])),
            predicted_speaker: p.map_or(String::new(), |p| self.predicted_speaker(self.pred[p])),
        }
    }

    fn predicted_speaker(&self, p: &Predicted) -> String {
        let text = &self.ctx.article.text;
        let written = p.speaker.map_or(String::new(), |s| clip(&text[s.range()]));
        match p
            .speaker_entity
            .and_then(|e| self.ctx.entities.entities.get(e))
        {
            Some(e) => format!("{written} → {}", e.canonical),
            None => written,
        }
    }

    fn gold_speaker(&self, g: &GoldAttribution) -> String {
        let written = self.ctx.text_of(&g.source);
        match &g.speaker_canonical {
            Some(c) => format!("{written} → {c}"),
            None => written,
        }
    }
}

impl Tally {
    pub(super) fn finish(&self, name: &str) -> SubsetScores {
        let prf = |t: (usize, usize, usize)| Prf::new(t.0, t.1, t.2);
        SubsetScores {
            name: name.to_string(),
            content_exact: prf(self.exact),
            content_overlap_30: prf(self.o30),
            content_overlap_80: prf(self.o80),
            cue: prf(self.cue),
            speaker_correct: self.speaker_correct,
            speaker_judged: self.speaker_judged,
            speaker_accuracy: (self.speaker_judged > 0)
                .then(|| self.speaker_correct as f64 / self.speaker_judged as f64),
        }
    }
}

/// A mention source: the mentions of each document, in order.
pub type MentionSource<'a> = dyn FnMut(&[Document]) -> Result<Vec<Vec<Mention>>> + 'a;
