//! An article's text as a flat list of pieces for the article page's template: text runs and
//! the opening and closing of marks around them.
//!
//! Three kinds of marks can cover a stretch of text, outermost first: removed web debris, a
//! quote, an entity mention. HTML elements must nest, but a quote may begin inside a mention or
//! a debris line inside a quote, so a mark that crosses another's edge is closed and reopened
//! around it; its pieces share a number (`data-mention`, `data-quote`) and only the last one
//! carries the label (or, for a quote, the speaker link after it). Concatenating the text pieces
//! gives back the article's text exactly.
//!
//! ```
//! use whosaid::report::body::{pieces, Mark, Piece, Spans};
//! let text = "“Hi,” said Ana.";
//! let spans = Spans { mentions: vec![(11, 14)], quotes: vec![(1, 4)], debris: vec![] };
//! let p = pieces(text, &spans);
//! let plain: String = p.iter().filter_map(|p| match p {
//!     Piece::Text(t) => Some(t.as_str()),
//!     _ => None,
//! }).collect();
//! assert_eq!(plain, text);
//! assert!(matches!(p[1], Piece::Open(Mark::Quote(0))));
//! ```

use crate::span::CharOffsets;

/// What marks one stretch of text; the number is the row's position in the article's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mark {
    /// A debris line cleaning removed, by its position in [`Spans::debris`].
    Debris(usize),
    /// A quote, by its position in the article's quote rows.
    Quote(usize),
    /// An entity mention, by its position in the article's mention rows.
    Mention(usize),
}

/// One step of the text, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Open(Mark),
    /// Closes the innermost open mark; `last` when the mark's span ends here (rather than
    /// pausing around another mark's edge).
    Close {
        mark: Mark,
        last: bool,
    },
}

/// A range of characters: start, end exclusive.
pub type CharRange = (usize, usize);

/// Character ranges of an article's marks.
#[derive(Debug, Clone, Default)]
pub struct Spans {
    pub mentions: Vec<CharRange>,
    pub quotes: Vec<CharRange>,
    pub debris: Vec<CharRange>,
}

struct Marked {
    start: usize,
    end: usize,
    mark: Mark,
}

/// The pieces of `text` with `spans` marked; see the module doc.
pub fn pieces(text: &str, spans: &Spans) -> Vec<Piece> {
    let offsets = CharOffsets::new(text);
    let chars = offsets.chars();
    let byte_at = |c: usize| offsets.byte_of(c).expect("cuts lie within the text");
    let mut marks = marked(spans, chars);
    marks.sort_by_key(|m| m.start);
    let mut cuts: Vec<usize> = marks.iter().flat_map(|m| [m.start, m.end]).collect();
    cuts.extend([0, chars]);
    cuts.sort_unstable();
    cuts.dedup();

    let mut out = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut active: Vec<usize> = Vec::new();
    let mut next = 0;
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        active.retain(|&i| marks[i].end > a);
        while next < marks.len() && marks[next].start <= a {
            active.push(next);
            next += 1;
        }
        // Outer kinds first; among one kind, the earlier and longer span outside.
        active.sort_by_key(|&i| {
            (
                marks[i].mark_kind(),
                marks[i].start,
                std::cmp::Reverse(marks[i].end),
                i,
            )
        });
        let keep = open.iter().zip(&active).take_while(|(x, y)| x == y).count();
        close_down_to(&mut open, keep, a, &marks, &mut out);
        for &i in &active[keep..] {
            out.push(Piece::Open(marks[i].mark));
            open.push(i);
        }
        out.push(Piece::Text(text[byte_at(a)..byte_at(b)].to_string()));
    }
    close_down_to(&mut open, 0, chars, &marks, &mut out);
    out
}

impl Marked {
    /// Nesting order: debris outside quotes outside mentions.
    fn mark_kind(&self) -> u8 {
        match self.mark {
            Mark::Debris(_) => 0,
            Mark::Quote(_) => 1,
            Mark::Mention(_) => 2,
        }
    }
}

/// Every non-empty span, clamped to the text.
fn marked(spans: &Spans, chars: usize) -> Vec<Marked> {
    let numbered = |list: &[CharRange], mark: fn(usize) -> Mark| {
        list.iter()
            .enumerate()
            .map(|(i, &(s, e))| (s, e, mark(i)))
            .collect::<Vec<_>>()
    };
    [
        numbered(&spans.debris, Mark::Debris),
        numbered(&spans.quotes, Mark::Quote),
        numbered(&spans.mentions, Mark::Mention),
    ]
    .into_iter()
    .flatten()
    .map(|(s, e, mark)| Marked {
        start: s.min(chars),
        end: e.min(chars),
        mark,
    })
    .filter(|m| m.start < m.end)
    .collect()
}

/// Closes open marks until `keep` remain, at character `at`.
fn close_down_to(
    open: &mut Vec<usize>,
    keep: usize,
    at: usize,
    marks: &[Marked],
    out: &mut Vec<Piece>,
) {
    while open.len() > keep {
        let i = open.pop().expect("len > keep");
        out.push(Piece::Close {
            mark: marks[i].mark,
            last: marks[i].end <= at,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(p: &[Piece]) -> String {
        p.iter()
            .filter_map(|p| match p {
                Piece::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The pieces as a compact string: `[q` opens quote, `m]` closes a mention for good,
    /// `m)` closes one that reopens.
    fn shape(p: &[Piece]) -> String {
        let letter = |m: &Mark| match m {
            Mark::Debris(_) => 'd',
            Mark::Quote(_) => 'q',
            Mark::Mention(_) => 'm',
        };
        p.iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Open(m) => format!("[{}", letter(m)),
                Piece::Close { mark, last } => {
                    format!("{}{}", letter(mark), if *last { ']' } else { ')' })
                }
            })
            .collect()
    }

    /// The shape of `text` marked with these spans, after checking the text comes back whole.
    fn marked_shape(
        text: &str,
        mentions: &[CharRange],
        quotes: &[CharRange],
        debris: &[CharRange],
    ) -> String {
        let spans = Spans {
            mentions: mentions.to_vec(),
            quotes: quotes.to_vec(),
            debris: debris.to_vec(),
        };
        let p = pieces(text, &spans);
        assert_eq!(text_of(&p), text);
        shape(&p)
    }

    #[test]
    fn marks_nest_and_the_text_comes_back_whole() {
        let text = "Ana said “Oslo is near” today.";
        assert_eq!(
            marked_shape(text, &[(0, 3), (10, 14)], &[(10, 22)], &[]),
            "[mAnam] said “[q[mOslom] is nearq]” today."
        );
    }

    #[test]
    fn a_mark_crossing_another_edge_is_reopened() {
        // The mention 2..6 starts before the quote 4..8 and ends inside it.
        assert_eq!(
            marked_shape("abcdefgh", &[(2, 6)], &[(4, 8)], &[]),
            "ab[mcdm)[q[mefm]ghq]"
        );
    }

    #[test]
    fn characters_not_bytes_and_out_of_range_spans_are_clamped() {
        assert_eq!(
            marked_shape(
                "Sandër said “no”",
                &[(0, 6), (40, 50)],
                &[(13, 15)],
                &[(3, 3)]
            ),
            "[mSandërm] said “[qnoq]”"
        );
    }

    #[test]
    fn debris_is_outermost() {
        assert_eq!(
            marked_shape("a\n728 x 90\nb", &[], &[(0, 12)], &[(2, 10)]),
            "[qa\nq)[d[q728 x 90q)d][q\nbq]"
        );
    }
}
