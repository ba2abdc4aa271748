//! Characters that print nothing, as every stage must see them alike: a text of nothing else is
//! an empty text (`input`), and inside a word they are no separator and no part of its key
//! (`text`, `entities`).
//!
//! `Angela Mer\u{AD}kel` (a soft hyphen, as German pages hyphenate) shows `Angela Merkel`; so
//! does `Angela Mer\u{61C}kel` (the Arabic letter mark, a direction mark). One list serves all:
//! the text reader once took a text of only U+061C for empty while the tokenizer kept it inside
//! words and keys.

use std::borrow::Cow;

/// Format characters a web page carries that print nothing: the soft hyphen (a hyphenation
/// hint), the combining grapheme joiner, the direction marks (U+061C, U+200E, U+200F) and
/// embeddings and isolates (U+202A–U+202E, U+2066–U+2069), the Mongolian vowel separator, the
/// zero-width space (a line-break hint), the word joiner and the invisible operators
/// (U+2060–U+2064), the byte-order mark. The zero-width non-joiner and joiner are not among
/// them: they shape the letters around them (Persian words hold them) and come off a word's
/// ends as marks of their own.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}')
}

/// `text` without its invisible format characters ([`is_invisible_format`]), borrowed when it
/// has none (most words): `an\u{AD}nounced` is `announced`.
pub fn without_invisible(text: &str) -> Cow<'_, str> {
    match text.contains(is_invisible_format) {
        true => Cow::Owned(text.replace(is_invisible_format, "")),
        false => Cow::Borrowed(text),
    }
}

/// Whether `text` shows nothing: only white space, control characters (NUL, …), invisible format
/// characters ([`is_invisible_format`]) and the zero-width joiners.
pub fn shows_nothing(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace()
            || c.is_control()
            || is_invisible_format(c)
            || matches!(c, '\u{200C}' | '\u{200D}')
    })
}

/// Whether `c` is a control character that breaks the tools a CSV is read with: the C0 controls
/// other than tab, line feed and carriage return (which CSV quoting carries), and the C1
/// controls, U+0080 to U+009F. A NUL ends a field for Postgres `COPY` and most C programs, and
/// makes `grep` take the file for binary; an escape (U+001B) runs terminal commands when the
/// file is shown, and so does U+009B, the one-character CSI that a terminal reads in UTF-8 text
/// as `ESC [` (`\u{9B}2J` clears the screen). No text needs a C1 control: one in a dump is a
/// Windows-1252 byte read as Latin-1 (`\u{93}` for a curly quote), or put there to do harm.
pub fn breaks_csv_tools(c: char) -> bool {
    (c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{7F}'))
        || ('\u{80}'..='\u{9F}').contains(&c)
}

/// `text` with each control character that breaks CSV tools ([`breaks_csv_tools`]) written as
/// U+FFFD, the replacement character, as the report's pages write them: one character for one,
/// so a span's text still has as many characters as its offsets say, and the place shows.
///
/// ```
/// use whosaid::invisible::with_controls_replaced;
/// assert_eq!(with_controls_replaced("T\0itle\u{1b}[2J\tok"), "T\u{FFFD}itle\u{FFFD}[2J\tok");
/// assert_eq!(with_controls_replaced("a\u{9b}2Jb\u{a0}c"), "a\u{FFFD}2Jb\u{a0}c");
/// ```
pub fn with_controls_replaced(text: &str) -> Cow<'_, str> {
    match text.contains(breaks_csv_tools) {
        true => Cow::Owned(text.replace(breaks_csv_tools, "\u{FFFD}")),
        false => Cow::Borrowed(text),
    }
}
