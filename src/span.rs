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

/// Finds which of many spans overlap a span in O(log n + hits), for lists of quotes or quoted
/// stretches long enough that a scan per lookup would be quadratic (a 2 MB record can hold
/// 40,000 quotes). The spans may overlap one another; they are indexed in the order given.
pub struct SpanIndex {
    /// (span, position in the list given), sorted by start.
    sorted: Vec<(Span, usize)>,
    /// The largest end among `sorted[..=i]`.
    max_end: Vec<usize>,
}

impl SpanIndex {
    pub fn new(spans: impl IntoIterator<Item = Span>) -> SpanIndex {
        let mut sorted: Vec<(Span, usize)> =
            spans.into_iter().enumerate().map(|(i, s)| (s, i)).collect();
        sorted.sort_by_key(|&(s, i)| (s.start, i));
        let max_end = sorted
            .iter()
            .scan(0, |m, (s, _)| {
                *m = (*m).max(s.end);
                Some(*m)
            })
            .collect();
        SpanIndex { sorted, max_end }
    }

    /// Positions (in the list given) of the spans overlapping `span`, in increasing order.
    pub fn overlapping(&self, span: Span) -> Vec<usize> {
        let mut i = self.sorted.partition_point(|(s, _)| s.start < span.end);
        let mut out = Vec::new();
        while i > 0 && self.max_end[i - 1] > span.start {
            i -= 1;
            if self.sorted[i].0.overlaps(span) {
                out.push(self.sorted[i].1);
            }
        }
        out.sort_unstable();
        out
    }
}

/// Converts between byte offsets and character offsets (Unicode scalar values) of one text, in
/// O(log n) per lookup after an O(n) index over the non-ASCII characters.
pub struct CharOffsets {
    /// Each multi-byte character's byte offset, its character offset, and the number of extra
    /// bytes seen up to and including it.
    multibyte: Vec<MultiByte>,
    /// The text's length in characters.
    chars: usize,
}

struct MultiByte {
    byte: usize,
    char: usize,
    extra: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> CharOffsets {
        let mut multibyte = Vec::new();
        let mut extra = 0;
        for (i, c) in text.char_indices() {
            let n = c.len_utf8();
            if n > 1 {
                multibyte.push(MultiByte {
                    byte: i,
                    char: i - extra,
                    extra: extra + n - 1,
                });
                extra += n - 1;
            }
        }
        CharOffsets {
            multibyte,
            chars: text.len() - extra,
        }
    }

    /// The character offset of a byte offset that lies on a character boundary.
    pub fn char_of(&self, byte: usize) -> usize {
        let idx = self.multibyte.partition_point(|m| m.byte < byte);
        byte - self.extra_before(idx)
    }

    /// The byte offset of a character offset, or `None` past the text's end (the end itself,
    /// `chars`, is the text's byte length).
    pub fn byte_of(&self, char_offset: usize) -> Option<usize> {
        if char_offset > self.chars {
            return None;
        }
        let idx = self.multibyte.partition_point(|m| m.char < char_offset);
        Some(char_offset + self.extra_before(idx))
    }

    /// The text's length in characters.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// Extra bytes of the first `idx` multi-byte characters.
    fn extra_before(&self, idx: usize) -> usize {
        idx.checked_sub(1).map_or(0, |i| self.multibyte[i].extra)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_span_index_finds_what_a_scan_finds() {
        let spans: Vec<Span> = [
            (0, 5),
            (3, 40),
            (6, 9),
            (10, 12),
            (10, 11),
            (20, 25),
            (30, 30),
        ]
        .iter()
        .map(|&(a, b)| Span::new(a, b))
        .collect();
        let index = SpanIndex::new(spans.iter().copied());
        for start in 0..42 {
            for end in start..43 {
                let probe = Span::new(start, end);
                let scan: Vec<usize> = (0..spans.len())
                    .filter(|&i| spans[i].overlaps(probe))
                    .collect();
                assert_eq!(index.overlapping(probe), scan, "{probe:?}");
            }
        }
    }

    #[test]
    fn character_and_byte_offsets_convert_both_ways() {
        for text in ["", "plain", "Sandër said", "é", "😀 a 😀", "Ω‍Ω tab\tend ё"] {
            let offsets = CharOffsets::new(text);
            assert_eq!(offsets.chars(), text.chars().count());
            let boundaries = text.char_indices().map(|(b, _)| b).chain([text.len()]);
            for (c, b) in boundaries.enumerate() {
                assert_eq!(offsets.char_of(b), c, "{text:?} byte {b}");
                assert_eq!(offsets.byte_of(c), Some(b), "{text:?} char {c}");
            }
            assert_eq!(offsets.byte_of(offsets.chars() + 1), None);
        }
    }
}
