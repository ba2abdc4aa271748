//! A `.json` file holding one JSON array of article objects, read one element at a time.
//!
//! `[{"id": "a", "text": "…"}, {"id": "b", "text": "…"}]` — a common dump format — gives two
//! records, `element 1` and `element 2`, with made-up ids `{stem}:1`, `{stem}:2` when an
//! element has none. The array is never held whole: a scanner finds where each element ends
//! (tracking strings, escapes and which brackets are open, not values), and only that element
//! is parsed. So a malformed element costs that element: `[{"id": 1, "text": "ok"}, {"text":
//! oops}, {…}]` gives an article, an error for element 2, and an article. Broken brackets cost
//! their element only too, since the scanner keeps `[` and `{` apart:
//!
//! ```text
//! [{"id": "a", "tags": [1, 2}, {"id": "b", …}]   `}` closes the `{` and the `[` left open in it:
//!                                                element 1 is an error, b an article
//! [{"id": "a", "text": "x", {"id": "b", …}]      a `{` where a key belongs: a is left open and
//!                                                ends there (an error), b an article
//! [{"id": "a", "text": "x"]                      a `]` with no `[` open closes the array: a is
//!                                                an error
//! ```
//!
//! A missing comma between elements is read past (each element still stands alone); an input
//! that ends inside an element or before the closing `]` (a truncated download) ends with one
//! error saying so, an input cut short ([`RecordError::is_cut_short`]: `extract` exits 3 and
//! names it on stderr), unlike a malformed element inside a whole array: the elements after
//! the cut are lost, and a batch job took the exit 0 for a dump read whole.
//!
//! Arrays one after the other (`gzip -c a.json >> all.json.gz` twice) are read in turn, their
//! elements numbered on, a byte-order mark before any of them (each file saved by a Windows
//! tool has its own); anything else after an array's `]` ends the input with one error,
//! `after element 2: … not another array`, rather than being dropped unsaid. An element longer
//! than one record may be ([`super::record_cap`]) is an error, scanned to its end and not held;
//! in stdin or a named pipe, which may never end one (`[{"text": "` then /dev/zero), to
//! [`Stream::limit`] at most, as the white space between elements: past it the input ends,
//! read no further, with one error saying so (exit 3).

use std::io::BufRead;

use super::{
    parse_json_object, read_failure, unending_record, Article, NotAnArticle, ReadOptions,
    RecordError, Stream, CUT_SHORT,
};

/// The elements of a JSON array, one record each.
pub(super) struct JsonArray {
    input: String,
    stem: String,
    reader: Box<dyn BufRead + Send>,
    gzipped: bool,
    /// The element being read; reused between elements.
    element: Vec<u8>,
    /// Elements read so far.
    count: usize,
    /// Whether an array is open: its `[` read and not yet its `]`.
    opened: bool,
    /// Whether an array has been closed (what follows may be another array).
    closed_one: bool,
    /// How far an element, or the white space before it, is read ([`Stream::limit`]).
    limit: Option<u64>,
    done: bool,
}

/// How an element's scan ended.
enum Scan {
    /// The element is complete in the buffer.
    Complete,
    /// The input ended inside it.
    Truncated,
    /// It is longer than a record may be: this many bytes, not kept.
    TooBig(u64),
    /// It went on past the limit of an input without a size: this many bytes, and the scan
    /// stopped there ([`Stream::limit`]).
    Unending(u64),
}

impl JsonArray {
    pub(super) fn of(stream: Stream) -> JsonArray {
        JsonArray {
            input: stream.input,
            stem: stream.stem,
            reader: stream.reader,
            gzipped: stream.gzipped,
            element: Vec::new(),
            count: 0,
            opened: false,
            closed_one: false,
            limit: stream.limit,
            done: false,
        }
    }

    pub(super) fn next_record(
        &mut self,
        opts: &ReadOptions,
    ) -> Option<Result<Article, RecordError>> {
        if self.done {
            return None;
        }
        match self.next_element(super::record_cap(opts.max_bytes)) {
            Ok(Some(Scan::Complete)) => Some(self.parse(opts)),
            Ok(Some(Scan::Truncated)) => {
                self.done = true;
                let record = format!("element {}", self.count);
                Some(Err(RecordError::new(
                    &self.input,
                    record,
                    format!(
                        "{CUT_SHORT}the input ends inside this element, before the array's \
                         closing `]` (is the file truncated?)"
                    ),
                )))
            }
            Ok(Some(Scan::Unending(bytes))) => {
                self.done = true;
                let kept = std::mem::take(&mut self.element);
                Some(Err(RecordError::new(
                    &self.input,
                    format!("element {}", self.count),
                    unending_record("the element", bytes, &kept),
                )))
            }
            Ok(Some(Scan::TooBig(bytes))) => Some(Err(RecordError::new(
                &self.input,
                format!("element {}", self.count),
                super::record_too_big("the element", bytes, opts.max_bytes),
            ))),
            Ok(None) => None,
            Err(reason) => {
                self.done = true;
                let record = match self.opened || !self.closed_one {
                    true => format!("element {}", self.count + 1),
                    false => format!("after element {}", self.count),
                };
                Some(Err(RecordError::new(&self.input, record, reason)))
            }
        }
    }

    fn parse(&self, opts: &ReadOptions) -> Result<Article, RecordError> {
        let record = format!("element {}", self.count);
        let fields = parse_json_object(&self.element, &opts.fields).map_err(|e| {
            let reason = match e {
                NotAnArticle::InvalidUtf8(at) => {
                    format!("invalid UTF-8 at byte {at} of the element")
                }
                NotAnArticle::Other(reason) => reason,
            };
            RecordError::new(&self.input, record.clone(), reason)
        })?;
        let count = self.count;
        fields
            .into_article(
                || format!("{}:{count}", self.stem),
                opts.max_bytes,
                super::Origin {
                    input: self.input.clone(),
                    record: record.clone(),
                },
            )
            .map_err(|reason| RecordError::new(&self.input, record, reason))
    }

    /// Reads up to the next element into `self.element`: `None` after the last array's `]`;
    /// an error when the input cannot be read, ends inside an array, or goes on after an array
    /// with something else than another.
    fn next_element(&mut self, cap: usize) -> Result<Option<Scan>, String> {
        // White space and commas read past since the last element (`[` then spaces for ever).
        let mut gap = 0u64;
        loop {
            if self.limit.is_some_and(|limit| gap > limit) {
                self.done = true;
                return Err(unending_record("the white space before it", gap, &[]));
            }
            let Some(byte) = self.peek()? else {
                self.done = true;
                return match (self.opened, self.closed_one) {
                    (false, true) => Ok(None),
                    (true, _) => Err(format!(
                        "{CUT_SHORT}the input ends after element {} without the array's closing \
                         `]` (is the file truncated?)",
                        self.count
                    )),
                    (false, false) => Err("the input has no JSON array".into()),
                };
            };
            match byte {
                b' ' | b'\t' | b'\r' | b'\n' | b',' => {
                    self.reader.consume(1);
                    gap += 1;
                }
                // A byte-order mark before an array: each of several arrays may have its own,
                // and only the first one's was read past, so `gzip -c b.json >> all.json.gz`
                // lost b when b was saved with one.
                0xEF if !self.opened => self.skip_bom()?,
                b'[' if !self.opened => {
                    self.opened = true;
                    self.reader.consume(1);
                }
                b']' if self.opened => {
                    self.reader.consume(1);
                    (self.opened, self.closed_one) = (false, true);
                }
                _ if !self.opened => return Err(self.not_an_array()),
                _ => {
                    self.count += 1;
                    return self.scan_element(cap);
                }
            }
        }
    }

    /// Why what comes where an array should start is an error.
    fn not_an_array(&self) -> String {
        match self.closed_one {
            true => "the input goes on after the array's closing `]` with something that is not \
                     another array: the rest of it was not read"
                .into(),
            false => "the input does not start with `[`".into(),
        }
    }

    /// Reads past a byte-order mark (`EF BB BF`) where an array may start.
    fn skip_bom(&mut self) -> Result<(), String> {
        for expected in [0xEF, 0xBB, 0xBF] {
            if self.peek()? != Some(expected) {
                return Err(self.not_an_array());
            }
            self.reader.consume(1);
        }
        Ok(())
    }

    fn peek(&mut self) -> Result<Option<u8>, String> {
        let buf = self
            .reader
            .fill_buf()
            .map_err(|e| read_failure(&e, self.gzipped))?;
        Ok(buf.first().copied())
    }

    /// Copies one element into `self.element`: an object or array up to the close of its
    /// opening bracket ([`Brackets`]), a string to its closing quote, anything else up to the
    /// next `,`, `]` or white space. Past `cap` bytes the element is only scanned to its end and
    /// counted.
    fn scan_element(&mut self, cap: usize) -> Result<Option<Scan>, String> {
        self.element.clear();
        let mut scanned = 0u64;
        let mut brackets = Brackets::default();
        loop {
            let buf = self
                .reader
                .fill_buf()
                .map_err(|e| read_failure(&e, self.gzipped))?;
            if buf.is_empty() {
                return Ok(Some(Scan::Truncated));
            }
            let end = buf
                .iter()
                .enumerate()
                .find_map(|(i, &b)| match brackets.step(b)? {
                    End::Before => Some(i),
                    End::After => Some(i + 1),
                });
            let used = end.unwrap_or(buf.len());
            scanned += used as u64;
            if scanned <= cap as u64 {
                self.element.extend_from_slice(&buf[..used]);
            } else if !self.element.is_empty() {
                self.element = Vec::new();
            }
            self.reader.consume(used);
            if end.is_some() {
                return Ok(Some(match scanned <= cap as u64 {
                    true => Scan::Complete,
                    false => Scan::TooBig(scanned),
                }));
            }
            if self.limit.is_some_and(|limit| scanned > limit) {
                return Ok(Some(Scan::Unending(scanned)));
            }
        }
    }
}

/// Where an element ends, found at one of its bytes.
enum End {
    /// The byte is the element's last.
    After,
    /// The byte is not part of it: a separator, the array's `]`, or the next element.
    Before,
}

/// What the element scanner knows of where it is: the brackets open (innermost last), whether
/// it is in a string, and whether the innermost object waits for a key. One count for `[` and
/// `{` together read `[{"tags": [1, 2}, {…}, {…}]` as one element to the array's `]`, so one
/// broken element took every later one with it.
#[derive(Default)]
struct Brackets {
    open: Vec<u8>,
    in_string: bool,
    escaped: bool,
    /// Just after an object's `{` or `,`, where only a key (or its `}`) may come.
    wants_key: bool,
}

impl Brackets {
    /// Takes in the element's next byte: whether the element ends at it.
    fn step(&mut self, b: u8) -> Option<End> {
        if self.in_string {
            match (self.escaped, b) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => {
                    self.in_string = false;
                    return self.open.is_empty().then_some(End::After);
                }
                _ => {}
            }
            return None;
        }
        let wanted_key = std::mem::take(&mut self.wants_key);
        match b {
            b' ' | b'\t' | b'\r' | b'\n' if !self.open.is_empty() => self.wants_key = wanted_key,
            // An object left open: `{` cannot be a key, so it starts the next element.
            b'{' if wanted_key => return Some(End::Before),
            b'"' => self.in_string = true,
            b'{' | b'[' => {
                self.open.push(b);
                self.wants_key = b == b'{';
            }
            b'}' | b']' => return self.close(b),
            b',' if self.open.last() == Some(&b'{') => self.wants_key = true,
            b',' | b' ' | b'\t' | b'\r' | b'\n' if self.open.is_empty() => {
                return Some(End::Before)
            }
            _ => {}
        }
        None
    }

    /// Takes in a closing bracket. It closes its own kind's innermost opener and whatever was
    /// left open inside that (`}` in `{"tags": [1, 2}` closes the `[` too); a `]` with no `[`
    /// open is the array's own, after an element left open; a `}` with no `{` open ends the
    /// element.
    fn close(&mut self, b: u8) -> Option<End> {
        let opener = if b == b'}' { b'{' } else { b'[' };
        match self.open.iter().rposition(|&o| o == opener) {
            Some(at) => {
                self.open.truncate(at);
                self.open.is_empty().then_some(End::After)
            }
            None if b == b']' => Some(End::Before),
            None => {
                self.open.clear();
                Some(End::After)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufReader, Cursor};

    fn read(content: &str) -> Vec<Result<Article, RecordError>> {
        read_with(content, &ReadOptions::default())
    }

    fn read_with(content: &str, opts: &ReadOptions) -> Vec<Result<Article, RecordError>> {
        let reader = Box::new(BufReader::with_capacity(
            7,
            Cursor::new(content.to_string()),
        ));
        let stream = Stream::new("a.json", "a", reader, false, true, opts.max_bytes);
        let mut array = JsonArray::of(stream);
        std::iter::from_fn(|| array.next_record(opts)).collect()
    }

    fn outcome(items: &[Result<Article, RecordError>]) -> Vec<String> {
        items
            .iter()
            .map(|r| match r {
                Ok(a) => format!("{}={}", a.id, a.text),
                Err(e) => format!("{}: {}", e.record, e.reason),
            })
            .collect()
    }

    #[test]
    fn reads_each_element_of_an_array() {
        let items = read(
            "\u{feff}[\n  {\"id\": \"a\", \"text\": \"x [y] {z} \\\"q\\\" ]\"},\n  {\"text\": \"second\", \"extra\": [1, {\"k\": \"]\"}]}\n]\n",
        );
        assert_eq!(outcome(&items), ["a=x [y] {z} \"q\" ]", "a:2=second"]);
    }

    #[test]
    fn a_bad_element_costs_that_element_only() {
        let items =
            read(r#"[{"id": 1, "text": "ok"}, {"text": oops}, 7, {"id": 4.50, "text": "last"}]"#);
        let got = outcome(&items);
        assert_eq!(got[0], "1=ok");
        assert!(got[1].starts_with("element 2: malformed JSON"), "{got:?}");
        assert_eq!(got[2], "element 3: not a JSON object but a number");
        assert_eq!(got[3], "4.50=last");
        assert_eq!(got.len(), 4);
    }

    /// One count for `[` and `{` together took every element after a broken one into it, and
    /// called the file truncated: `}` closing a `[`, an object never closed, a last element
    /// never closed.
    #[test]
    fn broken_brackets_cost_their_element_only() {
        let got = outcome(&read(
            "[{\"id\":\"a\",\"text\":\"x\",\"tags\":[1,2},\n {\"id\":\"b\",\"text\":\"y\"},\n {\"id\":\"c\",\"text\":\"z\"}]\n",
        ));
        assert!(got[0].starts_with("element 1: malformed JSON"), "{got:?}");
        assert_eq!(got[1..], ["b=y", "c=z"]);
        let got = outcome(&read(
            "[{\"id\":\"a\",\"meta\":{\"k\":[1]},\"text\":\"x\",\n {\"id\":\"b\",\"text\":\"y\"},{\"id\":\"c\",\"text\":\"z\"}]",
        ));
        assert!(got[0].starts_with("element 1: malformed JSON"), "{got:?}");
        assert_eq!(got[1..], ["b=y", "c=z"]);
        let got = outcome(&read(
            "[{\"id\":\"b\",\"text\":\"y\"}, {\"id\":\"a\",\"text\":\"x\"]\n[{\"id\":\"c\",\"text\":\"z\"}]",
        ));
        assert_eq!(got[0], "b=y");
        assert!(got[1].starts_with("element 2: malformed JSON"), "{got:?}");
        assert_eq!(got[2..], ["c=z"]);
        // Brackets inside strings are text, as before.
        let got = outcome(&read(
            r#"[{"id":"a","text":"x } ] { [ \" }"}, {"id":"b","text":"y"}]"#,
        ));
        assert_eq!(got, ["a=x } ] { [ \" }", "b=y"]);
    }

    /// An array cut short is an input cut short (exit 3, named on stderr), as a `.gz` cut short
    /// is: it was one element's error row and exit 0, and the elements after the cut were lost
    /// unsaid. A malformed element inside a whole array stays that element's error.
    #[test]
    fn a_truncated_array_ends_with_an_error_of_an_input_cut_short() {
        let items = read(r#"[{"text": "one"}, {"text": "tw"#);
        let got = outcome(&items);
        assert_eq!(got[0], "a:1=one");
        assert!(
            got[1].starts_with("element 2: cannot read further: the input ends inside"),
            "{got:?}"
        );
        assert_eq!(got.len(), 2);
        assert!(items[1].as_ref().unwrap_err().is_cut_short());
        let items = read(r#"[{"text": "one"} "#);
        let got = outcome(&items);
        assert!(
            got[1].contains("without the array's closing `]`"),
            "{got:?}"
        );
        assert!(items[1].as_ref().unwrap_err().is_cut_short());
        let items = read(r#"[{"text": oops}, {"text": "two"}]"#);
        assert!(!items[0].as_ref().unwrap_err().is_cut_short());
        assert_eq!(outcome(&items)[1], "a:2=two");
    }

    #[test]
    fn empty_array_and_missing_commas() {
        assert!(read(" [ ] ").is_empty());
        let got = outcome(&read("[{\"text\": \"a\"}\n{\"text\": \"b\"}]"));
        assert_eq!(got, ["a:1=a", "a:2=b"]);
    }

    /// Everything after the first array's `]` was dropped without a word: a second array (two
    /// dumps appended, or gzip members one after the other) and JSON lines alike.
    #[test]
    fn arrays_one_after_another_are_read_and_anything_else_after_is_an_error() {
        let got = outcome(&read(
            "[{\"text\": \"a\"}]\n[{\"text\": \"b\"}, {\"text\": \"c\"}]\n",
        ));
        assert_eq!(got, ["a:1=a", "a:2=b", "a:3=c"]);
        let got = outcome(&read("[{\"text\": \"a\"}]\n{\"text\": \"b\"}\n"));
        assert_eq!(got[0], "a:1=a");
        assert!(
            got[1].starts_with("after element 1: the input goes on after the array's closing"),
            "{got:?}"
        );
        assert_eq!(got.len(), 2);
        let got = outcome(&read("[{\"text\": \"a\"}] trailing words"));
        assert_eq!(got.len(), 2, "{got:?}");
    }

    /// Only the first array's byte-order mark was read past: a second file saved with one and
    /// appended (`gzip -c b.json >> all.json.gz`) was "not another array", its elements lost.
    #[test]
    fn each_of_several_arrays_may_start_with_a_byte_order_mark() {
        let got = outcome(&read(
            "\u{feff}[{\"text\": \"a\"}]\n\u{feff}[{\"text\": \"b\"}, {\"text\": \"c\"}]\n",
        ));
        assert_eq!(got, ["a:1=a", "a:2=b", "a:3=c"]);
    }

    /// An element far over the limit was held whole to find its text too long (an 800 MB
    /// element in a small .json.gz took gigabytes).
    #[test]
    fn an_element_longer_than_a_record_may_be_is_counted_not_held() {
        let opts = ReadOptions {
            max_bytes: 10,
            ..ReadOptions::default()
        };
        let cap = super::super::record_cap(10);
        let long = "x".repeat(cap);
        let content = format!("[{{\"text\": \"{long}\"}}, {{\"text\": \"fine\"}}]");
        let got = outcome(&read_with(&content, &opts));
        let bytes = cap + 12;
        assert!(
            got[0].starts_with(&format!(
                "element 1: the element is {bytes} bytes, over the"
            )),
            "{}",
            &got[0][..100.min(got[0].len())]
        );
        assert_eq!(got[1], "a:2=fine");
    }
}
