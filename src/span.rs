//! Spans and offsets, the leaf every stage shares: a [`Span`] is a byte range into an article's
//! original text (Rust slices by bytes); CSVs report character offsets (Unicode scalar values,
//! as Python's `str` indexes), and [`CharOffsets`] is the one converter between the two.
//!
//! In `"Sandër said"`, `said` is bytes 8..12 and characters 7..11: `ë` takes two bytes.
//!
//! An article analysed with its headline ([`crate::text::Document::text_start`]) has two fields
//! in one analysed text, the record's `title` and its `text`; [`FieldOffsets`] turns a byte span
//! of the analysed text into its [`Field`] and character offsets into that field alone:
//!
//! ```text
//! analysed  Pompeo says talks failed\n\nThe talks in Vienna ended.
//! field     title: 0..24              text: 0..26
//! ```

use std::ops::Range;

use serde::{Deserialize, Serialize};

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

/// Which field of its record a span lies in: the `text`, or the `title` when the title was
/// analysed as the article's headline. Offsets in the CSVs count from the start of that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Title,
    #[default]
    Text,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Text => "text",
        }
    }
}

/// A span as the CSVs write it: its field and character offsets into that field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

/// Converts byte spans of an analysed text (the title, a blank line, the record's text; or the
/// record's text alone when `text_start` is 0) into [`Located`] offsets: [`CharOffsets`] over
/// the whole, each offset taken back to its field's start.
pub struct FieldOffsets {
    chars: CharOffsets,
    /// Where the record's text starts, in bytes and in characters.
    text_start: (usize, usize),
}

impl FieldOffsets {
    pub fn new(analysed: &str, text_start: usize) -> FieldOffsets {
        let chars = CharOffsets::new(analysed);
        let text_start = (text_start, chars.char_of(text_start));
        FieldOffsets { chars, text_start }
    }

    /// The field of `span` and its character offsets there. A span over both fields would have
    /// no honest offsets: the segmentation keeps every span inside one paragraph's field (the
    /// headline is a paragraph of its own, and quoted stretches are found in each field apart),
    /// so meeting one is a bug, and it panics (the record becomes an error row).
    pub fn locate(&self, span: Span) -> Located {
        let (byte, char) = self.text_start;
        let (start, end) = (self.chars.char_of(span.start), self.chars.char_of(span.end));
        if span.start >= byte {
            return Located {
                field: Field::Text,
                start: start - char,
                end: end - char,
            };
        }
        assert!(
            span.end < byte,
            "a span over the title and the text: bytes {}..{}",
            span.start,
            span.end
        );
        Located {
            field: Field::Title,
            start,
            end,
        }
    }

    /// The record's text's length in characters.
    pub fn text_chars(&self) -> usize {
        self.chars.chars() - self.text_start.1
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
    fn field_offsets_count_from_their_fields_start() {
        let (title, text) = ("Sandër says “no”", "Lleshaj 😀 spoke.");
        let analysed = format!("{title}\n\n{text}");
        let at = FieldOffsets::new(&analysed, title.len() + 2);
        let find = |s: &str| {
            let start = analysed.find(s).unwrap();
            at.locate(Span::new(start, start + s.len()))
        };
        let located = |field, start, end| Located { field, start, end };
        assert_eq!(find("Sandër"), located(Field::Title, 0, 6));
        assert_eq!(find("“no”"), located(Field::Title, 12, 16));
        assert_eq!(find("Lleshaj"), located(Field::Text, 0, 7));
        assert_eq!(find("spoke"), located(Field::Text, 10, 15));
        assert_eq!(at.text_chars(), text.chars().count());
        // Without a headline every span is the text's, counted from the start.
        let alone = FieldOffsets::new(text, 0);
        assert_eq!(
            alone.locate(Span::new(13, 18)),
            located(Field::Text, 10, 15)
        );
    }

    #[test]
    #[should_panic(expected = "over the title and the text")]
    fn a_span_over_both_fields_has_no_offsets() {
        FieldOffsets::new("Title\n\nText", 7).locate(Span::new(0, 11));
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
