//! Quote scoring: PolNeAR-style brat standoff and the project's JSONL fixtures in, content /
//! cue / speaker figures out.
//!
//! # Gold formats
//!
//! **brat standoff** ([`load_brat_dir`]): a folder with `text/NAME.txt` and
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
//! All offsets are **character** offsets into `text`, end exclusive. `content` is one `[start,
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
//! one, or kind direct/mixed; predictions of kind direct/mixed); `speech-verb cue` (gold cues
//! holding a speech verb of [`crate::quotes::lexicon`], predictions whose cue holds one).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use crate::clean::clean;
use crate::entities::{merge, Entities};
use crate::ner::{EntityLabel, Mention};
use crate::quotes::{self, lexicon, marks, Quote, QuoteKind};
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
}

/// Byte offset of every character offset of a text (and of its end).
struct CharToByte(Vec<usize>);

impl CharToByte {
    fn new(text: &str) -> CharToByte {
        CharToByte(
            text.char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(text.len()))
                .collect(),
        )
    }

    fn byte(&self, char_offset: usize) -> Result<usize> {
        match self.0.get(char_offset) {
            Some(&b) => Ok(b),
            None => bail!(
                "character offset {char_offset} is past the text's end ({} characters)",
                self.0.len() - 1
            ),
        }
    }

    fn span(&self, start: usize, end: usize) -> Result<Span> {
        if start > end {
            bail!("span [{start}, {end}) ends before it starts");
        }
        Ok(Span::new(self.byte(start)?, self.byte(end)?))
    }
}

/// `T12`, `E3`, `A1`: a letter and a number, the first field of every annotation line.
fn is_annotation_id(field: &str) -> bool {
    let mut chars = field.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && field.len() > 1
        && chars.all(|c| c.is_ascii_digit())
}

/// Parses one brat .ann file against its text.
pub fn parse_brat(id: &str, text: &str, ann: &str) -> Result<GoldArticle> {
    let offsets = CharToByte::new(text);
    let mut spans: BTreeMap<&str, (&str, Vec<Span>)> = BTreeMap::new();
    let mut relations: Vec<Vec<(&str, &str)>> = Vec::new();
    for (n, line) in ann.lines().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        let context = || format!("{id}.ann line {}", n + 1);
        // A span's text may run over several lines (PolNeAR keeps a paragraph break inside a
        // content's text); those continuation lines carry no annotation id and are skipped.
        if !is_annotation_id(fields[0]) {
            continue;
        }
        if line.starts_with('T') {
            let [tid, typed, ..] = fields[..] else {
                bail!("{}: expected `T<TAB>Type start end<TAB>text`", context())
            };
            let (kind, ranges) = typed.split_once(' ').with_context(context)?;
            let mut pieces = Vec::new();
            for range in ranges.split(';') {
                let mut nums = range.split_whitespace().map(str::parse::<usize>);
                let (Some(Ok(s)), Some(Ok(e))) = (nums.next(), nums.next()) else {
                    bail!("{}: bad span {range:?}", context())
                };
                pieces.push(offsets.span(s, e).with_context(context)?);
            }
            spans.insert(tid, (kind, pieces));
        } else if line.starts_with('E') {
            let Some(args) = fields.get(1) else {
                bail!("{}: expected `E<TAB>Role:T…`", context())
            };
            relations.push(
                args.split_whitespace()
                    .filter_map(|a| a.split_once(':'))
                    .collect(),
            );
        }
    }
    let mut attributions = Vec::new();
    for relation in relations {
        let mut a = GoldAttribution::default();
        for (role, tid) in relation {
            let Some((_, pieces)) = spans.get(tid) else {
                continue;
            };
            match role.trim_end_matches(|c: char| c.is_ascii_digit()) {
                "Content" => a.content.extend(pieces),
                "Cue" => a.cue.extend(pieces),
                "Source" => a.source.extend(pieces),
                _ => {}
            }
        }
        if !a.content.is_empty() {
            a.content.sort();
            attributions.push(a);
        }
    }
    attributions.sort_by_key(|a| a.content[0]);
    Ok(GoldArticle {
        id: id.to_string(),
        text: text.to_string(),
        attributions,
        entities: Vec::new(),
    })
}

/// Loads a brat folder (`text/*.txt`, `attributions/*_ANNOTATOR.ann`), one annotation per
/// article: the first annotator in sorted order. Articles without any .ann are skipped.
pub fn load_brat_dir(dir: &Path) -> Result<Vec<GoldArticle>> {
    let text_dir = dir.join("text");
    let ann_dir = dir.join("attributions");
    let mut anns: BTreeMap<String, PathBuf> = BTreeMap::new();
    let listing = std::fs::read_dir(&ann_dir)
        .with_context(|| format!("cannot list {}", ann_dir.display()))?;
    let mut ann_paths: Vec<PathBuf> = listing.filter_map(|e| e.ok().map(|e| e.path())).collect();
    // Sorted, so the first annotator of each article comes first.
    ann_paths.sort();
    for path in ann_paths {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "ann") {
            continue;
        }
        let article = stem.rsplit_once('_').map_or(stem, |(a, _)| a).to_string();
        anns.entry(article).or_insert(path);
    }
    let mut out = Vec::new();
    for (article, ann_path) in anns {
        let text_path = text_dir.join(format!("{article}.txt"));
        if !text_path.exists() {
            continue;
        }
        let text = std::fs::read_to_string(&text_path)
            .with_context(|| format!("cannot read {}", text_path.display()))?;
        let ann = std::fs::read_to_string(&ann_path)
            .with_context(|| format!("cannot read {}", ann_path.display()))?;
        out.push(parse_brat(&article, &text, &ann)?);
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FixtureSpans {
    One([usize; 2]),
    Many(Vec<[usize; 2]>),
}

#[derive(Deserialize)]
struct FixtureQuote {
    content: FixtureSpans,
    #[serde(default)]
    cue: Option<[usize; 2]>,
    #[serde(default)]
    speaker: Option<[usize; 2]>,
    #[serde(default)]
    speaker_canonical: Option<String>,
    #[serde(default)]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct FixtureEntity {
    start: usize,
    end: usize,
    label: EntityLabel,
}

#[derive(Deserialize)]
struct FixtureArticle {
    id: String,
    text: String,
    #[serde(default)]
    quotes: Vec<FixtureQuote>,
    #[serde(default)]
    entities: Vec<FixtureEntity>,
}

/// Parses one fixture line (see the module docs for the format).
pub fn parse_fixture_line(line: &str) -> Result<GoldArticle> {
    let raw: FixtureArticle = serde_json::from_str(line).context("not a fixture article")?;
    let offsets = CharToByte::new(&raw.text);
    let mut attributions = Vec::new();
    for (i, q) in raw.quotes.iter().enumerate() {
        let context = || format!("{}: quote {}", raw.id, i + 1);
        let pairs = match &q.content {
            FixtureSpans::One(p) => vec![*p],
            FixtureSpans::Many(ps) => ps.clone(),
        };
        let content = pairs
            .iter()
            .map(|[s, e]| offsets.span(*s, *e))
            .collect::<Result<Vec<_>>>()
            .with_context(context)?;
        let one = |p: Option<[usize; 2]>| -> Result<Vec<Span>> {
            p.map(|[s, e]| offsets.span(s, e)).into_iter().collect()
        };
        let kind = match q.kind.as_deref() {
            None => None,
            Some(k) => Some(
                QuoteKind::parse(k)
                    .with_context(|| format!("{}: unknown kind {k:?}", context()))?,
            ),
        };
        attributions.push(GoldAttribution {
            content,
            cue: one(q.cue).with_context(context)?,
            source: one(q.speaker).with_context(context)?,
            speaker_canonical: q.speaker_canonical.clone(),
            kind,
        });
    }
    let entities = raw
        .entities
        .iter()
        .map(|e| {
            Ok(GoldEntity {
                span: offsets.span(e.start, e.end)?,
                label: e.label,
            })
        })
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("{}: entities", raw.id))?;
    Ok(GoldArticle {
        id: raw.id,
        text: raw.text,
        attributions,
        entities,
    })
}

/// Loads fixture files (JSONL, one article per line; blank lines and `//` lines skipped).
pub fn load_fixtures(paths: &[PathBuf]) -> Result<Vec<GoldArticle>> {
    let mut out = Vec::new();
    for path in paths {
        let body = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        for (n, line) in body.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with("//") {
                continue;
            }
            out.push(
                parse_fixture_line(line)
                    .with_context(|| format!("{}: line {}", path.display(), n + 1))?,
            );
        }
    }
    Ok(out)
}

/// The fixture's gold entity spans as mentions (score 1), in text order.
pub fn gold_entity_mentions(article: &GoldArticle) -> Vec<Mention> {
    let mut out: Vec<Mention> = article
        .entities
        .iter()
        .map(|e| Mention {
            span: e.span,
            label: e.label,
            score: 1.0,
        })
        .collect();
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out
}

/// Builds the document the pipeline would build for an article.
pub fn document_of(article: &GoldArticle) -> Document {
    let cleaned = clean(&article.text);
    Document::new(
        article.id.clone(),
        String::new(),
        article.text.clone(),
        &cleaned,
    )
}

/// Precision, recall and F1 of one comparison.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Prf {
    pub matched: usize,
    pub gold: usize,
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn new(matched: usize, gold: usize, predicted: usize) -> Prf {
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
    pub speaker_accuracy: f64,
}

/// One error, for the errors dump.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteError {
    pub article: String,
    /// The subset the error was counted in: `all`, `direct` or `speech-verb cue`.
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
        let prf = |p: &Prf| format!("{:.3} {:.3} {:.3}", p.precision, p.recall, p.f1);
        for s in &self.subsets {
            out.push_str(&format!(
                "{:<16} {:>6} {:>6} | {:>17} | {:>17} | {:>17} | {:>6.3} | {:>5.3} ({}/{})\n",
                s.name,
                s.content_exact.gold,
                s.content_exact.predicted,
                prf(&s.content_exact),
                prf(&s.content_overlap_30),
                prf(&s.content_overlap_80),
                s.cue.f1,
                s.speaker_accuracy,
                s.speaker_correct,
                s.speaker_judged
            ));
        }
        let counts: Vec<String> = self
            .error_counts
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        out.push_str(&format!("errors: {}\n", counts.join(", ")));
        out
    }

    /// Writes the errors, one per line: article, subset, kind, gold and predicted content, gold and
    /// predicted speaker, separated by tabs.
    pub fn write_errors(&self, path: &Path) -> Result<()> {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
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
        Ok(())
    }
}

/// A predicted attribution: the quotes sharing one cue.
struct Predicted {
    content: Vec<Span>,
    cue: Option<Span>,
    speaker: Option<Span>,
    speaker_entity: Option<usize>,
    kind: QuoteKind,
}

fn group_predictions(quotes: &[Quote]) -> Vec<Predicted> {
    let mut out: Vec<Predicted> = Vec::new();
    let mut by_cue: BTreeMap<Span, usize> = BTreeMap::new();
    for q in quotes {
        if let Some(&i) = q.cue.and_then(|c| by_cue.get(&c)) {
            out[i].content.push(q.span);
            if q.kind != QuoteKind::Direct {
                out[i].kind = q.kind;
            }
            continue;
        }
        if let Some(c) = q.cue {
            by_cue.insert(c, out.len());
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

fn is_trim_char(c: char) -> bool {
    c.is_whitespace()
        || (!c.is_alphanumeric() && !matches!(c, '$' | '%' | '&' | '€' | '£'))
        || marks::is_quote_mark(c)
}

/// Trims white space, punctuation, quote marks and a leading "that" off a span.
fn normalize(text: &str, span: Span) -> Span {
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
fn normalize_all(text: &str, spans: &[Span]) -> Vec<Span> {
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

fn intersection(a: &[Span], b: &[Span]) -> usize {
    a.iter()
        .map(|x| {
            b.iter()
                .map(|y| x.end.min(y.end).saturating_sub(x.start.max(y.start)))
                .sum::<usize>()
        })
        .sum()
}

fn total(a: &[Span]) -> usize {
    a.iter().map(Span::len).sum()
}

/// Greedy one-to-one matching of gold to predicted items by a score (higher first), keeping
/// pairs at or above a threshold. Returns (gold, predicted) pairs.
fn greedy_match(scores: &[(usize, usize, f64)], threshold: f64) -> Vec<(usize, usize)> {
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

fn has_quote_mark(text: &str) -> bool {
    text.contains(['“', '”', '"', '«', '»', '„']) || text.trim_start().starts_with(['‘', '\''])
}

fn cue_has_speech_verb(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .any(lexicon::is_speech_verb)
        || text.to_lowercase().contains("according to")
}

/// Running totals of one subset.
#[derive(Default)]
struct Tally {
    exact: (usize, usize, usize),
    o30: (usize, usize, usize),
    o80: (usize, usize, usize),
    cue: (usize, usize, usize),
    speaker_correct: usize,
    speaker_judged: usize,
}

fn add(t: &mut (usize, usize, usize), matched: usize, gold: usize, pred: usize) {
    t.0 += matched;
    t.1 += gold;
    t.2 += pred;
}

fn clip(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 240 {
        format!("{}…", one_line.chars().take(240).collect::<String>())
    } else {
        one_line
    }
}

struct ArticleContext<'a> {
    article: &'a GoldArticle,
    mentions: &'a [Mention],
    entities: &'a Entities,
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

fn score_subset(
    ctx: &ArticleContext,
    subset: &str,
    gold: &[&GoldAttribution],
    pred: &[&Predicted],
    tally: &mut Tally,
    errors: &mut Vec<QuoteError>,
) {
    let text = &ctx.article.text;
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
    let exact = greedy_match(&exact_scores, 1.0);
    let m30 = greedy_match(&overlap_scores, 0.3);
    let m80 = greedy_match(&overlap_scores, 0.8);
    add(&mut tally.exact, exact.len(), gold.len(), pred.len());
    add(&mut tally.o30, m30.len(), gold.len(), pred.len());
    add(&mut tally.o80, m80.len(), gold.len(), pred.len());

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
    add(
        &mut tally.cue,
        greedy_match(&cue_scores, 0.0).len(),
        gold_cues.len(),
        pred_cues.len(),
    );

    let mut wrong_speakers = Vec::new();
    for &(gi, pi) in &m30 {
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

    let speaker_text = |p: &Predicted| {
        let written = p.speaker.map_or(String::new(), |s| clip(&text[s.range()]));
        match p.speaker_entity.and_then(|e| ctx.entities.entities.get(e)) {
            Some(e) => format!("{written} → {}", e.canonical),
            None => written,
        }
    };
    let gold_speaker = |g: &GoldAttribution| {
        let written = ctx.text_of(&g.source);
        match &g.speaker_canonical {
            Some(c) => format!("{written} → {c}"),
            None => written,
        }
    };
    let error = |kind: &str, g: Option<usize>, p: Option<usize>| QuoteError {
        article: ctx.article.id.clone(),
        subset: subset.to_string(),
        kind: kind.to_string(),
        gold_content: g.map_or(String::new(), |g| ctx.text_of(&gold[g].content)),
        predicted_content: p.map_or(String::new(), |p| ctx.text_of(&pred[p].content)),
        gold_speaker: g.map_or(String::new(), |g| gold_speaker(gold[g])),
        predicted_speaker: p.map_or(String::new(), |p| speaker_text(pred[p])),
    };
    let matched_gold: std::collections::HashSet<usize> = m30.iter().map(|m| m.0).collect();
    let matched_pred: std::collections::HashSet<usize> = m30.iter().map(|m| m.1).collect();
    let exact_pairs: std::collections::HashSet<(usize, usize)> = exact.iter().copied().collect();
    for g in (0..gold.len()).filter(|g| !matched_gold.contains(g)) {
        errors.push(error("missed", Some(g), None));
    }
    for p in (0..pred.len()).filter(|p| !matched_pred.contains(p)) {
        errors.push(error("spurious", None, Some(p)));
    }
    for &(g, p) in &m30 {
        if !exact_pairs.contains(&(g, p)) {
            errors.push(error("boundary", Some(g), Some(p)));
        }
    }
    for (g, p) in wrong_speakers {
        errors.push(error("wrong_speaker", Some(g), Some(p)));
    }
}

impl Tally {
    fn finish(&self, name: &str) -> SubsetScores {
        let prf = |t: (usize, usize, usize)| Prf::new(t.0, t.1, t.2);
        SubsetScores {
            name: name.to_string(),
            content_exact: prf(self.exact),
            content_overlap_30: prf(self.o30),
            content_overlap_80: prf(self.o80),
            cue: prf(self.cue),
            speaker_correct: self.speaker_correct,
            speaker_judged: self.speaker_judged,
            speaker_accuracy: if self.speaker_judged == 0 {
                0.0
            } else {
                self.speaker_correct as f64 / self.speaker_judged as f64
            },
        }
    }
}

/// A mention source: the mentions of each document, in order.
pub type MentionSource<'a> = dyn FnMut(&[Document]) -> Result<Vec<Vec<Mention>>> + 'a;

/// Extracts every article's quotes (with the mentions `mentions_for` gives for the documents, in
/// order) and scores them against the gold.
pub fn score_quotes(
    articles: &[GoldArticle],
    mentions_for: &mut MentionSource,
) -> Result<QuoteReport> {
    let docs: Vec<Document> = articles.iter().map(document_of).collect();
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
    for ((article, doc), mentions) in articles.iter().zip(&docs).zip(&all_mentions) {
        let entities = merge(doc, mentions);
        let quotes = quotes::extract(doc, mentions, &entities);
        let predicted = group_predictions(&quotes);
        let ctx = ArticleContext {
            article,
            mentions,
            entities: &entities,
        };
        let gold_all: Vec<&GoldAttribution> = article.attributions.iter().collect();
        let pred_all: Vec<&Predicted> = predicted.iter().collect();
        score_subset(&ctx, "all", &gold_all, &pred_all, &mut all, &mut errors);

        let is_direct_gold = |g: &&GoldAttribution| match g.kind {
            Some(k) => k != QuoteKind::Indirect,
            None => g
                .content
                .iter()
                .any(|s| has_quote_mark(&article.text[s.range()])),
        };
        let gold_direct: Vec<&GoldAttribution> =
            gold_all.iter().copied().filter(is_direct_gold).collect();
        let pred_direct: Vec<&Predicted> = pred_all
            .iter()
            .copied()
            .filter(|p| p.kind != QuoteKind::Indirect)
            .collect();
        score_subset(
            &ctx,
            "direct",
            &gold_direct,
            &pred_direct,
            &mut direct,
            &mut errors,
        );

        let cue_text = |spans: &[Span]| {
            spans
                .iter()
                .map(|s| &article.text[s.range()])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let gold_speech: Vec<&GoldAttribution> = gold_all
            .iter()
            .copied()
            .filter(|g| cue_has_speech_verb(&cue_text(&g.cue)))
            .collect();
        let pred_speech: Vec<&Predicted> = pred_all
            .iter()
            .copied()
            .filter(|p| {
                p.cue
                    .is_some_and(|c| cue_has_speech_verb(&article.text[c.range()]))
            })
            .collect();
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
        error_counts,
        errors,
    })
}

/// A crude mention source for development runs without a model: runs of capitalised words
/// (sentence-initial function words left out), all labelled PER.
pub fn capitalized_run_mentions(doc: &Document) -> Vec<Mention> {
    const SKIP: &[&str] = &[
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
        "Or",
        "If",
        "When",
        "While",
        "He",
        "She",
        "They",
        "It",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "His",
        "Her",
        "Their",
        "Its",
        "Our",
        "My",
        "As",
        "For",
        "After",
        "Before",
        "With",
        "By",
        "From",
        "To",
        "Of",
        "So",
        "Yet",
        "Still",
        "Mr.",
        "Mrs.",
        "Ms.",
        "Dr.",
        "What",
        "Why",
        "How",
        "Who",
        "Where",
        "There",
        "Here",
        "Some",
        "Many",
        "Most",
        "All",
        "No",
        "Not",
        "One",
        "Two",
        "Last",
        "Next",
        "According",
        "Although",
        "Though",
        "Because",
        "Since",
        "During",
        "Under",
        "Over",
        "Asked",
        "Despite",
        "Meanwhile",
        "However",
        "Also",
        "Then",
        "Now",
        "Today",
        "Yesterday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "Reporter",
    ];
    let mut out = Vec::new();
    for sentence in &doc.sentences {
        let tokens = &doc.tokens[sentence.tokens.clone()];
        let mut run: Option<(usize, usize)> = None;
        let flush = |run: &mut Option<(usize, usize)>, out: &mut Vec<Mention>| {
            if let Some((s, e)) = run.take() {
                out.push(Mention {
                    span: Span::new(tokens[s].start, tokens[e - 1].end),
                    label: EntityLabel::Per,
                    score: 1.0,
                });
            }
        };
        for (i, t) in tokens.iter().enumerate() {
            let w = doc.slice(*t);
            let cap = w.chars().next().is_some_and(char::is_uppercase)
                && w.chars().any(char::is_lowercase)
                && !SKIP.contains(&w)
                && lexicon::verb(w).is_none();
            if cap {
                run = Some(run.map_or((i, i + 1), |(s, _)| (s, i + 1)));
            } else {
                flush(&mut run, &mut out);
            }
        }
        flush(&mut run, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(all.speaker_accuracy, 1.0);
        assert_eq!(all.cue.f1, 1.0);
        assert!(report.table().contains("direct"));
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
