//! CSV files: a header row naming the columns, then one article per row, read as bytes so a row
//! with bad UTF-8 is one error, not the end of the file.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

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
                let parsed = match self.unclosed_quote() {
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
}

/// A reader that counts what passes through it into a [`QuoteCount`].
struct CountingQuotes {
    inner: Box<dyn Read + Send>,
    stats: Arc<QuoteCount>,
}

impl Read for CountingQuotes {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
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
