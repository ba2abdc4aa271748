//! A model-free mention baseline for scoring the quote rules without NER.

use crate::lexicon::word_list;
use crate::ner::{EntityLabel, Mention};
use crate::quotes::lexicon;
use crate::text::{Document, Span};

word_list! {
    /// Capitalised words that start no name here (`The`, `He`, `Monday`).
    fn baseline_skip = "baseline_skip.txt";
}

/// A crude mention source for development runs without a model: runs of capitalised words
/// (sentence-initial function words left out), all labelled PER.
pub fn capitalized_run_mentions(doc: &Document) -> Vec<Mention> {
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
                && !baseline_skip().contains(&w)
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
