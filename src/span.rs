//! Spans and offsets, the leaf every stage shares: a [`Span`] is a byte range into an article's
//! original text (Rust slices by bytes); CSVs report character offsets (Unicode scalar values,
//! as Python's `str` indexes), and [`CharOffsets`] is the one converter between the two.
//!
//! In `"Sandër said"`, `said` is bytes 8..12 and characters 7..11: `ë` takes two bytes.

use std::ops::Range;

/// A byte range into an article's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Converts byte offsets of one text into character offsets (Unicode scalar values), in
/// O(log n) per lookup after an O(n) index over the non-ASCII characters.
pub struct CharOffsets {
    /// Byte offset of each multi-byte character and the number of extra bytes seen up to and
    /// including it.
    multibyte: Vec<(usize, usize)>,
}

impl CharOffsets {
    pub fn new(text: &str) -> CharOffsets {
        let mut multibyte = Vec::new();
        let mut extra = 0;
        for (i, c) in text.char_indices() {
            let n = c.len_utf8();
            if n > 1 {
                extra += n - 1;
                multibyte.push((i, extra));
            }
        }
        CharOffsets { multibyte }
    }

    /// The character offset of a byte offset that lies on a character boundary.
    pub fn char_of(&self, byte: usize) -> usize {
        let idx = self.multibyte.partition_point(|&(b, _)| b < byte);
        let extra = if idx == 0 {
            0
        } else {
            self.multibyte[idx - 1].1
        };
        byte - extra
    }
}
