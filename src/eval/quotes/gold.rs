//! Reading the project's JSONL quote fixtures (format in the parent module's doc), character
//! offsets turned into byte spans; brat standoff is read by [`super::brat`].

use crate::eval::CharToByte;
use crate::ner::{EntityLabel, Mention};
use crate::quotes::QuoteKind;
use crate::text::{Document, Span};
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::*;

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum FixtureSpans {
    One([usize; 2]),
    Many(Vec<[usize; 2]>),
}

/// The span fields are read as they stand and turned into spans per quote ([`span_field`]), so
/// one of the wrong form is refused naming the article, the quote and the field: read with the
/// line, `"content": null` was "data did not match any variant of untagged enum FixtureSpans".
#[derive(Deserialize)]
pub(super) struct FixtureQuote {
    #[serde(default)]
    content: serde_json::Value,
    #[serde(default)]
    cue: serde_json::Value,
    #[serde(default)]
    speaker: serde_json::Value,
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
    // Each content span (character offsets) and the quote (from 1) it is of.
    let mut contents: Vec<([usize; 2], usize)> = Vec::new();
    for (i, q) in raw.quotes.iter().enumerate() {
        let context = || format!("{}: quote {}", raw.id, i + 1);
        let pairs = match span_field::<FixtureSpans>(&q.content, "content").with_context(context)? {
            FixtureSpans::One(p) => vec![p],
            FixtureSpans::Many(ps) => ps,
        };
        contents.extend(pairs.iter().map(|&p| (p, i + 1)));
        let content = pairs
            .iter()
            .map(|&p| fixture_span(&offsets, p))
            .collect::<Result<Vec<_>>>()
            .with_context(context)?;
        // `"content": []` was a gold quote of no words, counted as missed: as an empty span is.
        if content.is_empty() {
            bail!("{}: no content span", context());
        }
        let one = |field: &str, value: &serde_json::Value| -> Result<Vec<Span>> {
            span_field::<Option<[usize; 2]>>(value, field)?
                .map(|p| fixture_span(&offsets, p))
                .into_iter()
                .collect()
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
            cue: one("cue", &q.cue).with_context(context)?,
            source: one("speaker", &q.speaker).with_context(context)?,
            speaker_canonical: q.speaker_canonical.clone(),
            kind,
        });
    }
    no_shared_content(&contents).with_context(|| raw.id.clone())?;
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

/// A quote's span field (`content`, `cue`, `speaker`) read as `T`, or an error naming the field
/// and the form it takes: `"content": [28]` is "content: expected [start, end] or a list of
/// [start, end] pairs (character offsets), found [28]".
fn span_field<T: serde::de::DeserializeOwned>(value: &serde_json::Value, field: &str) -> Result<T> {
    serde_json::from_value(value.clone()).map_err(|_| {
        let form = match field {
            "content" => "[start, end] or a list of [start, end] pairs",
            _ => "[start, end] or null",
        };
        anyhow::anyhow!("{field}: expected {form} (character offsets), found {value}")
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

/// No gold quote is given twice (the same content spans as another's: the copy was a second
/// gold quote, missed whatever was found) and no quote's content spans overlap each other. The
/// contents of two quotes may overlap: an attribution nested in another ("Lawyers said the
/// judge told the jury that …": the content of `said` holds that of `told`), as brat gold has
/// them and the scorer matches them. `contents`: each content span and its quote's number.
fn no_shared_content(contents: &[([usize; 2], usize)]) -> Result<()> {
    let mut by_quote: BTreeMap<usize, Vec<[usize; 2]>> = BTreeMap::new();
    for &(span, quote) in contents {
        by_quote.entry(quote).or_default().push(span);
    }
    for (quote, spans) in &mut by_quote {
        spans.sort();
        if let Some(w) = spans.windows(2).find(|w| w[1][0] < w[0][1]) {
            bail!(
                "quote {quote}: content spans {:?} and {:?} overlap",
                w[0],
                w[1]
            );
        }
    }
    let quotes: Vec<_> = by_quote.iter().collect();
    for (i, (first, spans)) in quotes.iter().enumerate() {
        if let Some((second, _)) = quotes[i + 1..].iter().find(|(_, other)| other == spans) {
            let shown = match spans.as_slice() {
                [one] => format!("{one:?}"),
                many => format!("{many:?}"),
            };
            bail!("quotes {first} and {second} have the same content {shown} (one quote given twice?)");
        }
    }
    Ok(())
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

/// Loads fixture files (JSONL, one article per line, [`crate::eval::fixture_lines`]; an
/// article id once per file, [`crate::eval::IdLines`]).
pub fn load_fixtures(paths: &[PathBuf]) -> Result<Vec<GoldArticle>> {
    let mut out = Vec::new();
    for path in paths {
        let body = crate::eval::read_fixture_file(path)?;
        let mut ids = crate::eval::IdLines::default();
        for (n, line) in crate::eval::fixture_lines(&body) {
            let context = || format!("{}: line {n}", path.display());
            let article = parse_fixture_line(line).with_context(context)?;
            ids.check(&article.id, n).with_context(context)?;
            out.push(article);
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

    /// A span of the wrong form is refused naming the article, the quote and the field, and
    /// the form expected, where serde's message named none of them.
    #[test]
    fn a_span_of_the_wrong_form_names_article_quote_and_field() {
        let line = |quote: &str| {
            format!(
                r#"{{"id": "a1", "text": "“Hi,” said Zoë.", "quotes": [{{"content": [1, 4]}}, {quote}]}}"#
            )
        };
        for (quote, says) in [
            (r#"{"content": null}"#, "a1: quote 2: content: expected [start, end] or a list of [start, end] pairs (character offsets), found null"),
            (r#"{"content": [28]}"#, "a1: quote 2: content: expected [start, end] or a list"),
            (r#"{"cue": "abc", "content": [1, 4]}"#, "a1: quote 2: cue: expected [start, end] or null (character offsets), found \"abc\""),
            (r#"{"speaker": [1, 2, 3], "content": [1, 4]}"#, "a1: quote 2: speaker: expected"),
        ] {
            let err = format!("{:#}", parse_fixture_line(&line(quote)).unwrap_err());
            assert!(err.contains(says), "{err}");
        }
    }

    /// A gold quote given twice and content spans of one quote overlapping are refused naming
    /// the article and the quotes: the copy was a second gold quote, missed whatever was found.
    /// A quote nested in another's content is gold as brat has it (session 56's review: the
    /// first version refused it).
    #[test]
    fn shared_gold_content_is_refused() {
        let line = |quotes: &str| {
            format!(
                r#"{{"id": "a1", "text": "“Hi there,” said Zoë Arden.", "quotes": [{quotes}]}}"#
            )
        };
        let hi = r#"{"content": [1, 9], "cue": [12, 16]}"#;
        assert!(parse_fixture_line(&line(hi)).is_ok());
        // "Hi there" nested in "Hi there," and two quotes sharing a piece but not all of it.
        let nested = format!(r#"{hi}, {{"content": [1, 8]}}"#);
        assert!(parse_fixture_line(&line(&nested)).is_ok());
        let apart = format!(r#"{hi}, {{"content": [[1, 9], [17, 21]]}}"#);
        assert!(parse_fixture_line(&line(&apart)).is_ok());
        for (quotes, says) in [
            (
                format!("{hi}, {hi}"),
                "a1: quotes 1 and 2 have the same content [1, 9] (one quote given twice?)",
            ),
            (
                r#"{"content": [[1, 5], [3, 9]]}"#.to_string(),
                "a1: quote 1: content spans [1, 5] and [3, 9] overlap",
            ),
        ] {
            let err = format!("{:#}", parse_fixture_line(&line(&quotes)).unwrap_err());
            assert!(err.contains(says), "{err}");
        }
    }

    /// An empty article id is refused, as a repeated one is: `--errors` rows name an article
    /// by its id.
    #[test]
    fn an_empty_article_id_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("q.jsonl");
        std::fs::write(
            &path,
            "{\"id\": \" \", \"text\": \"Hi.\", \"quotes\": []}\n",
        )
        .unwrap();
        let err = format!("{:#}", load_fixtures(&[path]).unwrap_err());
        assert!(
            err.contains("q.jsonl: line 1: the article id is empty"),
            "{err}"
        );
    }

    /// The same article id on two lines is refused naming both, where it was scored twice.
    #[test]
    fn an_article_id_on_two_lines_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("q.jsonl");
        let a1 = r#"{"id": "a1", "text": "Hi.", "quotes": []}"#;
        std::fs::write(&path, format!("{a1}\n\n{a1}\n")).unwrap();
        let err = format!("{:#}", load_fixtures(&[path]).unwrap_err());
        assert!(
            err.contains("q.jsonl: line 3: article id \"a1\" is also on line 1"),
            "{err}"
        );
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
