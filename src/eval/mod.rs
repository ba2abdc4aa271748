//! Scoring against labeled data: NER on CoNLL files and span-labeled fixtures, quotes on
//! brat standoff and the project's quote fixtures.

pub mod entities;
mod mentions_cache;
pub mod ner;
pub mod quotes;
pub mod run;

use anyhow::{bail, Context, Result};

use crate::clean::clean;
use crate::text::{CharOffsets, Document, Span};

/// The first two of `spans` (`[start, end)`, any order) that overlap, in start order: gold spans
/// are marked one character in one entity at most, so fixtures must have none.
pub(crate) fn first_overlap(
    spans: impl IntoIterator<Item = [usize; 2]>,
) -> Option<([usize; 2], [usize; 2])> {
    let mut spans: Vec<[usize; 2]> = spans.into_iter().collect();
    spans.sort();
    spans
        .windows(2)
        .find(|w| w[1][0] < w[0][1])
        .map(|w| (w[0], w[1]))
}

/// Character offsets of one text turned into byte spans, with errors that say what is wrong.
pub(crate) struct CharToByte(CharOffsets);

impl CharToByte {
    pub(crate) fn new(text: &str) -> CharToByte {
        CharToByte(CharOffsets::new(text))
    }

    pub(crate) fn byte(&self, char_offset: usize) -> Result<usize> {
        self.0.byte_of(char_offset).with_context(|| {
            format!(
                "character offset {char_offset} is past the text's end ({} characters)",
                self.0.chars()
            )
        })
    }

    pub(crate) fn span(&self, start: usize, end: usize) -> Result<Span> {
        if start > end {
            bail!("span [{start}, {end}) ends before it starts");
        }
        Ok(Span::new(self.byte(start)?, self.byte(end)?))
    }
}

/// The document the pipeline builds for a labelled article's text (no title): what every
/// scorer tags and compares against its gold spans.
pub fn document_of_text(id: &str, text: &str) -> Document {
    Document::new(
        id.to_string(),
        String::new(),
        text.to_string(),
        &clean(text),
    )
}
