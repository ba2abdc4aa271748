//! HTML left in scraped text: tags (`<p>`, `</p>`, `<br/>`, `<i>…</i>`) and character references
//! (`&ldquo;`, `&#8220;`, `&quot;`). The text is never rewritten (every offset points into it);
//! the stages read around the markup instead:
//!
//! ```text
//! <p>Mayor Clara <i>Fenwick</i> said so.<br/>She left.</p>
//! words:      Mayor Clara Fenwick said so . | She left .    (a tag is white space: masked)
//! &ldquo;We have the votes,&rdquo; Quinby said.
//! quote:      We have the votes,                               (a reference to a mark is that mark)
//! ```
//!
//! [`mask_tags`] gives a copy of a text with each tag's bytes made spaces, so the offsets of the
//! copy are the text's; [`char_reference`] reads one reference.
//!
//! The CSVs' text columns (a mention's or quote's `text`, a quote's `cue` and `speaker_text`) are
//! the text at their offsets with its tags taken out ([`text_without_tags`]): a span keeps the
//! offsets of what it covers, tags inside included, and its text reads as the words do:
//!
//! ```text
//! <p>Mayor Clara <i>Fenwick</i> said so.<br/>She left.</p>
//! speaker at 15..34 (`Clara <i>Fenwick`):  text `Clara Fenwick`
//! quote over `said so.<br/>She`:          text `said so. She`   (a tag between words: a space)
//! ```

use std::borrow::Cow;
use std::sync::OnceLock;

/// The longest tag read as one: attributes and all. A `<` with no `>` soon after is text (`a < b`).
const MAX_TAG_BYTES: usize = 300;

/// The length in bytes of the tag `s` starts with: `<p>`, `</p>`, `<br/>`, `<a href="…">`,
/// `<!-- … -->`. A `<` not followed by a letter (`a < b`, `<3`) or with no `>` on its line within
/// [`MAX_TAG_BYTES`] opens no tag.
pub fn tag_len(s: &str) -> Option<usize> {
    let rest = s.strip_prefix('<')?;
    if let Some(comment) = rest.strip_prefix("!--") {
        // Only as far as a tag may reach: an unclosed `<!--` does not search the whole text.
        let window = &comment.as_bytes()[..comment.len().min(MAX_TAG_BYTES)];
        let end = window.windows(3).position(|w| w == b"-->")?;
        let len = 4 + end + 3;
        return (len <= MAX_TAG_BYTES).then_some(len);
    }
    let name = rest.strip_prefix('/').unwrap_or(rest);
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let end = rest
        .bytes()
        .take(MAX_TAG_BYTES)
        .position(|b| matches!(b, b'>' | b'<' | b'\n'))?;
    (rest.as_bytes()[end] == b'>' && end + 2 <= MAX_TAG_BYTES).then_some(end + 2)
}

/// `text` with every tag's bytes made spaces (borrowed when it holds no `<`): the same length, so
/// a span of the copy is the same span of the text.
pub fn mask_tags(text: &str) -> Cow<'_, str> {
    if !text.contains('<') {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    let mut i = 0;
    while let Some(at) = text[i..].find('<') {
        let start = i + at;
        match tag_len(&text[start..]) {
            Some(len) => {
                bytes[start..start + len].fill(b' ');
                i = start + len;
            }
            None => i = start + 1,
        }
    }
    // Only whole tags (ASCII `<` to `>`, on character boundaries) were blanked.
    Cow::Owned(String::from_utf8(bytes).expect("tags end on character boundaries"))
}

/// The text of the byte range `range` of `text` with the tags in it taken out, as the CSVs'
/// text columns give a span (see the module's header): a tag, or a run of tags touching each
/// other, goes; where it stood between two characters that are not white space, one space stands
/// instead (`said.<br/>She` → `said. She`; `Clara <i>Fenwick` → `Clara Fenwick`). A tag reaching
/// over an end of the range (`<p>` before a span at `p>Health`, as a span cut inside a tag
/// would be) is taken out as far as it lies inside. Borrowed when the range touches no tag.
///
/// Tags are read from the start of the range's line (no tag holds a line break), at most
/// [`MAX_TAG_BYTES`] before the range, so a span costs its own length, not its line's.
pub fn text_without_tags(text: &str, range: std::ops::Range<usize>) -> Cow<'_, str> {
    let span = &text[range.clone()];
    if !span.contains(['<', '>']) {
        return Cow::Borrowed(span);
    }
    let mut from = range.start.saturating_sub(MAX_TAG_BYTES);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    from = text[from..range.start]
        .rfind('\n')
        .map_or(from, |at| from + at + 1);
    // The tags overlapping the range, clipped to it, touching ones joined.
    let mut tags: Vec<std::ops::Range<usize>> = Vec::new();
    let mut i = from;
    while let Some(at) = text[i..range.end].find('<') {
        let start = i + at;
        match tag_len(&text[start..]) {
            Some(len) => {
                let (a, b) = (start.max(range.start), (start + len).min(range.end));
                if a < b {
                    match tags.last_mut() {
                        Some(last) if last.end == a => last.end = b,
                        _ => tags.push(a..b),
                    }
                }
                i = start + len;
            }
            None => i = start + 1,
        }
        if i >= range.end {
            break;
        }
    }
    if tags.is_empty() {
        return Cow::Borrowed(span);
    }
    let mut out = String::with_capacity(span.len());
    let mut kept = range.start;
    for tag in tags {
        out.push_str(&text[kept..tag.start]);
        let before = out.chars().next_back();
        let after = text[tag.end..range.end].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace());
        if word(before) && word(after) {
            out.push(' ');
        }
        kept = tag.end;
    }
    out.push_str(&text[kept..range.end]);
    Cow::Owned(out)
}

/// Named references and their characters (`references.txt`).
fn named_references() -> &'static [(&'static str, char)] {
    static LIST: OnceLock<Vec<(&'static str, char)>> = OnceLock::new();
    LIST.get_or_init(|| {
        crate::lexicon::parse_pairs(include_str!("markup/references.txt"))
            .into_iter()
            .map(|(name, value)| {
                let mut chars = value.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => (name, c),
                    _ => panic!("references.txt: {name} needs one character"),
                }
            })
            .collect()
    })
}

/// The character reference `s` starts with, as its character and its length in bytes:
/// `&ldquo;` → (`“`, 7), `&#8220;` and `&#x201C;` → (`“`, 7 and 8). Unlisted names are none.
pub fn char_reference(s: &str) -> Option<(char, usize)> {
    let rest = s.strip_prefix('&')?;
    // Bytes, not a slice of the text: byte 12 may fall inside a character (CJK), and searching the
    // whole rest instead made every `&` of a long line a walk to its end.
    let end = rest.bytes().take(12).position(|b| b == b';')?;
    let body = &rest[..end];
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code)?
    } else {
        named_references().iter().find(|(name, _)| *name == body)?.1
    };
    Some((c, end + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A review: an unclosed `<!--` searched the rest of the text for its end, and a `&` before
    /// a character across byte 12 searched the rest for a `;`: each made a long line quadratic.
    #[test]
    fn unclosed_comments_and_references_are_not_quadratic() {
        let text = "x <!-- ".repeat(200_000); // ≈ 1.4 MB
        assert_eq!(mask_tags(&text), text);
        let text = "公司&".repeat(200_000); // ≈ 1.4 MB
        assert!(text
            .match_indices('&')
            .all(|(i, _)| char_reference(&text[i..]).is_none()));
        assert_eq!(char_reference("&rdquo;公司"), Some(('”', 7)));
        assert_eq!(tag_len("<!-- a -->b"), Some(10));
    }

    #[test]
    fn tags_are_masked_in_place() {
        let t = "<p>Mayor Clara <i>Fenwick</i> said.<br/>a < b <!-- x --> <3</p>";
        let m = mask_tags(t);
        assert_eq!(m.len(), t.len());
        assert_eq!(
            m,
            "   Mayor Clara    Fenwick     said.     a < b            <3    "
        );
        assert_eq!(tag_len("<a href=\"x\">y"), Some(12));
        assert_eq!(tag_len("< b>"), None);
        assert_eq!(tag_len("<b no end\n>"), None);
    }

    /// Session 50: the CSVs gave a speaker `Mayor Clara <i>Fenwick` and a cue `said.</p`; their
    /// text is the span's with its tags taken out, a tag between words read as a space.
    #[test]
    fn a_spans_text_leaves_its_tags_out() {
        let t = "<p>Mayor Clara <i>Fenwick</i> said.<br/>She left.</p>\n<b>a < b</b>";
        let of = |s: &str| {
            let at = t.find(s).unwrap();
            text_without_tags(t, at..at + s.len())
        };
        assert_eq!(of("Mayor Clara <i>Fenwick"), "Mayor Clara Fenwick");
        assert_eq!(of("Clara <i>Fenwick</i> said"), "Clara Fenwick said");
        assert_eq!(of("said.<br/>She"), "said. She");
        assert_eq!(of("p>Mayor"), "Mayor");
        assert_eq!(of("left.</p"), "left.");
        assert_eq!(of("a < b"), "a < b");
        assert_eq!(of("a < b</b>"), "a < b");
        assert!(matches!(of("She left."), Cow::Borrowed(_)));
        // A `<` with no `>` on its line opens no tag, before the range or in it.
        let t = "a <p\nx> b <c";
        assert_eq!(text_without_tags(t, 5..t.len()), "x> b <c");
    }

    #[test]
    fn references_read_by_name_or_number() {
        assert_eq!(char_reference("&ldquo;We"), Some(('“', 7)));
        assert_eq!(char_reference("&#8220;We"), Some(('“', 7)));
        assert_eq!(char_reference("&#x201D;"), Some(('”', 8)));
        assert_eq!(char_reference("&quot;"), Some(('"', 6)));
        assert_eq!(char_reference("&amp;T"), Some(('&', 5)));
        assert_eq!(char_reference("& Co;"), None);
        assert_eq!(char_reference("&nope;"), None);
        for (name, _) in named_references() {
            assert!(char_reference(&format!("&{name};")).is_some(), "{name}");
        }
    }
}
