//! The annotated document: an article's text, where it came from, and every span the stages
//! found in it — the one value an article's output rows are made from.
//!
//! As in spaCy's `Doc`, one object owns the text and each stage adds typed spans over it:
//! [`Document`] holds the text, its provenance and its segmentation (removed debris, paragraphs,
//! sentences, word tokens); [`Annotated`] adds what the model and the rules found (mentions, the
//! entities they merge into, quotes). Every span is a byte range into `doc.text`:
//!
//! ```text
//! doc.text       “Iran is a threat,” said Sandër Lleshaj.
//! doc.tokens     “ Iran is a threat , ” said Sandër Lleshaj .
//! mentions       Iran (LOC)                 Sandër Lleshaj (PER)
//! entities       1 Iran (IR)                2 Sandër Lleshaj
//! quotes         Iran is a threat, ← cue said, speaker Sandër Lleshaj → entity 2
//! ```

use crate::entities::Entities;
use crate::ner::Mention;
use crate::quotes::Quote;
use crate::text::Document;

/// An article after every stage.
#[derive(Debug, Clone)]
pub struct Annotated {
    pub doc: Document,
    /// The model's mentions, in text order.
    pub mentions: Vec<Mention>,
    /// The mentions merged into entities (`entities.entity_of(i)` for mention `i`).
    pub entities: Entities,
    /// Attributed quotes, in text order; their speaker entities index `entities`.
    pub quotes: Vec<Quote>,
}
