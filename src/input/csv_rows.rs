//! CSV files: a header row naming the columns, then one article per row, read as bytes so a row
//! with bad UTF-8 is one error, not the end of the file. A row longer than one record may be
//! ([`record_cap`]) reaches the parser cut short and closed, and is an error saying its length:
//!
//! ```text
//! 2,"…400 MB…"⏎3,after      row 2: the row is 400000008 bytes, over the 67108864 bytes …
//!                             row 3: an article, as if row 2 had been short
//! ```

use std::collections::VecDeque;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use super::*;

/// Column positions of the article fields in a CSV header.
struct Columns {
    id: Option<usize>,
    title: Option<usize>,
    text: usize,
    url: Option<usize>,
    published: Option<usize>,
    source: Option<usize>,
    count: usize,
}

/// CSV rows, read as bytes so that a row with bad UTF-8 is one error, not the end of the file.
pub(super) struct CsvRows {
    input: String,
    stem: String,
    reader: csv::Reader<Box<dyn Read + Send>>,
    gzipped: bool,
    /// Found from the header on the first call.
    columns: Option<Columns>,
    row: csv::ByteRecord,
    /// What the CSV parser has been given so far, for [`CsvRows::unclosed_quote`].
    quotes: Arc<QuoteCount>,
    row_number: usize,
    done: bool,
}

impl CsvRows {
    pub(super) fn new(
        input: String,
        stem: String,
        reader: Box<dyn Read + Send>,
        gzipped: bool,
    ) -> CsvRows {
        let quotes = Arc::new(QuoteCount::default());
        let counted: Box<dyn Read + Send> =
            Box::new(CountingQuotes::new(reader, Arc::clone(&quotes)));
        // Flexible, so that a short or long row is reported as that row's error and reading goes on.
        let reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(counted);
        CsvRows {
            input,
            stem,
            reader,
            gzipped,
            columns: None,
            row: csv::ByteRecord::new(),
            quotes,
            row_number: 0,
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
        (self.quotes.cap).store(record_cap(opts.max_bytes) as u64, Ordering::Relaxed);
        if self.columns.is_none() {
            match self.find_columns(&opts.fields) {
                Ok(Some(columns)) => self.columns = Some(columns),
                Ok(None) => {
                    self.done = true;
                    return None;
                }
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            }
        }
        match self.reader.read_byte_record(&mut self.row) {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                self.row_number += 1;
                let problem = self.oversized(opts.max_bytes);
                let problem = problem.or_else(|| self.unclosed_quote());
                let parsed = match problem.or_else(|| self.stray_close()) {
                    Some(reason) => Err(reason),
                    None => self.parse_row(opts),
                };
                Some(parsed.map_err(|reason| {
                    RecordError::new(&self.input, format!("row {}", self.row_number), reason)
                }))
            }
            Err(error) => {
                self.done = true;
                let record = format!("row {}", self.row_number + 1);
                Some(Err(RecordError::new(
                    &self.input,
                    record,
                    read_failure(&error, self.gzipped),
                )))
            }
        }
    }

    /// Why the row just read is a quoting accident, if it is: a quoted field never closed runs
    /// to the end of the input, taking every later row into one field. Seen when the row ends
    /// where the input does, the input holds an odd number of `"` (quotes of well-formed
    /// fields pair up), and a field of the row spans lines. (Stray quotes inside unquoted
    /// fields, which the CSV reader takes literally, can hide one.)
    fn unclosed_quote(&self) -> Option<String> {
        let stats = &self.quotes;
        let at_end = stats.eof.load(Ordering::Relaxed)
            && self.reader.position().byte() == stats.bytes.load(Ordering::Relaxed);
        let odd = stats.quotes.load(Ordering::Relaxed) % 2 == 1;
        let lines = self
            .row
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count())
            .max()
            .unwrap_or(0);
        (at_end && odd && lines > 0).then(|| {
            format!(
                "a quoted field is never closed: it runs to the end of the input, taking {} more \
                 lines (and any rows on them) into this row; fix the quoting",
                lines
            )
        })
    }

    /// Why the row just read is not a record, if it was longer than one may be: the reader gave
    /// the parser its first bytes and the marks that close it, and skipped the rest
    /// ([`CountingQuotes`]).
    fn oversized(&self, max_bytes: usize) -> Option<String> {
        let start = self.row.position().map_or(0, |p| p.byte());
        let end = self.reader.position().byte();
        let bytes = self.quotes.oversized_within(start..end)?;
        Some(record_too_big("the row", bytes, max_bytes))
    }

    /// Why the row just read is a quoting accident, if a quoted field of it closes before its
    /// end: in `r7,"unclosed, said John⏎r8,"quoted eight"`, the field opened on r7 runs over the
    /// line break and closes at r8's opening quote, and `quoted eight"` is read as more of it, so
    /// row r8 is swallowed whole. The CSV reader accepts such a field; a well-formed file never
    /// has a closing quote followed by anything but a comma, a quote or a line end.
    fn stray_close(&self) -> Option<String> {
        let start = self.row.position().map_or(0, |p| p.byte());
        let end = self.reader.position().byte();
        let at = self.quotes.stray_close_within(start..end)?;
        let at = self.quotes.in_input(at);
        Some(format!(
            "a quoted field closes before its end (the quote at byte {at} of the input is \
             followed by more of the field): the quoting is broken, and rows after it may have \
             been read into this one; fix the quoting"
        ))
    }

    /// The columns named in the header; `None` for an empty input.
    fn find_columns(&mut self, names: &FieldNames) -> Result<Option<Columns>, RecordError> {
        let header = match self.reader.byte_headers() {
            Ok(header) => header.clone(),
            Err(error) => {
                return Err(RecordError::new(
                    &self.input,
                    "header".into(),
                    read_failure(&error, self.gzipped),
                ))
            }
        };
        if header.is_empty() {
            return Ok(None);
        }
        let position = |name: &str| {
            header
                .iter()
                .position(|cell| cell.trim_ascii() == name.as_bytes())
        };
        let Some(text) = position(&names.text) else {
            let found: Vec<String> = header
                .iter()
                .map(|cell| String::from_utf8_lossy(cell.trim_ascii()).into_owned())
                .collect();
            let reason = format!(
                "no `{}` column in the header (columns: {})",
                names.text,
                found.join(", ")
            );
            return Err(RecordError::new(&self.input, "header".into(), reason));
        };
        Ok(Some(Columns {
            id: position(&names.id),
            title: position(&names.title),
            text,
            url: position(&names.url),
            published: position(&names.published),
            source: position(&names.source),
            count: header.len(),
        }))
    }

    fn parse_row(&self, opts: &ReadOptions) -> Result<Article, String> {
        let columns = self
            .columns
            .as_ref()
            .expect("columns are found before rows are read");
        if self.row.len() != columns.count {
            return Err(format!(
                "row has {} fields, the header has {}",
                self.row.len(),
                columns.count
            ));
        }
        let names = &opts.fields;
        let row_start = self.row.position().map_or(0, |p| p.byte());
        let row_start = self.quotes.in_input(row_start);
        let cell = |column: Option<usize>, name: &str| -> Result<Option<String>, String> {
            let Some(bytes) = column.and_then(|c| self.row.get(c)) else {
                return Ok(None);
            };
            match std::str::from_utf8(bytes) {
                Ok(text) => Ok(Some(text.to_string())),
                Err(e) => Err(format!(
                    "invalid UTF-8 in the `{name}` column at byte {} of the field (the row starts at byte \
                     {row_start} of the input)",
                    e.valid_up_to()
                )),
            }
        };
        let fields = RecordFields {
            id: cell(columns.id, &names.id)?,
            title: cell(columns.title, &names.title)?,
            text: cell(Some(columns.text), &names.text)?.unwrap_or_default(),
            url: cell(columns.url, &names.url)?,
            published: cell(columns.published, &names.published)?,
            source: cell(columns.source, &names.source)?,
        };
        let origin = Origin {
            input: self.input.clone(),
            record: format!("row {}", self.row_number),
        };
        fields.into_article(
            || format!("{}:{}", self.stem, self.row_number),
            opts.max_bytes,
            origin,
        )
    }
}

/// Bytes and `"` bytes read so far, and whether the input has ended.
#[derive(Default)]
struct QuoteCount {
    bytes: AtomicU64,
    quotes: AtomicU64,
    eof: AtomicBool,
    /// Where quoted fields closed before their end ([`CsvRows::stray_close`]), in input order.
    stray_closes: Mutex<VecDeque<u64>>,
    /// The most bytes a row may have ([`record_cap`]), set before the first read.
    cap: AtomicU64,
    /// Rows over `cap` ([`CsvRows::oversized`]): where the parser was given the line end of
    /// each, and its length in the input.
    oversized: Mutex<VecDeque<(u64, u64)>>,
    /// From where on (in what the parser was given) how many more bytes the input held: what
    /// the skipped rows took out, less the marks put in to close them. For messages, which
    /// count in the input.
    shifts: Mutex<Vec<(u64, u64)>>,
}

impl QuoteCount {
    /// The first stray close in `range` of the input ([`first_within`]).
    fn stray_close_within(&self, range: Range<u64>) -> Option<u64> {
        first_within(&self.stray_closes, range, |&at| at)
    }

    /// The length of a row over the cap that ends in `range` ([`first_within`]).
    fn oversized_within(&self, range: Range<u64>) -> Option<u64> {
        first_within(&self.oversized, range, |&(at, _)| at).map(|(_, bytes)| bytes)
    }

    /// A position in what the parser was given, as a position in the input.
    fn in_input(&self, given: u64) -> u64 {
        let shifts = self.shifts.lock().unwrap_or_else(PoisonError::into_inner);
        let before = shifts.partition_point(|&(from, _)| from <= given);
        given + before.checked_sub(1).map_or(0, |i| shifts[i].1)
    }
}

/// The first of `marks` (in input order, each at the position `at` gives) that lies in `range`,
/// forgetting those before it: rows are read in order, so no later row asks about them.
fn first_within<T: Copy>(
    marks: &Mutex<VecDeque<T>>,
    range: Range<u64>,
    at: impl Fn(&T) -> u64,
) -> Option<T> {
    let mut marks = marks.lock().unwrap_or_else(PoisonError::into_inner);
    while marks.front().is_some_and(|m| at(m) < range.start) {
        marks.pop_front();
    }
    marks.front().copied().filter(|m| range.contains(&at(m)))
}

/// Where the CSV reader is in a field, followed byte by byte as it reads (with its settings:
/// comma-separated, `""` for a quote inside a quoted field, a quote inside an unquoted field
/// taken as text).
#[derive(Clone, Copy, Default, PartialEq)]
enum FieldState {
    #[default]
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the field's end, or the first of `""`.
    QuoteInQuoted,
}

impl FieldState {
    /// The state after `byte`, and whether `byte` follows a quote that closed a field too early.
    fn next(self, byte: u8) -> (FieldState, bool) {
        use FieldState::*;
        let ends_field = matches!(byte, b',' | b'\n' | b'\r');
        match (self, byte) {
            (FieldStart, b'"') | (QuoteInQuoted, b'"') => (Quoted, false),
            (Quoted, b'"') => (QuoteInQuoted, false),
            (Quoted, _) => (Quoted, false),
            (_, _) if ends_field => (FieldStart, false),
            (QuoteInQuoted, _) => (Unquoted, true),
            (_, _) => (Unquoted, false),
        }
    }
}

/// Whether `byte`, leaving the reader in `state`, ends a row: a line end outside quotes, `\n`
/// or `\r` (the CSV reader takes either, so a file of old Mac line ends has rows too).
fn ends_row(byte: u8, state: FieldState) -> bool {
    matches!(byte, b'\n' | b'\r') && state == FieldState::FieldStart
}

/// A reader that counts what passes through it into a [`QuoteCount`], and keeps a row longer
/// than the cap out of memory: the parser gets the row's first `cap + 1` bytes, then a `"` if a
/// quoted field is open and a line end, so it reads a short row and stays in step; the rest of
/// the row is read past, followed byte by byte to find where the row ends.
struct CountingQuotes {
    inner: Box<dyn Read + Send>,
    stats: Arc<QuoteCount>,
    state: FieldState,
    /// Bytes of the row being given to the parser.
    row_bytes: u64,
    /// Bytes to give the parser before reading on: the closing marks of a cut row and what
    /// followed its end in the last read.
    pending: VecDeque<u8>,
    /// What the rows cut so far took out of the input, less the marks put in.
    shift: u64,
}

impl CountingQuotes {
    fn new(inner: Box<dyn Read + Send>, stats: Arc<QuoteCount>) -> CountingQuotes {
        CountingQuotes {
            inner,
            stats,
            state: FieldState::default(),
            row_bytes: 0,
            pending: VecDeque::new(),
            shift: 0,
        }
    }

    /// Reads past the rest of a row over the cap; queues the marks that close what the parser
    /// has of it, then whatever followed the row's end in the last read.
    fn cut_row(&mut self) -> io::Result<()> {
        let closing: &[u8] = match self.state {
            FieldState::Quoted => b"\"\n",
            _ => b"\n",
        };
        let mut state = self.state;
        let mut skipped = 0u64;
        let mut chunk = vec![0u8; 64 * 1024];
        let rest = 'row: loop {
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                break 'row 0..0;
            }
            for (i, &byte) in chunk[..n].iter().enumerate() {
                state = state.next(byte).0;
                if ends_row(byte, state) {
                    skipped += i as u64 + 1;
                    break 'row i + 1..n;
                }
            }
            skipped += n as u64;
        };
        // Where the parser is given the row's line end, and where the next row starts.
        let given = self.stats.bytes.load(Ordering::Relaxed) + closing.len() as u64;
        let row = self.row_bytes + skipped;
        (self.stats.oversized.lock())
            .unwrap_or_else(PoisonError::into_inner)
            .push_back((given - 1, row));
        self.shift = (self.shift + skipped).saturating_sub(closing.len() as u64);
        (self.stats.shifts.lock())
            .unwrap_or_else(PoisonError::into_inner)
            .push((given, self.shift));
        self.pending.extend(closing);
        self.pending.extend(&chunk[rest]);
        Ok(())
    }

    /// Counts bytes given to the parser: quotes, stray closes, row lengths.
    fn count(&mut self, given: &[u8]) {
        let start = self.stats.bytes.load(Ordering::Relaxed);
        for (i, &byte) in given.iter().enumerate() {
            let (state, stray) = self.state.next(byte);
            self.state = state;
            self.row_bytes += 1;
            if ends_row(byte, state) {
                self.row_bytes = 0;
            }
            if stray {
                // The quote is the byte before this one.
                (self.stats.stray_closes.lock())
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_back(start + i as u64 - 1);
            }
        }
        let quotes = given.iter().filter(|&&b| b == b'"').count();
        self.stats
            .bytes
            .fetch_add(given.len() as u64, Ordering::Relaxed);
        self.stats
            .quotes
            .fetch_add(quotes as u64, Ordering::Relaxed);
    }
}

impl Read for CountingQuotes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let cap = self.stats.cap.load(Ordering::Relaxed);
        if self.pending.is_empty() && self.row_bytes > cap {
            self.cut_row()?;
        }
        let n = if self.pending.is_empty() {
            // One byte past the cap at most, to tell a row over it from one that ends at it.
            // Saturating: `--max-bytes` may be as large as usize (the report reads inputs so).
            let room = (cap.saturating_add(1) - self.row_bytes).min(buf.len() as u64) as usize;
            let n = self.inner.read(&mut buf[..room])?;
            if n == 0 {
                self.stats.eof.store(true, Ordering::Relaxed);
            }
            n
        } else {
            let n = self.pending.len().min(buf.len());
            for (slot, byte) in buf.iter_mut().zip(self.pending.drain(..n)) {
                *slot = byte;
            }
            n
        };
        self.count(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the CSV parser is given from `input` under a row cap of `cap` bytes.
    fn given(input: &str, cap: u64) -> String {
        let stats = Arc::new(QuoteCount::default());
        stats.cap.store(cap, Ordering::Relaxed);
        let inner: Box<dyn Read + Send> = Box::new(io::Cursor::new(input.as_bytes().to_vec()));
        let mut reader = CountingQuotes::new(inner, stats);
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        out
    }

    /// Rows under the cap pass untouched whatever their line ends: counted only up to `\n`,
    /// rows ended by a lone `\r` (old Mac files) added up to one long row and were cut.
    #[test]
    fn only_a_row_over_the_cap_is_cut() {
        let short_rows = "id,text\r1,one\r2,two\r3,three\r4,\"four\nlines\"\r\n";
        assert_eq!(given(short_rows, 20), short_rows);
        // A row over the cap reaches the parser as its first cap + 1 bytes, closed.
        let long = "1,\"a long quoted field\"\n2,b\n";
        assert_eq!(given(long, 8), "1,\"a long\"\n2,b\n");
        assert_eq!(given("1,unquoted and long\r2,b", 8), "1,unquote\n2,b");
    }
}
