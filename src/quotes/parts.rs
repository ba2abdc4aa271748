//! The parts of a statement, as every method (`rules`, `model`, `both`) writes them last.
//!
//! Parts of one statement that touch, with nothing but spaces between them on one line, are one
//! part: a quote cut at nothing is one quote. The attribution model can open a second content
//! where the first ends — `[Clinton had told police officials] [that she didn't want the
//! escort], the source added.` — and both read the same cue and source.
//!
//! A statement is the quotes sharing one cue ([`super::attribution_ids`]); parts over a line
//! or paragraph break stay apart (each paragraph's part is scored and shown on its own).
//!
//! A statement has one speaker. The attribution model links each content to the source nearest
//! its cue outside that content, so two contents of one cue could take two sources: in `According
//! to Mary Jones, “…,” [but Anna Berg disagreed], saying [that talks continue]`, the first content
//! (a misreading) holds Anna Berg and took Mary Jones. Every part takes the speaker of the part
//! nearest the cue (here Anna Berg).

use std::collections::BTreeMap;

use super::{Quote, QuoteKind};
use crate::text::{Document, Span};

/// The parts of each statement with one speaker, touching parts joined; `quotes` are in text
/// order.
pub(super) fn statements(doc: &Document, mut quotes: Vec<Quote>) -> Vec<Quote> {
    one_speaker_per_statement(&mut quotes);
    join_touching(doc, quotes)
}

/// Gives every part of a statement the speaker of its part nearest the cue (the earlier on a
/// tie).
fn one_speaker_per_statement(quotes: &mut [Quote]) {
    let mut by_cue: BTreeMap<Span, Vec<usize>> = BTreeMap::new();
    for (i, q) in quotes.iter().enumerate() {
        if let Some(cue) = q.cue {
            by_cue.entry(cue).or_default().push(i);
        }
    }
    let speaker = |q: &Quote| (q.speaker, q.speaker_entity);
    for (cue, parts) in by_cue {
        if parts
            .iter()
            .all(|&i| speaker(&quotes[i]) == speaker(&quotes[parts[0]]))
        {
            continue;
        }
        let gap = |s: Span| {
            s.start
                .saturating_sub(cue.end)
                .max(cue.start.saturating_sub(s.end))
        };
        let nearest = *parts
            .iter()
            .min_by_key(|&&i| (gap(quotes[i].span), i))
            .expect("a cue's parts");
        let (speaker, entity) = speaker(&quotes[nearest]);
        for i in parts {
            quotes[i].speaker = speaker;
            quotes[i].speaker_entity = entity;
        }
    }
}

/// Joins the touching parts of each statement; `quotes` are in text order.
fn join_touching(doc: &Document, quotes: Vec<Quote>) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::with_capacity(quotes.len());
    for quote in quotes {
        match out.last_mut() {
            Some(last) if touch(doc, last, &quote) => {
                last.span.end = quote.span.end;
                if last.kind != quote.kind {
                    last.kind = QuoteKind::Mixed;
                }
            }
            _ => out.push(quote),
        }
    }
    out
}

/// Whether `b` goes on where `a` ends: one statement (the same cue and speaker) and, between
/// them, only spaces (same kind), or only punctuation on one line (kinds that differ: the words
/// before a quote mark and the quoted words, `[Frankly, “][we are tired of waiting],” said …`).
fn touch(doc: &Document, a: &Quote, b: &Quote) -> bool {
    let statement = |q: &Quote| (q.cue, q.speaker, q.speaker_entity);
    let gap = || &doc.text[a.span.end..b.span.start];
    a.cue.is_some()
        && statement(a) == statement(b)
        && a.span.end <= b.span.start
        && if a.kind == b.kind {
            only_spaces(gap())
        } else {
            only_punctuation(gap())
        }
}

fn only_spaces(text: &str) -> bool {
    text.chars().all(|c| c == ' ' || c == '\t')
}

fn only_punctuation(text: &str) -> bool {
    text.chars()
        .all(|c| !c.is_alphanumeric() && c != '\n' && c != '\r')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;

    #[test]
    fn parts_of_one_statement_with_only_spaces_between_are_one_part() {
        let text = "Clinton had told police officials that she didn't want it, the source added. \
                    \"We left,\" he said, \"at once.\"\n\nAnd on.";
        let doc = Document::new("t".into(), String::new(), text.into(), &clean(text));
        let at = |s: &str| text.find(s).unwrap();
        let span_of = |s: &str| Span::new(at(s), at(s) + s.len());
        let part = |s: &str, cue: &str, kind: QuoteKind| Quote {
            span: span_of(s),
            cue: Some(span_of(cue)),
            speaker: Some(span_of("the source")),
            speaker_entity: None,
            kind,
        };
        let indirect = |s: &str| part(s, "added", QuoteKind::Indirect);
        // The model's two touching contents, read with one cue and source: one quote.
        let joined = join_touching(
            &doc,
            vec![
                indirect("Clinton had told police officials"),
                indirect("that she didn't want it"),
            ],
        );
        assert_eq!(
            joined.iter().map(|q| doc.slice(q.span)).collect::<Vec<_>>(),
            ["Clinton had told police officials that she didn't want it"]
        );
        // Apart: a split quote's parts (words between), two statements (another cue), and parts
        // over a paragraph break.
        let split = vec![
            part("We left,", "said", QuoteKind::Direct),
            part("at once.", "said", QuoteKind::Direct),
        ];
        assert_eq!(join_touching(&doc, split.clone()), split);
        let two_statements = vec![
            indirect("Clinton had told police officials"),
            part("that she didn't want it", "said", QuoteKind::Indirect),
        ];
        assert_eq!(join_touching(&doc, two_statements.clone()), two_statements);
        let over_break = vec![
            part("at once.\"", "said", QuoteKind::Direct),
            part("And on.", "said", QuoteKind::Direct),
        ];
        assert_eq!(join_touching(&doc, over_break.clone()), over_break);
    }

    /// One article's text and a builder of quotes over it: `part(content, cue, speaker, kind)`.
    fn article(text: &str) -> (Document, impl Fn(&str, &str, &str, QuoteKind) -> Quote + '_) {
        let doc = Document::new("t".into(), String::new(), text.into(), &clean(text));
        let span_of = move |s: &str| {
            let at = text.find(s).unwrap();
            Span::new(at, at + s.len())
        };
        let part = move |s: &str, cue: &str, speaker: &str, kind: QuoteKind| Quote {
            span: span_of(s),
            cue: Some(span_of(cue)),
            speaker: Some(span_of(speaker)),
            speaker_entity: None,
            kind,
        };
        (doc, part)
    }

    #[test]
    fn the_words_before_a_quote_mark_and_the_quote_are_one_mixed_part() {
        let text =
            "Frankly, “we are tired of waiting,” said John Smith. In short, \"it is dead,\" \
                    Mary Jones told reporters.";
        let (doc, part) = article(text);
        let smith = |s: &str, kind| part(s, "said", "John Smith", kind);
        let jones = |s: &str, kind| part(s, "told", "Mary Jones", kind);
        let quotes = vec![
            smith("Frankly, “", QuoteKind::Mixed),
            smith("we are tired of waiting", QuoteKind::Direct),
            jones("In short", QuoteKind::Indirect),
            jones("it is dead", QuoteKind::Direct),
        ];
        let joined = statements(&doc, quotes);
        let read: Vec<(&str, QuoteKind)> =
            joined.iter().map(|q| (doc.slice(q.span), q.kind)).collect();
        assert_eq!(
            read,
            [
                ("Frankly, “we are tired of waiting", QuoteKind::Mixed),
                ("In short, \"it is dead", QuoteKind::Mixed)
            ]
        );
        // Words between parts of other kinds keep them apart.
        let apart = vec![
            smith("Frankly", QuoteKind::Indirect),
            smith("tired of waiting", QuoteKind::Direct),
        ];
        assert_eq!(statements(&doc, apart.clone()), apart);
    }

    #[test]
    fn every_part_of_a_statement_takes_the_speaker_of_the_part_nearest_its_cue() {
        let text = "According to Mary Jones, “the deal is done,” but Anna Berg disagreed, saying \
                    that talks continue.";
        let (doc, part) = article(text);
        let quotes = vec![
            part(
                "the deal is done",
                "According to",
                "Mary Jones",
                QuoteKind::Direct,
            ),
            part(
                "but Anna Berg disagreed",
                "saying",
                "Mary Jones",
                QuoteKind::Indirect,
            ),
            part(
                "that talks continue",
                "saying",
                "Anna Berg",
                QuoteKind::Indirect,
            ),
        ];
        let speakers: Vec<&str> = statements(&doc, quotes)
            .iter()
            .map(|q| doc.slice(q.speaker.unwrap()))
            .collect();
        assert_eq!(speakers, ["Mary Jones", "Anna Berg", "Anna Berg"]);
    }
}
