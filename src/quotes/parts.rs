//! The parts of a statement, as every method (`rules`, `model`, `both`) writes them last.
//!
//! Parts of one statement that touch, with nothing but spaces between them on one line, are one
//! part: a quote cut at nothing is one quote. The attribution model can open a second content
//! where the first ends — `[Clinton had told police officials] [that she didn't want the
//! escort], the source added.` — and both read the same cue and source.
//!
//! A statement is the quotes sharing one cue ([`super::attribution_ids`]); parts over a line
//! or paragraph break stay apart (each paragraph's part is scored and shown on its own).

use super::Quote;
use crate::text::Document;

/// Joins the touching parts of each statement; `quotes` are in text order.
pub(super) fn join_touching(doc: &Document, quotes: Vec<Quote>) -> Vec<Quote> {
    let mut out: Vec<Quote> = Vec::with_capacity(quotes.len());
    for quote in quotes {
        match out.last_mut() {
            Some(last) if touch(doc, last, &quote) => last.span.end = quote.span.end,
            _ => out.push(quote),
        }
    }
    out
}

/// Whether `b` goes on where `a` ends: one statement (the same cue, speaker and kind) and only
/// spaces between.
fn touch(doc: &Document, a: &Quote, b: &Quote) -> bool {
    let statement = |q: &Quote| (q.cue, q.speaker, q.speaker_entity, q.kind);
    a.cue.is_some()
        && statement(a) == statement(b)
        && a.span.end <= b.span.start
        && only_spaces(&doc.text[a.span.end..b.span.start])
}

fn only_spaces(text: &str) -> bool {
    text.chars().all(|c| c == ' ' || c == '\t')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;
    use crate::quotes::QuoteKind;
    use crate::text::Span;

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
}
