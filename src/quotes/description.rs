//! A description before a colon: a linking verb and what follows it describe the subject, they
//! say nothing (`The minister was blunt: "We will not negotiate."`). The colon introduces the
//! quote, and the subject before the verb is the speaker. Both readers ask this one test: the
//! rules of a lead before a quote (`attribution::direct`) and the model's cue (`learned`, whose
//! cue `was blunt` becomes the colon).
//!
//! ```text
//! lead before the colon                              a description?
//! The minister was blunt:                            yes (`was`, then one word)
//! Edi Rama was unusually blunt in his reply:         yes (five words after `was`)
//! The point is exemplified by this finding:          no (a passive's agent after `by` speaks)
//! The minister was blunt about it, and then said:    no (too many words after `was`)
//! ```

use super::{lexicon, passive};
use crate::invisible::without_invisible;
use crate::text::Document;

/// Most words between a linking verb and the colon of its description (`unusually blunt in his
/// reply` of `was unusually blunt in his reply:`).
const DESCRIPTION_WORDS: usize = 6;

/// Whether the word `verb` is a linking verb whose description runs up to the colon at `colon`
/// in its sentence, with no passive's agent between them.
pub(super) fn describes_before_colon(doc: &Document, verb: usize, colon: usize) -> bool {
    let word = |i: usize| without_invisible(doc.slice(doc.tokens[i]));
    let in_one_sentence =
        || doc.sentences_over(doc.tokens[verb]) == doc.sentences_over(doc.tokens[colon]);
    verb < colon
        && colon < doc.tokens.len()
        && colon - verb - 1 <= DESCRIPTION_WORDS
        && word(colon) == ":"
        && lexicon::is_linking_verb(&word(verb).to_lowercase())
        && !(verb + 1..colon).any(|i| passive::opens_agent(doc, i))
        && in_one_sentence()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the first linking verb of `lead: "…"` describes up to its colon.
    fn describes(lead: &str) -> bool {
        let text = format!("{lead}: \"We will not negotiate.\"");
        let doc = Document::new(
            "t".into(),
            String::new(),
            text.clone(),
            &crate::clean::clean(&text),
        );
        let word = |i: usize| doc.slice(doc.tokens[i]);
        let colon = (0..doc.tokens.len()).find(|&i| word(i) == ":").unwrap();
        let verb = (0..colon)
            .find(|&i| lexicon::is_linking_verb(&word(i).to_lowercase()))
            .unwrap();
        describes_before_colon(&doc, verb, colon)
    }

    #[test]
    fn a_linking_verb_describes_up_to_its_colon_unless_an_agent_speaks() {
        assert!(describes("The minister was blunt"));
        assert!(describes("Edi Rama was unusually blunt in his reply"));
        assert!(!describes("The point is exemplified by this finding"));
        assert!(!describes(
            "The minister was blunt about it all week, and then he added"
        ));
    }
}
