//! Reading the project's JSONL quote fixtures (format in the parent module's doc), character
//! offsets turned into byte spans; brat standoff is read by [`super::brat`].

use crate::eval::CharToByte;
use crate::ner::{EntityLabel, Mention};
use crate::quotes::QuoteKind;
use crate::text::{Document, Span};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::PathBuf;

use super::*;

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

/// `quotes` is not optional (`[]` for an article without any), as `entities` is not in the NER
/// and entity fixtures: a misspelled key (`"quote"`) read as an article without gold quotes,
/// every quote found in it counted spurious.
#[derive(Deserialize)]
pub(super) struct FixtureArticle {
    id: String,
    text: String,
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
            .map(|&p| fixture_span(&offsets, p))
            .collect::<Result<Vec<_>>>()
            .with_context(context)?;
        // `"content": []` was a gold quote of no words, counted as missed: as an empty span is.
        if content.is_empty() {
            bail!("{}: no content span", context());
        }
        let one = |p: Option<[usize; 2]>| -> Result<Vec<Span>> {
            p.map(|p| fixture_span(&offsets, p)).into_iter().collect()
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
                span: fixture_span(&offsets, [e.start, e.end])?,
                label: e.label,
            })
        })
        .collect::<Result<Vec<_>>>()
        .and_then(|entities| no_overlaps(&raw.entities).map(|()| entities))
        .with_context(|| format!("{}: entities", raw.id))?;
    Ok(GoldArticle {
        id: raw.id,
        text: raw.text,
        attributions,
        entities,
        left_out: Vec::new(),
    })
}

/// A fixture's span in bytes: inside the text and not empty (an empty span scored as a miss of
/// nothing, where `eval ner --fixtures` and brat refuse one).
fn fixture_span(offsets: &CharToByte, [start, end]: [usize; 2]) -> Result<Span> {
    if start == end {
        bail!("empty span [{start}, {end}]");
    }
    offsets.span(start, end)
}

/// Gold entities must not overlap (a character is in one entity at most), as `eval ner
/// --fixtures` requires.
fn no_overlaps(entities: &[FixtureEntity]) -> Result<()> {
    match crate::eval::first_overlap(entities.iter().map(|e| [e.start, e.end])) {
        Some((a, b)) => {
            bail!("entities {a:?} and {b:?} overlap (a character is in one entity at most)")
        }
        None => Ok(()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Empty spans and overlapping entities are refused, as `eval ner --fixtures` refuses them:
    /// before, an empty content scored as a miss and overlapping entities were kept.
    #[test]
    fn empty_spans_and_overlapping_entities_are_refused() {
        let line = |quote: &str, entities: &str| {
            format!(
                r#"{{"id": "t", "text": "“Hi,” said Zoë Arden.", "quotes": [{quote}], "entities": [{entities}]}}"#
            )
        };
        let good_quote = r#"{"content": [1, 4], "cue": [6, 10], "speaker": [11, 20]}"#;
        let zoe = r#"{"start": 11, "end": 20, "label": "PER"}"#;
        assert!(parse_fixture_line(&line(good_quote, zoe)).is_ok());
        for (quote, entities, says) in [
            (r#"{"content": [3, 3]}"#, zoe, "empty span [3, 3]"),
            // No span at all: scored as a missed gold quote, exit 0.
            (r#"{"content": [], "cue": [6, 10]}"#, zoe, "no content span"),
            (
                good_quote,
                r#"{"start": 11, "end": 11, "label": "PER"}"#,
                "empty span",
            ),
            (
                good_quote,
                r#"{"start": 11, "end": 20, "label": "PER"}, {"start": 15, "end": 20, "label": "ORG"}"#,
                "overlap",
            ),
        ] {
            let err = format!(
                "{:#}",
                parse_fixture_line(&line(quote, entities)).unwrap_err()
            );
            assert!(err.contains(says), "{err}");
        }
    }

    /// A line without `quotes` (here misspelled) is refused naming the field, where it read as
    /// an article without gold quotes.
    #[test]
    fn an_article_without_a_quotes_field_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("q.jsonl");
        let good = r#"{"id": "a", "text": "Hi.", "quotes": []}"#;
        let misspelled = r#"{"id": "b", "text": "Hi.", "quote": []}"#;
        std::fs::write(&path, format!("{good}\n{misspelled}\n")).unwrap();
        let err = format!("{:#}", load_fixtures(&[path]).unwrap_err());
        assert!(
            err.contains("q.jsonl: line 2") && err.contains("missing field `quotes`"),
            "{err}"
        );
    }
}
