//! Reading gold attributions: PolNeAR's brat standoff and the project's JSONL fixtures
//! (formats in the parent module's doc), character offsets turned into byte spans.

use crate::eval::CharToByte;
use crate::ner::{EntityLabel, Mention};
use crate::quotes::QuoteKind;
use crate::text::{Document, Span};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;

/// `T12`, `E3`, `A1`: a letter and a number, the first field of every annotation line.
pub(super) fn is_annotation_id(field: &str) -> bool {
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
    load_brat_annotations(dir, false)
}

/// Reads a brat folder's annotations: with `every_annotator`, one [`GoldArticle`] per .ann file
/// (several per article where several annotators labelled it: training data), else the first
/// annotator's only, as [`load_brat_dir`].
pub fn load_brat_annotations(dir: &Path, every_annotator: bool) -> Result<Vec<GoldArticle>> {
    let text_dir = dir.join("text");
    let ann_dir = dir.join("attributions");
    let mut anns: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
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
        let paths = anns.entry(article).or_default();
        if every_annotator || paths.is_empty() {
            paths.push(path);
        }
    }
    let mut out = Vec::new();
    for (article, ann_path) in anns
        .into_iter()
        .flat_map(|(a, paths)| paths.into_iter().map(move |p| (a.clone(), p)))
    {
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
pub(super) enum FixtureSpans {
    One([usize; 2]),
    Many(Vec<[usize; 2]>),
}

#[derive(Deserialize)]
pub(super) struct FixtureQuote {
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
pub(super) struct FixtureEntity {
    start: usize,
    end: usize,
    label: EntityLabel,
}

#[derive(Deserialize)]
pub(super) struct FixtureArticle {
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
    crate::eval::document_of_text(&article.id, &article.text)
}
