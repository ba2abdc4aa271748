//! CSV files: a header row naming the columns, then one article per row, read as bytes so a row
//! with bad UTF-8 is one error, not the end of the file. A row longer than one record may be
//! ([`record_cap`]) reaches the parser cut short and closed, and is an error saying its length:
//!
//! ```text
//! 2,"…400 MB…"⏎3,after      row 2: the row is 400000008 bytes, over the 67108864 bytes …
//!                             row 3: an article, as if row 2 had been short
//! ```
//!
//! A quoted field that runs over a line end is held back ([`RowGuard`]) until it closes, so a
//! broken one costs its own row only: when the input ends inside it (never closed) or it closes
//! with more of the field after the quote (the next row's opening quote closed it), its row is
//! an error, cut at the line end, and the lines after it are read as rows. One that runs past
//! what a record may be is cut as any long row; never closed, it takes the rest of the input,
//! and its error row says so — in stdin or a named pipe, which may never end (`a,"` then
//! /dev/zero), the row is read no further than [`Stream::limit`]: past it the input ends, read
//! no further, with one error row saying so (exit 3). A quote inside an unquoted field (an inch mark) is text, as the
//! CSV reader takes it, and changes nothing:
//!
//! ```text
//! 1,a 6" screen             row 1: an article, its text `a 6" screen`
//! 2,"Merkel said⏎           row 2: an error (a quoted field is never closed)
//! 3,Scholz spoke⏎           row 3: an article
//! 4,"two⏎lines"             row 4: an article, its text over two lines
//! ```
//!
//! Concatenated dumps (`gzip -c b.csv >> all.csv.gz`) repeat the header: a row made of the
//! header's column names is no article but a header again, read past, and when it names the
//! columns in another order, or other columns (a newer export added or dropped some; it names
//! the text column, and most of the header's or only column and field names), the rows after it
//! are read by it:
//!
//! ```text
//! id,text⏎1,one⏎text,id⏎two,2         rows 1 and 3: articles 1 (text `one`) and 2 (text `two`)
//! id,text⏎1,one⏎id,text,url⏎2,two,u   rows 1 and 3: articles 1 and 2 (url `u`)
//! ```

use std::collections::VecDeque;
use std::io::{self, Read};
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// The header's cells, trimmed, to know it again ([`CsvRows::header_again`]).
    names: Vec<Vec<u8>>,
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
    /// What the parser's input guard found ([`RowGuard`]).
    marks: Arc<Marks>,
    row_number: usize,
    done: bool,
}

impl CsvRows {
    pub(super) fn of(stream: Stream) -> CsvRows {
        let Stream {
            input,
            stem,
            reader,
            gzipped,
            limit,
        } = stream;
        let marks = Arc::new(Marks::default());
        (marks.limit).store(limit.unwrap_or(u64::MAX), Ordering::Relaxed);
        let reader: Box<dyn Read + Send> = reader;
        let guarded: Box<dyn Read + Send> = Box::new(RowGuard::new(reader, Arc::clone(&marks)));
        // Flexible, so that a short or long row is reported as that row's error and reading goes on.
        let reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(guarded);
        CsvRows {
            input,
            stem,
            reader,
            gzipped,
            columns: None,
            row: csv::ByteRecord::new(),
            marks,
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
        (self.marks.cap).store(record_cap(opts.max_bytes) as u64, Ordering::Relaxed);
        if self.columns.is_none() {
            match self.find_columns(&opts.fields) {
                Ok(columns) => self.columns = Some(columns),
                Err(error) => {
                    self.done = true;
                    return Some(Err(error));
                }
            }
        }
        // Bytes of the header rows read past since the last record: a pipe whose writer repeats
        // the header for ever was read for ever, with no row and no end.
        let mut headers_read_past: u64 = 0;
        loop {
            match self.reader.read_byte_record(&mut self.row) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) => {
                    self.row_number += 1;
                    if !self.header_again(&opts.fields) {
                        return Some(self.check_and_parse(opts));
                    }
                    headers_read_past += (self.row.as_slice().len() + self.row.len()) as u64;
                    if headers_read_past > self.marks.limit.load(Ordering::Relaxed) {
                        self.done = true;
                        let what = "the run of header rows after the last row";
                        let reason = unending_record(what, headers_read_past, &[]);
                        let record = format!("row {}", self.row_number);
                        return Some(Err(RecordError::new(&self.input, record, reason)));
                    }
                }
                Err(error) => {
                    self.done = true;
                    let record = format!("row {}", self.row_number + 1);
                    let reason = read_failure(&error, self.gzipped);
                    return Some(Err(RecordError::new(&self.input, record, reason)));
                }
            }
        }
    }

    /// The row just read as an article, or why it is none.
    fn check_and_parse(&self, opts: &ReadOptions) -> Result<Article, RecordError> {
        let problem = self.oversized(opts.max_bytes);
        let problem = problem.or_else(|| self.broken_quote());
        let parsed = match problem.or_else(|| self.stray_close()) {
            Some(reason) => Err(reason),
            None => self.parse_row(opts),
        };
        parsed.map_err(|reason| {
            RecordError::new(&self.input, format!("row {}", self.row_number), reason)
        })
    }

    /// Whether the row just read is a header again, as a dump appended to another repeats it
    /// (it was read as an article, `id` its id and `text` its text): the header's names in
    /// any order, or a header of other columns — a newer export that added a field the run
    /// reads or dropped a column — made of column and field names only. The rows after it are read
    /// by it: they had their fields swapped, or every one was an error row ("row has 4 fields,
    /// the header has 3") and the whole appended dump was lost.
    ///
    /// ```text
    /// id,title,text⏎1,a,one⏎id,title,text,url⏎2,b,two,http://x   articles 1 and 2
    /// ```
    fn header_again(&mut self, names: &FieldNames) -> bool {
        let columns = self.columns.as_ref().expect("columns are found first");
        // Most rows fail here, without a copy of their fields.
        let names_text = |(i, cell)| header_cell(i, cell) == names.text.as_bytes();
        if !self.row.iter().enumerate().any(names_text) {
            return false;
        }
        let cells = header_cells(&self.row);
        let mut sorted = cells.clone();
        sorted.sort();
        let mut header = columns.names.clone();
        header.sort();
        if sorted == header {
            if cells != columns.names {
                if let Ok(columns) = columns_of(&self.row, names) {
                    self.columns = Some(columns);
                }
            }
            return true;
        }
        if !is_header_of_other_columns(&cells, &columns.names, names) {
            return false;
        }
        match columns_of(&self.row, names) {
            Ok(columns) => {
                self.columns = Some(columns);
                true
            }
            Err(_) => false,
        }
    }

    /// Why the row just read is not a record, if it was longer than one may be: the reader gave
    /// the parser its first bytes and the marks that close it, and skipped the rest
    /// ([`RowGuard`]).
    fn oversized(&self, max_bytes: usize) -> Option<String> {
        let (bytes, never_closed) = self.marks.oversized_within(self.row_range())?;
        let reason = record_too_big("the row", bytes, max_bytes);
        Some(match never_closed {
            true => format!(
                "{reason}; a quoted field of it is never closed, so it ran to the end of the \
                 input, and any rows after it were not read; fix the quoting"
            ),
            false => reason,
        })
    }

    /// Why the row just read is cut short, if a quoted field of it that runs over its line end
    /// is broken ([`Broken`]).
    fn broken_quote(&self) -> Option<String> {
        let broken = self.marks.broken_within(self.row_range())?;
        Some(broken.reason())
    }

    /// Why the row just read is a quoting accident, if a quoted field of it closes before its
    /// end on the line it opened on: `3,"He said "no" twice"` is read as the field `He said
    /// no" twice"`. The CSV reader accepts such a field; a well-formed file never has a
    /// closing quote followed by anything but a comma, a quote or a line end.
    fn stray_close(&self) -> Option<String> {
        let at = self.marks.stray_close_within(self.row_range())?;
        let at = self.marks.in_input(at);
        Some(format!(
            "a quoted field closes before its end (the quote at byte {at} of the input is \
             followed by more of the field): the quoting is broken; fix the quoting"
        ))
    }

    /// Where the row just read lies in what the parser was given.
    fn row_range(&self) -> Range<u64> {
        let start = self.row.position().map_or(0, |p| p.byte());
        start..self.reader.position().byte()
    }

    /// The columns named in the header. An input with no header row (no bytes, blank lines
    /// only, a byte-order mark only) is an input that could not be read, as one whose header
    /// names no text column: a CSV export that failed or was cut off before its header read as
    /// an empty dump, exit 0 and not a word. (A header and no rows is an empty dump.)
    fn find_columns(&mut self, names: &FieldNames) -> Result<Columns, RecordError> {
        let header = match self.reader.byte_headers() {
            Ok(header) => header.clone(),
            Err(error) => {
                return Err(RecordError::new(
                    &self.input,
                    CSV_HEADER.into(),
                    read_failure(&error, self.gzipped),
                ))
            }
        };
        if header.is_empty() {
            return Err(RecordError::new(
                &self.input,
                CSV_HEADER.into(),
                "no header row: the input is empty or blank (a CSV input starts with a header \
                 row naming its columns, `text` among them)"
                    .into(),
            ));
        }
        columns_of(&header, names)
            .map_err(|reason| RecordError::new(&self.input, CSV_HEADER.into(), reason))
    }

    fn parse_row(&self, opts: &ReadOptions) -> Result<Article, String> {
        let columns = self
            .columns
            .as_ref()
            .expect("columns are found before rows are read");
        if self.row.len() != columns.names.len() {
            return Err(format!(
                "row has {} fields, the header has {}",
                self.row.len(),
                columns.names.len()
            ));
        }
        let names = &opts.fields;
        let row_start = self.row.position().map_or(0, |p| p.byte());
        let row_start = self.marks.in_input(row_start);
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

/// A header's cells as compared: trimmed, and the first without a byte-order mark (the CSV
/// reader drops the input's, not that of a file appended to it).
fn header_cells(header: &csv::ByteRecord) -> Vec<Vec<u8>> {
    let cell = |(i, cell)| header_cell(i, cell).to_vec();
    header.iter().enumerate().map(cell).collect()
}

/// Whether `cells`, a row that names the text column, is a header of other columns than
/// `header`'s ([`CsvRows::header_again`]): every cell a name — of `header`'s columns or of the
/// fields the run reads (`url`, `published`…) — and none twice. An article's row holds an id
/// and its text, not column names only; one whose title and text happen to be column names
/// stays a row (a rule that took a row naming most columns for a header lost `2,title,text`
/// silently, and read every row after it without ids):
///
/// ```text
/// header id,title,text:   id,title,text,url        a header (names only)
///                         id,text                  a header
///                         2,title,text             a row: `2` is no name
///                         id,title,text,tags       a row (then an error row: too long)
/// ```
fn is_header_of_other_columns(cells: &[Vec<u8>], header: &[Vec<u8>], names: &FieldNames) -> bool {
    let mut distinct = cells.to_vec();
    distinct.sort();
    distinct.dedup();
    if distinct.len() != cells.len() || cells.iter().any(|cell| cell.is_empty()) {
        return false;
    }
    let a_name = |cell: &Vec<u8>| {
        header.contains(cell)
            || names
                .all()
                .into_iter()
                .any(|n| n.as_bytes() == cell.as_slice())
    };
    cells.len() >= 2 && cells.iter().all(a_name)
}

/// Cell `i` of a header, as compared ([`header_cells`]).
fn header_cell(i: usize, cell: &[u8]) -> &[u8] {
    let cell = match i {
        0 => cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell),
        _ => cell,
    };
    cell.trim_ascii()
}

/// The columns a header names, or why it names no text column.
fn columns_of(header: &csv::ByteRecord, names: &FieldNames) -> Result<Columns, String> {
    let cells = header_cells(header);
    refuse_repeated_field_columns(&cells, names)?;
    let position = |name: &str| cells.iter().position(|cell| cell == name.as_bytes());
    let Some(text) = position(&names.text) else {
        let found: Vec<String> = cells
            .iter()
            .map(|cell| crate::paths::text_of_bytes(cell))
            .collect();
        return Err(format!(
            "no `{}` column in the header (columns: {})",
            names.text,
            found.join(", ")
        ));
    };
    Ok(Columns {
        id: position(&names.id),
        title: position(&names.title),
        text,
        url: position(&names.url),
        published: position(&names.published),
        source: position(&names.source),
        names: cells,
    })
}

/// Refuses a header that names a field the run reads in two columns or more (`id,text,title,
/// text`, as a spreadsheet export joined from two sheets may): which one holds the article's text
/// is not for the reader to guess, and taking the first, as it did, could read every row's text
/// from the wrong column without a word.
fn refuse_repeated_field_columns(cells: &[Vec<u8>], names: &FieldNames) -> Result<(), String> {
    for name in names.all() {
        let columns: Vec<String> = cells
            .iter()
            .enumerate()
            .filter(|(_, cell)| *cell == name.as_bytes())
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if columns.len() > 1 {
            return Err(format!(
                "the header names `{name}` in more than one column (columns {}): which one to \
                 read is not clear; rename the others",
                columns.join(", ")
            ));
        }
    }
    Ok(())
}

/// How a quoted field that runs over a line end turned out broken ([`RowGuard`]); its row is
/// cut at that line end, and the lines after it are read as rows.
#[derive(Clone, Copy)]
enum Broken {
    /// The input ends inside it, this many lines on.
    NeverClosed { lines: u64 },
    /// It closes at this byte of the input with more of the field after the quote.
    ClosesEarly { at: u64 },
}

impl Broken {
    fn reason(self) -> String {
        let what = match self {
            Broken::NeverClosed { lines } => format!(
                "a quoted field is never closed (the input ends inside it, {lines} lines on)"
            ),
            Broken::ClosesEarly { at } => format!(
                "a quoted field runs over the row's line end and closes at byte {at} of the \
                 input, followed by more of the field: the next row's opening quote closed it"
            ),
        };
        format!(
            "{what}; the field is cut at the line end, and the lines after it are read as rows \
             of their own; fix the quoting"
        )
    }
}

/// What the input guard ([`RowGuard`]) found, where the parser was given it, for the rows read.
#[derive(Default)]
struct Marks {
    /// Bytes given to the parser so far.
    bytes: AtomicU64,
    /// Where quoted fields closed before their end on their own line ([`CsvRows::stray_close`]),
    /// in input order.
    stray_closes: Mutex<VecDeque<u64>>,
    /// Broken quoted fields ([`CsvRows::broken_quote`]): where the parser was given the line end
    /// of each cut row, and how the field broke.
    broken: Mutex<VecDeque<(u64, Broken)>>,
    /// The most bytes a row may have ([`record_cap`]), set before the first read.
    cap: AtomicU64,
    /// The most bytes a row is read through looking for its end ([`Stream::limit`]; `u64::MAX`
    /// for none).
    limit: AtomicU64,
    /// Rows over `cap` ([`CsvRows::oversized`]): where the parser was given the line end of
    /// each, its length in the input, and whether the input ended inside a quoted field of it.
    oversized: Mutex<VecDeque<(u64, u64, bool)>>,
    /// From where on (in what the parser was given) how many more bytes the input held: what
    /// the skipped rows and the line ends of cut rows took out, less the marks put in to close
    /// them. For messages, which count in the input.
    shifts: Mutex<Vec<(u64, i64)>>,
}

impl Marks {
    /// The first stray close in `range` of the input ([`first_within`]).
    fn stray_close_within(&self, range: Range<u64>) -> Option<u64> {
        first_within(&self.stray_closes, range, |&at| at)
    }

    /// How a quoted field of the row that ends in `range` broke ([`first_within`]).
    fn broken_within(&self, range: Range<u64>) -> Option<Broken> {
        first_within(&self.broken, range, |&(at, _)| at).map(|(_, broken)| broken)
    }

    /// The length of a row over the cap that ends in `range`, and whether it is never closed
    /// ([`first_within`]).
    fn oversized_within(&self, range: Range<u64>) -> Option<(u64, bool)> {
        first_within(&self.oversized, range, |&(at, _, _)| at).map(|(_, bytes, open)| (bytes, open))
    }

    /// A position in what the parser was given, as a position in the input.
    fn in_input(&self, given: u64) -> u64 {
        let shifts = self.shifts.lock().unwrap_or_else(PoisonError::into_inner);
        let before = shifts.partition_point(|&(from, _)| from <= given);
        let shift = before.checked_sub(1).map_or(0, |i| shifts[i].1);
        given.saturating_add_signed(shift)
    }

    /// Records that from what the parser is given next on, the input is `shift` bytes on.
    fn shift_from_here(&self, shift: i64) {
        let given = self.bytes.load(Ordering::Relaxed);
        (self.shifts.lock())
            .unwrap_or_else(PoisonError::into_inner)
            .push((given, shift));
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

/// The input, with bytes put back in front of it to be read again.
struct Replay {
    again: VecDeque<u8>,
    inner: Box<dyn Read + Send>,
}

impl Replay {
    /// Puts `bytes` in front of what is left to read.
    fn put_back(&mut self, bytes: &[u8]) {
        for &byte in bytes.iter().rev() {
            self.again.push_front(byte);
        }
    }
}

impl Read for Replay {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.again.is_empty() {
            true => self.inner.read(buf),
            false => self.again.read(buf),
        }
    }
}

/// A quoted field's bytes from the first line end inside it on, held back from the parser until
/// the field closes ([`RowGuard`]).
struct Hold {
    bytes: Vec<u8>,
    /// Where the field is after them.
    state: FieldState,
    /// Where the first of them lies in the input.
    starts_at: u64,
    /// `\n` among them, for the message.
    lines: u64,
}

/// The CSV parser's input, guarded. A row longer than the cap stays out of memory: the parser
/// gets the row's first `cap + 1` bytes, then a `"` if a quoted field is open and a line end,
/// so it reads a short row and stays in step; the rest of the row is read past, followed byte
/// by byte to find where the row ends. A quoted field that runs over a line end is held back
/// until it closes well (then given as it is), or turns out broken ([`Broken`]): then the
/// parser gets a `"` and a line end in place of that line end, and what was held after it is
/// read again as rows. What is held stays within the cap: a field longer than that is given,
/// and cut as any long row. The CSV reader alone took a never-closed quote to the end of the
/// input, every later row inside it, and a count of all `"` (to tell) was fooled by inch marks.
struct RowGuard {
    source: Replay,
    marks: Arc<Marks>,
    /// Where the parser is, after what it was given.
    state: FieldState,
    /// Bytes of the row being given to the parser.
    row_bytes: u64,
    /// Bytes of the empty lines given since the last row with a cell, which the parser reads
    /// past as no row: they count toward the limit of the row after them ([`Stream::limit`]).
    blank_run: u64,
    /// Bytes to give the parser before reading on.
    pending: VecDeque<u8>,
    hold: Option<Hold>,
    /// How many more bytes the input held than the parser was given, so far.
    shift: i64,
    chunk: Vec<u8>,
}

impl RowGuard {
    fn new(inner: Box<dyn Read + Send>, marks: Arc<Marks>) -> RowGuard {
        RowGuard {
            source: Replay {
                again: VecDeque::new(),
                inner,
            },
            marks,
            state: FieldState::default(),
            row_bytes: 0,
            blank_run: 0,
            pending: VecDeque::new(),
            hold: None,
            shift: 0,
            chunk: Vec::new(),
        }
    }

    /// Gives `bytes` to the parser (queued), following where it is: quotes, stray closes, row
    /// lengths.
    fn give(&mut self, bytes: &[u8]) {
        let start = self
            .marks
            .bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        for (i, &byte) in bytes.iter().enumerate() {
            let (state, stray) = self.state.next(byte);
            self.state = state;
            self.row_bytes += 1;
            if ends_row(byte, state) {
                match self.row_bytes {
                    1 => self.blank_run += 1,
                    _ => self.blank_run = 0,
                }
                self.row_bytes = 0;
            }
            if stray {
                // The quote is the byte before this one.
                (self.marks.stray_closes.lock())
                    .unwrap_or_else(PoisonError::into_inner)
                    .push_back(start + i as u64 - 1);
            }
        }
        self.pending.extend(bytes);
    }

    /// Takes in bytes read: given, or held while a quoted field runs over a line end.
    fn take_in(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            if self.hold.is_some() {
                bytes = self.hold_on(bytes);
                continue;
            }
            let mut state = self.state;
            let line_end_in_quotes = bytes.iter().position(|&b| {
                let found = state == FieldState::Quoted && matches!(b, b'\n' | b'\r');
                state = state.next(b).0;
                found
            });
            let end = line_end_in_quotes.unwrap_or(bytes.len());
            self.give(&bytes[..end]);
            bytes = &bytes[end..];
            if line_end_in_quotes.is_some() {
                self.hold = Some(Hold {
                    bytes: Vec::new(),
                    state: FieldState::Quoted,
                    starts_at: self.in_input_next(),
                    lines: 0,
                });
            }
        }
    }

    /// Where the next byte given to the parser lies in the input.
    fn in_input_next(&self) -> u64 {
        let given = self.marks.bytes.load(Ordering::Relaxed);
        given.saturating_add_signed(self.shift)
    }

    /// Holds `bytes` of a quoted field run over a line end until it closes or breaks; returns
    /// what follows.
    fn hold_on<'a>(&mut self, bytes: &'a [u8]) -> &'a [u8] {
        let hold = self.hold.as_mut().expect("holding");
        for (i, &byte) in bytes.iter().enumerate() {
            hold.bytes.push(byte);
            hold.lines += u64::from(byte == b'\n');
            let (state, stray) = hold.state.next(byte);
            let closed = hold.state == FieldState::QuoteInQuoted && !stray;
            hold.state = state;
            if stray {
                let at = hold.starts_at + hold.bytes.len() as u64 - 2;
                self.break_hold(Broken::ClosesEarly { at }, &bytes[i + 1..]);
                return &[];
            }
            if closed && state == FieldState::FieldStart {
                self.release_hold();
                return &bytes[i + 1..];
            }
        }
        &[]
    }

    /// Gives the parser what was held, as it is.
    fn release_hold(&mut self) {
        if let Some(hold) = self.hold.take() {
            self.give(&hold.bytes);
        }
    }

    /// Ends a hold whose field broke: the parser gets its row closed at the line end, and what
    /// was held after the line end, then `rest`, is read again.
    fn break_hold(&mut self, broken: Broken, rest: &[u8]) {
        let hold = self.hold.take().expect("holding");
        let line_end = match hold.bytes.starts_with(b"\r\n") {
            true => 2,
            false => 1.min(hold.bytes.len()),
        };
        self.source.put_back(rest);
        self.source.put_back(&hold.bytes[line_end..]);
        self.give(b"\"\n");
        let at = self.marks.bytes.load(Ordering::Relaxed) - 1;
        (self.marks.broken.lock())
            .unwrap_or_else(PoisonError::into_inner)
            .push_back((at, broken));
        self.shift += line_end as i64 - 2;
        self.marks.shift_from_here(self.shift);
    }

    /// At the end of the input: a field still held is never closed, unless its last byte was
    /// its closing quote.
    fn end_of_input(&mut self) {
        let Some(hold) = &self.hold else { return };
        if hold.state == FieldState::QuoteInQuoted {
            self.release_hold();
        } else {
            let lines = hold.lines;
            self.break_hold(Broken::NeverClosed { lines }, &[]);
        }
    }

    /// Reads past the rest of a row over the cap; gives the marks that close what the parser
    /// has of it, and puts whatever followed the row's end in the last read back. A row that
    /// goes on past the limit ([`Stream::limit`]) fails the read: the input ends there.
    fn cut_row(&mut self) -> io::Result<()> {
        let limit = self.marks.limit.load(Ordering::Relaxed);
        let closing: &[u8] = match self.state {
            FieldState::Quoted => b"\"\n",
            _ => b"\n",
        };
        let mut state = self.state;
        let mut skipped = 0u64;
        let mut chunk = vec![0u8; 64 * 1024];
        let rest = 'row: loop {
            let n = self.source.read(&mut chunk)?;
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
            if self.row_bytes + skipped > limit {
                let reason = unending_record("the row", self.row_bytes + skipped, &[]);
                // The reader's failure is said as one that cut the input short.
                let reason = reason.strip_prefix(CUT_SHORT).unwrap_or(&reason);
                return Err(io::Error::other(reason));
            }
        };
        let row = self.row_bytes + skipped;
        let never_closed = rest.is_empty() && state == FieldState::Quoted;
        self.give(closing);
        // Where the parser is given the row's line end.
        let at = self.marks.bytes.load(Ordering::Relaxed) - 1;
        (self.marks.oversized.lock())
            .unwrap_or_else(PoisonError::into_inner)
            .push_back((at, row, never_closed));
        self.shift += skipped as i64 - closing.len() as i64;
        self.marks.shift_from_here(self.shift);
        self.source.put_back(&chunk[rest]);
        Ok(())
    }

    /// Reads on from the input into `pending` (or a hold), at most one byte past the cap of
    /// the row, to tell a row over it from one that ends at it; `false` at its end.
    fn read_on(&mut self) -> io::Result<bool> {
        let cap = self.marks.cap.load(Ordering::Relaxed);
        let held = self.hold.as_ref().map_or(0, |h| h.bytes.len() as u64);
        if self.hold.is_some() && self.row_bytes + held > cap {
            // Over the cap either way: given, to be cut as any long row (a field that long is
            // far likelier whole than broken, and its lines read as rows would be many).
            self.release_hold();
            return Ok(true);
        }
        if self.hold.is_none() && self.row_bytes > cap {
            self.cut_row()?;
            return Ok(true);
        }
        // `yes '' >` a named pipe was read for ever: empty lines are no rows.
        let limit = self.marks.limit.load(Ordering::Relaxed);
        if self.blank_run.saturating_add(self.row_bytes) > limit {
            let what = "the run of empty lines after the last row";
            let reason = unending_record(what, self.blank_run + self.row_bytes, &[]);
            let reason = reason.strip_prefix(CUT_SHORT).unwrap_or(&reason);
            return Err(io::Error::other(reason));
        }
        // Saturating: `--max-bytes` may be as large as usize (the report reads inputs so).
        let room = cap.saturating_add(1) - self.row_bytes - held;
        let mut chunk = std::mem::take(&mut self.chunk);
        chunk.resize(room.min(64 * 1024) as usize, 0);
        let n = self.source.read(&mut chunk)?;
        if n == 0 {
            self.end_of_input();
        } else {
            self.take_in(&chunk[..n]);
        }
        self.chunk = chunk;
        Ok(n > 0)
    }
}

impl Read for RowGuard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.pending.is_empty() {
            if !self.read_on()? && self.pending.is_empty() {
                return Ok(0);
            }
        }
        self.pending.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the CSV parser is given from `input` under a row cap of `cap` bytes.
    fn given(input: &str, cap: u64) -> String {
        let stats = Arc::new(Marks::default());
        stats.cap.store(cap, Ordering::Relaxed);
        stats.limit.store(u64::MAX, Ordering::Relaxed);
        let inner: Box<dyn Read + Send> = Box::new(io::Cursor::new(input.as_bytes().to_vec()));
        let mut reader = RowGuard::new(inner, stats);
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

    /// A quoted field run over a line end reaches the parser whole when it closes well, and
    /// closed at that line end when it breaks, the lines after it given again as rows.
    #[test]
    fn a_broken_quoted_field_is_closed_at_its_line_end() {
        let well = "1,\"two\nlines\"\n2,b\n";
        assert_eq!(given(well, 100), well);
        assert_eq!(given("1,\"open\n2,b\n", 100), "1,\"open\"\n2,b\n");
        assert_eq!(
            given("1,\"open\r\n2,\"b\"c\n", 100),
            "1,\"open\"\n2,\"b\"c\n"
        );
        assert_eq!(given("1,a 6\" b\n2,\"c\nd\"", 100), "1,a 6\" b\n2,\"c\nd\"");
    }

    /// `yes '' >` a named pipe `news.csv` was read for ever: the parser reads past empty lines
    /// as no rows. They count toward the bound of the row after them, before the header too,
    /// so an endless run of them ends the input; a row between them starts the count again.
    #[test]
    fn endless_empty_lines_of_a_stream_end_the_input() {
        let blanks = || io::repeat(b'\n').take(500).chain(&b"\r\n"[..]);
        let endless = blanks()
            .chain(&b"id,text\n"[..])
            .chain(blanks())
            .chain(&b"a,Iran replied.\n"[..])
            .chain(blanks())
            .chain(io::repeat(b'\n'));
        one_row_then_cut_short(endless, "empty lines");
    }

    /// A named pipe whose writer repeats the header for ever (`while :; do echo id,text; done`)
    /// was read for ever: a header row again is no record, and each was read past. The header
    /// rows read past since the last record count toward the stream's bound, as empty lines do
    /// (session 56's review).
    #[test]
    fn endless_header_rows_of_a_stream_end_the_input() {
        let header = &b"id,text\n"[..];
        let endless = header
            .chain(&b"a,Iran replied.\n"[..])
            .chain(EndlessLines(header, 0));
        one_row_then_cut_short(endless, "header rows");
    }

    /// Reads an endless `.csv` stream under a bound of 1,000 bytes (kilobytes read, not a
    /// gigabyte): its one row, article `a`, then the error row that ends the input, saying
    /// `what` ran on.
    fn one_row_then_cut_short(endless: impl io::Read + Send + 'static, what: &str) {
        let reader: Box<dyn io::BufRead + Send> = Box::new(io::BufReader::new(endless));
        let mut stream = Stream::new("news.csv", "news", reader, false, false, DEFAULT_MAX_BYTES);
        stream.limit = Some(1_000);
        let rows =
            crate::input::records_at_once(crate::input::Source::Csv(Box::new(CsvRows::of(stream))));
        let rows: Vec<_> = rows.into_iter().map(|row| row.map(|a| a.id)).collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].as_ref().unwrap(), "a");
        let error = rows[1].as_ref().unwrap_err();
        assert!(error.is_cut_short(), "{}", error.reason);
        assert!(error.reason.contains(what), "{}", error.reason);
    }

    /// The same line, for ever (and where in it the next read starts).
    struct EndlessLines(&'static [u8], usize);

    impl io::Read for EndlessLines {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            for byte in buf.iter_mut() {
                *byte = self.0[self.1];
                self.1 = (self.1 + 1) % self.0.len();
            }
            Ok(buf.len())
        }
    }
}
