//! A model-free mention baseline for scoring the quote rules without NER.

use crate::ner::{EntityLabel, Mention};
use crate::quotes::lexicon;
use crate::text::{Document, Span};

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
