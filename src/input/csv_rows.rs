//! CSV files: a header row naming the columns, then one article per row, read as bytes so a row
//! with bad UTF-8 is one error, not the end of the file.

use std::collections::VecDeque;
use std::io::{self, Read};
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
        let counted: Box<dyn Read + Send> = Box::new(CountingQuotes {
            inner: reader,
            stats: Arc::clone(&quotes),
            state: FieldState::default(),
        });
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
                let parsed = match self.unclosed_quote().or_else(|| self.stray_close()) {
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

    /// Why the row just read is a quoting accident, if a quoted field of it closes before its
    /// end: in `r7,"unclosed, said John⏎r8,"quoted eight"`, the field opened on r7 runs over the
    /// line break and closes at r8's opening quote, and `quoted eight"` is read as more of it, so
    /// row r8 is swallowed whole. The CSV reader accepts such a field; a well-formed file never
    /// has a closing quote followed by anything but a comma, a quote or a line end.
    fn stray_close(&self) -> Option<String> {
        let start = self.row.position().map_or(0, |p| p.byte());
        let end = self.reader.position().byte();
        let at = self.quotes.stray_close_within(start..end)?;
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
}

impl QuoteCount {
    /// The first stray close in `range` of the input, forgetting those before it (rows are read
    /// in order, so no later row asks about them).
    fn stray_close_within(&self, range: std::ops::Range<u64>) -> Option<u64> {
        let mut closes = self
            .stray_closes
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while closes.front().is_some_and(|&at| at < range.start) {
            closes.pop_front();
        }
        closes.front().copied().filter(|at| range.contains(at))
    }
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

/// A reader that counts what passes through it into a [`QuoteCount`].
struct CountingQuotes {
    inner: Box<dyn Read + Send>,
    stats: Arc<QuoteCount>,
    state: FieldState,
}

impl Read for CountingQuotes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let start = self.stats.bytes.load(Ordering::Relaxed);
        for (i, &byte) in buf[..n].iter().enumerate() {
            let (state, stray) = self.state.next(byte);
            self.state = state;
            if stray {
                // The quote is the byte before this one.
                (self.stats.stray_closes.lock())
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_back(start + i as u64 - 1);
            }
        }
        let quotes = buf[..n].iter().filter(|&&b| b == b'"').count();
        self.stats.bytes.fetch_add(n as u64, Ordering::Relaxed);
        self.stats
            .quotes
            .fetch_add(quotes as u64, Ordering::Relaxed);
        if n == 0 && !buf.is_empty() {
            self.stats.eof.store(true, Ordering::Relaxed);
        }
        Ok(n)
    }
}
