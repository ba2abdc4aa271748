//! Finding quoted stretches of text by their quote marks.
//!
//! Double marks (“ ” „ " and « ») are paired first; single marks (‘ ’ ') are paired in a second
//! pass that skips over the double-quoted stretches, so a stray apostrophe can never swallow a
//! real quote, and a double-quoted stretch inside a single-quoted one (British nesting) is dropped
//! as nested. Apostrophes (`don’t`, `’90s`, `Tehran’s`) never open a quote. A quote left open at
//! a paragraph's end continues when the next paragraph opens with a mark of the same kind (the
//! news convention for a quote over several paragraphs); otherwise it is kept only when it opened
//! the paragraph, and dropped as a stray mark when it did not.
//!
//! Marks of another style inside an open double quote pair among themselves, one level deep,
//! so the outer quote closes at its own mark:
//!
//! ```text
//! «We will “never” leave», said Ali.        We will “never” leave
//! “They called it «a farce»,” she said.     They called it «a farce»,
//! «He said "no" twice», she said.           He said "no" twice
//! “We will leave," he said.                 We will leave,   (a straight mark that closes)
//! ```
//!
//! HTML tags read as white space: `<a href="https://example.com">` holds no quote, and `<p>“Yes`
//! opens its paragraph with a mark.
//!
//! Every pass is one walk over the text, so the cost is linear whatever the marks.

use crate::span::SpanIndex;
use crate::text::{Document, Span};

/// A stretch of text between quote marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted {
    /// From the opening mark to the end of the closing mark (or the paragraph's end).
    pub outer: Span,
    /// The text between the marks, trimmed of white space.
    pub inner: Span,
    /// Whether a closing mark was found.
    pub closed: bool,
    /// Whether the quote runs over several paragraphs.
    pub multi_paragraph: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Double,
    Single,
}

/// How a double mark is drawn: a quote opened in one style closes in it, and marks of another
/// style inside it are a quote within the quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Guillemet,
    Curly,
    Straight,
}

fn style(c: char) -> Style {
    match c {
        '«' | '»' | '‹' | '›' => Style::Guillemet,
        '"' | '\'' => Style::Straight,
        _ => Style::Curly,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    Open,
    Close,
    /// A straight mark: closes an open quote, else opens one.
    Toggle,
}

/// The double quote marks as written: unlike single ones, never an apostrophe, so a span holding
/// one holds (part of) a quote.
pub const DOUBLE_MARKS: [char; 6] = ['“', '”', '"', '«', '»', '„'];

/// Is a character a quote mark of any kind (including apostrophes)?
pub fn is_quote_mark(c: char) -> bool {
    matches!(
        c,
        '"' | '“' | '”' | '„' | '‟' | '«' | '»' | '‘' | '’' | '\'' | '‚' | '‹' | '›'
    )
}

/// The quote mark an HTML character reference at the start of `s` stands for, and the
/// reference's length: `&ldquo;` → (`“`, 7), `&#8217;` → (`’`, 7); none for other references.
fn mark_reference(s: &str) -> Option<(char, usize)> {
    crate::markup::char_reference(s).filter(|(c, _)| is_quote_mark(*c))
}

/// The mark at the start of `s` and its length: a reference to a mark reads as the mark.
fn mark_at(s: &str) -> Option<(char, usize)> {
    let c = s.chars().next()?;
    Some(mark_reference(s).unwrap_or((c, c.len_utf8())))
}

fn opens_context(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => {
            p.is_whitespace()
                || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':')
                || is_quote_mark(p)
        }
    }
}

/// A typographic double mark (“ ” „ « »), as against a straight one (`"`, `''`).
fn is_typographic(c: char) -> bool {
    !matches!(c, '"' | '\'')
}

/// `’90s`, `'em`, `’tis`: an apostrophe standing for dropped letters.
fn is_elision(rest: &str) -> bool {
    let mut chars = rest.chars();
    let (a, b) = (chars.next(), chars.next());
    if matches!((a, b), (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit()) {
        return true;
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    matches!(word.as_str(), "em" | "tis" | "twas" | "til" | "n")
}

/// `the workers’ rights,’ said Kettle`: an apostrophe after an `s`, before a word, that the quote
/// goes on past to a closing mark after punctuation (`,’`) with no opening mark between, ends a
/// plural possessive, not the quote. `‘Yes’ and ‘No’ campaigns` closes at `Yes’` (an opening
/// mark comes first). `closes_ahead`: whether such a closing mark comes later ([`ClosesAhead`]).
fn is_plural_possessive(prev: Option<char>, rest: &str, closes_ahead: bool) -> bool {
    let mut after = rest.chars();
    let (space, word) = (after.next(), after.next());
    matches!(prev, Some('s' | 'S'))
        && space.is_some_and(char::is_whitespace)
        && word.is_some_and(char::is_alphanumeric)
        && closes_ahead
}

/// The single marks that can close a quote, one bit each in [`ClosesAhead`].
const SINGLE_CLOSERS: [char; 3] = ['’', '\'', '›'];

fn closer_bit(c: char) -> u8 {
    SINGLE_CLOSERS
        .iter()
        .position(|&m| m == c)
        .map_or(0, |i| 1 << i)
}

/// For each byte offset of a paragraph, the single marks (’ ' ›) that close after punctuation
/// (`,’`) further on with no opening mark (‘ ‚ ‹, or `'` after a space) before them. Built in one
/// backward walk: a look-ahead from every `s’ ` to the paragraph's end was quadratic.
struct ClosesAhead(Vec<u8>);

impl ClosesAhead {
    fn new(body: &str) -> Self {
        let mut ahead = vec![0u8; body.len() + 1];
        let mut marks = 0u8;
        let mut chars = body.char_indices().rev().peekable();
        while let Some((offset, r)) = chars.next() {
            let before = chars.peek().map(|&(_, b)| b);
            if matches!(r, '‘' | '‚' | '‹') || (r == '\'' && before.is_none_or(char::is_whitespace))
            {
                marks = 0;
            } else if before.is_some_and(|b| matches!(b, ',' | '.' | '?' | '!' | '…' | ';')) {
                marks |= closer_bit(r);
            }
            ahead[offset] = marks;
        }
        ClosesAhead(ahead)
    }

    /// Whether a mark `c` closes after punctuation at or after `offset`, before any opening mark.
    fn closes(&self, c: char, offset: usize) -> bool {
        self.0
            .get(offset)
            .is_some_and(|&marks| marks & closer_bit(c) != 0)
    }
}

fn classify(
    family: Family,
    c: char,
    prev: Option<char>,
    rest: &str,
    open_char: Option<char>,
    closes_ahead: bool,
) -> Option<Event> {
    let next = rest.chars().next();
    let next_is_space = next.is_none_or(|n| n.is_whitespace());
    let next_is_alnum = next.is_some_and(|n| n.is_alphanumeric());
    let prev_is_alnum = prev.is_some_and(|p| p.is_alphanumeric());
    match family {
        Family::Double => match c {
            '“' if open_char == Some('„') => Some(Event::Close),
            // »German and Danish« quotes: guillemets pointing inwards.
            '«' if open_char == Some('»') => Some(Event::Close),
            '“' | '„' | '‟' | '«' => Some(Event::Open),
            '”' | '»' => {
                // ”Word… used as an opening mark.
                if open_char.is_none() && opens_context(prev) && !next_is_space {
                    Some(Event::Open)
                } else {
                    Some(Event::Close)
                }
            }
            '"' => {
                // 6" (inches) is no quote mark.
                if open_char.is_none() && prev.is_some_and(|p| p.is_ascii_digit()) {
                    None
                } else {
                    Some(Event::Toggle)
                }
            }
            _ => None,
        },
        Family::Single => match c {
            '‘' | '‚' | '‹' => {
                if open_char.is_none() && opens_context(prev) && !next_is_space && !is_elision(rest)
                {
                    Some(Event::Open)
                } else if open_char.is_some() && !next_is_alnum {
                    Some(Event::Close)
                } else {
                    None
                }
            }
            '’' | '\'' | '›' => {
                if open_char.is_some() {
                    // don’t, Tehran’s: letters on both sides make an apostrophe; ` ’n` after a
                    // space opens nothing and closes nothing.
                    let apostrophe = next_is_alnum && prev_is_alnum;
                    if apostrophe
                        || (prev.is_none_or(|p| p.is_whitespace()) && !next_is_space)
                        || is_plural_possessive(prev, rest, closes_ahead)
                    {
                        None
                    } else {
                        Some(Event::Close)
                    }
                } else if c == '\'' && opens_context(prev) && next_is_alnum && !is_elision(rest) {
                    Some(Event::Open)
                } else {
                    None
                }
            }
            _ => None,
        },
    }
}

struct Scanner<'t> {
    text: &'t str,
    family: Family,
    out: Vec<Quoted>,
    /// The open quote: its mark's position and character, the paragraph it opened in, and whether
    /// it opened that paragraph.
    open: Option<(usize, char, usize, bool)>,
    /// The opening mark of a quote of another style inside the open one (double family only).
    nested: Option<char>,
    /// End of the paragraph last scanned.
    last_para_end: usize,
    last_para: usize,
}

impl Scanner<'_> {
    fn emit(
        &mut self,
        open: usize,
        close_start: usize,
        close_end: usize,
        closed: bool,
        first_para: usize,
    ) {
        let open_len = if self.text[open..].starts_with("''") {
            2
        } else {
            // A quote going on after debris ([`Scanner::paragraph`]) opens at a word, no mark.
            mark_at(&self.text[open..])
                .filter(|&(c, _)| is_quote_mark(c))
                .map_or(0, |(_, len)| len)
        };
        let inner_start = open + open_len;
        let inner = if close_start > inner_start {
            let body = &self.text[inner_start..close_start];
            let lead = body.len() - body.trim_start().len();
            // `lead + trimmed length`, not `trim_end().len()`: a blank body would invert the span.
            Span::new(inner_start + lead, inner_start + lead + body.trim().len())
        } else {
            Span::new(inner_start, inner_start)
        };
        if inner.is_empty() {
            return;
        }
        self.out.push(Quoted {
            outer: Span::new(open, close_end),
            inner,
            closed,
            multi_paragraph: self.last_para != first_para,
        });
    }

    /// A double mark of another style than the open quote's is a quote within it (module doc):
    /// `Some(None)` when the mark opens or closes that inner quote, `None` when it is to be
    /// read as usual (no quote open, the same style, or a closing mark with nothing nested).
    fn nested_event(
        &mut self,
        c: char,
        pos: usize,
        prev: Option<char>,
        rest: &str,
    ) -> Option<Option<Event>> {
        let (open_pos, open_char, _, _) = self.open?;
        // `"“If I was a donor, …”`: a second opening mark right after the first is the same
        // quote marked twice (scraped text), not a quote within it.
        if pos == open_pos + open_char.len_utf8() {
            return None;
        }
        // A lone `'` is an apostrophe or the single family's (scanned in the second pass).
        let lone_apostrophe = c == '\'' && !rest.starts_with('\'');
        if self.family != Family::Double || style(c) == style(open_char) || lone_apostrophe {
            return None;
        }
        if let Some(inner) = self.nested {
            let closes = match style(inner) {
                Style::Guillemet => c == '»' || c == '›',
                Style::Curly => c == '”' || (inner == '„' && c == '“'),
                Style::Straight => c == '"' || c == '\'',
            };
            if closes {
                self.nested = None;
                return Some(None);
            }
            return None;
        }
        let next_is_space = rest.chars().next().is_none_or(char::is_whitespace);
        let opens = match style(c) {
            Style::Guillemet => c == '«',
            Style::Curly => c == '“' || c == '„',
            // `“We will leave," he said`: a straight mark after the words closes the quote.
            Style::Straight => opens_context(prev) && !next_is_space,
        };
        if opens {
            self.nested = Some(c);
            return Some(None);
        }
        None
    }

    /// Whether a paragraph (`body`) continues the quote left open, opened by `open_char`: it
    /// opens with a mark of the quote's family.
    fn reopens(&self, open_char: char, body: &str) -> bool {
        let Some((first, first_len)) = mark_at(body) else {
            return false;
        };
        let opens = classify(self.family, first, None, &body[first_len..], None, false)
            == Some(Event::Open);
        match self.family {
            Family::Single => opens,
            // The paragraph reopens the quote in its own style: a straight mark after a straight
            // one, a typographic one after a typographic one. A stray `"` that opened the
            // paragraph before a `“Here he is,” she said.` opened nothing.
            Family::Double => {
                is_typographic(first) == is_typographic(open_char)
                    && (opens || first == open_char || first == '"' || body.starts_with("''"))
            }
        }
    }

    /// Settles a quote still open when a paragraph starts that does not continue it.
    fn settle_unclosed(&mut self) {
        if let Some((pos, _, para, opened_para)) = self.open.take() {
            if opened_para {
                self.emit(pos, self.last_para_end, self.last_para_end, false, para);
            }
        }
    }

    fn paragraph(&mut self, index: usize, para: Span, opaque: &[Span]) {
        // `<a href="https://example.com">`: an attribute's marks are no quote's, so the scan reads
        // the paragraph with its tags blanked (same offsets), and a mark after a leading tag
        // (`<p>“We will…`) opens the paragraph.
        let masked = crate::markup::mask_tags(&self.text[para.range()]);
        let lead = masked.len() - masked.trim_start().len();
        let body: &str = &masked;
        let ahead = match self.family {
            Family::Single => ClosesAhead::new(body),
            Family::Double => ClosesAhead(Vec::new()),
        };
        // A quote within a quote ends with its paragraph.
        self.nested = None;
        // Whether the open quote goes on in this paragraph with no mark of its own.
        let mut resumed = false;
        if let Some((_, open_char, _, opened_para)) = self.open {
            // Debris cleaning removed between the paragraphs (an `Advertisement` line) would be
            // inside the quote's span: the quote ends before it.
            let gap = &self.text[self.last_para_end.min(para.start)..para.start];
            let debris_between = !gap.trim().is_empty();
            if debris_between || !self.reopens(open_char, &body[lead..]) {
                self.settle_unclosed();
                // Debris cut a sentence of the quote (`“We had water in every room and
                // the\n\nAdvertisement\n\nwhole street was flooded,” she said.`): a paragraph
                // going on in lower case, with no mark of its own, is the quote's next part.
                let goes_on = body[lead..].starts_with(char::is_lowercase);
                if debris_between && goes_on && opened_para {
                    self.open = Some((para.start + lead, open_char, index, true));
                    resumed = true;
                }
            }
        }
        let continuing = self.open.is_some() && !resumed;
        let mut prev: Option<char> = None;
        let mut opaque_idx = opaque.partition_point(|s| s.end <= para.start);
        let mut skip_first = continuing;
        // The second apostrophe of a `''` mark.
        let mut skip_next = false;
        // The end of a character reference read as the mark it stands for (`&ldquo;`).
        let mut skip_until = 0;
        for (offset, raw) in body.char_indices() {
            if offset < skip_until.max(lead) {
                continue;
            }
            let pos = para.start + offset;
            let (c, c_len) = match raw {
                '&' => mark_reference(&body[offset..]).unwrap_or((raw, 1)),
                _ => (raw, raw.len_utf8()),
            };
            skip_until = offset + c_len;
            while opaque_idx < opaque.len() && opaque[opaque_idx].end <= pos {
                opaque_idx += 1;
            }
            if opaque_idx < opaque.len() && opaque[opaque_idx].start <= pos {
                prev = Some(c);
                continue;
            }
            if skip_next {
                skip_next = false;
                prev = Some(c);
                continue;
            }
            let rest = &body[offset + c_len..];
            // Two apostrophes as one double mark (''Like this,'' in some newspapers' text).
            let doubled = c == '\'' && rest.starts_with('\'');
            if skip_first {
                // The repeated opening mark of a continued paragraph.
                skip_first = false;
                skip_next = doubled;
                prev = Some(c);
                continue;
            }
            if !is_quote_mark(c) {
                prev = Some(c);
                continue;
            }
            let open_char = self.open.map(|(_, ch, _, _)| ch);
            let nested = self.nested_event(c, pos, prev, rest);
            let event = match (self.family, doubled) {
                _ if nested.is_some() => {
                    skip_next = doubled;
                    nested.flatten()
                }
                (Family::Double, true) => {
                    skip_next = true;
                    Some(Event::Toggle)
                }
                // A `''` pair belongs to the double family; the single family leaves it alone.
                (Family::Single, true) => {
                    skip_next = true;
                    None
                }
                _ => classify(
                    self.family,
                    c,
                    prev,
                    rest,
                    open_char,
                    ahead.closes(c, offset + c_len),
                ),
            };
            let mark_len = if doubled { 2 } else { c_len };
            match (event, self.open) {
                (Some(Event::Open | Event::Toggle), None) => {
                    self.open = Some((pos, c, index, offset == lead));
                }
                (Some(Event::Close | Event::Toggle), Some((start, _, first_para, _))) => {
                    self.open = None;
                    self.nested = None;
                    self.last_para = index;
                    self.emit(start, pos, pos + mark_len, true, first_para);
                }
                // An opening mark inside an open quote: the family's own nesting (rare), ignored.
                _ => {}
            }
            prev = Some(c);
        }
        self.last_para_end = para.end;
        self.last_para = index;
    }
}

fn scan_family(text: &str, paragraphs: &[Span], family: Family, opaque: &[Span]) -> Vec<Quoted> {
    let mut scanner = Scanner {
        text,
        family,
        out: Vec::new(),
        open: None,
        nested: None,
        last_para_end: 0,
        last_para: 0,
    };
    for (i, para) in paragraphs.iter().enumerate() {
        scanner.paragraph(i, *para, opaque);
    }
    scanner.settle_unclosed();
    scanner.out
}

/// The quoted stretches of a document ([`find_quoted`]), found in each field apart
/// ([`Document::field_paragraphs`]): a headline's mark left open (`“We will not go`) never
/// runs on into a text that opens with a mark.
pub fn find_quoted_in(doc: &Document) -> Vec<Quoted> {
    doc.field_paragraphs()
        .into_iter()
        .flat_map(|paragraphs| find_quoted(&doc.text, paragraphs))
        .collect()
}

/// Finds the top-level quoted stretches of the paragraphs (in text order, not overlapping).
pub fn find_quoted(text: &str, paragraphs: &[Span]) -> Vec<Quoted> {
    let doubles = scan_family(text, paragraphs, Family::Double, &[]);
    let opaque: Vec<Span> = doubles.iter().map(|q| q.outer).collect();
    let singles = scan_family(text, paragraphs, Family::Single, &opaque);
    // Indexed: a scan of every single-quoted stretch per double-quoted one was quadratic in an
    // article of thousands of both. A stretch holding another overlaps it (none is empty).
    let index = SpanIndex::new(singles.iter().map(|s| s.outer));
    let nested = |d: &Quoted| {
        let around = index.overlapping(d.outer);
        around.iter().any(|&i| singles[i].outer.contains(d.outer))
    };
    let mut out: Vec<Quoted> = doubles.into_iter().filter(|d| !nested(d)).collect();
    out.extend(singles);
    out.sort_by_key(|q| q.outer.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> Vec<&str> {
        let paras = crate::clean::clean(text).paragraphs;
        find_quoted(text, &paras)
            .into_iter()
            .map(|q| &text[q.inner.range()])
            .collect()
    }

    #[test]
    fn straight_and_curly_marks() {
        assert_eq!(
            quoted("“One two,” he said. \"Three four,\" she said."),
            vec!["One two,", "Three four,"]
        );
        assert_eq!(
            quoted("« Bonjour tout le monde », dit-il. „Guten Tag“, sagte sie."),
            vec!["Bonjour tout le monde", "Guten Tag"]
        );
        assert_eq!(quoted("He said: ‘We will win.’"), vec!["We will win."]);
    }

    #[test]
    fn doubled_apostrophes_are_double_marks() {
        assert_eq!(
            quoted("''It's more tinkering,'' he said. ''It won't work.''"),
            vec!["It's more tinkering,", "It won't work."]
        );
        let text = "''One,'' she said.";
        let q = find_quoted(text, &[Span::new(0, text.len())]);
        assert_eq!(q[0].outer, Span::new(0, 8));
        assert_eq!(q[0].inner, Span::new(2, 6));
    }

    #[test]
    fn apostrophes_do_not_open_quotes() {
        assert_eq!(
            quoted("Tehran’s envoy said the ’90s don’t matter. It's 'a fine day' now."),
            vec!["a fine day"]
        );
        assert!(quoted("The ministers’ meeting ended. Rock ’n’ roll.").is_empty());
    }

    #[test]
    fn nested_quotes_stay_inside() {
        assert_eq!(
            quoted("“He told me ‘never again’ and left,” she said."),
            vec!["He told me ‘never again’ and left,"]
        );
        assert_eq!(
            quoted("‘He told me “never again” and left,’ she said."),
            vec!["He told me “never again” and left,"]
        );
    }

    /// `«We will “never” leave»` was read as the quote `We will “never`: the curly mark inside
    /// closed the guillemet.
    #[test]
    fn quotes_of_another_style_nest_inside() {
        assert_eq!(
            quoted("«We will “never” leave», said Ali. Then “more,” he said."),
            vec!["We will “never” leave", "more,"]
        );
        assert_eq!(
            quoted("“They called it «a farce» again,” she said."),
            vec!["They called it «a farce» again,"]
        );
        assert_eq!(
            quoted("«He said \"no\" twice», she said."),
            vec!["He said \"no\" twice"]
        );
        assert_eq!(
            quoted("„Sie sagte «nein» dazu“, sagte er."),
            vec!["Sie sagte «nein» dazu"]
        );
        // Guillemets pointing inwards (German, Danish) open with » and close with «.
        assert_eq!(
            quoted("Er sagte: »Wir bleiben.« Dann ging er. »Nie«, sagte sie."),
            vec!["Wir bleiben.", "Nie"]
        );
        // A straight mark after the words still closes a curly quote (scraped text mixes them).
        assert_eq!(
            quoted("“We will leave,\" he said. “Now.”"),
            vec!["We will leave,", "Now."]
        );
        // Two opening marks in a row are one quote's.
        assert_eq!(
            quoted("\"“If I was a donor, I’d want answers.”\nNext."),
            vec!["“If I was a donor, I’d want answers."]
        );
        // A nested quote left open ends with its paragraph; the outer quote continues.
        assert_eq!(
            quoted("«One “two.\n\n«Three», he said."),
            vec!["One “two.\n\n«Three"]
        );
    }

    #[test]
    fn quote_over_several_paragraphs() {
        let text = "“First part of it.\n\n“Second part of it.\n\n“Third part,” he said.\n\nAfter.";
        let paras = crate::clean::clean(text).paragraphs;
        let got = find_quoted(text, &paras);
        assert_eq!(got.len(), 1);
        assert!(got[0].multi_paragraph && got[0].closed);
        assert_eq!(
            &text[got[0].inner.range()],
            "First part of it.\n\n“Second part of it.\n\n“Third part,"
        );
    }

    /// A headline analysed apart from the text (`crate::text::Document::text_start`) whose mark
    /// is left open: over all paragraphs, its quote ran on into the text's first paragraph,
    /// a span with no offsets in either field.
    #[test]
    fn a_headline_quote_never_runs_into_the_text() {
        let text = "“Nobody leaves,” the mayor said.";
        let cleaned = crate::clean::clean(text);
        let doc = Document::new("t".into(), "“We will not go".into(), text.into(), &cleaned);
        assert!(doc.text_start > 0);
        let over_both = find_quoted(&doc.text, &doc.paragraphs);
        assert!(over_both.iter().any(|q| q.multi_paragraph));
        let got = find_quoted_in(&doc);
        assert!(!got.is_empty());
        for q in &got {
            let in_title = q.outer.end < doc.text_start;
            assert!(in_title || q.outer.start >= doc.text_start, "{q:?}");
        }
        assert!(got.iter().any(|q| doc.slice(q.inner) == "Nobody leaves,"));
    }

    #[test]
    fn a_quote_continues_only_in_its_own_style() {
        // PolNeAR dev: a stray straight mark opening a paragraph ran on into the next
        // paragraph's typographic quote.
        assert_eq!(
            quoted("\"Kevin was snoring.\n\n“Here he is, babe,” she said."),
            vec!["Kevin was snoring.", "Here he is, babe,"]
        );
        assert_eq!(
            quoted("\"First part.\n\n\"Second part,\" he said."),
            vec!["First part.\n\n\"Second part,"]
        );
        assert_eq!(
            quoted("''First part.\n\n''Second part,'' he said."),
            vec!["First part.\n\n''Second part,"]
        );
    }

    #[test]
    fn stray_marks_are_dropped_or_close_at_paragraph_end() {
        assert_eq!(quoted("He is 6\" tall and \"odd."), Vec::<&str>::new());
        assert_eq!(
            quoted("“A quote never closed\n\nNext paragraph."),
            vec!["A quote never closed"]
        );
        assert_eq!(
            quoted("A stray ” mark and a “real one” here."),
            vec!["real one"]
        );
    }

    /// An outside check: `‘We will fight for the workers’ rights,’` was cut at `workers`.
    #[test]
    fn a_plural_possessive_does_not_close_a_single_quote() {
        assert_eq!(
            quoted("'The players' union won't accept it,' said Kettle."),
            vec!["The players' union won't accept it,"]
        );
        assert_eq!(
            quoted("‘We will fight for the workers’ rights,’ said Kettle."),
            vec!["We will fight for the workers’ rights,"]
        );
        assert_eq!(
            quoted("‘I’m not going,’ said Kettle, ‘and neither are the lads’ families.’"),
            vec!["I’m not going,", "and neither are the lads’ families."]
        );
        // The closing mark of a quote ending in `s` still closes it.
        assert_eq!(
            quoted("The ‘Yes’ and ‘No’ campaigns met. ‘It is yours’ he said, ‘now.’"),
            vec!["Yes", "No", "It is yours", "now."]
        );
    }

    /// An outside check: a quote over paragraphs with an `Advertisement` line between them held
    /// the ad.
    #[test]
    fn a_quote_does_not_continue_over_removed_debris() {
        let text = "“We were not good enough.\n\nAdvertisement\n\n“Next week we fight,” he said.";
        assert_eq!(
            quoted(text),
            vec!["We were not good enough.", "Next week we fight,"]
        );
    }

    /// Debris removed inside a sentence of a quote (an `Advertisement` line the page put in the
    /// middle of it) cuts the quote in two parts: the paragraph going on in lower case after the
    /// debris is the second, up to its closing mark (before session 49 it was no quote).
    #[test]
    fn a_quote_cut_mid_sentence_by_debris_goes_on_after_it() {
        let text = "“We had water in every room and the\n\nAdvertisement\n\nwhole street was \
                    flooded,” said Anna Price.";
        assert_eq!(
            quoted(text),
            vec![
                "We had water in every room and the",
                "whole street was flooded,"
            ]
        );
        // A paragraph opening in capitals after the debris starts afresh.
        let text = "“We had water in every room.\n\nAdvertisement\n\nThe street was flooded.";
        assert_eq!(quoted(text), vec!["We had water in every room."]);
    }

    /// An outside check: `&ldquo;We have the votes,&rdquo;` was no quote (scraped text keeps
    /// HTML character references).
    #[test]
    fn character_references_are_the_marks_they_stand_for() {
        assert_eq!(
            quoted("&ldquo;We have the votes,&rdquo; Quinby said. &#8220;Good,&#8221; he said."),
            vec!["We have the votes,", "Good,"]
        );
        assert_eq!(
            quoted("&quot;We will keep going,&quot; he said. &lsquo;It&rsquo;s ours&rsquo; too."),
            vec!["We will keep going,", "It&rsquo;s ours"]
        );
        let text = "&ldquo;One.\n\n&ldquo;Two,&rdquo; he said.";
        let q = find_quoted(text, &crate::clean::clean(text).paragraphs);
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].outer, Span::new(0, text.find(" he").unwrap()));
        assert_eq!(&text[q[0].inner.range()], "One.\n\n&ldquo;Two,");
    }

    /// A reviewer's check: each `players’ union` inside an open single quote looked ahead to the
    /// paragraph's end for a `,’`, quadratic in a long paragraph (no timed assertion: a quadratic
    /// scan of this ≈ 1 MB would not finish within CI's time).
    #[test]
    fn many_plural_possessives_in_a_single_quote_are_not_quadratic() {
        let text = format!(
            "‘Start {}end,’ said Tom.",
            "the players’ union met. ".repeat(40_000)
        );
        let got = quoted(&text);
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("Start the players’ union") && got[0].ends_with("end,"));
    }

    /// A reviewer's check: `<a href="https://example.com/report">` gave the direct quote
    /// `https://example.com/report`.
    #[test]
    fn marks_inside_tags_are_no_quotes() {
        let text =
            "<p>She said <a href=\"https://example.com/report\">the report</a> was clear.</p>";
        assert!(quoted(text).is_empty());
        // A mark after a leading tag opens its paragraph, so the quote continues.
        let text = "<p>“First part.</p>\n\n<p>“Second part,” he said.</p>";
        let paras = crate::clean::clean(text).paragraphs;
        let got = find_quoted(text, &paras);
        assert_eq!(got.len(), 1);
        assert!(got[0].multi_paragraph && got[0].closed);
        assert!(text[got[0].inner.range()].starts_with("First part."));
    }

    #[test]
    fn never_panics_on_mark_soup() {
        let soup: String = "“‘\"'”’«»„‚ 😀 ש ́".repeat(300);
        let text = format!("{soup}\n\n{soup}");
        let paras = crate::clean::clean(&text).paragraphs;
        for q in find_quoted(&text, &paras) {
            assert!(text.is_char_boundary(q.inner.start) && text.is_char_boundary(q.inner.end));
            assert!(text.is_char_boundary(q.outer.start) && text.is_char_boundary(q.outer.end));
        }
    }
}
