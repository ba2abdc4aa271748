//! JSON lines: one article object per line, read as bytes one line at a time, so a bad line
//! (even a lone `{` of a pretty-printed document) costs that line only; and the parsing of one
//! JSON article object, which `.json` arrays share.

use std::io::BufRead;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::*;

/// Drops the line terminator (`\n` or `\r\n`).
pub(super) fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// How far [`read_capped_line`] read.
#[derive(Debug, PartialEq, Eq)]
enum LineRead {
    /// A line of this many bytes, its `\n` included (0 at the end of the input).
    Line(u64),
    /// This many bytes and no line end yet, past the limit it was given: the read stopped.
    Unending(u64),
}

/// Reads one line, its `\n` included, into `line` as `read_until` does, but keeps no more than
/// `cap` bytes of it: a longer line is read to its end and only counted, or, where `limit` is
/// given, to `limit` bytes at most. More than `cap` bytes read means `line` holds nothing to
/// parse.
fn read_capped_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    cap: usize,
    limit: Option<u64>,
) -> io::Result<LineRead> {
    let mut read = 0u64;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (used, ends) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), buf.is_empty()),
        };
        read += used as u64;
        if read <= cap as u64 {
            line.extend_from_slice(&buf[..used]);
        }
        reader.consume(used);
        if ends {
            return Ok(LineRead::Line(read));
        }
        if limit.is_some_and(|limit| read > limit) {
            return Ok(LineRead::Unending(read));
        }
    }
}

/// JSON lines, read one line at a time as bytes, so one bad line does not spoil the rest.
pub(super) struct JsonLines {
    input: String,
    stem: String,
    reader: Box<dyn BufRead + Send>,
    gzipped: bool,
    /// The current line; reused between lines.
    line: Vec<u8>,
    line_number: usize,
    /// Byte offset of the next line in the (decompressed) input.
    offset: u64,
    /// How far a line is read looking for its end ([`Stream::limit`]), the blank lines
    /// before it counted in: they are no records.
    limit: Option<u64>,
    /// Bytes of the blank lines read since the last line that was a record.
    blank_run: u64,
    done: bool,
}

impl JsonLines {
    pub(super) fn of(stream: Stream) -> JsonLines {
        JsonLines {
            input: stream.input,
            stem: stream.stem,
            reader: stream.reader,
            gzipped: stream.gzipped,
            line: Vec::new(),
            line_number: 0,
            offset: 0,
            limit: stream.limit,
            blank_run: 0,
            done: false,
        }
    }

    /// The same reader, its first line counted as line `lines_before + 1` and its first byte as
    /// byte `bytes_before` of the dump ([`super::StdinPlace`]).
    pub(super) fn after(self, lines_before: usize, bytes_before: u64) -> JsonLines {
        JsonLines {
            line_number: lines_before,
            offset: bytes_before,
            ..self
        }
    }

    fn origin(&self) -> Origin {
        Origin {
            input: self.input.clone(),
            record: format!("line {}", self.line_number),
        }
    }

    fn error(&self, reason: String) -> RecordError {
        self.origin().error(reason)
    }

    pub(super) fn next_record(
        &mut self,
        opts: &ReadOptions,
    ) -> Option<Result<Article, RecordError>> {
        let cap = record_cap(opts.max_bytes);
        while !self.done {
            self.line.clear();
            let line_start = self.offset;
            // Blank lines are no records, but count toward the bound of the record after them:
            // `yes '' |` was read for ever, with no row and no end.
            let limit = self.limit.map(|limit| limit.saturating_sub(self.blank_run));
            match read_capped_line(&mut self.reader, &mut self.line, cap, limit) {
                Ok(LineRead::Line(0)) => self.done = true,
                Ok(LineRead::Unending(read)) => {
                    self.done = true;
                    self.line_number += 1;
                    let what = match self.blank_run {
                        0 => "the line".to_string(),
                        blank => format!("the line, after {blank} bytes of blank lines,"),
                    };
                    let reason = unending_record(&what, self.blank_run + read, &self.line);
                    self.line = Vec::new();
                    return Some(Err(self.error(reason)));
                }
                Ok(LineRead::Line(read)) if read > cap as u64 => {
                    self.blank_run = 0;
                    self.line_number += 1;
                    self.offset += read;
                    self.line = Vec::new();
                    return Some(Err(self.error(record_too_big(
                        "the line",
                        read,
                        opts.max_bytes,
                    ))));
                }
                Ok(LineRead::Line(read)) => {
                    self.line_number += 1;
                    self.offset += read;
                    let mut line = trim_line_end(&self.line);
                    let mut line_start = line_start;
                    // Files saved by Windows tools often start with a UTF-8 byte-order mark, and
                    // such files joined (`cat`, appended gzip members) have one at the start of
                    // any line; no JSON value starts with one.
                    if let Some(rest) = line.strip_prefix(b"\xEF\xBB\xBF") {
                        line = rest;
                        line_start += 3;
                    }
                    if line.iter().all(u8::is_ascii_whitespace) {
                        self.blank_run += read;
                        if let Some(reason) = self.unending_blank_lines() {
                            self.done = true;
                            return Some(Err(self.error(reason)));
                        }
                        continue;
                    }
                    self.blank_run = 0;
                    let result = self.parse_line(line, line_start, opts);
                    // One huge line should not pin its buffer for the rest of the input.
                    if self.line.capacity() > 16 * LINE_BUFFER_BYTES {
                        self.line = Vec::new();
                    }
                    return Some(result);
                }
                Err(error) => {
                    // The bytes of the partly read line are dropped: they are not a whole record.
                    self.done = true;
                    self.line_number += 1;
                    return Some(Err(self.error(read_failure(&error, self.gzipped))));
                }
            }
        }
        None
    }

    /// Why the input ends when the blank lines read since the last record run past the
    /// limit of an input without a size ([`Stream::limit`]): no record is coming.
    fn unending_blank_lines(&self) -> Option<String> {
        let limit = self.limit?;
        (self.blank_run > limit).then(|| {
            unending_record(
                "the run of blank lines after the last record",
                self.blank_run,
                &[],
            )
        })
    }

    fn parse_line(
        &self,
        line: &[u8],
        line_start: u64,
        opts: &ReadOptions,
    ) -> Result<Article, RecordError> {
        let fields = parse_json_object(line, &opts.fields).map_err(|e| match e {
            NotAnArticle::InvalidUtf8(at) => self.error(format!(
                "invalid UTF-8 at byte {at} of the line (byte {} of the input)",
                line_start + at as u64
            )),
            NotAnArticle::Other(reason) => {
                // One line of a pretty-printed document: say so (this line alone is lost).
                let hint = match line.trim_ascii() {
                    b"{" | b"[" => {
                        "; JSON lines need one whole object per line (is this a pretty-printed \
                         document? a JSON array of objects is read from a .json file)"
                    }
                    // Classic Mac line ends: the whole file is one line, and JSON allows a
                    // `\r` between tokens, so the reason said only "trailing characters".
                    rest if reason.contains("trailing characters") && rest.contains(&b'\r') => {
                        "; the line holds carriage returns (\\r) not followed by \\n: JSON lines end \
                         at \\n only, so every record after the first \\r is in this line (convert \
                         the line ends, e.g. `tr '\\r' '\\n'`)"
                    }
                    _ => "",
                };
                self.error(format!("{reason}{hint}"))
            }
        })?;
        let line_number = self.line_number;
        fields
            .into_article(
                || format!("{}:{line_number}", self.stem),
                opts.max_bytes,
                self.origin(),
            )
            .map_err(|reason| self.error(reason))
    }
}

/// Why a JSON record (a line, or an element of an array) is not an article.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum NotAnArticle {
    /// Invalid UTF-8 at this byte of the record, in a key or a field the run reads.
    InvalidUtf8(usize),
    /// Anything else, in words.
    Other(String),
}

/// The article fields of one JSON record, or why it is not an article record.
///
/// Invalid UTF-8 costs the record only where the run reads it: in a key, or in a field it takes
/// (id, title, text, url, date, source). In a field it skips — `{"id": 1, "text": "Iran replied.",
/// "raw_html": "caf\xe9"}`, a scraper's Latin-1 leftovers — it costs nothing, as the field's
/// value is never read: that record was an error row, its good text lost.
pub(super) fn parse_json_object(
    record: &[u8],
    names: &FieldNames,
) -> Result<RecordFields, NotAnArticle> {
    parse_valid_json_object(record, names).map_err(|e| {
        match last_invalid_utf8_before(record, byte_offset(record, &e)) {
            Some(at) => NotAnArticle::InvalidUtf8(at),
            None => NotAnArticle::Other(e.to_string()),
        }
    })
}

/// [`parse_json_object`] before an error is placed: a serde error, or the reason in words.
fn parse_valid_json_object(record: &[u8], names: &FieldNames) -> Result<RecordFields, JsonError> {
    let first = record.trim_ascii_start().first();
    if first != Some(&b'{') {
        // Say what the record is, when it is valid JSON at all.
        serde_json::from_slice::<IgnoredAny>(record)?;
        let found = match first {
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            _ => "a number",
        };
        return Err(JsonError::Reason(format!("not a JSON object but {found}")));
    }
    // A slice, not a str: values skipped are then never checked for UTF-8 (serde_json checks
    // the strings it reads, keys and the raw values taken below included).
    let mut deserializer = serde_json::Deserializer::from_slice(record);
    let raw = WantedFields { names }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(checked_fields(raw, names)?)
}

/// A record's failure before it is placed: serde's (placed by line and column), or ours.
enum JsonError {
    Serde(serde_json::Error),
    Reason(String),
}

impl From<serde_json::Error> for JsonError {
    fn from(e: serde_json::Error) -> Self {
        JsonError::Serde(e)
    }
}

impl From<String> for JsonError {
    fn from(reason: String) -> Self {
        JsonError::Reason(reason)
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Serde(e) => f.write_str(&malformed_json(e)),
            JsonError::Reason(reason) => f.write_str(reason),
        }
    }
}

/// The byte of `record` where serde placed its error (its line, 1-based, and its column, the
/// bytes into that line); the record's end for our own reasons, which come after parsing.
fn byte_offset(record: &[u8], error: &JsonError) -> usize {
    let JsonError::Serde(e) = error else {
        return record.len();
    };
    let line_start = record
        .split_inclusive(|&b| b == b'\n')
        .take(e.line().saturating_sub(1))
        .map(<[u8]>::len)
        .sum::<usize>();
    (line_start + e.column()).min(record.len())
}

/// Where the last run of invalid UTF-8 bytes of `record` at or before `limit` starts: the one
/// that failed a parse that stopped at `limit` (invalid bytes earlier were in fields the parse
/// skipped, or it would have stopped there). A run, not a byte: `\xC0\xAF` is two invalid
/// sequences back to back, and the error names the first (it named the `\xAF`, a byte late).
fn last_invalid_utf8_before(record: &[u8], limit: usize) -> Option<usize> {
    let mut at = 0;
    let mut last = None;
    let mut run_start = None;
    for chunk in record.utf8_chunks() {
        if !chunk.valid().is_empty() {
            run_start = None;
        }
        at += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            let start = *run_start.get_or_insert(at);
            if at <= limit {
                last = Some(start);
            }
        }
        at += chunk.invalid().len();
    }
    last
}

/// The fields' values, each checked for its type.
fn checked_fields(raw: RawFields, names: &FieldNames) -> Result<RecordFields, String> {
    if let Some(key) = raw.repeated {
        return Err(format!(
            "the record names `{key}` more than once: which value to read is not clear; rename \
             the others"
        ));
    }
    let title = json_string(raw.title, &names.title)?;
    // A null text beside a title is no text, as a null title is no title: NewsAPI's item
    // without its content (`"content": null`) is a record of only a headline. Alone, it says
    // what it is rather than "empty text and no title".
    let text = match json_string(raw.text, &names.text)? {
        Some(text) => text,
        None if raw.text.is_some() && title.is_some() => String::new(),
        None if raw.text.is_some() => {
            return Err(format!("`{}` is null, not a string", names.text))
        }
        None => return Err(format!("missing `{}` field", names.text)),
    };
    let text_of = |raw, name| json_scalar(raw, name).map(|v| v.map(JsonScalar::into_text));
    Ok(RecordFields {
        id: text_of(raw.id, &names.id)?,
        title,
        text,
        url: metadata_text(raw.url, &names.url)?,
        published: metadata_text(raw.published, &names.published)?,
        source: match raw.source.and_then(source_name) {
            Some(name) => Some(name),
            None => metadata_text(raw.source, &names.source)?,
        },
    })
}

/// A field the analysis reads (the text, the title): a string, or absent (null). Any other type
/// is the record's error, as the field says: `{"title": ["Merkel"], "text": "Angela Merkel
/// spoke."}` was analysed with the headline `["Merkel"]`, its JSON text, and gave Angela
/// Merkel a mention in it; an array, a number or an object is no headline, and which string
/// was meant (the first element, all joined) would be a guess.
fn json_string(value: Option<&RawValue>, name: &str) -> Result<Option<String>, String> {
    match json_scalar(value, name)? {
        Some(JsonScalar::String(text)) => Ok(Some(text)),
        Some(JsonScalar::Number(_)) => Err(format!("`{name}` is a number, not a string")),
        None => Ok(None),
    }
}

/// A field the analysis does not read (URL, date, source) as text, whatever its JSON type: a
/// string, or a number as written; a boolean, object or array as its JSON text, compacted
/// (`{"a": 1}` is `{"a":1}`). Such a value made the whole record an error row, its text never
/// analysed: dumps hold them (a NewsAPI export's `"source": {"id": null, "name": "Reuters"}`,
/// see [`source_name`]), and the text keeps what was there, with no guess. The id, the text and
/// the title keep their strict types: an id must identify its record, and an object is no
/// article's text or headline ([`json_string`]).
fn metadata_text(value: Option<&RawValue>, name: &str) -> Result<Option<String>, String> {
    match value
        .map(RawValue::get)
        .and_then(|raw| raw.as_bytes().first())
    {
        Some(b't' | b'f' | b'[' | b'{') => Ok(value.map(|raw| compact_json(raw.get()))),
        _ => json_scalar(value, name).map(|v| v.map(JsonScalar::into_text)),
    }
}

/// The name of a source given as an object with a `name` string, as NewsAPI writes it:
/// `{"id": null, "name": "Reuters"}` is `Reuters`. Any other object is its JSON text
/// ([`metadata_text`]).
fn source_name(value: &RawValue) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Named {
        name: String,
    }
    let named: Named = serde_json::from_str(value.get()).ok()?;
    (!named.name.trim().is_empty()).then_some(named.name)
}

/// Valid JSON text without the white space between its tokens (strings kept as written, their
/// escapes too, and numbers as written): `{ "a" : [1, 2.50] }` is `{"a":[1,2.50]}`.
fn compact_json(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in raw.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if matches!(c, ' ' | '\t' | '\n' | '\r') {
            continue;
        }
        out.push(c);
    }
    out
}

/// serde's message, placed by column (the line number is always 1 within one line).
fn malformed_json(error: &serde_json::Error) -> String {
    format!(
        "malformed JSON at column {}: {}",
        error.column(),
        serde_message(error)
    )
}

/// serde's message for one field's value, whose columns count from the value's start, not the
/// line's: a lone surrogate (`"abc \ud800 def"`) was placed at column 12 of a line where it stood
/// at column 27. A lone surrogate is named as one: serde said "unexpected end of hex escape" of
/// the whole escape `\ud800` (as a text cut inside an emoji leaves it), which sent the reader
/// looking for an escape cut short.
fn malformed_value(name: &str, raw: &str, error: &serde_json::Error) -> String {
    let message = serde_message(error);
    let surrogate = message.contains("hex escape").then(|| lone_surrogate(raw));
    let why = match surrogate.flatten() {
        Some(escape) => format!(
            "a lone UTF-16 surrogate `{escape}`, half of a character (a text cut inside an \
             emoji?): JSON text must hold whole characters"
        ),
        None => message,
    };
    format!(
        "malformed JSON in `{name}`, at column {} of its value: {why}",
        error.column()
    )
}

/// The first `\uXXXX` escape of a JSON string that is half of a surrogate pair standing alone
/// (a high one not followed by a low one, or a low one alone).
fn lone_surrogate(raw: &str) -> Option<&str> {
    let escape_at = |at: usize| -> Option<u16> {
        let hex = raw.get(at..at + 6)?.strip_prefix("\\u")?;
        u16::from_str_radix(hex, 16).ok()
    };
    let bytes = raw.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'\\' {
            at += 1;
            continue;
        }
        match escape_at(at) {
            Some(0xD800..=0xDBFF) if matches!(escape_at(at + 6), Some(0xDC00..=0xDFFF)) => at += 12,
            Some(0xD800..=0xDFFF) => return raw.get(at..at + 6),
            Some(_) => at += 6,
            None => at += 2,
        }
    }
    None
}

/// serde's message without its position.
fn serde_message(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    message
        .strip_suffix(&position)
        .unwrap_or(&message)
        .to_string()
}

/// A string or number field's value.
enum JsonScalar {
    String(String),
    /// Exactly as written in the input (`4.50`, a 23-digit id): an id re-printed through a
    /// float would no longer join back to the analyst's data, and two long ids could collide.
    Number(String),
}

impl JsonScalar {
    fn into_text(self) -> String {
        match self {
            JsonScalar::String(text) | JsonScalar::Number(text) => text,
        }
    }
}

/// An optional field's value; strings and numbers only (null is absent).
fn json_scalar(value: Option<&RawValue>, name: &str) -> Result<Option<JsonScalar>, String> {
    let Some(raw) = value.map(RawValue::get) else {
        return Ok(None);
    };
    let found = match raw.as_bytes().first() {
        Some(b'"') => {
            let text = serde_json::from_str(raw).map_err(|e| malformed_value(name, raw, &e))?;
            return Ok(Some(JsonScalar::String(text)));
        }
        Some(b'-' | b'0'..=b'9') => return Ok(Some(JsonScalar::Number(raw.to_string()))),
        Some(b'n') => return Ok(None),
        Some(b't' | b'f') => "a boolean",
        Some(b'[') => "an array",
        _ => "an object",
    };
    Err(format!("`{name}` is {found}, not a string"))
}

/// The values of the wanted keys of a JSON object, as written in the line.
#[derive(Default)]
struct RawFields<'de> {
    id: Option<&'de RawValue>,
    title: Option<&'de RawValue>,
    text: Option<&'de RawValue>,
    url: Option<&'de RawValue>,
    published: Option<&'de RawValue>,
    source: Option<&'de RawValue>,
    /// The first key the run reads that the object names a second time.
    repeated: Option<String>,
}

/// Deserializes only the wanted keys of a JSON object and skips the rest without building them,
/// so a record's memory is its line and its text, whatever else the line carries.
struct WantedFields<'a> {
    names: &'a FieldNames,
}

impl<'de> DeserializeSeed<'de> for WantedFields<'_> {
    type Value = RawFields<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<RawFields<'de>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for WantedFields<'_> {
    type Value = RawFields<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFields<'de>, A::Error> {
        let names = self.names;
        let mut raw = RawFields::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let mut slots: Vec<&mut Option<&'de RawValue>> = Vec::new();
            for (name, slot) in [
                (&names.id, &mut raw.id),
                (&names.title, &mut raw.title),
                (&names.text, &mut raw.text),
                (&names.url, &mut raw.url),
                (&names.published, &mut raw.published),
                (&names.source, &mut raw.source),
            ] {
                if *name == key {
                    slots.push(slot);
                }
            }
            // A key named twice (`{"text": "A", "text": "B"}`) leaves which value is meant to a
            // guess: serde keeps the last, and the first text was dropped without a word. The
            // record is an error row, as a CSV header naming `text` twice is ([`checked_fields`]);
            // the rest of the object is still read, so a malformed one says where it breaks.
            if slots.iter().any(|slot| slot.is_some()) {
                raw.repeated.get_or_insert_with(|| key.into_owned());
                slots.clear();
            }
            if slots.is_empty() {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            // Two fields may be configured to read the same key: each takes its one value.
            let value = map.next_value::<&'de RawValue>()?;
            for slot in slots {
                *slot = Some(value);
            }
        }
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{records_at_once, Source};
    use std::io::Read;

    /// A line far over the limit was read whole before its text was found too long (an 800 MB
    /// line in a 778 KB `.jsonl.gz` took 1.8 GB).
    #[test]
    fn a_line_longer_than_the_cap_is_counted_not_kept() {
        let input = format!("short\n{}\nend", "x".repeat(30));
        let mut reader = io::BufReader::with_capacity(7, input.as_bytes());
        let mut line = Vec::new();
        let mut lines = Vec::new();
        loop {
            line.clear();
            match read_capped_line(&mut reader, &mut line, 10, None).unwrap() {
                LineRead::Line(0) => break,
                LineRead::Unending(read) => panic!("no limit, yet stopped after {read} bytes"),
                LineRead::Line(read) => {
                    assert!(line.len() <= 10, "kept {} bytes", line.len());
                    lines.push((read, String::from_utf8(line.clone()).unwrap()));
                }
            }
        }
        let reads: Vec<u64> = lines.iter().map(|(read, _)| *read).collect();
        assert_eq!(reads, [6, 31, 3]);
        assert_eq!(
            (lines[0].1.as_str(), lines[2].1.as_str()),
            ("short\n", "end")
        );
    }

    /// `cat /dev/zero | whosaid extract -` read for ever: stdin's one line never ended. Past the
    /// limit of a stream's line the input ends, with an error that says what it held.
    #[cfg(unix)]
    #[test]
    fn an_endless_line_of_a_stream_ends_the_input() {
        let zeros: Box<dyn BufRead + Send> = Box::new(io::BufReader::new(io::repeat(0)));
        let mut stream = Stream::new("<stdin>", "stdin", zeros, false, false, DEFAULT_MAX_BYTES);
        // 1 MiB, not the default 1 GiB: the test stays far inside `at_once`'s 20 s.
        stream.limit = Some(1 << 20);
        let mut rows = records_at_once(Source::JsonLines(JsonLines::of(stream)));
        let error = rows.remove(0).expect_err("no article");
        assert_eq!(error.record, "line 1");
        assert!(error.is_cut_short(), "{}", error.reason);
        assert!(error.reason.contains("NUL"), "{}", error.reason);
        // Nothing after it.
        assert!(rows.is_empty(), "{} more rows", rows.len());
    }

    /// A file's line is read to its end, however long: its size bounds it, and the lines after
    /// a gap of NUL bytes (a log emptied by `copytruncate` as its writer went on) are good.
    #[test]
    fn a_sized_input_reads_a_line_past_the_stream_limit_to_its_end() {
        let limit = stream_record_limit(DEFAULT_MAX_BYTES);
        let gap = io::repeat(0).take(limit + 10);
        let rest = &b"\n{\"id\": \"a\", \"text\": \"Iran replied.\"}\n"[..];
        let reader: Box<dyn BufRead + Send> = Box::new(io::BufReader::new(gap.chain(rest)));
        let stream = Stream::new("log.jsonl", "log", reader, false, true, DEFAULT_MAX_BYTES);
        let mut lines = JsonLines::of(stream);
        let opts = ReadOptions::default();
        let first = lines.next_record(&opts).expect("the gap's error row");
        assert!(first.is_err_and(|e| !e.is_cut_short() && e.record == "line 1"));
        let second = lines.next_record(&opts).expect("the line after the gap");
        assert_eq!(second.expect("an article").id, "a");
    }

    /// `yes '' | whosaid extract -` read for ever, with no row and no end: blank lines are no
    /// records, and each was read under a bound of its own. They count toward the bound of the
    /// record after them, so an endless run of them ends the input as an endless line does; a
    /// record between them starts the count again.
    #[test]
    fn endless_blank_lines_of_a_stream_end_the_input() {
        let record = &b"{\"id\": \"a\", \"text\": \"Iran replied.\"}\n"[..];
        let blanks = || io::repeat(b'\n').take(600).chain(&b" \t \r\n"[..]);
        let endless = blanks()
            .chain(record)
            .chain(blanks())
            .chain(io::repeat(b'\n'));
        let reader: Box<dyn BufRead + Send> = Box::new(io::BufReader::new(endless));
        let mut stream = Stream::new("<stdin>", "stdin", reader, false, false, DEFAULT_MAX_BYTES);
        // Small, so the test reads kilobytes, not a gigabyte of one-byte lines.
        stream.limit = Some(1_000);
        let rows = records_at_once(Source::JsonLines(JsonLines::of(stream)));
        let rows: Vec<_> = rows
            .into_iter()
            .map(|row| row.map(|a| a.id).map_err(|e| (e.record.clone(), e)))
            .collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].as_ref().unwrap(), "a");
        let (record, error) = rows[1].as_ref().unwrap_err();
        assert!(error.is_cut_short(), "{}", error.reason);
        assert!(error.reason.contains("blank lines"), "{}", error.reason);
        // Lines 1 to 601 blank (605 bytes), 602 the record, 603 to 1203 blank (605 bytes),
        // then the endless ones, to the 396th: 1,001 bytes since the record.
        assert_eq!(record, "line 1599");
    }
}
