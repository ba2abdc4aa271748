//! Labelled turns: `Reporter: …` and `Lleshaj: …` lines of interview transcripts, a headline
//! `Minister: The regime is …`, and the unlabelled paragraphs that continue a transcript turn.

use super::lexicon;
use super::marks::Quoted;
use super::*;
use crate::quotes::QuoteKind;
use crate::text::Span;

/// `Label: text` turns (interview transcripts, headline statements) and the paragraphs that
/// continue a transcript turn.
pub(super) fn turn_candidates(view: &View, direct: &[(Candidate, Quoted)]) -> Vec<Candidate> {
    let doc = view.doc;
    let labels: Vec<Option<(Span, Span)>> = doc
        .paragraphs
        .iter()
        .map(|p| turn_label(view, *p))
        .collect();
    // Transcript speakers: labels used on two or more paragraphs.
    let label_text = |i: usize| labels[i].map(|(l, _)| doc.slice(l).to_lowercase());
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for i in 0..labels.len() {
        if let Some(l) = label_text(i) {
            *counts.entry(l).or_default() += 1;
        }
    }
    let transcript = counts.len() >= 2 && counts.values().filter(|&&c| c >= 2).count() >= 1;
    let mut out = Vec::new();
    let mut open_turn = false;
    for (i, para) in doc.paragraphs.iter().enumerate() {
        match labels[i] {
            Some((label, colon)) => {
                let body = Span::new(colon.end, para.end);
                let trimmed = trim_span(&doc.text, body);
                // A quote right after the colon is a direct quote (`CEO: ‘You should …’`).
                let quoted_body = direct
                    .iter()
                    .any(|(_, q)| q.outer.start <= trimmed.start + 3 && q.outer.start >= colon.end);
                if trimmed.is_empty() || quoted_body {
                    open_turn = false;
                    continue;
                }
                let repeated = counts
                    .get(&doc.slice(label).to_lowercase())
                    .copied()
                    .unwrap_or(0)
                    >= 2;
                open_turn = transcript && repeated;
                out.push(Candidate {
                    span: trimmed,
                    cue: Some(colon),
                    speaker: Some(label),
                    kind: QuoteKind::Direct,
                    inherits_speaker: false,
                    needs_entity: !open_turn,
                });
            }
            None if open_turn => {
                // A paragraph with its own attributed quote ends the transcript.
                let own_quote = direct
                    .iter()
                    .any(|(c, q)| para.contains(q.outer) && c.cue.is_some());
                if own_quote {
                    open_turn = false;
                    continue;
                }
                out.push(Candidate {
                    span: *para,
                    cue: None,
                    speaker: None,
                    kind: QuoteKind::Direct,
                    inherits_speaker: true,
                    needs_entity: false,
                });
            }
            None => {}
        }
    }
    out
}

pub(super) fn trim_span(text: &str, span: Span) -> Span {
    let body = &text[span.range()];
    let lead = body.len() - body.trim_start().len();
    Span::new(span.start + lead, span.start + body.trim_end().len())
}

/// A paragraph's speaker label and colon: `Reporter:`, `Lleshaj:`, `Albanian Interior Minister:`.
pub(super) fn turn_label(view: &View, para: Span) -> Option<(Span, Span)> {
    let text = view.doc.slice(para);
    let colon = text
        .char_indices()
        .take(60)
        .find(|&(_, c)| c == ':')
        .map(|(i, _)| i)?;
    let label = text[..colon].trim_end();
    if label.is_empty() || label.len() > 50 || !text[colon + 1..].starts_with(char::is_whitespace) {
        return None;
    }
    let words: Vec<&str> = label.split_whitespace().collect();
    if words.len() > 6 || !is_capitalized(words[0]) {
        return None;
    }
    let ok_word = |w: &&str| {
        !w.chars().any(|c| c.is_ascii_digit())
            && (is_capitalized(w) || label_function_words().contains(w))
            && lexicon::verb(w).is_none()
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '-' | '\'' | '’'))
    };
    if !words.iter().all(ok_word) || non_speaker_labels().contains(&label.to_lowercase().as_str()) {
        return None;
    }
    let start = para.start;
    Some((
        Span::new(start, start + label.len()),
        Span::new(start + colon, start + colon + 1),
    ))
}
