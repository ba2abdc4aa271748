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
