//! One article's text with typed spans over it: paragraphs, sentences and word tokens.
//!
//! Every span is a byte range into [`Document::text`], the article's original `text` field, never
//! into a rewritten copy: cleaning only decides which parts of the text are kept, so every offset
//! any later stage reports points into what the user gave us. CSVs report character offsets
//! (Unicode scalar values); [`CharOffsets`] converts.
//!
//! A record whose `title` is not already in its text (dumps that keep the headline apart, as
//! NewsAPI's do) is analysed with its title as the first paragraph, the headline, so that its
//! names and its quote (`Pompeo says talks with Iran failed`) are found too: [`Document::text`]
//! is then the title, a blank line and the text, [`Document::text_start`] says where the text
//! begins, and [`FieldOffsets`] writes each span's offsets into its own field. A title already
//! in the text ([`title_in_text`]: the seed dump's, a `.txt` file's first line) is analysed
//! where it stands, once:
//!
//! ```text
//! title  Pompeo says talks with Iran failed      text  The talks in Vienna ended on Friday.
//! analysed  Pompeo says talks with Iran failed\n\nThe talks in Vienna ended on Friday.
//! title  Talks failed                            text  Talks failed\n\nThe talks in Vienna …
//! analysed  Talks failed\n\nThe talks in Vienna …   (the text alone: its first line is the title)
//! title  Pompeo says talks with Iran failed      text  (empty: a record of only a headline)
//! analysed  Pompeo says talks with Iran failed\n\n   (the headline alone)
//! ```
//!
//! The title is analysed from the characters the record wrote, as a text is (a control
//! character separates words, `Biden\u{85} meets Xi`); only where it is written out is such a
//! character U+FFFD.

pub use crate::invisible::is_invisible_format;
use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::clean::Cleaned;
use crate::input::Origin;
use crate::lexicon::word_list;
pub use crate::span::{CharOffsets, Field, FieldOffsets, Span};

/// A sentence: its span, the paragraph it belongs to and the range of its tokens in
/// [`Document::tokens`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    pub paragraph: usize,
    pub tokens: Range<usize>,
}

/// An article's publication details, each absent when its record had none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    pub url: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
}

/// An article ready for analysis: the original text and its segmentation.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub title: String,
    /// The input and record the article was read from (empty for texts made in code).
    pub origin: Origin,
    /// Where and when the article was published, and by whom, as the record said (written to
    /// articles.csv; nothing here reads them).
    pub about: Published,
    /// The analysed text, every span indexes into it: the record's `text`, after its title and
    /// [`HEADLINE_BREAK`] when the title is analysed as the headline ([`Document::text_start`]).
    pub text: String,
    /// Where the record's `text` begins in [`Document::text`]: 0, or past the title and the
    /// blank line after it. The title then is `text[..text_start - HEADLINE_BREAK.len()]`, one
    /// paragraph of its own, so no sentence, mention or quote runs from one into the other.
    pub text_start: usize,
    /// Lines cleaning removed as web debris, and why (`728 x 90`: "ad size").
    pub removed: Vec<(Span, &'static str)>,
    /// Kept paragraphs (debris removed), in text order. A paragraph is a block of lines between
    /// blank lines; a line-per-paragraph text (transcripts) gives a paragraph per line.
    pub paragraphs: Vec<Span>,
    pub sentences: Vec<Sentence>,
    /// Word tokens, in text order, never crossing a sentence.
    pub tokens: Vec<Span>,
}

/// What joins a headline to the text it is analysed with: a blank line, a paragraph break.
pub const HEADLINE_BREAK: &str = "\n\n";

/// Whether a record's `title` is already in its `text`, and analysed there: the title, read
/// loosely ([`loose`]: case, quote-mark and dash variants, white space, a byte-order mark and
/// closing punctuation aside), with or without a short ` - Source` ending, is one of the text's
/// lines up to the first line of its first kept paragraph (`cleaned` is the text's), whatever
/// web debris stands before it (a `.txt` file's title is its first line that is not debris), or
/// is that paragraph's block of lines (a title the text breaks over lines) or, three words or
/// more, opens it; a title of several lines is the text's when the text opens with it. An
/// empty title is in every text. A title the text holds otherwise was analysed twice, its
/// quote and names counted twice.
///
/// ```text
/// title `Talks  failed`             text `728 x 90\n\nTalks failed\n\nThe talks …`   in the text
/// title `“Talks failed” - Reuters`  text `"TALKS FAILED."\n\nThe talks …`            in the text
/// title `Talks failed`              text `The talks ended. Talks failed, said …`      not: analysed apart
/// ```
pub fn title_in_text(title: &str, text: &str, cleaned: &Cleaned) -> bool {
    let titles = headline_forms(title);
    if titles.is_empty() {
        return true;
    }
    // Lines up to the first kept one; all of them when cleaning kept nothing.
    let first_kept = cleaned.paragraphs.first().map_or(text.len(), |p| p.start);
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if titles.contains(&loose(line)) {
            return true;
        }
        at += line.len();
        if at > first_kept {
            break;
        }
    }
    let Some(first) = cleaned.paragraphs.first() else {
        return false;
    };
    // A title of several lines (a dump whose title field holds the text as well, `--title-field
    // text`) is the text's when the text, whole or from its first kept paragraph, opens with it.
    if title.trim().contains('\n')
        && (opens_loosely(text, &titles) || opens_loosely(&text[first.start..], &titles))
    {
        return true;
    }
    // The first kept paragraph's block of lines, to the first blank line: cleaning may keep a
    // short line as a paragraph of its own.
    let block: String = text[first.start..]
        .split_inclusive('\n')
        .take_while(|line| !line.trim().is_empty())
        .collect();
    let opening = loose(&block);
    titles
        .iter()
        .any(|t| opening == *t || t.split(' ').count() >= 3 && opens_with_words(&opening, t))
}

/// Whether `text` opens with `words` and no letter or digit goes on the last of them there
/// (`talks failed, said` opens with `talks failed`; `talks failedx` does not).
fn opens_with_words(text: &str, words: &str) -> bool {
    text.strip_prefix(words)
        .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
}

/// Whether `text`, read loosely ([`loose`]), opens with one of `titles` ([`opens_with_words`]),
/// reading no more of it than that takes: a prefix about twice the longest title, doubled while
/// it cannot tell. Read whole, a 2 MB text was lowered and rejoined in full, twice, to compare
/// its first line or two with a title of several lines. The prefix tells as the whole text
/// does once a character that `loose` never cuts off a text's end (no space, closing
/// punctuation or quote mark) stands after the longest title and the character after it: the
/// prefix's loose words are then the whole text's up to there, end trimming aside.
///
/// ```text
/// titles [`talks failed`]   `Talks failed.\n\nMike Pompeo said …`   prefix `talks failed. mike`: true
/// titles [`talks failed`]   `Talks failed`                          the whole text (too short)
/// ```
fn opens_loosely(text: &str, titles: &[String]) -> bool {
    let longest = titles.iter().map(String::len).max().unwrap_or(0);
    let mut want = 2 * longest + 64;
    loop {
        let mut end = want.min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end == text.len() {
            let whole = loose(text);
            return titles.iter().any(|t| opens_with_words(&whole, t));
        }
        let words = loose_words(&text[..end]);
        let uncut = |(at, c): (usize, char)| {
            at > longest && !is_loose_closing(c) && !matches!(c, '"' | '\'')
        };
        if words.char_indices().any(uncut) {
            return titles.iter().any(|t| opens_with_words(&words, t));
        }
        want *= 2;
    }
}

/// A title's loose forms ([`loose`]): itself and, when it ends in a short source after a dash
/// or bar (`Talks failed - Reuters`, `Talks failed | AP News`: four words at most), what stands
/// before it. None for a title of no words.
fn headline_forms(title: &str) -> Vec<String> {
    let whole = loose(title);
    if whole.is_empty() {
        return Vec::new();
    }
    let mut forms = vec![whole.clone()];
    for separator in [" - ", " | "] {
        if let Some(at) = whole.rfind(separator) {
            let source = &whole[at + separator.len()..];
            let before = loose(&whole[..at]);
            if (1..=4).contains(&source.split(' ').count()) && !before.is_empty() {
                forms.push(before);
            }
        }
    }
    forms
}

/// A line as a headline is compared: lower case, curly quote marks straight, dashes `-`, white
/// space collapsed, byte-order marks and closing punctuation (`.`, `!`, `?`, `:`, `;`, `,`, `…`)
/// left out: `“TALKS FAILED.”` and `"Talks failed"` read alike.
fn loose(line: &str) -> String {
    let words = loose_words(line);
    let quote_free_end = words.trim_end_matches(is_loose_closing);
    // A closing mark after the punctuation (`"Talks failed."`) is kept, the punctuation not.
    match quote_free_end.strip_suffix(['"', '\'']) {
        Some(inner) => format!(
            "{}{}",
            inner.trim_end_matches(is_loose_closing),
            &quote_free_end[inner.len()..]
        ),
        None => quote_free_end.to_string(),
    }
}

/// [`loose`] before its end is trimmed: each character mapped alone, so the loose words of a
/// text's prefix are a prefix of the whole text's ([`opens_loosely`] reads no further). Letters
/// are lower-cased and decomposed for compatibility with their accents left out, so a title
/// and a line that print alike read alike however their letters are encoded (`Kovač` composed
/// or as `c` and a combining caron, `ﬁnal` with the ligature, full-width `ＡＰ`, `İnce` whose
/// lower case is `i̇nce`, `Weiß` and `WEISS`), and invisible characters (a zero-width space, a
/// soft hyphen, a byte-order mark) and emoji are left out: the headline `Kovač says
/// “no” 🇭🇷` is the text's line `Kovač says “no”`.
fn loose_words(line: &str) -> String {
    let mut mapped = String::with_capacity(line.len());
    let loose_char = |c: char| match c {
        '‘' | '’' | '‚' | '‛' | '′' => '\'',
        '“' | '”' | '„' | '‟' | '«' | '»' | '″' => '"',
        '–' | '—' | '‒' | '―' | '−' => '-',
        c => c,
    };
    for c in line.chars() {
        if is_invisible_format(c) || is_edge_mark(c) {
            continue;
        }
        for lower in loose_char(c).to_lowercase() {
            unicode_normalization::char::decompose_compatible(lower, |part| match part {
                'ß' => mapped.push_str("ss"),
                part if unicode_normalization::char::is_combining_mark(part) => {}
                part => mapped.push(loose_char(part)),
            });
        }
    }
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What [`loose`] leaves off a line's end: closing punctuation, and the space between.
fn is_loose_closing(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ':' | ';' | ',' | '…' | ' ')
}

impl Document {
    /// Segments a cleaned article into paragraphs, sentences and tokens, its title first as the
    /// headline when the text does not hold it ([`title_in_text`]; `cleaned` is the text's).
    pub fn new(id: String, title: String, text: String, cleaned: &Cleaned) -> Document {
        let (text, text_start, paragraphs, removed) = if title_in_text(&title, &text, cleaned) {
            (text, 0, cleaned.paragraphs.clone(), cleaned.removed.clone())
        } else {
            // The headline cleaned as a text is (`| Latest News` dropped): spans of the title
            // as written, which the analysed text opens with.
            let headline = crate::clean::clean_headline(&title);
            let start = title.len() + HEADLINE_BREAK.len();
            let shift = |s: &Span| Span::new(s.start + start, s.end + start);
            let paragraphs = (headline.paragraphs.iter().copied())
                .chain(cleaned.paragraphs.iter().map(shift))
                .collect();
            let removed = (headline.removed.iter().cloned())
                .chain(cleaned.removed.iter().map(|(s, r)| (shift(s), *r)));
            let analysed = format!("{title}{HEADLINE_BREAK}{text}");
            (analysed, start, paragraphs, removed.collect())
        };
        let mut sentences = Vec::new();
        let mut tokens = Vec::new();
        for (p, para) in paragraphs.iter().enumerate() {
            for span in split_sentences(&text, *para) {
                let first = tokens.len();
                tokens.extend(split_words(&text, span));
                sentences.push(Sentence {
                    span,
                    paragraph: p,
                    tokens: first..tokens.len(),
                });
            }
        }
        Document {
            id,
            title,
            origin: Origin::default(),
            about: Published::default(),
            text,
            text_start,
            removed,
            paragraphs,
            sentences,
            tokens,
        }
    }

    /// The record's own `text` (the analysed text without its headline).
    pub fn record_text(&self) -> &str {
        &self.text[self.text_start..]
    }

    /// The converter of this document's spans to each field's character offsets.
    pub fn field_offsets(&self) -> FieldOffsets {
        FieldOffsets::new(&self.text, self.text_start)
    }

    /// The paragraphs of each field: the headline's (none when the title is not analysed
    /// apart) and the text's. What runs over paragraphs (a quote continued in the next one)
    /// runs within one field's.
    pub fn field_paragraphs(&self) -> [&[Span]; 2] {
        let split = self
            .paragraphs
            .partition_point(|p| p.start < self.text_start);
        let (title, text) = self.paragraphs.split_at(split);
        [title, text]
    }

    /// The text under a span.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.range()]
    }

    /// Each sentence's word tokens as text (what the NER tagger reads).
    pub fn sentence_words(&self) -> Vec<Vec<&str>> {
        self.sentences
            .iter()
            .map(|s| {
                self.tokens[s.tokens.clone()]
                    .iter()
                    .map(|t| self.slice(*t))
                    .collect()
            })
            .collect()
    }

    /// The index in [`Document::tokens`] of each paragraph's first word, in order (paragraphs
    /// without words left out).
    pub fn paragraph_starts(&self) -> Vec<usize> {
        let words = self.paragraph_words();
        words
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| w.start)
            .collect()
    }

    /// Each paragraph's words, as ranges of [`Document::tokens`] (empty paragraphs included, so
    /// the index is the paragraph's).
    pub fn paragraph_words(&self) -> Vec<Range<usize>> {
        let mut out = vec![0..0; self.paragraphs.len()];
        for s in &self.sentences {
            let range = &mut out[s.paragraph];
            if range.start == range.end {
                *range = s.tokens.clone();
            } else {
                range.end = s.tokens.end;
            }
        }
        out
    }

    /// The words a span covers (any word it overlaps), as one range of [`Document::tokens`] per
    /// paragraph it reaches: `“We will not go,” he said.` over a paragraph break becomes two
    /// ranges. Empty for a span over no word (inside removed debris).
    pub fn word_ranges(&self, span: Span) -> Vec<Range<usize>> {
        let first = self.tokens.partition_point(|t| t.end <= span.start);
        let last = self.tokens.partition_point(|t| t.start < span.end);
        let paragraph_of = |w: usize| {
            let s = self.sentences.partition_point(|s| s.tokens.end <= w);
            self.sentences[s].paragraph
        };
        let mut out: Vec<(usize, Range<usize>)> = Vec::new();
        for w in first..last.max(first) {
            let para = paragraph_of(w);
            match out.last_mut() {
                Some((p, range)) if *p == para => range.end = w + 1,
                _ => out.push((para, w..w + 1)),
            }
        }
        out.into_iter().map(|(_, range)| range).collect()
    }

    /// The paragraph holding a byte offset (its end included: a quote's end may be a
    /// paragraph's).
    pub fn paragraph_of(&self, pos: usize) -> Option<usize> {
        let i = self.paragraphs.partition_point(|p| p.start <= pos);
        let p = i.checked_sub(1)?;
        (pos <= self.paragraphs[p].end).then_some(p)
    }

    /// The sentences a span overlaps, as a range of [`Document::sentences`]: `2..3` for a span
    /// inside the third sentence; empty for a span between sentences.
    pub fn sentences_over(&self, span: Span) -> Range<usize> {
        let first = self.sentences.partition_point(|s| s.span.end <= span.start);
        let last = self.sentences.partition_point(|s| s.span.start < span.end);
        first..last.max(first)
    }

    /// Number of whitespace-separated words in the kept text (for words/s figures).
    pub fn word_count(&self) -> usize {
        self.paragraphs
            .iter()
            .map(|p| self.slice(*p).split_whitespace().count())
            .sum()
    }
}

word_list! {
    /// Words that end with a period without ending a sentence (checked case-sensitively on the word
    /// without its period).
    fn abbreviations = "text/abbreviations.txt";
}

word_list! {
    /// Words that start sentences without naming anything, lowercase, sorted: a capitalised one
    /// at a sentence's start names nothing (NER's sentence skip, a title's name after it).
    fn sentence_openers = "text/sentence_openers.txt";
}

/// Whether `word` is one of the [`sentence_openers`] (`The`, `He`, `But`), in any case.
pub fn is_sentence_opener(word: &str) -> bool {
    sentence_openers()
        .binary_search(&word.to_lowercase().as_str())
        .is_ok()
}

word_list! {
    /// Titles before a name whose abbreviation also ends sentences as another word (`Del.`:
    /// Delegate, Delaware), checked case-sensitively on the word without its period.
    fn name_title_abbreviations = "text/name_title_abbreviations.txt";
}

/// Whether `word` is a title abbreviation that also ends sentences as another word
/// ([`name_title_abbreviations`]): `Del.`.
pub(crate) fn is_name_title_abbreviation(word: &str) -> bool {
    word.strip_suffix('.')
        .is_some_and(|stem| name_title_abbreviations().contains(&stem))
}

/// Whether a sentence piece opens with a name: a capitalised word, after any opening marks,
/// that is no sentence opener (`Stacey` of `Stacey Plaskett said`, not `The` of `The next
/// day`).
fn opens_with_name(piece: &str) -> bool {
    let first = piece
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_start_matches(is_open_punct);
    let head = first
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    head.chars().next().is_some_and(char::is_uppercase) && !is_sentence_opener(head)
}

fn is_abbreviation(word: &str) -> bool {
    let Some(stem) = word.strip_suffix('.') else {
        return false;
    };
    if abbreviations().contains(&stem) {
        return true;
    }
    // Initials and dotted acronyms: "J.", "U.S.", "U.N."
    let mut chars = stem.chars();
    stem.split('.').all(|part| {
        let mut c = part.chars();
        matches!((c.next(), c.next()), (Some(ch), None) if ch.is_uppercase())
    }) && chars.next().is_some()
}

/// Splits a paragraph into sentences: Unicode (UAX #29) sentence boundaries, re-joined after
/// abbreviations and initials, trimmed of surrounding white space, and after a title that also
/// ends sentences as another word when a name follows it (`said Del. Stacey Plaskett` is one
/// sentence, `a town in Del. The next day` two: [`name_title_abbreviations`]). HTML tags count
/// as white space ([`crate::markup`]).
pub fn split_sentences(text: &str, para: Span) -> Vec<Span> {
    // Tags are white space (`said so.<br/>She left.` is two sentences; `</p>` ends none).
    let masked = crate::markup::mask_tags(&text[para.range()]);
    let body: &str = &masked;
    let mut out: Vec<Span> = Vec::new();
    let mut join_next = false;
    let mut join_before_name = false;
    for (offset, piece) in body.split_sentence_bound_indices() {
        let start = para.start + offset;
        let trimmed = piece.trim_end();
        let lead = piece.len() - piece.trim_start().len();
        if trimmed.trim().is_empty() {
            continue;
        }
        let span = Span::new(start + lead, start + trimmed.len());
        let next_starts_lower = piece
            .trim_start()
            .chars()
            .next()
            .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
        match out.last_mut() {
            Some(prev)
                if join_next || next_starts_lower || join_before_name && opens_with_name(piece) =>
            {
                prev.end = span.end
            }
            _ => out.push(span),
        }
        let mut last_words = trimmed.split_whitespace().rev();
        let last_word = last_words.next().unwrap_or("");
        let last_word = last_word.trim_start_matches(['(', '[', '"', '“', '‘', '\'']);
        join_next = is_abbreviation(last_word) && !last_word.ends_with("..");
        // After a place and its comma (`Dover, Del.`, AP's style) it is the state, and a
        // sentence may end there.
        let after_place = last_words.next().is_some_and(|w| w.ends_with(','));
        join_before_name = is_name_title_abbreviation(last_word) && !after_place;
    }
    out
}

fn is_open_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '«' | '„' | '‚' | '(' | '[' | '{' | '<' | '¿' | '¡' | '*' | '#'
    )
}

fn is_close_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '’'
            | '»'
            | ')'
            | ']'
            | '}'
            | '>'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '…'
            | '*'
    )
}

/// Characters that separate words as white space does though they print nothing: controls
/// (NUL), and the invisible format characters ([`is_invisible_format`]) where they do not join a
/// word ([`joins_word`]). Kept in a word, they made `Maria Lopez\0` a name of its own (`maria
/// lopez\0` as its key).
pub fn is_invisible_separator(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// Whether an invisible format character between `before` and `after` is inside a word, and
/// so no separator: between two letters or digits (`Mer\u{AD}kel`, `Mer\u{200B}kel` are the
/// word `Merkel` to the model, whose tokenizer drops them), unless a lower-case letter meets an
/// upper-case one (`Angela\u{200B}Merkel` is two words, as a page that spaces with it shows).
pub fn joins_word(before: Option<char>, after: Option<char>) -> bool {
    match (before, after) {
        (Some(b), Some(a)) if b.is_alphanumeric() && a.is_alphanumeric() => {
            !(b.is_lowercase() && a.is_uppercase())
        }
        _ => false,
    }
}

/// The parts of `text` between word separators: white space, controls, and invisible format
/// characters that do not join a word ([`joins_word`]), as byte ranges.
pub fn separated_parts(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let mut start: Option<usize> = None;
    let mut before = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        // The next character that shows: `Mer\u{AD}\u{200B}kel` is one word too.
        let after = || {
            chars
                .clone()
                .map(|(_, a)| a)
                .find(|&a| !is_invisible_format(a))
        };
        let separates = c.is_whitespace()
            || c.is_control()
            || (is_invisible_format(c) && !joins_word(before, after()));
        if separates {
            if let Some(s) = start.take() {
                parts.push(s..i);
            }
        } else {
            start.get_or_insert(i);
        }
        // A format character inside a word is transparent: the letters around it meet.
        if !is_invisible_format(c) || separates {
            before = Some(c);
        }
    }
    if let Some(s) = start {
        parts.push(s..text.len());
    }
    parts
}

/// Marks that come off a word's ends as tokens of their own, as punctuation does: emoji and
/// pictographs (with their variation selectors, skin tones, joiners and a flag's tag characters)
/// and the zero-width non-joiner (`Donald Trump😀`, `Scholz\u{200C}` are the names `Trump`,
/// `Scholz`). Inside a word they stay (a non-joiner belongs inside Persian words).
fn is_edge_mark(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0E | 0xFE0F | 0x200C | 0x200D | 0xE0020..=0xE007F)
}

/// Whether `word` is all emoji (or other edge marks, [`is_edge_mark`]): a word token
/// [`split_words`] cut off a name, never part of one.
pub fn is_emoji_word(word: &str) -> bool {
    !word.is_empty() && word.chars().all(is_edge_mark)
}

/// The bytes of the mark token that `word` starts with, or ends with (`at_end`): the whole run
/// of edge marks ([`is_edge_mark`]) there, since one emoji may be several of them (`👩🏽‍⚖️` is
/// five, a flag `🇭🇷` two) and a span ending between them cut the emoji in two (a mention `Ana
/// 👩`); else the one character there.
fn mark_token_len(word: &str, at_end: bool) -> usize {
    let (rest, edge) = match at_end {
        true => (
            word.trim_end_matches(is_edge_mark),
            word.chars().next_back(),
        ),
        false => (word.trim_start_matches(is_edge_mark), word.chars().next()),
    };
    match word.len() - rest.len() {
        0 => edge.map_or(0, char::len_utf8),
        run => run,
    }
}

/// Splits a sentence into word tokens, roughly as CoNLL-2003 does: white space separates, and
/// leading quotes/brackets and trailing punctuation come off as tokens of their own, as does a
/// final period unless the word is an abbreviation, and a possessive `'s`. Inner hyphens,
/// apostrophes and periods stay (`Serbian-born`, `isn’t`, `U.S.`). Invisible separators
/// separate like white space, unless inside a word ([`separated_parts`]), and emoji come off a
/// word's ends ([`is_edge_mark`]). HTML tags separate like white space, and a character
/// reference to punctuation at a word's edge comes off as that punctuation would
/// (`&ldquo;We` is `&ldquo;` `We`; `AT&amp;T` stays one word).
pub fn split_words(text: &str, sentence: Span) -> Vec<Span> {
    let mut out = Vec::new();
    // A tag separates words as white space does (`p>Health`, `Clara <i>Fenwick` were words).
    let body = crate::markup::mask_tags(&text[sentence.range()]);
    let parts = separated_parts(&body);
    let count = parts.len();
    for (i, part) in parts.into_iter().enumerate() {
        split_chunk(
            text,
            sentence.start + part.start,
            sentence.start + part.end,
            i + 1 < count,
            &mut out,
        );
    }
    out
}

/// The length of a character reference to punctuation that `s` starts with (`&rdquo;`).
fn punct_reference(s: &str) -> Option<usize> {
    let (c, len) = crate::markup::char_reference(s)?;
    (is_open_punct(c) || is_close_punct(c) || matches!(c, '–' | '—' | '&')).then_some(len)
}

/// `inside`: more of the sentence follows the chunk, so a title abbreviation that also ends
/// sentences (`Del.` of `said Del. Stacey Plaskett`) keeps its period as `Sen.` does.
fn split_chunk(text: &str, mut start: usize, mut end: usize, inside: bool, out: &mut Vec<Span>) {
    let mut head = Vec::new();
    // Leading punctuation, one token per mark.
    while start < end {
        if let Some(len) = punct_reference(&text[start..end]) {
            head.push(Span::new(start, start + len));
            start += len;
            continue;
        }
        let c = text[start..end].chars().next().unwrap();
        // An opening mark always; a closing one or an emoji only with more of the word after it.
        let len = mark_token_len(&text[start..end], false);
        let more = end - start > len;
        if is_open_punct(c) || ((is_close_punct(c) || is_edge_mark(c)) && more) {
            head.push(Span::new(start, start + len));
            start += len;
        } else {
            break;
        }
    }
    let mut tail = Vec::new();
    loop {
        if start >= end {
            break;
        }
        let word = &text[start..end];
        // A trailing reference (`votes,&rdquo;`), before its `;` comes off as punctuation.
        let reference = word
            .rfind('&')
            .filter(|&amp| amp > 0 && punct_reference(&word[amp..]) == Some(word.len() - amp));
        if let Some(amp) = reference {
            tail.push(Span::new(start + amp, end));
            end = start + amp;
            continue;
        }
        let c = word.chars().next_back().unwrap();
        let n = mark_token_len(word, true);
        if word.len() == n {
            break;
        }
        if is_close_punct(c) || is_edge_mark(c) {
            // An apostrophe closing a plural possessive ("ministers'") stays a token of its own too.
            tail.push(Span::new(end - n, end));
            end -= n;
        } else if c == '.' {
            let title = inside && is_name_title_abbreviation(word);
            if is_abbreviation(word) || title || word.ends_with("...") {
                if word.ends_with("...") && word.len() > 3 {
                    tail.push(Span::new(end - 3, end));
                    end -= 3;
                    continue;
                }
                break;
            }
            tail.push(Span::new(end - 1, end));
            end -= 1;
        } else {
            break;
        }
    }
    if start < end {
        let word = &text[start..end];
        let possessive = ["'s", "’s", "'S", "’S"]
            .iter()
            .find(|p| word.len() > p.len() && word.ends_with(**p));
        match possessive {
            Some(p) => {
                head.push(Span::new(start, end - p.len()));
                head.push(Span::new(end - p.len(), end));
            }
            None => head.push(Span::new(start, end)),
        }
    }
    out.extend(head);
    out.extend(tail.into_iter().rev());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_load() {
        crate::lexicon::check_lists(&[("abbreviations", abbreviations())], false);
        // Matched case-sensitively: both cases are listed where both occur.
        assert!(abbreviations().contains(&"Fig") && abbreviations().contains(&"fig"));
        assert!(is_abbreviation("Mr.") && !is_abbreviation("mr."));
    }

    fn words(s: &str) -> Vec<&str> {
        split_words(s, Span::new(0, s.len()))
            .into_iter()
            .map(|w| &s[w.range()])
            .collect()
    }

    #[test]
    fn words_peel_punctuation_like_conll() {
        assert_eq!(
            words("“MEK isn’t a threat,” said Lleshaj."),
            vec!["“", "MEK", "isn’t", "a", "threat", ",", "”", "said", "Lleshaj", "."]
        );
        assert_eq!(
            words("the U.S. president [Donald] Trump"),
            vec!["the", "U.S.", "president", "[", "Donald", "]", "Trump"]
        );
        assert_eq!(
            words("Tehran’s ambassador (PMOI/MEK)"),
            vec!["Tehran", "’s", "ambassador", "(", "PMOI/MEK", ")"]
        );
        assert_eq!(
            words("Sandër Lleshaj 😀!"),
            vec!["Sandër", "Lleshaj", "😀", "!"]
        );
        assert_eq!(
            words("Dec. 23, 2018 - In"),
            vec!["Dec.", "23", ",", "2018", "-", "In"]
        );
    }

    /// An outside check found `Maria Lopez\0`, `Scholz\u{200C}` and `Donald Trump😀` read as
    /// names of their own, and `“Deal done,”😀 said …` hiding its closing mark inside a word.
    #[test]
    fn invisible_characters_and_emoji_are_not_part_of_words() {
        assert_eq!(
            words("Maria Lopez\0said \u{200B}it\u{FEFF}."),
            vec!["Maria", "Lopez", "said", "it", "."]
        );
        // Between letters an invisible format character is inside the word (a hyphenation or
        // line-break hint), unless a lower-case letter meets an upper-case one; at a word's
        // edge it separates. Inside, they split "Merkel" into two words of a name.
        assert_eq!(
            words("Angela\u{200B}Mer\u{AD}kel\u{200F} met Mer\u{200B}kel\u{2060}s."),
            vec![
                "Angela",
                "Mer\u{AD}kel",
                "met",
                "Mer\u{200B}kel\u{2060}s",
                "."
            ]
        );
        assert_eq!(words("Mer\u{AD}\u{200B}kel"), vec!["Mer\u{AD}\u{200B}kel"]);
        assert_eq!(
            words("Scholz\u{200C} and Trump😀 met 😀China😀."),
            vec!["Scholz", "\u{200C}", "and", "Trump", "😀", "met", "😀", "China", "😀", "."]
        );
        assert_eq!(
            words("“Deal done,”😀 said"),
            vec!["“", "Deal", "done", ",", "”", "😀", "said"]
        );
        // Inside a word a non-joiner stays (Persian).
        assert_eq!(words("می\u{200C}خواهم"), vec!["می\u{200C}خواهم"]);
    }

    /// An outside check: an emoji of several characters (a ZWJ sequence with a skin tone, a
    /// flag's two regional indicators) came off a word one character at a time, so a mention
    /// `Ana 👩` and a speaker `Minister 🇭🇷Ana Kovač🇭` ended inside the emoji.
    #[test]
    fn an_emoji_of_several_characters_is_one_token() {
        assert_eq!(
            words("Ana 👩🏽\u{200D}⚖\u{FE0F}Kovač said"),
            vec!["Ana", "👩🏽\u{200D}⚖\u{FE0F}", "Kovač", "said"]
        );
        assert_eq!(
            words("Minister 🇭🇷Ana Kovač🇭🇷 said:"),
            vec!["Minister", "🇭🇷", "Ana", "Kovač", "🇭🇷", "said", ":"]
        );
        let scotland = "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}";
        assert_eq!(
            words(&format!("Nicola Sturgeon{scotland}.")),
            vec!["Nicola", "Sturgeon", scotland, "."]
        );
        assert_eq!(words("👍🏿👍🏿"), vec!["👍🏿👍🏿"]);
    }

    fn sentences(t: &str) -> Vec<&str> {
        split_sentences(t, Span::new(0, t.len()))
            .into_iter()
            .map(|s| &t[s.range()])
            .collect()
    }

    /// An outside check: leftover tags made words `p>Health` and `said.</p`, and `<br/>` glued
    /// two sentences.
    #[test]
    fn html_tags_are_white_space_to_words_and_sentences() {
        assert_eq!(
            words("<p>Mayor Clara <i>Fenwick</i> said.</p>"),
            vec!["Mayor", "Clara", "Fenwick", "said", "."]
        );
        let t = "<p>Clara said the plan would work.<br/>She left early.</p>";
        let got = sentences(t);
        assert_eq!(
            got,
            vec!["Clara said the plan would work.", "She left early."]
        );
        assert_eq!(words("a < b"), vec!["a", "<", "b"]);
    }

    /// An outside check: `&ldquo;We have the votes,&rdquo;` made the words `&ldquo;We` and
    /// `votes,&rdquo`.
    #[test]
    fn character_references_to_punctuation_come_off_words() {
        assert_eq!(
            words("&ldquo;We have the votes,&rdquo; Quinby said."),
            vec!["&ldquo;", "We", "have", "the", "votes", ",", "&rdquo;", "Quinby", "said", "."]
        );
        assert_eq!(
            words("&#8220;Good,&#8221; said AT&amp;T &amp; Co."),
            vec!["&#8220;", "Good", ",", "&#8221;", "said", "AT&amp;T", "&amp;", "Co."]
        );
    }

    #[test]
    fn sentences_survive_abbreviations() {
        let t =
            "Albania, Dec. 23, 2018 - Mr. Lleshaj spoke. The U.S. president agreed. Then he left.";
        let got = sentences(t);
        assert_eq!(
            got,
            vec![
                "Albania, Dec. 23, 2018 - Mr. Lleshaj spoke.",
                "The U.S. president agreed.",
                "Then he left."
            ]
        );
    }

    /// `Del.` is a title before a name and Delaware at a sentence's end: the sentence went on
    /// over `Del.` only where the word after it is a name (before, it always ended there, and
    /// `said Del.` lost its speaker).
    #[test]
    fn a_title_that_ends_sentences_too_goes_on_to_its_name() {
        let t = "The plan will wait, said Del. Stacey Plaskett. It hit a town in Del. The next \
                 day it left.";
        assert_eq!(
            sentences(t),
            vec![
                "The plan will wait, said Del. Stacey Plaskett.",
                "It hit a town in Del.",
                "The next day it left."
            ]
        );
        let t = "“We will wait,” Del. Stacey Plaskett said.";
        assert_eq!(sentences(t), vec![t]);
        // After a place and its comma it is Delaware (review, session 53: `Del. Officials` spoke).
        let t = "He moved to Dover, Del. Officials said the move was legal.";
        assert_eq!(
            sentences(t),
            vec![
                "He moved to Dover, Del.",
                "Officials said the move was legal."
            ]
        );
        // Inside its sentence the title keeps its period, as `Sen.` does; at the end it is a
        // sentence's period.
        let t = "said Del. Stacey Plaskett in Del.";
        assert_eq!(
            words(t),
            vec!["said", "Del.", "Stacey", "Plaskett", "in", "Del", "."]
        );
        crate::lexicon::check_lists(
            &[("name_title_abbreviations", name_title_abbreviations())],
            false,
        );
    }

    #[test]
    fn sentence_openers_are_sorted_lowercase() {
        assert!(sentence_openers().windows(2).all(|w| w[0] < w[1]));
        assert!(sentence_openers().iter().all(|w| *w == w.to_lowercase()));
    }

    fn document(title: &str, text: &str) -> Document {
        let cleaned = crate::clean::clean(text);
        Document::new("t".into(), title.into(), text.into(), &cleaned)
    }

    /// A dump that keeps its headline apart from the text (NewsAPI's): before, the title was
    /// never analysed, and the headline's names and quote were lost.
    #[test]
    fn a_title_the_text_does_not_hold_is_the_first_paragraph() {
        let text = "The talks in Vienna ended.\n\n“We tried,” he said.";
        let doc = document(" Pompeo says talks with Iran failed ", text);
        assert_eq!(doc.record_text(), text);
        assert_eq!(
            doc.text_start,
            " Pompeo says talks with Iran failed ".len() + 2
        );
        let [title, rest] = doc.field_paragraphs();
        assert_eq!(title.len(), 1);
        assert_eq!(doc.slice(title[0]), "Pompeo says talks with Iran failed");
        assert_eq!(rest.len(), 2);
        assert_eq!(doc.slice(rest[0]), "The talks in Vienna ended.");
        assert_eq!(
            doc.slice(doc.sentences[0].span),
            "Pompeo says talks with Iran failed"
        );
        assert!(doc
            .sentences
            .iter()
            .all(|s| s.span.end <= title[0].end || s.span.start >= doc.text_start));
    }

    /// A scraped title keeps what the site put after it (`| Latest News`): read as the
    /// headline's words, `Latest News` was a mention and part of the headline's quote. It is
    /// debris as the text's line `Latest News` is, and the headline is what stands before it:
    /// a span of the title as written, so offsets into the title stay as they were. A title
    /// that is debris whole leaves no headline.
    #[test]
    fn a_headlines_debris_is_removed_as_a_texts_is() {
        let title = " Pompeo says talks failed | Latest News";
        let doc = document(title, "The talks ended.");
        let [headline, rest] = doc.field_paragraphs();
        assert_eq!(headline.len(), 1);
        assert_eq!(
            headline[0],
            Span::new(1, 1 + "Pompeo says talks failed".len())
        );
        assert_eq!(doc.slice(headline[0]), "Pompeo says talks failed");
        assert_eq!(doc.slice(rest[0]), "The talks ended.");
        let removed: Vec<&str> = doc.removed.iter().map(|(s, _)| doc.slice(*s)).collect();
        assert_eq!(removed, [" | Latest News"]);
        assert!(doc.sentence_words().concat().iter().all(|w| *w != "Latest"));
        assert_eq!(doc.title, title, "the title is kept as written");
        let doc = document("Advertisement", "The talks ended.");
        let [headline, rest] = doc.field_paragraphs();
        assert!(headline.is_empty(), "{headline:?}");
        assert_eq!(doc.slice(rest[0]), "The talks ended.");
        // What the text's cleaning keeps, a site's name (`Reuters`), the headline keeps too.
        let doc = document("Talks failed - Reuters", "The talks ended.");
        assert_eq!(doc.slice(doc.paragraphs[0]), "Talks failed - Reuters");
    }

    /// The seed dump, a `.txt` file and CSV exports repeat the title as the text's first line:
    /// analysed there, once, the document is what it was (the text alone).
    #[test]
    fn a_title_the_text_holds_is_analysed_where_it_stands() {
        for (title, text) in [
            ("Talks failed", "Talks failed\n\nThe talks ended."),
            (
                "Talks  failed ",
                "\u{feff}  Talks failed\n\nThe talks ended.",
            ),
            (
                "Talks failed",
                "728 x 90\n\nLatest News\n\nTalks failed\n\nThe talks ended.",
            ),
            ("", "The talks ended."),
            ("  ", "The talks ended."),
        ] {
            let doc = document(title, text);
            assert_eq!((doc.text.as_str(), doc.text_start), (text, 0), "{title:?}");
            let cleaned = crate::clean::clean(text);
            assert_eq!(doc.paragraphs, cleaned.paragraphs);
        }
        // Words of the title inside a paragraph are no title line: analysed apart.
        let doc = document("Talks failed", "The talks ended. Talks failed, he said.");
        assert!(doc.text_start > 0);
    }

    /// A title the text holds written another way (case, quote marks, a closing full stop, a
    /// ` - Reuters` ending, broken over lines, opening the first paragraph) is the text's:
    /// analysed apart too, its quote and names were counted twice.
    #[test]
    fn a_title_the_text_holds_written_another_way_is_the_texts() {
        for (title, text) in [
            (
                "Merkel says “we will win”",
                "Merkel says \"we will win\"\n\nThe talks ended.",
            ),
            (
                "Merkel says talks failed.",
                "MERKEL SAYS TALKS FAILED\n\nThe talks ended.",
            ),
            (
                "Merkel says talks failed - Reuters",
                "Merkel says talks failed\n\nThe talks ended.",
            ),
            ("Talks failed | AP News", "Talks failed\n\nThe talks ended."),
            (
                "Merkel says talks failed",
                "Merkel says\ntalks failed\n\nThe talks ended.",
            ),
            (
                "Merkel says talks failed",
                "Merkel says talks failed, she told reporters.",
            ),
            ("“Talks failed.”", "\"Talks failed\"\n\nThe talks ended."),
            // The title field holding the text too (an outside review, session 52: its three
            // quotes were found twice), or the text's opening paragraphs.
            (
                "Pompeo says talks failed\n\nMike Pompeo said so. \"It is over,\" he said.",
                "Pompeo says talks failed\n\nMike Pompeo said so. \"It is over,\" he said.",
            ),
            (
                "728 x 90\n\nPompeo says talks failed\n\nMike Pompeo said so.",
                "728 x 90\n\nPompeo says talks failed\n\nMike Pompeo said so.\n\nThe end.",
            ),
        ] {
            let doc = document(title, text);
            assert_eq!((doc.text.as_str(), doc.text_start), (text, 0), "{title:?}");
        }
        // Other words stay another headline: a different ending, or two words opening the text.
        for (title, text) in [
            (
                "Merkel says talks failed - Reuters",
                "Merkel says talks went well\n\nThey did.",
            ),
            (
                "Talks failed",
                "Talks failed to produce a deal, officials said.",
            ),
            (
                "Merkel - the chancellor who stayed on in Berlin",
                "Merkel\n\nShe stayed.",
            ),
        ] {
            assert!(document(title, text).text_start > 0, "{title:?}");
        }
    }

    /// An outside check: a headline whose letters the text encodes otherwise (NFD against NFC,
    /// a ligature, a soft hyphen or zero-width space, `İ` and `ß` against their capitals) or
    /// that adds an emoji was analysed a second time, its quote and names counted twice.
    #[test]
    fn a_headline_the_text_encodes_otherwise_is_the_texts() {
        let text = "Kovač says “we will not sign” the ﬁnal deal\n\nMinister Ana Kovač spoke.";
        for title in [
            "Kovac\u{30C} says “we will not sign” the ﬁnal deal",
            "Kovač says “we will not sign” the final deal",
            "Ko\u{AD}vač \u{200B}says “we will not sign” the ﬁnal deal",
            "Kovač says “we will not sign” the ﬁnal deal 🇭🇷",
            "ＫＯＶＡČ SAYS “WE WILL NOT SIGN” THE FINAL DEAL",
        ] {
            assert_eq!(document(title, text).text_start, 0, "{title:?}");
        }
        for (title, text) in [
            (
                "WEISS says talks failed",
                "Weiß says talks failed\n\nShe left.",
            ),
            (
                "ince says talks failed",
                "İnce says talks failed\n\nShe left.",
            ),
        ] {
            assert_eq!(document(title, text).text_start, 0, "{title:?}");
        }
        // Other words stay another headline.
        assert!(document("Kovač says “we will sign”", text).text_start > 0);
    }

    /// [`opens_loosely`] reads a prefix of the text where `title_in_text` read it whole, twice,
    /// for a title of several lines: the same answers, over texts of words, closing
    /// punctuation, quote marks, byte-order marks, runs of white space and letters whose lower
    /// case is longer (`İ`), cut after each of their pieces, and titles made of their openings.
    #[test]
    fn a_texts_opening_read_loosely_from_a_prefix_is_as_read_whole() {
        const PIECES: [&str; 22] = [
            "Talks", " ", "failed", ".", "\n\n", "“", "”", "\"", "'", "\u{feff}", "İ", "…", "  \t",
            "x", "!", "Pompeo", "c\u{30C}", "ﬁ", "\u{200B}", "🇭🇷", "ß", "\u{2033}",
        ];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        let mut compared = 0;
        for _ in 0..3_000 {
            let pieces: Vec<&str> = (0..next(60)).map(|_| PIECES[next(PIECES.len())]).collect();
            let text: String = pieces.concat();
            let title: String = pieces[..next(pieces.len() + 1).min(12)].concat();
            let titles = headline_forms(&title);
            let whole = loose(&text);
            let expected = titles.iter().any(|t| opens_with_words(&whole, t));
            assert_eq!(
                opens_loosely(&text, &titles),
                expected,
                "{title:?} {text:?}"
            );
            compared += usize::from(expected);
        }
        // Both answers are met, and a long text answers from its prefix.
        assert!(compared > 100, "{compared}");
        let long = format!(
            "Talks failed.\n\n{}",
            "Mike Pompeo said so. ".repeat(100_000)
        );
        let titles = headline_forms("Talks failed");
        assert!(opens_loosely(&long, &titles));
        assert!(!opens_loosely(&long, &headline_forms("Talks failed badly")));
    }

    #[test]
    fn char_offsets_count_scalar_values() {
        let t = "Sandër “Lleshaj” 😀 x";
        let co = CharOffsets::new(t);
        for (ci, (bi, _)) in t.char_indices().enumerate() {
            assert_eq!(co.char_of(bi), ci);
        }
        assert_eq!(co.char_of(t.len()), t.chars().count());
    }
}
