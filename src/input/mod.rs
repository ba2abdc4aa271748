//! Streaming article readers: JSON lines, CSV and plain-text files, any of them gzipped.
//!
//! [`read_inputs`] turns a list of input paths into one stream of articles, in input order. A bad
//! record never stops the stream: it becomes a [`RecordError`] naming the input, the record and the
//! reason, and reading goes on with the next record. Nothing reads a whole dump into memory: JSON
//! lines and CSV are read one record at a time, and a directory is read one file at a time.
//!
//! Supported inputs (the format comes from the name, after dropping a `.gz` suffix):
//!
//! - `.jsonl`, `.ndjson`: one JSON object per line (blank lines are skipped); a bad line, even a
//!   lone `{`, costs that line only. `-` reads JSON lines from stdin. A line over what a record
//!   may take ([`record_cap`]) is an error, read to its end in a file, but in stdin or a named
//!   pipe, which may never end one (`cat /dev/zero |`), to [`stream_record_limit`] at most: past it
//!   the input ends, read no further.
//! - `.json`: a JSON array of article objects (`[{…}, {…}]`), streamed one element at a time
//!   ([`json_array`]); a `.json` file that does not start with `[` is read as JSON lines,
//!   judged by its first byte after white space however far that is, a pipe's too
//!   (`(echo; cat a.json) > pipe.json` sends a line end first: still an array).
//!   Numbers in fields (`"id": 4.50`) are kept exactly as written.
//! - `.csv`: a header row naming the columns, then one article per row.
//! - `.txt`: one article, the whole file.
//! - a directory: every `.txt` and `.txt.gz` file under it, recursively, one article each, whose
//!   id is its path under the directory without the ending: of the folder input `news/`,
//!   `news/2024/01/story.txt` is the article `2024/01/story` (record `2024/01/story.txt`) and
//!   `news/2024/02/story.txt.gz` the article `2024/02/story`. Files
//!   are read in path order (names compared component by component, so `a/z.txt` comes before
//!   `b.txt`); hidden entries (names starting with `.`) are skipped, symbolic links to files are
//!   read, and symbolic links to directories are not followed (they could loop). Every other
//!   entry named `.txt`/`.txt.gz` is an error row, never dropped: a broken link, a FIFO (not
//!   opened, so the run cannot hang on it), a socket or device, a link that leads back to itself.
//!   Other files are ignored. A run walks each folder once, and reads, stamps and counts it by
//!   that one listing ([`Listings`]).
//!
//! One reader per format, each in its file: [`json_lines`], [`json_array`], [`csv_rows`],
//! [`text_files`].
//!
//! A device named as an input (`news.jsonl -> /dev/zero`) is not read, whatever its name: an input
//! that could not be read ([`RecordError::is_whole_input`]).
//!
//! An input that opens as no UTF-8 text — UTF-16, compressed data such as a gzip stream in a
//! file not named `.gz` or in stdin, or an Excel workbook named `.csv`, `.xlsx` or old `.xls`
//! ([`no_text_reason`]) — is not read either, saying what it is.
//!
//! A record of stdin or a named pipe (`mkfifo news.json`), which has no size and may never end
//! one, is read no further than [`stream_record_limit`], whatever the format: past it the input
//! ends with an error row (exit 3). A file's records are read to their end, however long.
//!
//! Any of these files may be gzipped (`x.jsonl.gz`, `x.csv.gz`, `x.txt.gz`); concatenated gzip
//! members are read as one stream. Each file is opened once: a `.gz` that is no gzip data (plain
//! text, junk after `1f 8b`) is found by its first bytes, which the reader then reads on from.

use std::collections::VecDeque;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

mod csv_rows;
mod json_array;
mod json_lines;
mod text_files;

use csv_rows::CsvRows;
use json_array::JsonArray;
use json_lines::{parse_json_object, JsonLines, NotAnArticle};
pub use text_files::{FolderListing, Listings};
use text_files::{TextFile, TextFiles};

/// The default for [`ReadOptions::max_bytes`].
pub const DEFAULT_MAX_BYTES: usize = 2_000_000;

/// The record name of an error about a whole input that could not be opened.
pub const WHOLE_INPUT: &str = "-";

/// The files a folder input reads as articles, by name.
pub const TEXT_FILES_IN_A_FOLDER: &str = ".txt or .txt.gz";

/// The record name of an error in a CSV input's header, which costs the whole input.
pub const CSV_HEADER: &str = "header";

/// What a `-` input reads, and how errors name it.
const STDIN_NAME: &str = "<stdin>";

/// Default ids of records read from stdin are `stdin:{line}`.
const STDIN_STEM: &str = "stdin";

/// Listed in the error for an input of unknown format.
const SUPPORTED_FORMATS: &str = ".jsonl, .ndjson or .json (JSON lines), .csv (with a header row), \
     .txt (one article), a directory of .txt files, any file also as .gz, or - for JSON lines on stdin";

/// Read buffer for JSON lines; lines longer than this still work, the buffer grows.
const LINE_BUFFER_BYTES: usize = 64 * 1024;

/// One article as read from an input, before any cleaning.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Article {
    /// The record's id, or one made up from the input when the record has none: `{file stem}:{line}`
    /// for JSON lines, `{file stem}:{element}` for a `.json` array, `{file stem}:{row}` for CSV,
    /// the file stem for a `.txt` input, and for a folder's text file its path under the folder
    /// without `.txt`/`.txt.gz` (`2024/01/story`).
    ///
    /// Ids need not be unique in a run: records may repeat an id, and made-up ids come from
    /// file names, not the paths given, so `a/news.jsonl` and `b/news.jsonl` both make up
    /// `news:1` (a path as given would make ids, and the `--shard` that hashes them, depend on
    /// where each machine mounts the dump, and `stream --id-stem` could not spell extract's).
    /// What tells articles apart is [`Article::origin`]: its input and record are unique in a
    /// run, and `articles.csv` writes them beside the id.
    ///
    /// Never holds a control character that breaks CSV tools (a record whose id does is an
    /// error: an id is kept as written).
    pub id: String,
    /// The headline exactly as in the input, empty when the record has none: it is analysed
    /// from the same characters as a text holding it would be (`Biden\u0085 meets Xi`: the
    /// control separates words, as in a text, and the headline is the text's first line when
    /// the text opens with it). Its control characters that break CSV tools become U+FFFD only
    /// where it is written out (`articles.csv`, `stream`, the report), as the URL's, date's and
    /// source's are here ([`crate::invisible::with_controls_replaced`]).
    pub title: String,
    /// The article text exactly as in the input (for text files, the whole file), so that byte
    /// offsets into it point into the input as is. Empty, or only white space and invisible
    /// characters ([`shows_nothing`]), only when the title is not: a record of only a headline
    /// is its headline's article (`chars` 0).
    pub text: String,
    /// Where the article was published online, if the record says.
    pub url: Option<String>,
    /// When the article was published, as written in the record (numbers are kept as written).
    pub published: Option<String>,
    /// Who published the article, if the record says.
    pub source: Option<String>,
    /// Which input and record it was read from, named as in [`RecordError`]: a failure in a
    /// later stage names the file and record too, not only the id.
    pub origin: Origin,
}

/// Where a record was read: the input as given and the record within it (`line 3`, `row 2`,
/// `element 4`, a file name).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub input: String,
    pub record: String,
}

impl Origin {
    /// A failure of this record, for errors.csv.
    pub fn error(&self, reason: String) -> RecordError {
        RecordError::new(&self.input, self.record.clone(), reason)
    }
}

/// The JSON keys or CSV column names that hold each article field. Names are matched exactly
/// (case matters; CSV header cells are trimmed of surrounding white space first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames {
    /// Key of [`Article::id`]; a string or a number. Missing, null or blank: an id is made up.
    pub id: String,
    /// Key of [`Article::title`]. Optional (missing or null: no title); a string, as the text
    /// is, for it is analysed: another JSON type is the record's error.
    pub title: String,
    /// Key of [`Article::text`]. Required, and must be a string.
    pub text: String,
    /// Key of [`Article::url`]. Optional.
    pub url: String,
    /// Key of [`Article::published`]. Optional.
    pub published: String,
    /// Key of [`Article::source`]. Optional; an object with a `name` string (NewsAPI's
    /// `{"id": null, "name": "Reuters"}`) is that name.
    pub source: String,
}

impl FieldNames {
    /// Every field's key, in the order above.
    pub fn all(&self) -> [&str; 6] {
        [
            &self.id,
            &self.title,
            &self.text,
            &self.url,
            &self.published,
            &self.source,
        ]
    }
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            id: "id".into(),
            title: "title".into(),
            text: "text".into(),
            url: "url".into(),
            published: "published".into(),
            source: "source".into(),
        }
    }
}

/// A record that could not be read as an article, or an input that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{input}: {record}: {reason}")]
pub struct RecordError {
    /// The input path as given (`<stdin>` for `-`).
    pub input: String,
    /// Which record: `line N` (JSON lines, counting every line from 1, blank ones included),
    /// `element N` (a `.json` array, counting from 1),
    /// `row N` (CSV, counting data rows from 1, the header not included), `header` (CSV), the
    /// file name (a text file; its path under the directory for a directory input), or `-` when
    /// the whole input could not be opened.
    pub record: String,
    /// What is wrong, in words meant for the person who supplied the input.
    pub reason: String,
}

impl RecordError {
    pub fn new(input: &str, record: String, reason: String) -> RecordError {
        RecordError {
            input: input.to_string(),
            record,
            reason,
        }
    }

    /// Whether no record of the input could be read at all: it could not be opened, is not
    /// the format its name says (a `.gz` that is no gzip data), or its CSV header names no
    /// text column. `extract` exits 3 for such an input; a batch job took the exit 0 of a run
    /// that had read nothing of it for success.
    pub fn is_whole_input(&self) -> bool {
        self.record == WHOLE_INPUT || self.record == CSV_HEADER
    }

    /// Whether the input could not be read to its end: a read failed part way through it (a
    /// `.gz` cut short by an interrupted download), and what followed is lost. Its error row
    /// stands after the records read before the cut, and `extract` exits 3, as for an input not
    /// read at all: it exited 0, and a batch job could not tell a dump cut in half from one bad
    /// record.
    pub fn is_cut_short(&self) -> bool {
        self.reason.starts_with(CUT_SHORT)
    }

    /// Whether the input was not read whole ([`Self::is_whole_input`] or
    /// [`Self::is_cut_short`]): `extract` exits 3 and names it on stderr.
    pub fn is_input_not_read_whole(&self) -> bool {
        self.is_whole_input() || self.is_cut_short()
    }
}

/// How the reason of a read that failed part way through an input starts ([`read_failure`]).
const CUT_SHORT: &str = "cannot read further: ";

/// How to read inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// Which keys or columns hold which article field.
    pub fields: FieldNames,
    /// Records whose text or title is longer than this many bytes become
    /// errors rather than articles: one runaway record (a whole site scraped into one field)
    /// would otherwise dominate the run's time and memory.
    pub max_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            fields: FieldNames::default(),
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

/// Reads every input in turn and yields one item per input record, in input order, streaming
/// (never buffers a whole dump).
///
/// Each record becomes either an [`Article`] or a [`RecordError`]; an input that cannot be opened
/// (missing file, unreadable directory, unknown format) yields one `RecordError` with record `-`
/// and reading goes on with the next input. A read failure in the middle of an input (such as a
/// truncated gzip stream) yields one error after the records read so far and ends that input.
///
/// The iterator owns copies of `inputs` and `opts` and is [`Send`], so it can feed a pipeline
/// from another thread.
pub fn read_inputs(
    inputs: &[PathBuf],
    opts: &ReadOptions,
) -> impl Iterator<Item = Result<Article, RecordError>> + Send {
    read_inputs_placing_stdin(inputs, opts, &StdinPlace::default(), &Listings::default())
}

/// [`read_inputs`], with stdin's lines counted as the lines of a larger dump that `stdin` says,
/// and each folder input read as `listings` found it, where they list it (a run walks each
/// folder once: [`Listings`]); a folder they do not list is walked when the reader reaches it.
pub fn read_inputs_placing_stdin(
    inputs: &[PathBuf],
    opts: &ReadOptions,
    stdin: &StdinPlace,
    listings: &Listings,
) -> impl Iterator<Item = Result<Article, RecordError>> + Send {
    Articles {
        pending: inputs.iter().cloned().collect(),
        opts: opts.clone(),
        stdin: stdin.clone(),
        listings: listings.clone(),
        current: None,
    }
}

/// Where stdin's lines lie in a larger dump: `whosaid stream` fed one Spark partition of a dump
/// reads that dump's lines `lines_before + 1` on. Ids made up for records without one are
/// `{stem}:{line in the dump}` and errors name that line, as `extract` over the whole dump names
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StdinPlace {
    pub stem: String,
    pub lines_before: usize,
    /// Bytes of the dump before stdin's first byte (error rows name a byte of the dump).
    pub bytes_before: u64,
}

impl Default for StdinPlace {
    fn default() -> Self {
        StdinPlace {
            stem: STDIN_STEM.into(),
            lines_before: 0,
            bytes_before: 0,
        }
    }
}

/// The iterator behind [`read_inputs`].
struct Articles {
    pending: VecDeque<PathBuf>,
    opts: ReadOptions,
    stdin: StdinPlace,
    listings: Listings,
    current: Option<Source>,
}

impl Iterator for Articles {
    type Item = Result<Article, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(source) = &mut self.current {
                if let Some(item) = source.next_record(&self.opts) {
                    return Some(item);
                }
                self.current = None;
            }
            let path = self.pending.pop_front()?;
            match open_source(&path, &self.stdin, &self.listings, self.opts.max_bytes) {
                Ok(source) => self.current = Some(source),
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

/// One open input.
enum Source {
    JsonLines(JsonLines),
    JsonArray(JsonArray),
    Csv(Box<CsvRows>),
    TextFiles(TextFiles),
}

impl Source {
    fn next_record(&mut self, opts: &ReadOptions) -> Option<Result<Article, RecordError>> {
        match self {
            Source::JsonLines(lines) => lines.next_record(opts),
            Source::JsonArray(array) => array.next_record(opts),
            Source::Csv(rows) => rows.next_record(opts),
            Source::TextFiles(files) => files.next_record(opts),
        }
    }
}

/// Every record of one source, read to its end within [`crate::paths::special::at_once`]'s time
/// limit: the tests of endless streams, which must end.
#[cfg(test)]
fn records_at_once(mut source: Source) -> Vec<Result<Article, RecordError>> {
    crate::paths::special::at_once(move || {
        let opts = ReadOptions::default();
        std::iter::from_fn(|| source.next_record(&opts)).collect()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLines,
    /// `.json`: a JSON array of objects, or JSON lines.
    Json,
    Csv,
    Text,
}

impl Format {
    /// The format a (lowercase) file extension names.
    fn from_extension(extension: &str) -> Option<Format> {
        match extension {
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }
}

/// What a file name says: `News.JSONL.gz` has stem `News`, extension `jsonl`, and is gzipped.
struct NameParts {
    stem: String,
    /// Lowercase, without the dot; empty when the name has none.
    extension: String,
    gzipped: bool,
}

impl NameParts {
    fn of(path: &Path) -> NameParts {
        let name = path
            .file_name()
            .map(crate::paths::text_of)
            .unwrap_or_default();
        let (base, gzipped) = match name.rsplit_once('.') {
            Some((base, ext)) if ext.eq_ignore_ascii_case("gz") => (base, true),
            _ => (name.as_str(), false),
        };
        // A leading dot starts a hidden name, not an extension.
        let (stem, extension) = match base.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => (stem, ext.to_ascii_lowercase()),
            _ => (base, String::new()),
        };
        NameParts {
            stem: stem.to_string(),
            extension,
            gzipped,
        }
    }
}

/// Opens one input, deciding its format from its name: stdin ([`open_stdin`]), a folder
/// ([`open_folder`]), or a file or named pipe ([`open_file`]).
fn open_source(
    path: &Path,
    stdin: &StdinPlace,
    listings: &Listings,
    max_bytes: usize,
) -> Result<Source, RecordError> {
    if path == Path::new("-") {
        return open_stdin(stdin, max_bytes);
    }
    let input = crate::paths::text_of(path.as_os_str());
    let metadata =
        fs::metadata(path).map_err(|e| whole_input_error(&input, format!("cannot open: {e}")))?;
    if metadata.is_dir() {
        return open_folder(path, input, listings);
    }
    refuse_device(&metadata, &input)?;
    open_file(path, input, &metadata, max_bytes)
}

/// The error of an input of which nothing could be read ([`WHOLE_INPUT`]).
fn whole_input_error(input: &str, reason: String) -> RecordError {
    RecordError::new(input, WHOLE_INPUT.into(), reason)
}

/// Stdin, read as JSON lines.
fn open_stdin(stdin: &StdinPlace, max_bytes: usize) -> Result<Source, RecordError> {
    let mut reader = Box::new(BufReader::with_capacity(LINE_BUFFER_BYTES, io::stdin()));
    // PowerShell 5's `Get-Content … |` and `<` write UTF-16 as a file's `>` does, and
    // `cat news.jsonl.gz |` sends gzip data.
    if stdin.bytes_before == 0 {
        refuse_no_text(&mut *reader, STDIN_NAME, false)?;
    }
    let stream = Stream::new(STDIN_NAME, &stdin.stem, reader, false, false, max_bytes);
    Ok(Source::JsonLines(
        JsonLines::of(stream).after(stdin.lines_before, stdin.bytes_before),
    ))
}

/// A folder input: its text files, as `listings` list it.
fn open_folder(path: &Path, input: String, listings: &Listings) -> Result<Source, RecordError> {
    let listing = listings.folder_or_walk(path);
    let listing = match &*listing {
        Ok(listing) => listing,
        Err(e) => {
            return Err(whole_input_error(
                &input,
                format!("cannot list directory: {e}"),
            ))
        }
    };
    // A folder of `.txt.bz2` files, or an empty one, was read as nothing with exit 0.
    if listing.files.is_empty() {
        return Err(whole_input_error(
            &input,
            format!("no {TEXT_FILES_IN_A_FOLDER} file in this folder: nothing to read"),
        ));
    }
    let files = listing.files.iter().cloned().collect();
    Ok(Source::TextFiles(TextFiles::of(input, files, None)))
}

/// A device gives bytes for ever (`news.jsonl -> /dev/zero`), or a disk's: no input dump is
/// one, and reading it never ended. A folder's text files are checked so too, one by one.
fn refuse_device(metadata: &fs::Metadata, input: &str) -> Result<(), RecordError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_char_device() || kind.is_block_device() {
            return Err(whole_input_error(
                input,
                "a device (such as /dev/zero), not a file: not read".into(),
            ));
        }
    }
    let _ = (metadata, input);
    Ok(())
}

/// A file or named pipe, read by the reader of the format its name says.
fn open_file(
    path: &Path,
    input: String,
    metadata: &fs::Metadata,
    max_bytes: usize,
) -> Result<Source, RecordError> {
    let name = NameParts::of(path);
    let Some(format) = Format::from_extension(&name.extension) else {
        let found = match name.extension.is_empty() {
            true => "no extension".to_string(),
            false => format!("extension .{}", name.extension),
        };
        return Err(whole_input_error(
            &input,
            format!("unsupported input format ({found}); supported: {SUPPORTED_FORMATS}"),
        ));
    };
    let open =
        || open_reader(path, name.gzipped).map_err(|e| whole_input_error(&input, e.reason()));
    // A named pipe, as stdin, has no size: a record of it may never end.
    let sized = metadata.is_file();
    if format == Format::Text {
        let record = path.file_name().map_or(path, Path::new);
        let files = VecDeque::from([Ok(TextFile::new(path.to_path_buf(), record))]);
        // A `.txt.gz` input that is no gzip data was one record's error row, and the run exited
        // 0 where `.jsonl.gz` exits 3; it is opened here to know, and read from that opening.
        // A `.txt` named pipe is read as a `.jsonl` one is, its text bounded as a stream's
        // records are: it was an error row, "a FIFO (named pipe), not a text file: not read"
        // (that is for a folder's FIFO, which no one named).
        if !name.gzipped && sized {
            return Ok(Source::TextFiles(TextFiles::of(input, files, None)));
        }
        let stream = Stream::new(&input, &name.stem, open()?, name.gzipped, sized, max_bytes);
        return Ok(Source::TextFiles(TextFiles::of(input, files, Some(stream))));
    }
    let mut reader = open()?;
    refuse_no_text(&mut *reader, &input, name.gzipped)?;
    let stream = Stream::new(&input, &name.stem, reader, name.gzipped, sized, max_bytes);
    match format {
        Format::JsonLines => Ok(Source::JsonLines(JsonLines::of(stream))),
        Format::Json => open_json(stream),
        Format::Csv => Ok(Source::Csv(Box::new(CsvRows::of(stream)))),
        Format::Text => unreachable!("text files are opened one at a time by TextFiles"),
    }
}

/// An opened input whose records a reader reads one at a time from its bytes.
pub(super) struct Stream {
    /// The input as given, for error rows.
    pub(super) input: String,
    /// Its file stem, for made-up ids.
    pub(super) stem: String,
    pub(super) reader: Box<dyn BufRead + Send>,
    /// Whether `reader` decompresses the input's gzip data.
    pub(super) gzipped: bool,
    /// How many bytes one record (or the white space before it) is read through, looking for
    /// its end: none for an input with a size (a file), whose records all end; for stdin or a
    /// named pipe, which may never end one (`cat /dev/zero >`), [`stream_record_limit`]. Past
    /// it the input ends with an error row ([`unending_record`]), read no further.
    pub(super) limit: Option<u64>,
}

impl Stream {
    /// An opened input, `sized` when it is a file: the one place that decides how far each
    /// reader reads a record of it ([`Stream::limit`]).
    pub(super) fn new(
        input: &str,
        stem: &str,
        reader: Box<dyn BufRead + Send>,
        gzipped: bool,
        sized: bool,
        max_bytes: usize,
    ) -> Stream {
        Stream {
            input: input.into(),
            stem: stem.into(),
            reader,
            gzipped,
            limit: (!sized).then(|| stream_record_limit(max_bytes)),
        }
    }
}

/// A `.json` input: an array when it opens with `[`, else JSON lines.
fn open_json(mut stream: Stream) -> Result<Source, RecordError> {
    let opening = read_past_opening_space(&mut stream.reader, stream.limit);
    if opening.unending {
        let reason = unending_record("the white space the input opens with", opening.bytes, &[]);
        return Err(RecordError::new(&stream.input, "line 1".into(), reason));
    }
    Ok(match opening.array {
        true => Source::JsonArray(JsonArray::of(stream)),
        false => Source::JsonLines(JsonLines::of(stream).after(opening.lines, opening.bytes)),
    })
}

/// The whole input's error when what `reader` opens with is no UTF-8 text ([`no_text_reason`]);
/// a file's and stdin's alike. `gzipped`: the reader decompresses the input's gzip data.
fn refuse_no_text(reader: &mut dyn BufRead, input: &str, gzipped: bool) -> Result<(), RecordError> {
    let start = reader.fill_buf().ok();
    match start.and_then(|start| no_text_reason(start, gzipped)) {
        Some(reason) => Err(RecordError {
            input: input.into(),
            record: WHOLE_INPUT.into(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Why an input that opens as `start` does is no text whosaid reads, if it is none: UTF-16
/// ([`utf16_reason`]) or compressed data ([`compressed_reason`]). `gzipped`: `start` is what
/// the input's gzip data holds.
pub(crate) fn no_text_reason(start: &[u8], gzipped: bool) -> Option<String> {
    utf16_reason(start).or_else(|| compressed_reason(start, gzipped))
}

/// The binary formats an input may be by mistake, none of which opens UTF-8 text, a JSON value
/// or a CSV header: each line of `cat news.jsonl.gz | whosaid extract -`, of a `.jsonl` saved
/// from a gzip download without its `.gz`, or of a `.jsonl.gz` compressed twice, was an error
/// row ("invalid UTF-8 at byte 1"), and the run exited 0; an Excel workbook named `.csv` had
/// "no `text` column (columns: PK\x03\x04…)".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BinaryFormat {
    Gzip,
    Zstd,
    Xz,
    Bzip2,
    /// A zip archive, as an Excel workbook (`.xlsx`) is.
    Zip,
    /// An OLE2 compound file, as an old Excel workbook (`.xls`) or Word document is.
    Ole2,
}

impl BinaryFormat {
    const ALL: [BinaryFormat; 6] = [
        BinaryFormat::Gzip,
        BinaryFormat::Zstd,
        BinaryFormat::Xz,
        BinaryFormat::Bzip2,
        BinaryFormat::Zip,
        BinaryFormat::Ole2,
    ];

    /// Whether an input that opens as `start` does is of this format, by the bytes it opens
    /// with; bzip2's by its first block's mark too, as `BZh` alone could open a text.
    fn opens(self, start: &[u8]) -> bool {
        let magic: &[u8] = match self {
            BinaryFormat::Gzip => b"\x1f\x8b",
            BinaryFormat::Zstd => b"\x28\xb5\x2f\xfd",
            BinaryFormat::Xz => b"\xfd7zXZ\x00",
            BinaryFormat::Bzip2 => b"BZh",
            BinaryFormat::Zip => b"PK\x03\x04",
            BinaryFormat::Ole2 => b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        };
        let bzip2_block = || {
            start.len() >= 10
                && start[3].is_ascii_digit()
                && &start[4..10] == b"\x31\x41\x59\x26\x53\x59"
        };
        start.starts_with(magic) && (self != BinaryFormat::Bzip2 || bzip2_block())
    }

    /// Why an input of this format is not read. `gzipped`: it was found inside gzip data.
    fn reason(self, gzipped: bool) -> String {
        let other = |name: &str| {
            format!(
                "{name} data, which whosaid does not read: decompress it first, or recompress \
                 it with gzip (`.gz`)"
            )
        };
        match (self, gzipped) {
            (BinaryFormat::Gzip, true) => "gzip data inside the gzip data: the file was \
                compressed twice; decompress it once (`zcat x.jsonl.gz > once.jsonl.gz`)"
                .to_string(),
            (BinaryFormat::Gzip, false) => "gzip data, but the name does not end in .gz (stdin \
                is read as uncompressed JSON lines): name the file so (`news.jsonl.gz`), or \
                decompress it (`zcat`)"
                .to_string(),
            (BinaryFormat::Zip, _) => "a zip archive (an Excel workbook is one), not text: \
                export or extract the text file from it"
                .to_string(),
            (BinaryFormat::Ole2, _) => "an old-format Excel workbook (.xls) or other Office \
                file (an OLE2 compound file), not text: export it as CSV (UTF-8) first"
                .to_string(),
            (BinaryFormat::Zstd, _) => other("zstd"),
            (BinaryFormat::Xz, _) => other("xz"),
            (BinaryFormat::Bzip2, _) => other("bzip2"),
        }
    }
}

/// Why an input that opens as `start` does is not read, when it is compressed data or another
/// binary format ([`BinaryFormat`]).
fn compressed_reason(start: &[u8], gzipped: bool) -> Option<String> {
    let format = BinaryFormat::ALL.into_iter().find(|f| f.opens(start))?;
    Some(format.reason(gzipped))
}

/// Why a file that opens with a UTF-16 byte-order mark (`FF FE`, `FE FF`: no UTF-8 text opens
/// so) is not read, as Windows PowerShell 5 writes a file redirected with `>`: every line was an
/// error row of its own, "invalid UTF-8 at byte 0" and then "malformed JSON at column 1", and a
/// CSV's header was "no `text` column (columns: ��i\0d\0, …)", none saying what was wrong.
pub(crate) fn utf16_reason(start: &[u8]) -> Option<String> {
    (start.starts_with(b"\xFF\xFE") || start.starts_with(b"\xFE\xFF")).then(|| {
        "UTF-16 text (it opens with a UTF-16 byte-order mark): whosaid reads UTF-8; convert it \
         first (`iconv -f UTF-16 -t UTF-8`)"
            .to_string()
    })
}

/// How a `.json` input opens: whether with an array, and the lines and bytes of white space
/// (and byte-order mark) read past to know, that the JSON-lines reader counts on from.
#[derive(Default)]
struct Opening {
    array: bool,
    /// The white space went on past [`stream_record_limit`] in an input without a size: it
    /// was read no further.
    unending: bool,
    lines: usize,
    bytes: u64,
}

/// Reads past the white space (and byte-order mark) a `.json` input opens with, as far as it
/// goes, to its first other byte: `[` starts an array. The reader that read past it reads on:
/// a file, a gzip stream or a pipe is opened once. Judged by the first read alone, a valid
/// array whose writer sent a line end first (`(echo; cat a.json) > pipe.json`) was read as JSON
/// lines, all errors, and so was an array after 70,000 spaces.
fn read_past_opening_space(reader: &mut impl BufRead, limit: Option<u64>) -> Opening {
    let mut opening = Opening::default();
    loop {
        if limit.is_some_and(|limit| opening.bytes > limit) {
            opening.unending = true;
            return opening;
        }
        let Ok(buf) = reader.fill_buf() else {
            return opening; // The reader proper reports the failure.
        };
        let bom = match opening.bytes == 0 && buf.starts_with(b"\xEF\xBB\xBF") {
            true => 3,
            false => 0,
        };
        let space = buf[bom..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        let first = buf.get(bom + space).copied();
        opening.lines += memchr::memchr_iter(b'\n', &buf[bom..bom + space]).count();
        opening.bytes += (bom + space) as u64;
        reader.consume(bom + space);
        // Found the first other byte, or the input ended.
        if first.is_some() || bom + space == 0 {
            opening.array = first == Some(b'[');
            return opening;
        }
    }
}

/// Why an input file gives no bytes to read.
enum Unopened {
    /// It cannot be opened, or its first bytes cannot be read.
    Open(io::Error),
    /// Its name ends in `.gz`, and it does not start as gzip data does: bytes other than 1f 8b,
    /// or a gzip header or first block that the decoder cannot read (`1f 8b` and junk).
    NotGzip(String),
}

impl Unopened {
    /// What an error row says of it.
    fn reason(self) -> String {
        match self {
            Unopened::Open(e) => format!("cannot open: {e}"),
            Unopened::NotGzip(reason) => reason,
        }
    }
}

/// A file's bytes, decompressed when it is gzipped, from one opening of the file: a `.gz` is
/// refused when it does not start as gzip data does, judged by the first bytes that the reader
/// then reads on from. It was checked on an opening of its own and read from another, three
/// openings in all: a file replaced between them was judged as one file and read as another.
/// Either failure at the start had been met at the first record, as if a good stream had been
/// cut short: one record's error row, and exit 0, for an input of which nothing could be read.
/// An empty `.gz` is an empty input, whatever its format: through the decoder, an empty
/// `.txt.gz` read as a gzip stream cut short ("unexpected end of file") where an empty `.txt` is
/// an empty text.
fn open_reader(path: &Path, gzipped: bool) -> Result<Box<dyn BufRead + Send>, Unopened> {
    let file = File::open(path).map_err(Unopened::Open)?;
    if !gzipped {
        return Ok(Box::new(BufReader::with_capacity(LINE_BUFFER_BYTES, file)));
    }
    let mut compressed = BufReader::new(file);
    let start = compressed.fill_buf().map_err(Unopened::Open)?;
    if start.is_empty() {
        return Ok(Box::new(io::empty()));
    }
    if !b"\x1f\x8b".starts_with(&start[..start.len().min(2)]) {
        return Err(Unopened::NotGzip(
            "not gzip data: the name ends in .gz, but the file does not begin as a gzip stream \
             does"
                .into(),
        ));
    }
    let mut decoded = BufReader::with_capacity(LINE_BUFFER_BYTES, GzipMembers::new(compressed));
    // Nothing (an empty stream) or some bytes: either way the stream opened.
    if let Err(e) = decoded.fill_buf() {
        return Err(Unopened::NotGzip(format!(
            "cannot read from the start: {e} (is the gzip stream truncated or corrupt?)"
        )));
    }
    Ok(Box::new(decoded))
}

/// A gzip file's members, one after another, as `gzip -d` reads them (`gzip -c b >> all.gz`
/// appends a member), and zero bytes after a member read as padding, not data:
///
/// ```text
/// member member               the two members' bytes
/// member 00 00 … 00           the member's bytes: a file padded to a block size (a tape, some
///                             copy tools) lost nothing, and gave an error row "cannot read
///                             further: invalid gzip header" as if it had been cut short
/// member junk                 the member's bytes, then that error: junk is no member
/// ```
struct GzipMembers<R: BufRead> {
    /// The member being read; none once the file has ended.
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    fn new(compressed: R) -> GzipMembers<R> {
        GzipMembers {
            member: Some(flate2::bufread::GzDecoder::new(compressed)),
        }
    }
}

impl<R: BufRead> io::Read for GzipMembers<R> {
    fn read(&mut self, into: &mut [u8]) -> io::Result<usize> {
        while !into.is_empty() {
            let Some(member) = &mut self.member else {
                return Ok(0);
            };
            let n = io::Read::read(member, into)?;
            if n > 0 {
                return Ok(n);
            }
            // The member ended, its trailer read: the bytes after it are the next one's.
            let Some(mut rest) = self
                .member
                .take()
                .map(flate2::bufread::GzDecoder::into_inner)
            else {
                return Ok(0);
            };
            if !ends_after_zero_bytes(&mut rest)? {
                self.member = Some(flate2::bufread::GzDecoder::new(rest));
            }
        }
        Ok(0)
    }
}

/// Reads past the zero bytes at the start of `rest`, and says whether it ends there.
fn ends_after_zero_bytes(rest: &mut impl BufRead) -> io::Result<bool> {
    loop {
        let bytes = rest.fill_buf()?;
        if bytes.is_empty() {
            return Ok(true);
        }
        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
        if zeros == 0 {
            return Ok(false);
        }
        rest.consume(zeros);
    }
}

/// The reason for a read that failed part way through an input.
fn read_failure(error: &impl fmt::Display, gzipped: bool) -> String {
    if gzipped {
        format!("{CUT_SHORT}{error} (is the gzip stream truncated or corrupt?)")
    } else {
        format!("{CUT_SHORT}{error}")
    }
}

/// The most bytes one JSON line, `.json` element or CSV row is read into memory with: eight
/// times `--max-bytes` (room for JSON escapes and the other fields), at least 64 MiB. A longer
/// record is an error, counted to its end without being held: an 800 MB line in a 778 KB
/// `.jsonl.gz` took 1.8 GB to find its text over the limit.
pub(crate) fn record_cap(max_bytes: usize) -> usize {
    max_bytes.saturating_mul(8).max(64 << 20)
}

/// The most bytes one record of an input without a size (stdin, a named pipe) is read
/// through, looking for its end — a JSON line, a `.json` element or the white space before it,
/// a CSV row: sixteen times [`record_cap`], 1 GiB by default. A longer record ends the input
/// (`cat /dev/zero | whosaid extract -` read for ever, as a line never ends there; so did a
/// `news.json` pipe that opens `[{"text": "` and then sends /dev/zero, or a `news.csv` pipe with
/// a quoted field never closed). A file's records are read to their end however long, as its
/// size bounds them: a log emptied by `copytruncate` while its writer wrote on starts with a
/// gap of NUL bytes as long as the log was, and the lines after it are good.
pub(crate) fn stream_record_limit(max_bytes: usize) -> u64 {
    (record_cap(max_bytes) as u64).saturating_mul(16)
}

/// Why a record of stdin or a named pipe that went on past `read` bytes
/// ([`stream_record_limit`]) ends the input; `what` names it (`the line`), and `kept` is what
/// of it was kept, its first bytes.
pub(super) fn unending_record(what: &str, read: u64, kept: &[u8]) -> String {
    let zeros = match !kept.is_empty() && kept.iter().all(|&b| b == 0) {
        true => ": its bytes are NUL (zero) bytes, as /dev/zero or a disk image gives, not text",
        false => "",
    };
    format!(
        "{CUT_SHORT}{what} runs past {read} bytes with no end{zeros}; no record is so long, and \
         the rest of the input was not read (the records of a file, not a pipe, are read to \
         their end however long)"
    )
}

fn record_too_big(what: &str, bytes: u64, max_bytes: usize) -> String {
    format!(
        "{what} is {bytes} bytes, over the {} bytes one record may take (8 × --max-bytes, at \
         least 64 MiB); not read; raise --max-bytes to keep it",
        record_cap(max_bytes)
    )
}

fn too_big(text_bytes: usize, max_bytes: usize) -> String {
    format!(
        "text is {text_bytes} bytes, over the limit of {max_bytes}; raise --max-bytes to keep it"
    )
}

/// [`too_big`] for a record whose title counts too: both are analysed, so `--max-bytes` is the
/// bound of the two together (a 2 MB title beside an empty text was analysed whole, past the
/// limit).
fn title_too_big(title_bytes: usize, max_bytes: usize) -> String {
    format!(
        "title is {title_bytes} bytes, over the limit of {max_bytes}; raise --max-bytes to keep it"
    )
}

/// The reason of a record with neither a text nor a title to analyse.
pub const EMPTY_RECORD: &str = "empty text and no title";

/// A text that shows nothing is an empty text: `"\u{200b}\u{0}"` was an `ok` article with
/// nothing in it to analyse.
pub use crate::invisible::shows_nothing;

/// An article's fields as found in a record, before the checks every format shares.
#[derive(Default)]
struct RecordFields {
    id: Option<String>,
    title: Option<String>,
    text: String,
    url: Option<String>,
    published: Option<String>,
    source: Option<String>,
}

impl RecordFields {
    /// The article, or why the record is not one.
    fn into_article(
        self,
        default_id: impl FnOnce() -> String,
        max_bytes: usize,
        origin: Origin,
    ) -> Result<Article, String> {
        let title = self.title.unwrap_or_default();
        if self.text.len() > max_bytes {
            return Err(too_big(self.text.len(), max_bytes));
        }
        // Each field on its own: a text that opens with its title holds it once, and a limit
        // on the two together refused records whose analysed text was within it.
        if title.len() > max_bytes {
            return Err(title_too_big(title.len(), max_bytes));
        }
        // A headline alone (a NewsAPI item without its content) is analysed: its names and its
        // quote are the record's. Nothing to analyse at all is the record's error.
        if shows_nothing(&self.text) && shows_nothing(&title) {
            return Err(EMPTY_RECORD.into());
        }
        // CSV cannot say "no value" other than with an empty cell, so blank means absent everywhere.
        let present = |value: Option<String>| value.filter(|v| !v.trim().is_empty());
        let id = present(self.id);
        if let Some(reason) = id.as_deref().and_then(id_with_control_character) {
            return Err(reason);
        }
        let shown = |value: Option<String>| value.map(metadata_shown);
        Ok(Article {
            id: id.unwrap_or_else(default_id),
            title,
            text: self.text,
            url: shown(present(self.url)),
            published: shown(present(self.published)),
            source: shown(present(self.source)),
            origin,
        })
    }
}

/// Why an id that holds a control character breaking CSV tools
/// ([`crate::invisible::breaks_csv_tools`]) is its record's error: `"a\u0000b"` wrote a NUL into
/// every table's id column (Postgres `COPY` refuses the file, `grep` takes it for binary), and an
/// id altered to spare the tools would no longer join back to the dump it names.
fn id_with_control_character(id: &str) -> Option<String> {
    let (at, c) = id
        .chars()
        .enumerate()
        .find(|&(_, c)| crate::invisible::breaks_csv_tools(c))?;
    Some(format!(
        "the id holds a control character (U+{:04X} at character {} of the id): an id is kept \
         as written, and this one would break the tools that read the CSVs; fix the id",
        c as u32,
        at + 1
    ))
}

/// A URL, date or source with its control characters that break CSV tools written as U+FFFD
/// ([`crate::invisible::with_controls_replaced`]): `x\u0000y` is `x\u{FFFD}y`. Shown, not
/// dropped: a record's metadata is no reason to lose its text. (The title is analysed, so it is
/// kept as written and replaced where it is written out.)
fn metadata_shown(value: String) -> String {
    match crate::invisible::with_controls_replaced(&value) {
        std::borrow::Cow::Borrowed(_) => value,
        std::borrow::Cow::Owned(shown) => shown,
    }
}

#[cfg(test)]
mod tests {
    use super::text_files::find_title;
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn write(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, content).unwrap();
        path
    }

    fn gzip(content: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(content).unwrap();
        encoder.finish().unwrap()
    }

    /// `records` written as JSON lines (`STEM.jsonl`) and as a JSON array (`STEM.json`).
    fn as_lines_and_array(dir: &Path, stem: &str, records: &[&str]) -> [PathBuf; 2] {
        let array = format!("[{}]", records.join(",\n"));
        [
            write(dir, &format!("{stem}.jsonl"), records.join("\n").as_bytes()),
            write(dir, &format!("{stem}.json"), array.as_bytes()),
        ]
    }

    fn read_all(inputs: &[PathBuf]) -> Vec<Result<Article, RecordError>> {
        read_inputs(inputs, &ReadOptions::default()).collect()
    }

    fn articles(items: &[Result<Article, RecordError>]) -> Vec<&Article> {
        items.iter().filter_map(|item| item.as_ref().ok()).collect()
    }

    fn errors(items: &[Result<Article, RecordError>]) -> Vec<&RecordError> {
        items
            .iter()
            .filter_map(|item| item.as_ref().err())
            .collect()
    }

    fn only_error(items: &[Result<Article, RecordError>]) -> &RecordError {
        assert_eq!(items.len(), 1, "{items:?}");
        items[0].as_ref().unwrap_err()
    }

    const JSONL: &str = concat!(
        r#"{"id": "a1", "title": "First", "text": "Alpha said hi.", "url": "http://x/1", "published": "2024-01-02", "source": "Wire", "extra": {"deep": [1, 2]}}"#,
        "\n",
        "\n",
        r#"{"id": 42, "text": "Beta spoke."}"#,
        "\n",
        "   \n",
        r#"{"text": "No id here.", "url": null, "published": 1700000000}"#,
        "\n",
    );

    fn check_jsonl(items: &[Result<Article, RecordError>], stem: &str) {
        assert!(errors(items).is_empty(), "{items:?}");
        let got = articles(items);
        assert_eq!(got.len(), 3);
        assert_eq!(
            *got[0],
            Article {
                id: "a1".into(),
                title: "First".into(),
                text: "Alpha said hi.".into(),
                url: Some("http://x/1".into()),
                published: Some("2024-01-02".into()),
                source: Some("Wire".into()),
                origin: got[0].origin.clone(),
            }
        );
        assert_eq!(got[1].id, "42");
        assert_eq!(got[1].title, "");
        assert_eq!(got[1].url, None);
        // Line 5: blank lines count in line numbers.
        assert_eq!(got[2].id, format!("{stem}:5"));
        assert_eq!(got[2].url, None);
        assert_eq!(got[2].published.as_deref(), Some("1700000000"));
    }

    #[test]
    fn reads_json_lines_in_every_extension() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["news.jsonl", "news.ndjson", "news.json", "news.JSONL"] {
            let path = write(dir.path(), name, JSONL.as_bytes());
            check_jsonl(&read_all(&[path]), "news");
        }
    }

    #[test]
    fn reads_gzipped_json_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "dump.jsonl.gz", &gzip(JSONL.as_bytes()));
        check_jsonl(&read_all(&[path]), "dump");
    }

    #[test]
    fn reads_concatenated_gzip_members() {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = gzip(b"{\"text\": \"one\"}\n");
        bytes.extend(gzip(b"{\"text\": \"two\"}\n"));
        let path = write(dir.path(), "parts.jsonl.gz", &bytes);
        let items = read_all(&[path]);
        let texts: Vec<&str> = articles(&items).iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["one", "two"]);
    }

    #[test]
    fn skips_a_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "bom.jsonl",
            "\u{feff}{\"text\": \"one\"}\n".as_bytes(),
        );
        let items = read_all(&[path]);
        assert_eq!(articles(&items)[0].text, "one");
    }

    #[test]
    fn accepts_crlf_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "w.jsonl",
            b"{\"text\": \"one\"}\r\n\r\n{\"text\": \"two\"}\r\n",
        );
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["w:1", "w:3"]);
    }

    #[test]
    fn uses_configured_field_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "c.jsonl",
            br#"{"doc_id": "z", "headline": "H", "body": "B text", "text": 5}"#,
        );
        let opts = ReadOptions {
            fields: FieldNames {
                id: "doc_id".into(),
                title: "headline".into(),
                text: "body".into(),
                ..FieldNames::default()
            },
            ..ReadOptions::default()
        };
        let items: Vec<_> = read_inputs(&[path], &opts).collect();
        let got = articles(&items);
        assert_eq!(
            (
                got[0].id.as_str(),
                got[0].title.as_str(),
                got[0].text.as_str()
            ),
            ("z", "H", "B text")
        );
    }

    const CSV: &str = "title,text,url,published,source\n\
        Plain,Simple text.,http://a,2024-01-01,Wire\n\
        \"Quoted, title\",\"Line one\n\nLine \"\"two\"\".\",,,\n";

    fn check_csv(items: &[Result<Article, RecordError>], stem: &str) {
        assert!(errors(items).is_empty(), "{items:?}");
        let got = articles(items);
        assert_eq!(got.len(), 2);
        assert_eq!(
            *got[0],
            Article {
                id: format!("{stem}:1"),
                title: "Plain".into(),
                text: "Simple text.".into(),
                url: Some("http://a".into()),
                published: Some("2024-01-01".into()),
                source: Some("Wire".into()),
                origin: got[0].origin.clone(),
            }
        );
        assert_eq!(got[1].id, format!("{stem}:2"));
        assert_eq!(got[1].title, "Quoted, title");
        assert_eq!(got[1].text, "Line one\n\nLine \"two\".");
        assert_eq!(
            (&got[1].url, &got[1].published, &got[1].source),
            (&None, &None, &None)
        );
    }

    #[test]
    fn reads_csv_with_quoted_multiline_fields() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "sheet.csv", CSV.as_bytes());
        check_csv(&read_all(&[path]), "sheet");
    }

    #[test]
    fn reads_gzipped_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "sheet.csv.gz", &gzip(CSV.as_bytes()));
        check_csv(&read_all(&[path]), "sheet");
    }

    #[test]
    fn csv_ids_header_bom_and_padded_header_cells() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "ids.csv",
            "\u{feff}id , text\n7,seven\n,no id\n".as_bytes(),
        );
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["7", "ids:2"]);
    }

    /// A field named in two columns (`text` twice) read the first one without a word; it is a
    /// header error for the whole input now, naming the columns. A column the run does not read
    /// may repeat.
    #[test]
    fn csv_header_naming_a_field_twice_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let twice = write(
            dir.path(),
            "twice.csv",
            b"id,text,notes,text\n1,summary,x,the story\n",
        );
        let items = read_all(&[twice]);
        let errs = errors(&items);
        assert!(articles(&items).is_empty());
        assert_eq!((errs.len(), errs[0].record.as_str()), (1, CSV_HEADER));
        assert!(errs[0].is_whole_input());
        assert!(
            errs[0]
                .reason
                .contains("`text` in more than one column (columns 2, 4)"),
            "{}",
            errs[0].reason
        );
        let other = write(
            dir.path(),
            "other.csv",
            b"id,notes,text,notes\n1,a,story,b\n",
        );
        assert_eq!(articles(&read_all(&[other])).len(), 1);
    }

    #[test]
    fn csv_row_of_wrong_length_is_an_error_for_that_row_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "ragged.csv",
            b"id,text\n1,one\n2,two,extra\n3\n4,four\n",
        );
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "4"]);
        let errs = errors(&items);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].record, "row 2");
        assert_eq!(errs[0].reason, "row has 3 fields, the header has 2");
        assert_eq!(errs[1].record, "row 3");
        assert_eq!(errs[1].reason, "row has 1 fields, the header has 2");
    }

    #[test]
    fn csv_invalid_utf8_is_an_error_for_that_row_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "bytes.csv",
            b"id,text\n1,ok\n2,ab\xffcd\n3,fine\n",
        );
        let items = read_all(&[path]);
        assert_eq!(articles(&items).len(), 2);
        let error = errors(&items)[0];
        assert_eq!(error.record, "row 2");
        assert_eq!(
            error.reason,
            "invalid UTF-8 in the `text` column at byte 2 of the field (the row starts at byte 13 of the input)"
        );
    }

    /// A never-closed quoted field took every later row into it: now its row is an error, cut
    /// at its line end, and the lines after it are rows again.
    #[test]
    fn csv_unclosed_quote_is_an_error_and_the_rows_after_it_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "q.csv",
            b"id,text\n1,\"fine, \"\"quoted\"\"\nover lines\"\n2,plain\n3,\"never closed\n4,row four\n5,another\n",
        );
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "4", "5"]);
        let error = errors(&items)[0];
        assert_eq!(error.record, "row 3");
        assert!(error.reason.contains("never closed"), "{}", error.reason);
        assert_eq!(articles(&items)[2].origin.record, "row 4");
        // A last row with a field over several lines, well quoted, stays an article.
        let path = write(dir.path(), "ok.csv", b"id,text\n1,\"two\nlines\"");
        assert_eq!(articles(&read_all(&[path])).len(), 1);
    }

    /// The never-closed check counted every `"` of the input: an inch mark in an unquoted field
    /// (text to the CSV reader) made the count even, hiding a never-closed field that took rows
    /// 3 and 4 into it, or made it odd, rejecting a valid last row over two lines.
    #[test]
    fn csv_quotes_inside_unquoted_fields_neither_hide_nor_fake_an_unclosed_one() {
        let dir = tempfile::tempdir().unwrap();
        let inch = "1,The new phone has a 6\" screen.\n";
        let hidden = format!("id,text\n{inch}2,\"Merkel said.\n3,Scholz spoke.\n4,Biden spoke.\n");
        let items = read_all(&[write(dir.path(), "u.csv", hidden.as_bytes())]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "3", "4"]);
        assert_eq!(articles(&items)[0].text, "The new phone has a 6\" screen.");
        assert_eq!(errors(&items)[0].record, "row 2");
        assert!(errors(&items)[0].reason.contains("never closed"));
        let valid = format!("id,text\n{inch}2,\"Merkel said the talks\nwent well.\"");
        let items = read_all(&[write(dir.path(), "s.csv", valid.as_bytes())]);
        assert!(errors(&items).is_empty(), "{:?}", errors(&items));
        assert_eq!(
            articles(&items)[1].text,
            "Merkel said the talks\nwent well."
        );
        // Crossing lines with `\r\n`, the rows after a never-closed field are read too.
        let crlf = "id,text\r\n1,\"open\r\n2,two\r\n";
        let items = read_all(&[write(dir.path(), "c.csv", crlf.as_bytes())]);
        assert_eq!(articles(&items)[0].id, "2");
        assert_eq!(errors(&items)[0].record, "row 1");
    }

    #[test]
    fn csv_field_closed_before_its_end_is_an_error_not_a_swallowed_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "s.csv",
            b"id,title,text\nr7,T7,\"unclosed, said John\nr8,T8,\"quoted eight\"\nr9,T9,\"quoted nine\"\nr10,T10,\"ten\"\"s \"\"mark\"\"\"\r\nr11,T11,a 5\" screen\nr12,T12,\"He said \"no\" twice\"\n",
        );
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        // r8 was read into r7, its opening quote taken for r7's closing one.
        assert_eq!(ids, ["r8", "r9", "r10", "r11"]);
        let error = errors(&items)[0];
        assert_eq!(error.record, "row 1");
        assert!(
            error.reason.contains("closes at byte 47") && error.reason.contains("read as rows"),
            "{}",
            error.reason
        );
        assert_eq!(articles(&items)[0].text, "quoted eight");
        assert_eq!(articles(&items)[2].text, "ten\"s \"mark\"");
        assert_eq!(articles(&items)[3].text, "a 5\" screen");
        // On one line, a quote closing early is its row's error.
        let error = errors(&items)[1];
        assert_eq!(error.record, "row 6");
        assert!(
            error.reason.contains("closes before its end"),
            "{}",
            error.reason
        );
    }

    /// A row far over the limit was held whole by the CSV parser before its text was found too
    /// long (a 400 MB row in a small .csv.gz took 1.2 GB): now cut at [`record_cap`], an error,
    /// and the rows after it read as before, byte offsets in messages counted in the input.
    #[test]
    fn csv_row_longer_than_a_record_may_be_is_an_error_and_the_next_rows_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let cap = record_cap(DEFAULT_MAX_BYTES);
        let quoted = "ab, \"\"cd\"\"\n".repeat(cap / 10 + 1);
        let unquoted = "x".repeat(cap + 5);
        let head = "id,text\n1,small\n";
        let csv = format!("{head}2,\"{quoted}\"\n3,after\n4,{unquoted}\n5,\"five\" stray\n6,last");
        let path = write(dir.path(), "huge.csv", csv.as_bytes());
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        let reasons: Vec<(&str, &str)> = errors(&items)
            .iter()
            .map(|e| (e.record.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(ids, ["1", "3", "6"], "{reasons:?}");
        let row_2 = 2 + 1 + quoted.len() + 2;
        assert!(
            reasons[0].0 == "row 2"
                && reasons[0]
                    .1
                    .starts_with(&format!("the row is {row_2} bytes, over the")),
            "{reasons:?}"
        );
        assert_eq!(reasons[1].0, "row 4");
        assert!(reasons[1]
            .1
            .starts_with(&format!("the row is {} bytes", unquoted.len() + 3)));
        // The stray quote of row 5 is named where it is in the file.
        let at = csv.find("\"five\"").unwrap() + 5;
        assert_eq!(reasons[2].0, "row 5");
        assert!(reasons[2].1.contains(&format!("byte {at} ")), "{reasons:?}");
    }

    /// The report reads inputs with no limit (`max_bytes` of usize::MAX): the row cap's room
    /// wrapped round to nothing, and every CSV input read as empty.
    #[test]
    fn csv_without_a_limit_reads_every_row() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "rows.csv",
            b"id,text\n1,one\n2,\"two\nlines\"\n",
        );
        let unlimited = ReadOptions {
            max_bytes: usize::MAX,
            ..ReadOptions::default()
        };
        let items: Vec<_> = read_inputs(&[path], &unlimited).collect();
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"], "{:?}", errors(&items));
    }

    /// Concatenated dumps (`gzip -c b.csv >> all.csv.gz`) repeat the header: it was read as an
    /// article (id `id`, text `text`), and a header naming the columns in another order left
    /// the rows after it read by the first, their fields swapped.
    #[test]
    fn csv_header_repeated_is_read_past_and_its_column_order_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dump = "id,text\n1,one\n\u{feff}id , text\n2,two\ntext,id\nthree,3\n";
        let gzipped: Vec<u8> = dump
            .split_inclusive("\n")
            .collect::<Vec<_>>()
            .chunks(2)
            .flat_map(|part| gzip(part.concat().as_bytes()))
            .collect();
        let items = read_all(&[write(dir.path(), "all.csv.gz", &gzipped)]);
        assert!(errors(&items).is_empty(), "{:?}", errors(&items));
        let got: Vec<(&str, &str, &str)> = articles(&items)
            .iter()
            .map(|a| (a.id.as_str(), a.text.as_str(), a.origin.record.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("1", "one", "row 1"),
                ("2", "two", "row 3"),
                ("3", "three", "row 5")
            ]
        );
    }

    /// An appended dump whose export added or dropped a column repeats a header of other
    /// columns: it was read as a data row ("row has 4 fields, the header has 3"), and so was
    /// every row after it, the whole second dump lost. A row that happens to hold one column
    /// name, or two of three, is still an article (or a row's error).
    #[test]
    fn csv_header_of_other_columns_is_read_past_and_its_columns_kept() {
        let dir = tempfile::tempdir().unwrap();
        let dump = "id,title,text\n1,a,one\nid,title,text,url\n2,b,two,http://x\n3,c,three,\
                    http://y\nid,text\n4,four\n5,text\nid,text,url\n";
        let items = read_all(&[write(dir.path(), "all.csv", dump.as_bytes())]);
        assert!(errors(&items).is_empty(), "{:?}", errors(&items));
        let got: Vec<(&str, &str, Option<&str>, &str)> = articles(&items)
            .iter()
            .map(|a| {
                let url = a.url.as_deref();
                (
                    a.id.as_str(),
                    a.text.as_str(),
                    url,
                    a.origin.record.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("1", "one", None, "row 1"),
                ("2", "two", Some("http://x"), "row 3"),
                ("3", "three", Some("http://y"), "row 4"),
                ("4", "four", None, "row 6"),
                ("5", "text", None, "row 7"),
            ]
        );
    }

    /// A row whose title and text are column names is an article, not a header: taking it for
    /// one lost it silently and left every later row without its id.
    #[test]
    fn a_csv_row_of_column_words_stays_a_row() {
        let dir = tempfile::tempdir().unwrap();
        let dump = "id,title,text\n1,Mayor,Joe Biden spoke.\n2,title,text\n3,Other,Merkel spoke.\n";
        let items = read_all(&[write(dir.path(), "in.csv", dump.as_bytes())]);
        assert!(errors(&items).is_empty(), "{:?}", errors(&items));
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
    }

    /// A file in UTF-16 (as Windows PowerShell 5 writes one) was an error row per line, none
    /// saying why ("malformed JSON at column 1"), or a CSV header listing `\0`-strewn columns,
    /// NUL bytes written into `errors.csv` and to the terminal. It is an input that cannot be
    /// read, saying it is UTF-16, whatever its format; in a folder, its file's error row. A
    /// header's cells that hold control characters are named escaped, as file names are.
    #[test]
    fn utf16_inputs_are_named_so_and_header_cells_escaped() {
        let dir = tempfile::tempdir().unwrap();
        let utf16 = |text: &str| -> Vec<u8> {
            let units = text.encode_utf16().flat_map(u16::to_le_bytes);
            [0xFF, 0xFE].into_iter().chain(units).collect()
        };
        let record = "{\"id\": \"a\", \"text\": \"One.\"}\n{\"id\": \"b\", \"text\": \"Two.\"}\n";
        let inputs = [
            write(dir.path(), "ps.jsonl", &utf16(record)),
            write(dir.path(), "ps.json", &utf16(record)),
            write(dir.path(), "ps.csv", &utf16("id,text\na,One.\n")),
            write(dir.path(), "ps.jsonl.gz", &gzip(&utf16(record))),
            write(dir.path(), "texts/ps.txt", &utf16("Title\n\nOne.")),
        ];
        let mut inputs = inputs.to_vec();
        inputs[4] = dir.path().join("texts");
        let items = read_all(&inputs);
        assert!(articles(&items).is_empty(), "{items:?}");
        let utf16: Vec<&str> = errors(&items)
            .iter()
            .filter(|e| e.reason.starts_with("UTF-16 text (it opens"))
            .map(|e| e.record.as_str())
            .collect();
        assert_eq!(utf16, ["-", "-", "-", "-", "ps.txt"], "{items:?}");
        assert_eq!(errors(&items).len(), 5, "{items:?}");
        let header = write(
            dir.path(),
            "esc.csv",
            b"id,te\x00xt,\x1b[31mred\xff\n1,2,3\n",
        );
        assert_eq!(
            only_error(&read_all(&[header])).reason,
            "no `text` column in the header (columns: id, te\\x00xt, \\x1B[31mred\\xFF)"
        );
    }

    /// Compressed data where text was expected: `news.jsonl` saved from a gzip download, a
    /// `.jsonl.gz` compressed twice, an Excel workbook named `.csv`. Each line was an error row,
    /// "invalid UTF-8 at byte 1", and the run exited 0; now each is an input not read, saying
    /// what it is (a text file: its record's error).
    #[test]
    fn compressed_data_where_text_belongs_is_named_so() {
        let dir = tempfile::tempdir().unwrap();
        let record = b"{\"id\": \"a\", \"text\": \"One.\"}\n";
        let bzip2 = b"BZh91AY&SY\x00\x01rest";
        let inputs = [
            write(dir.path(), "news.jsonl", &gzip(record)),
            write(dir.path(), "twice.jsonl.gz", &gzip(&gzip(record))),
            write(dir.path(), "book.csv", b"PK\x03\x04\x14\x00\x06\x00"),
            write(dir.path(), "z.json", b"\x28\xb5\x2f\xfd\x00\x58"),
            write(dir.path(), "b.jsonl", bzip2),
            write(dir.path(), "x.ndjson", b"\xfd7zXZ\x00\x00\x04"),
        ];
        write(dir.path(), "texts/story.txt", &gzip(b"Title\n\nOne."));
        write(dir.path(), "texts/word.txt", b"BZh is no bzip2 data.");
        let mut inputs = inputs.to_vec();
        inputs.push(dir.path().join("texts"));
        let items = read_all(&inputs);
        let got: Vec<(&str, &str)> = errors(&items)
            .iter()
            .map(|e| (e.record.as_str(), e.reason.split(' ').next().unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("-", "gzip"),
                ("-", "gzip"),
                ("-", "a"),
                ("-", "zstd"),
                ("-", "bzip2"),
                ("-", "xz"),
                ("story.txt", "gzip"),
            ],
            "{items:?}"
        );
        assert!(errors(&items)[1].reason.contains("compressed twice"));
        assert!(errors(&items)[2].reason.contains("zip archive"));
        assert_eq!(articles(&items).len(), 1, "{items:?}");
    }

    /// An old-format Excel workbook (an OLE2 compound file) named `.csv` was read as a CSV
    /// whose header named no `text` column, its columns binary junk: it is named for what it is.
    #[test]
    fn an_old_excel_workbook_is_named_so() {
        let dir = tempfile::tempdir().unwrap();
        let xls = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00";
        let path = write(dir.path(), "book.csv", xls);
        let error = only_error(&read_all(&[path])).clone();
        assert_eq!(error.record, WHOLE_INPUT);
        assert!(error.reason.contains("Excel workbook (.xls)"), "{error}");
    }

    /// A record of a named pipe that never ends — a `.json` element (`[{"text": "` then
    /// /dev/zero), a `.json` pipe's opening white space, a CSV row with a quoted field never
    /// closed — was read for ever, as a JSON line of one was before it got its limit: each ends
    /// the input past [`stream_record_limit`], with an error row of an input cut short (exit 3).
    #[test]
    fn an_endless_record_of_a_pipe_ends_the_input_in_every_format() {
        let endless = |opening: &'static [u8], fill: u8| -> Box<dyn BufRead + Send> {
            let rest = io::repeat(fill);
            Box::new(BufReader::new(io::Read::chain(opening, rest)))
        };
        // A limit of 1 MiB, not the default 1 GiB: four endless streams read to a gigabyte each
        // took 15 s of the 20 s `at_once` allows on a loaded 2-core machine.
        let stream = |name: &str, reader| {
            let mut stream = Stream::new(name, "news", reader, false, false, DEFAULT_MAX_BYTES);
            stream.limit = Some(1 << 20);
            stream
        };
        let element = stream("news.json", endless(b"[{\"id\": \"a\", \"text\": \"", 0));
        let row = stream("news.csv", endless(b"id,text\na,\"", 0));
        let gap = stream("news.json", endless(b"[{\"text\": \"a\"},", b' '));
        let opening = stream("news.json", endless(b"", b'\n'));
        let firsts = crate::paths::special::at_once(move || {
            let opts = ReadOptions::default();
            let mut sources = [
                Source::JsonArray(JsonArray::of(element)),
                Source::Csv(Box::new(CsvRows::of(row))),
                Source::JsonArray(JsonArray::of(gap)),
            ]
            .map(Some);
            let mut firsts: Vec<_> = sources
                .iter_mut()
                .map(|source| {
                    let source = source.as_mut().unwrap();
                    let mut first = source.next_record(&opts);
                    if first.as_ref().is_some_and(|r| r.is_ok()) {
                        first = source.next_record(&opts);
                    }
                    (first, source.next_record(&opts).is_none())
                })
                .collect();
            let opened = open_json(opening).err();
            firsts.push((opened.map(Err), true));
            firsts
        });
        let records = ["element 1", "row 1", "element 2", "line 1"];
        for ((first, then_none), record) in firsts.into_iter().zip(records) {
            let error = first.expect("an error row").expect_err("no article");
            assert_eq!(error.record, record, "{error}");
            assert!(error.is_cut_short(), "{error}");
            assert!(error.reason.contains("runs past"), "{error}");
            assert!(then_none, "{error}");
        }
    }

    #[test]
    fn csv_without_text_column_is_one_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "wrong.csv", b"id,body\n1,one\n");
        let error = only_error(&read_all(&[path])).clone();
        assert_eq!(error.record, "header");
        assert_eq!(
            error.reason,
            "no `text` column in the header (columns: id, body)"
        );
    }

    /// A JSONL dump with no line, or blank lines only, and a CSV with a header and no row, are
    /// empty dumps: nothing to read, nothing wrong.
    #[test]
    fn empty_inputs_yield_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = [
            write(dir.path(), "e.jsonl", b""),
            write(dir.path(), "blank.jsonl", b"\n\n"),
            write(dir.path(), "hdr.csv", b"id,text\n"),
        ];
        assert!(read_all(&inputs).is_empty());
    }

    /// A CSV with no header row (no bytes, blank lines, a byte-order mark alone) is an input
    /// that could not be read, as one whose header names no text column: it read as an empty
    /// dump, exit 0 and no error row, so a failed export passed for one with no articles.
    #[test]
    fn a_csv_without_a_header_row_is_an_input_that_could_not_be_read() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("e.csv", &b""[..]),
            ("blank.csv", b"\n\r\n\n"),
            ("bom.csv", b"\xef\xbb\xbf"),
            ("e.csv.gz", &gzip(b"")),
        ] {
            let error = only_error(&read_all(&[write(dir.path(), name, bytes)])).clone();
            assert!(error.is_whole_input(), "{name}: {error}");
            assert!(error.reason.starts_with("no header row"), "{name}: {error}");
        }
    }

    #[test]
    fn csv_bad_records_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "bad.csv",
            b"id,text\n1,\n2,\"  \n \"\n3,0123456789X\n4,fine\n",
        );
        let opts = ReadOptions {
            max_bytes: 10,
            ..ReadOptions::default()
        };
        let items: Vec<_> = read_inputs(&[path], &opts).collect();
        let reasons: Vec<(&str, &str)> = errors(&items)
            .iter()
            .map(|e| (e.record.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("row 1", EMPTY_RECORD),
                ("row 2", EMPTY_RECORD),
                (
                    "row 3",
                    "text is 11 bytes, over the limit of 10; raise --max-bytes to keep it"
                ),
            ]
        );
        assert_eq!(articles(&items)[0].id, "4");
    }

    /// A title is held to `--max-bytes` as a text is: a 2 MB title beside an empty text was
    /// analysed whole (only the 8 × --max-bytes record cap stood in its way). Each format's
    /// record says so, naming the title's length; a title and a text each within it pass.
    #[test]
    fn a_title_counts_toward_max_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let opts = ReadOptions {
            max_bytes: 10,
            ..ReadOptions::default()
        };
        let inputs = [
            write(
                dir.path(),
                "a.jsonl",
                b"{\"id\":\"1\",\"title\":\"Big headline\",\"text\":\"\"}\n\
                  {\"id\":\"2\",\"title\":\"Short\",\"text\":\"Texts\"}\n",
            ),
            // Each field within the limit: a text that repeats its title (review, session 53:
            // the two together were refused).
            write(
                dir.path(),
                "b.csv",
                b"id,title,text\n3,Talks fail,Talks fail\n",
            ),
            write(
                dir.path(),
                "c.json",
                b"[{\"id\":\"4\",\"title\":\"0123456789X\",\"text\":\"\"}]",
            ),
        ];
        let items: Vec<_> = read_inputs(&inputs, &opts).collect();
        let reasons: Vec<(&str, &str)> = errors(&items)
            .iter()
            .map(|e| (e.record.as_str(), e.reason.as_str()))
            .collect();
        let over = |title| {
            format!("title is {title} bytes, over the limit of 10; raise --max-bytes to keep it")
        };
        assert_eq!(reasons.len(), 2, "{reasons:?}");
        for ((_, reason), want) in reasons.iter().zip([over(12), over(11)]) {
            assert_eq!(*reason, want);
        }
        let kept: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(kept, ["2", "3"]);
    }

    const STORY: &str = "728 x 90\n\nMayor quits “for good”\n\nThe mayor said: “I’m done.” Café owners cheered 🎉.\r\n";

    #[test]
    fn reads_a_text_file_whole_with_title() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "story-1.txt", STORY.as_bytes());
        let items = read_all(&[path]);
        assert_eq!(
            *articles(&items)[0],
            Article {
                id: "story-1".into(),
                title: "Mayor quits “for good”".into(),
                text: STORY.into(),
                url: None,
                published: None,
                source: None,
                origin: articles(&items)[0].origin.clone(),
            }
        );
    }

    #[test]
    fn a_text_files_byte_order_mark_is_not_text() {
        let dir = tempfile::tempdir().unwrap();
        let marked = format!("\u{feff}{STORY}");
        let path = write(dir.path(), "story.txt", marked.as_bytes());
        let blank = write(dir.path(), "blank.txt", "\u{feff} \n".as_bytes());
        let items = read_all(&[path, blank]);
        assert_eq!(articles(&items)[0].text, STORY);
        assert_eq!(errors(&items)[0].reason, "empty text");
        // `--max-bytes` counts the text, not the mark: a BOM before a text at the limit used to
        // make it "14 bytes, over the limit of 11".
        let opts = ReadOptions {
            max_bytes: 11,
            ..ReadOptions::default()
        };
        let at_limit = write(dir.path(), "at.txt", "\u{feff}Maria Lopez".as_bytes());
        let over = write(dir.path(), "over.txt", "\u{feff}Maria Lopez!".as_bytes());
        let items: Vec<_> = read_inputs(&[at_limit, over], &opts).collect();
        assert_eq!(articles(&items)[0].text, "Maria Lopez");
        assert_eq!(
            errors(&items)[0].reason,
            "text is 12 bytes, over the limit of 11; raise --max-bytes to keep it"
        );
    }

    #[test]
    fn reads_a_gzipped_text_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "story.txt.gz", &gzip(STORY.as_bytes()));
        let items = read_all(&[path]);
        let article = articles(&items)[0];
        assert_eq!(
            (article.id.as_str(), article.text.as_str()),
            ("story", STORY)
        );
    }

    #[test]
    fn names_that_are_not_utf8_keep_their_articles_apart() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = |bytes: &[u8]| std::ffi::OsStr::from_bytes(bytes).to_owned();
        let folder = dir.path().join("n");
        fs::create_dir(&folder).unwrap();
        // `x\xFF.txt` (a backslash, `x`, `F`, `F`) and `y<ESC>.txt` too: the backslash was
        // written as it is, the same text as the byte 0xFF's, and the escape reached the tables.
        fs::write(folder.join("x\\xFF.txt"), STORY).unwrap();
        fs::write(folder.join(name(b"y\x1b.txt")), STORY).unwrap();
        // `z<U+009B>.txt`, a terminal's CSI, valid UTF-8 but a control too; and the characters
        // its escape is written with, another article's.
        fs::write(folder.join("z\u{9b}.txt"), STORY).unwrap();
        fs::write(folder.join("z\\u{9B}.txt"), STORY).unwrap();
        for byte in [0xFF, 0xFE] {
            fs::write(
                folder.join(name(&[b'x', byte, b'.', b't', b'x', b't'])),
                STORY,
            )
            .unwrap();
            let jsonl = dir
                .path()
                .join(name(&[b'n', byte, b'.', b'j', b's', b'o', b'n', b'l']));
            fs::write(jsonl, "{\"text\": \"a text\"}\n").unwrap();
        }
        let inputs = [
            folder,
            dir.path().join(name(b"n\xFF.jsonl")),
            dir.path().join(name(b"n\xFE.jsonl")),
        ];
        let items = read_all(&inputs);
        let seen: Vec<(String, &str, &str)> = articles(&items)
            .iter()
            .map(|a| {
                let input = a.origin.input.rsplit('/').next().unwrap().to_string();
                (input, a.origin.record.as_str(), a.id.as_str())
            })
            .collect();
        // The lossy names made these `x\u{FFFD}.txt` twice and `n\u{FFFD}:1` twice.
        assert_eq!(
            seen,
            [
                ("n".into(), "x\\\\xFF.txt", "x\\\\xFF"),
                ("n".into(), "x\\xFE.txt", "x\\xFE"),
                ("n".into(), "x\\xFF.txt", "x\\xFF"),
                ("n".into(), "y\\x1B.txt", "y\\x1B"),
                ("n".into(), "z\\\\u{9B}.txt", "z\\\\u{9B}"),
                ("n".into(), "z\\u{9B}.txt", "z\\u{9B}"),
                ("n\\xFF.jsonl".into(), "line 1", "n\\xFF:1"),
                ("n\\xFE.jsonl".into(), "line 1", "n\\xFE:1"),
            ]
        );
    }

    #[test]
    fn a_byte_order_mark_opening_any_line_is_read_past() {
        let dir = tempfile::tempdir().unwrap();
        let bom_file = |id: &str| format!("\u{feff}{{\"id\": \"{id}\", \"text\": \"t\"}}\n");
        let mut joined = gzip(bom_file("a").as_bytes());
        joined.extend(gzip(bom_file("b").as_bytes()));
        joined.extend(gzip(b"\xEF\xBB\xBF\n"));
        joined.extend(gzip(b"\xEF\xBB\xBF{\"id\": \"c\", \"text\": 5}\n"));
        let items = read_all(&[write(dir.path(), "all.jsonl.gz", &joined)]);
        // Line 2 was an error row ("malformed JSON at column 1: expected value"): files joined,
        // each saved with a byte-order mark, lost every later file's first record.
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        // A line of a mark alone is blank (no row); a bad record after a mark is its own row.
        let error = only_error(&items[2..]);
        assert_eq!(error.record, "line 4");
    }

    #[test]
    fn lone_carriage_returns_are_named_in_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let mac = b"{\"id\": \"a\", \"text\": \"t\"}\r{\"id\": \"b\", \"text\": \"u\"}\r";
        let items = read_all(&[write(dir.path(), "mac.jsonl", mac)]);
        let error = only_error(&items);
        assert_eq!(error.record, "line 1");
        // It said only "malformed JSON at column 26: trailing characters".
        assert!(error.reason.contains("carriage returns"), "{error}");
        // A CRLF file reads as records, its `\r` no part of any reason.
        let crlf = b"{\"id\": \"a\", \"text\": \"t\"}\r\n{\"id\": \"b\", \"text\": \"u\"}\r\n";
        let items = read_all(&[write(dir.path(), "dos.jsonl", crlf)]);
        assert_eq!(articles(&items).len(), 2);
    }

    #[test]
    fn finds_titles_only_when_a_blank_line_follows() {
        assert_eq!(find_title("Headline\n\nBody."), "Headline");
        assert_eq!(find_title("\u{feff}  Headline  \r\n \r\nBody."), "Headline");
        assert_eq!(
            find_title("\n\nShare this\nAdvertisement\nHeadline\n\nBody."),
            "Headline"
        );
        assert_eq!(find_title("First line of body\nsecond line.\n\nMore."), "");
        assert_eq!(find_title("Only one line"), "");
        assert_eq!(find_title("728 x 90\n"), "");
    }

    #[test]
    fn reads_a_directory_recursively_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("dump");
        write(&root, "b.txt", b"Bee\n\nbody b");
        write(&root, "a/z.txt", b"body az");
        write(&root, "c.txt.gz", &gzip(b"body c"));
        write(&root, "a.TXT", b"body a");
        write(&root, "notes.md", b"not an article");
        write(
            &root,
            "data.jsonl",
            b"{\"text\": \"not read from a directory\"}\n",
        );
        write(&root, ".hidden.txt", b"hidden");
        write(&root, ".git/x.txt", b"hidden");
        let items = read_all(std::slice::from_ref(&root));
        assert!(errors(&items).is_empty(), "{items:?}");
        let got: Vec<(&str, &str)> = articles(&items)
            .iter()
            .map(|a| (a.id.as_str(), a.text.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("a/z", "body az"),
                ("a", "body a"),
                ("b", "Bee\n\nbody b"),
                ("c", "body c")
            ]
        );
        assert_eq!(articles(&items)[2].title, "Bee");

        write(&root, "empty.txt", b" \n\n");
        let items = read_all(std::slice::from_ref(&root));
        let error = errors(&items)[0];
        assert_eq!(
            (error.input.as_str(), error.record.as_str()),
            (root.to_str().unwrap(), "empty.txt")
        );
        assert_eq!(error.reason, "empty text");
    }

    /// A folder's files of one stem in different subfolders were one article id, the stem:
    /// `2024/01/story.txt` and `2024/02/story.txt` were both `story`.
    #[test]
    fn a_folder_file_is_named_by_its_path_under_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("news");
        write(&root, "2024/01/story.txt", b"January");
        write(&root, "2024/02/story.txt", b"February");
        write(&root, "2024/03/Story.v2.TXT.gz", &gzip(b"March"));
        write(&root, "story.txt", b"Undated");
        let single = write(dir.path(), "single/story.txt", b"Alone");
        let items = read_all(&[root.clone(), single.clone()]);
        assert!(errors(&items).is_empty(), "{items:?}");
        let got: Vec<(&str, &str, &str, &str)> = articles(&items)
            .iter()
            .map(|a| {
                let (input, record) = (&a.origin.input, &a.origin.record);
                (
                    a.id.as_str(),
                    input.as_str(),
                    record.as_str(),
                    a.text.as_str(),
                )
            })
            .collect();
        let (root, single) = (root.display().to_string(), single.display().to_string());
        assert_eq!(
            got,
            [
                ("2024/01/story", &*root, "2024/01/story.txt", "January"),
                ("2024/02/story", &*root, "2024/02/story.txt", "February"),
                (
                    "2024/03/Story.v2",
                    &*root,
                    "2024/03/Story.v2.TXT.gz",
                    "March"
                ),
                ("story", &*root, "story.txt", "Undated"),
                // A `.txt` input is named by its stem, whatever folder holds it.
                ("story", &*single, "story.txt", "Alone"),
            ]
        );
    }

    #[test]
    fn text_file_errors() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = [
            write(dir.path(), "bad.txt", b"caf\xc3\xa9 \xe2\x80 ok"),
            write(dir.path(), "big.txt", &[b'a'; 25]),
            write(dir.path(), "big.txt.gz", &gzip(&[b'a'; 25])),
            write(dir.path(), "blank.txt", b"\n  \t\n"),
            write(dir.path(), "fine.txt", b"fine"),
        ];
        let opts = ReadOptions {
            max_bytes: 20,
            ..ReadOptions::default()
        };
        let items: Vec<_> = read_inputs(&inputs, &opts).collect();
        let reasons: Vec<(&str, &str)> = errors(&items)
            .iter()
            .map(|e| (e.record.as_str(), e.reason.as_str()))
            .collect();
        let too_big = "text is 25 bytes, over the limit of 20; raise --max-bytes to keep it";
        assert_eq!(
            reasons,
            [
                ("bad.txt", "invalid UTF-8 at byte 6 of the file"),
                ("big.txt", too_big),
                ("big.txt.gz", too_big),
                ("blank.txt", "empty text"),
            ]
        );
        assert_eq!(articles(&items)[0].text, "fine");
    }

    /// A file a folder holds under several names (`latest/story.txt -> ../2024/01/story.txt`, a
    /// hard link) is one article, under its first name in path order; the other names are
    /// listed as read once. It was an article per name: one story counted three times.
    #[test]
    fn a_file_a_folder_holds_under_several_names_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("dump");
        let story = write(&folder, "2024/01/story.txt", b"One story.");
        write(&folder, "2024/02/other.txt", b"Another story.");
        fs::create_dir_all(folder.join("latest")).unwrap();
        std::os::unix::fs::symlink("../2024/01/story.txt", folder.join("latest/story.txt"))
            .unwrap();
        fs::hard_link(&story, folder.join("hard.txt")).unwrap();
        let items = read_all(std::slice::from_ref(&folder));
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["2024/01/story", "2024/02/other"], "{items:?}");
        let listings = Listings::of(std::slice::from_ref(&folder));
        let listing = listings.folder(&folder).unwrap().as_ref().unwrap();
        assert_eq!(listing.records(), 2);
        assert_eq!(
            listing.read_once,
            [
                (folder.join("hard.txt"), story.clone()),
                (folder.join("latest/story.txt"), story),
            ]
        );
    }

    #[test]
    fn every_text_entry_of_a_folder_is_a_record_links_and_fifos_too() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("f");
        fs::create_dir_all(folder.join("sub.txt")).unwrap();
        write(&folder, "a.txt", b"first");
        write(&folder, "sub.txt/inner.txt", b"inner");
        std::os::unix::fs::symlink(folder.join("missing.txt"), folder.join("broken.txt")).unwrap();
        std::os::unix::fs::symlink(folder.join("a.txt"), folder.join("link.txt")).unwrap();
        std::os::unix::fs::symlink(&folder, folder.join("loop.txt")).unwrap();
        crate::paths::special::make_fifo(&folder.join("pipe.txt"));
        // Links that lead to each other, and one to itself.
        std::os::unix::fs::symlink("cycle2.txt", folder.join("cycle1.txt")).unwrap();
        std::os::unix::fs::symlink("cycle1.txt", folder.join("cycle2.txt")).unwrap();
        std::os::unix::fs::symlink("self.txt", folder.join("self.txt")).unwrap();
        let items = read_all(&[folder]);
        let got: Vec<String> = items
            .iter()
            .map(|r| match r {
                Ok(a) => format!("{} ok", a.id),
                Err(e) => format!("{}: {}", e.record, e.reason),
            })
            .collect();
        let cycle = |name: &str, to: &str| {
            format!(
                "{name}: symbolic link loop (to {to}): links that lead back to each other, never \
                 to a file"
            )
        };
        assert_eq!(
            got,
            [
                "a ok".to_string(),
                format!("broken.txt: broken symbolic link (to {})", dir.path().join("f/missing.txt").display()),
                cycle("cycle1.txt", "cycle2.txt"),
                cycle("cycle2.txt", "cycle1.txt"),
                // link.txt is a.txt, read once under its first name.
                "loop.txt: a symbolic link to a directory (not followed), not a text file: not read".to_string(),
                "pipe.txt: a FIFO (named pipe), not a text file: not read".to_string(),
                cycle("self.txt", "self.txt"),
                "sub.txt/inner ok".to_string(),
            ]
        );
    }

    /// `news.jsonl -> /dev/zero` was read for ever, one line of NUL bytes that never ended; a
    /// device named as an input of any format is an input not read (exit 3), as a folder's
    /// device entry is an error row.
    #[cfg(unix)]
    #[test]
    fn a_device_named_as_an_input_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let names = [
            "news.jsonl",
            "news.json",
            "news.csv",
            "news.txt",
            "news.jsonl.gz",
        ];
        let links: Vec<PathBuf> = names.iter().map(|name| dir.path().join(name)).collect();
        for link in &links {
            std::os::unix::fs::symlink("/dev/zero", link).unwrap();
        }
        let items = crate::paths::special::at_once(move || read_all(&links));
        let got: Vec<(&str, &str)> = errors(&items)
            .iter()
            .map(|e| (e.record.as_str(), e.reason.as_str()))
            .collect();
        let refused = (
            WHOLE_INPUT,
            "a device (such as /dev/zero), not a file: not read",
        );
        assert_eq!(got, [refused; 5], "{items:?}");
    }

    /// One JSON line per bad-record case, with the reason each must give.
    const BAD_LINES: &[(&[u8], &str)] = &[
        (
            br#"{"id": 1, "text": "unterminated}"#,
            "malformed JSON at column 32: EOF while parsing a string",
        ),
        (
            br#"{"id": 1 "text": "x"}"#,
            "malformed JSON at column 10: expected `,` or `}`",
        ),
        (
            br#"{"text": "x"} trailing"#,
            "malformed JSON at column 15: trailing characters",
        ),
        (b"not json", "malformed JSON at column 2: expected ident"),
        // It said "malformed JSON at column 12", the escape standing at column 27 of the line.
        (
            br#"{"id":"x1",   "text":"abc \ud800 def"}"#,
            "malformed JSON in `text`, at column 12 of its value: a lone UTF-16 surrogate \
             `\\ud800`, half of a character",
        ),
        // A truncated escape is still named so; a low half alone and a high half before
        // another escape are lone surrogates too.
        (
            br#"{"text":"abc \u12"}"#,
            "malformed JSON at column 19: invalid escape",
        ),
        (
            br#"{"text":"a\udc00b"}"#,
            "malformed JSON in `text`, at column 8 of its value: a lone UTF-16 surrogate \
             `\\udc00`",
        ),
        (
            br#"{"text":"\ud83d\n"}"#,
            "malformed JSON in `text`, at column 9 of its value: a lone UTF-16 surrogate \
             `\\ud83d`",
        ),
        (br#"[{"text": "x"}]"#, "not a JSON object but an array"),
        (br#""just a string""#, "not a JSON object but a string"),
        (b"17", "not a JSON object but a number"),
        (br#"{"id": "m"}"#, "missing `text` field"),
        (br#"{"text": 12}"#, "`text` is a number, not a string"),
        (br#"{"text": null}"#, "`text` is null, not a string"),
        (br#"{"text": ["a"]}"#, "`text` is an array, not a string"),
        (
            br#"{"id": true, "text": "x"}"#,
            "`id` is a boolean, not a string",
        ),
        (
            br#"{"id": {}, "text": "x"}"#,
            "`id` is an object, not a string",
        ),
        (
            b"{\"text\": \"caf\xc3\xa9 \xff\"}",
            "invalid UTF-8 at byte 16 of the line (byte",
        ),
        // Serde kept the last value: the first text was dropped without a word.
        (
            br#"{"text": "A", "text": "B"}"#,
            "the record names `text` more than once: which value to read is not clear",
        ),
        (
            br#"{"id": "a", "id": "b", "text": "x"}"#,
            "the record names `id` more than once",
        ),
        (br#"{"text": ""}"#, EMPTY_RECORD),
        (br#"{"text": " \n\t "}"#, EMPTY_RECORD),
        (br#"{"title": " \u200b", "text": ""}"#, EMPTY_RECORD),
        (
            br#"{"text": "0123456789ABC"}"#,
            "text is 13 bytes, over the limit of 12; raise --max-bytes to keep it",
        ),
    ];

    #[test]
    fn bad_json_lines_are_errors_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let mut content = Vec::new();
        for (line, _) in BAD_LINES {
            content.extend_from_slice(line);
            content.extend_from_slice(b"\n{\"text\": \"good\"}\n");
        }
        let path = write(dir.path(), "bad.jsonl", &content);
        let opts = ReadOptions {
            max_bytes: 12,
            ..ReadOptions::default()
        };
        let items: Vec<_> = read_inputs(std::slice::from_ref(&path), &opts).collect();
        assert_eq!(items.len(), 2 * BAD_LINES.len());
        let mut wrong_reasons = Vec::new();
        for (i, (line, expected)) in BAD_LINES.iter().enumerate() {
            let error = items[2 * i]
                .as_ref()
                .expect_err(&String::from_utf8_lossy(line));
            assert_eq!(error.input, path.display().to_string());
            assert_eq!(error.record, format!("line {}", 2 * i + 1));
            if !error.reason.starts_with(expected) {
                wrong_reasons.push((String::from_utf8_lossy(line), error.reason.clone()));
            }
            let good = items[2 * i + 1].as_ref().unwrap();
            assert_eq!(
                (good.id.clone(), good.text.as_str()),
                (format!("bad:{}", 2 * i + 2), "good")
            );
        }
        assert!(wrong_reasons.is_empty(), "{wrong_reasons:#?}");
    }

    #[test]
    fn invalid_utf8_reports_byte_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "u.jsonl",
            b"{\"text\": \"ok\"}\n{\"text\": \"\xff\"}\n",
        );
        let items = read_all(&[path]);
        assert_eq!(
            errors(&items)[0].reason,
            "invalid UTF-8 at byte 10 of the line (byte 25 of the input)"
        );
        // Two invalid sequences back to back (`\xC0` can never start one): the first is named,
        // not the byte after it, in lines and elements alike.
        let back_to_back = b"{\"text\": \"\xc0\xafMerkel\"}";
        let line = write(dir.path(), "b.jsonl", back_to_back);
        let array = write(
            dir.path(),
            "b.json",
            &[b"[", &back_to_back[..], b"]"].concat(),
        );
        let items = read_all(&[line, array]);
        let reasons: Vec<&str> = errors(&items).iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "invalid UTF-8 at byte 10 of the line (byte 10 of the input)",
                "invalid UTF-8 at byte 10 of the element"
            ]
        );
    }

    /// Invalid UTF-8 in a field the run skips (a scraper's Latin-1 `raw_html`) no longer costs
    /// the record its good text; in a field it reads, the error names that field's byte, also
    /// after a skipped field's bad byte; in a key, the record is an error as before. Lines and
    /// `.json` elements alike.
    #[test]
    fn invalid_utf8_counts_only_where_the_run_reads() {
        let dir = tempfile::tempdir().unwrap();
        let lines: &[&[u8]] = &[
            b"{\"id\": \"a\", \"text\": \"Iran replied.\", \"raw_html\": \"caf\xe9\"}",
            b"{\"raw\": \"\xe9\", \"id\": \"b\", \"text\": \"caf\xe9\"}",
            b"{\"t\xe9\": 1, \"text\": \"ok\"}",
            b"{\"id\": \"d\", \"text\": \"ok\", \"tags\": [\"\xff\", {\"k\": \"\xfe\"}]}",
        ];
        let jsonl = write(dir.path(), "u.jsonl", &lines.join(&b'\n'));
        let array = write(
            dir.path(),
            "u.json",
            &[b"[".as_slice(), &lines.join(&b',')].concat(),
        );
        let array = {
            let mut bytes = std::fs::read(&array).unwrap();
            bytes.push(b']');
            write(dir.path(), "u.json", &bytes)
        };
        for (path, what) in [(jsonl, "line"), (array, "element")] {
            let items = read_all(&[path]);
            let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
            assert_eq!(ids, ["a", "d"], "{:?}", errors(&items));
            let reasons: Vec<&str> = errors(&items).iter().map(|e| e.reason.as_str()).collect();
            assert_eq!(reasons.len(), 2);
            assert!(
                reasons[0].starts_with(&format!("invalid UTF-8 at byte 36 of the {what}")),
                "{reasons:?}"
            );
            assert!(
                reasons[1].starts_with(&format!("invalid UTF-8 at byte 3 of the {what}")),
                "{reasons:?}"
            );
        }
    }

    /// A key the run reads named twice in a record is that record's error, in `.json` arrays as
    /// in lines and under a renamed key; a key it does not read may repeat. Serde kept the last
    /// value, and one of two texts (or ids) was dropped without a word.
    #[test]
    fn a_field_the_run_reads_named_twice_is_the_records_error() {
        let dir = tempfile::tempdir().unwrap();
        let array = write(
            dir.path(),
            "dup.json",
            br#"[{"id": "t4", "body": "A.", "body": "B."}, {"id": "ok", "body": "C.", "tag": 1, "tag": 2}]"#,
        );
        let opts = ReadOptions {
            fields: FieldNames {
                text: "body".into(),
                ..FieldNames::default()
            },
            ..ReadOptions::default()
        };
        let items: Vec<_> = read_inputs(&[array], &opts).collect();
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["ok"], "{items:?}");
        let error = &errors(&items)[0];
        assert_eq!(error.record, "element 1");
        assert!(
            error
                .reason
                .starts_with("the record names `body` more than once"),
            "{error}"
        );
    }

    /// Metadata of another JSON type than a string or number made the whole record an error
    /// row, its text never analysed: a NewsAPI export's `"source": {"id": null, "name":
    /// "Reuters"}`, a date given as an array. The source's `name` is taken; any other value is
    /// its JSON text, compacted. The id, the text and the title keep their types (the title's:
    /// [`a_title_of_another_json_type_than_a_string_is_its_record_error`]).
    #[test]
    fn metadata_of_any_json_type_keeps_its_record() {
        let dir = tempfile::tempdir().unwrap();
        let records = [
            r#"{"id": "n", "text": "One.", "source": {"id": null, "name": "Reuters"}, "url": true, "published": ["2024", null]}"#,
            r#"{"id": "m", "text": "Two.", "source": {"id": "x", "name": {"a": 1, "b": [2, 2.50]}}, "title": null}"#,
            r#"{"id": {"k": 1}, "text": "Three."}"#,
            r#"{"id": true, "text": "Four."}"#,
            r#"{"id": "t", "text": {"body": "Five."}}"#,
        ];
        for path in as_lines_and_array(dir.path(), "any", &records) {
            let items = read_all(&[path]);
            let got = articles(&items);
            assert_eq!(got.len(), 2, "{items:?}");
            assert_eq!(got[0].source.as_deref(), Some("Reuters"));
            assert_eq!(got[0].url.as_deref(), Some("true"));
            assert_eq!(got[0].published.as_deref(), Some(r#"["2024",null]"#));
            assert_eq!(
                got[1].source.as_deref(),
                Some(r#"{"id":"x","name":{"a":1,"b":[2,2.50]}}"#)
            );
            assert_eq!(got[1].title, "");
            let reasons: Vec<&str> = errors(&items).iter().map(|e| e.reason.as_str()).collect();
            assert_eq!(
                reasons,
                [
                    "`id` is an object, not a string",
                    "`id` is a boolean, not a string",
                    "`text` is an object, not a string"
                ]
            );
        }
    }

    /// A text of `null` beside a title is no text, as a null title is no title: NewsAPI writes
    /// an item without its content as `"content": null`, and such items (documented as
    /// headline-only records) were error rows, `` `text` is null, not a string ``. With no
    /// title either, the record is still its error row, saying so.
    #[test]
    fn a_null_text_beside_a_title_is_a_record_of_only_a_headline() {
        let dir = tempfile::tempdir().unwrap();
        let records = [
            r#"{"id": "a", "title": "Pompeo says talks with Iran failed", "text": null}"#,
            r#"{"id": "b", "text": null}"#,
            r#"{"id": "c", "title": null, "text": null}"#,
        ];
        for path in as_lines_and_array(dir.path(), "nulls", &records) {
            let items = read_all(&[path]);
            let got: Vec<(&str, &str, &str)> = articles(&items)
                .iter()
                .map(|a| (a.id.as_str(), a.title.as_str(), a.text.as_str()))
                .collect();
            assert_eq!(
                got,
                [("a", "Pompeo says talks with Iran failed", "")],
                "{items:?}"
            );
            let reasons: Vec<&str> = errors(&items).iter().map(|e| e.reason.as_str()).collect();
            assert_eq!(
                reasons,
                [
                    "`text` is null, not a string",
                    "`text` is null, not a string"
                ]
            );
        }
    }

    /// A title is analysed as the article's headline, so it must be a string, as the text must:
    /// `["Merkel"]` was read as its JSON text, and Angela Merkel got a mention in the headline
    /// `["Merkel"]`; `42` and `true` were headlines too. Such a record is its error row, named by
    /// its field and type, in a `.jsonl` and a `.json` alike; a null title is no title.
    #[test]
    fn a_title_of_another_json_type_than_a_string_is_its_record_error() {
        let dir = tempfile::tempdir().unwrap();
        let records = [
            r#"{"id": "a", "title": ["Merkel"], "text": "Angela Merkel spoke."}"#,
            r#"{"id": "b", "title": 42, "text": "Two."}"#,
            r#"{"id": "c", "title": {}, "text": "Three."}"#,
            r#"{"id": "d", "title": true, "text": "Four."}"#,
            r#"{"id": "e", "title": null, "text": "Five."}"#,
            r#"{"id": "f", "title": "Six", "text": "Six."}"#,
        ];
        for path in as_lines_and_array(dir.path(), "titles", &records) {
            let items = read_all(&[path]);
            let got: Vec<(&str, &str)> = articles(&items)
                .iter()
                .map(|a| (a.id.as_str(), a.title.as_str()))
                .collect();
            assert_eq!(got, [("e", ""), ("f", "Six")], "{items:?}");
            let reasons: Vec<(&str, &str)> = errors(&items)
                .iter()
                .map(|e| (e.record.rsplit(' ').next().unwrap(), e.reason.as_str()))
                .collect();
            assert_eq!(
                reasons,
                [
                    ("1", "`title` is an array, not a string"),
                    ("2", "`title` is a number, not a string"),
                    ("3", "`title` is an object, not a string"),
                    ("4", "`title` is a boolean, not a string"),
                ]
            );
        }
    }

    /// A NUL or other C0 control character (tab and line ends aside) in an id is its record's
    /// error: an id is kept as written, and the NUL went into every table. In the URL, date or
    /// source it is U+FFFD, the record kept. A C1 control (U+009B, a terminal's CSI) alike: it
    /// reached every table as it was. The title (a text file's title line too) is kept as
    /// written, for it is analysed as a text is: made U+FFFD here, `Biden\u0085` became the
    /// entity `Biden\u{FFFD}`, and a text opening with the same title no longer held it (the
    /// headline analysed twice). `articles.csv` writes it with U+FFFD (`crate::output`).
    #[test]
    fn control_characters_in_an_id_are_its_error_and_in_metadata_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let lines = write(
            dir.path(),
            "nul.jsonl",
            concat!(
                r#"{"id": "a\u0000b", "text": "One."}"#,
                "\n",
                r#"{"id": "c", "title": "T\u0000itle", "text": "Two.", "url": "http://x/\u0007", "published": "2024\u0001", "source": "x\u001b", "tab": "a\tb"}"#,
                "\n",
                r#"{"id": "d\te", "title": "tab\tkept", "text": "Three."}"#,
                "\n",
                r#"{"id": "f\u009bg", "text": "Four."}"#,
                "\n",
                r#"{"id": "h", "title": "\u009b2J\u0093Hi\u0094\u00a0!", "text": "Five."}"#,
            )
            .as_bytes(),
        );
        let csv = write(
            dir.path(),
            "nul.csv",
            b"id,title,text\nr\x001,t,One.\nr2,t\x02,Two.\n",
        );
        let folder = write(dir.path(), "texts/story.txt", b"Ti\x01tle\n\nBody.");
        let items = read_all(&[lines, csv, folder.parent().unwrap().to_path_buf()]);
        let got: Vec<(&str, &str)> = articles(&items)
            .iter()
            .map(|a| (a.id.as_str(), a.title.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("c", "T\u{0}itle"),
                ("d\te", "tab\tkept"),
                ("h", "\u{9b}2J\u{93}Hi\u{94}\u{a0}!"),
                ("r2", "t\u{2}"),
                ("story", "Ti\u{1}tle")
            ]
        );
        let c = articles(&items)[0];
        assert_eq!(
            (
                c.url.as_deref(),
                c.published.as_deref(),
                c.source.as_deref()
            ),
            (
                Some("http://x/\u{FFFD}"),
                Some("2024\u{FFFD}"),
                Some("x\u{FFFD}")
            )
        );
        let errors: Vec<String> = errors(&items)
            .iter()
            .map(|e| format!("{}: {}", e.record, e.reason))
            .collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0]
                .starts_with("line 1: the id holds a control character (U+0000 at character 2"),
            "{errors:?}"
        );
        assert!(
            errors[1]
                .starts_with("line 4: the id holds a control character (U+009B at character 2"),
            "{errors:?}"
        );
        assert!(errors[2].starts_with("row 1: the id holds"), "{errors:?}");
    }

    #[test]
    fn a_json_array_file_is_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "pretty.json",
            b"[\n  {\n    \"text\": \"x\"\n  },\n  {\"id\": 12345678901234567890123, \"text\": \"y\"}\n]\n",
        );
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["pretty:1", "12345678901234567890123"]);
        assert!(errors(&items).is_empty());
        // White space longer than a read buffer before the `[` (the whole file was read as JSON
        // lines, every line an error), and the same array gzipped.
        let spaced = format!(
            "\u{feff}{}\n[{{\"text\": \"x\"}},\n{{\"text\": \"y\"}}]",
            " ".repeat(70_000)
        );
        let plain = write(dir.path(), "spaced.json", spaced.as_bytes());
        let gzipped = write(dir.path(), "spaced.json.gz", &gzip(spaced.as_bytes()));
        let items = read_all(&[plain, gzipped]);
        assert_eq!(articles(&items).len(), 4, "{:?}", errors(&items));
        assert!(errors(&items).is_empty());
    }

    /// A `.json` pipe was judged array or JSON lines by its first read: a writer that sent a
    /// line end first had its valid array read as JSON lines, two of three elements errors.
    #[test]
    fn a_json_pipe_is_judged_by_its_first_byte_that_is_not_space() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = |name: &str, parts: [&'static str; 2]| {
            let path = dir.path().join(name);
            crate::paths::special::make_fifo(&path);
            let writer_path = path.clone();
            let writer = std::thread::spawn(move || {
                use std::io::Write;
                let mut fifo = File::create(writer_path).unwrap();
                fifo.write_all(parts[0].as_bytes()).unwrap();
                fifo.flush().unwrap();
                std::thread::sleep(std::time::Duration::from_millis(200));
                fifo.write_all(parts[1].as_bytes()).unwrap();
            });
            (path, writer)
        };
        let (array, writer) = pipe(
            "a.json",
            ["\n", "[{\"text\": \"x\"},\n{\"text\": \"y\"}]\n"],
        );
        let items = read_all(&[array]);
        writer.join().unwrap();
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["a:1", "a:2"], "{:?}", errors(&items));
        // JSON lines after white space keep their line numbers.
        let (lines, writer) = pipe(
            "l.json",
            ["\n \n", "{\"text\": \"x\"}\n{\"text\": \"y\"}\n"],
        );
        let items = read_all(&[lines]);
        writer.join().unwrap();
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["l:3", "l:4"], "{:?}", errors(&items));
    }

    /// A `.txt` named pipe given as an input is read, as a `.jsonl` one is: it was an error
    /// row, "a FIFO (named pipe), not a text file: not read", its writer left waiting. (A FIFO
    /// inside a folder input is still never opened: no one named it.) Its text, as a stream's
    /// records, is counted no further than [`stream_record_limit`]: `cat /dev/zero >` it was
    /// counted for ever.
    #[test]
    fn a_txt_pipe_is_read_and_its_text_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("story.txt");
        crate::paths::special::make_fifo(&path);
        let writer_path = path.clone();
        let writer = std::thread::spawn(move || {
            std::fs::write(writer_path, "Talks end\n\nMerkel said \"yes\".\n").unwrap();
        });
        let items = crate::paths::special::at_once(move || read_all(&[path]));
        let found: Vec<(&str, &str)> = articles(&items)
            .iter()
            .map(|a| (a.id.as_str(), a.title.as_str()))
            .collect();
        // Before the join: a pipe never opened leaves its writer waiting.
        assert_eq!(found, [("story", "Talks end")], "{:?}", errors(&items));
        writer.join().unwrap();
        let zeros: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::repeat(0)));
        let mut stream = Stream::new("z.txt", "z", zeros, false, false, DEFAULT_MAX_BYTES);
        stream.limit = Some(1 << 20);
        let file = TextFile::new(PathBuf::from("z.txt"), Path::new("z.txt"));
        let mut source = TextFiles::of("z.txt".into(), VecDeque::from([Ok(file)]), Some(stream));
        let error = crate::paths::special::at_once(move || {
            let error = source.next_record(&ReadOptions::default());
            (error, source.next_record(&ReadOptions::default()).is_none())
        });
        let (error, then_none) = error;
        let error = error.expect("an error row").expect_err("no article");
        assert!(error.is_cut_short(), "{error}");
        assert!(
            error.reason.contains("runs past") && error.reason.contains("NUL"),
            "{error}"
        );
        assert!(then_none);
    }

    /// A record of only a headline (a NewsAPI item without its content) is the headline's
    /// article, its text empty: it was an error row, `empty text`, and its names and quote were
    /// never found. A record with neither, a blank title beside an empty text, is still one.
    #[test]
    fn a_record_of_only_a_title_is_an_article() {
        let dir = tempfile::tempdir().unwrap();
        let lines = [
            serde_json::json!({"id": "h", "title": "Pompeo says talks failed", "text": ""}),
            serde_json::json!({"id": "w", "title": "Pompeo says talks failed",
                "text": " \n\u{200b}"}),
            serde_json::json!({"id": "n", "title": " ", "text": ""}),
        ]
        .map(|l| format!("{l}\n"))
        .concat();
        let jsonl = write(dir.path(), "h.jsonl", lines.as_bytes());
        let csv = write(
            dir.path(),
            "h.csv",
            b"id,title,text\nc,Pompeo says talks failed,\nd,,\n",
        );
        let items = read_all(&[jsonl, csv]);
        let got: Vec<(&str, &str, &str)> = articles(&items)
            .iter()
            .map(|a| (a.id.as_str(), a.title.as_str(), a.text.as_str()))
            .collect();
        let title = "Pompeo says talks failed";
        assert_eq!(
            got,
            [
                ("h", title, ""),
                ("w", title, " \n\u{200b}"),
                ("c", title, "")
            ]
        );
        let errors: Vec<String> = errors(&items).iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].ends_with("h.jsonl: line 3: empty text and no title"));
        assert!(errors[1].ends_with("h.csv: row 2: empty text and no title"));
    }

    /// A text of only zero-width characters and NULs was an `ok` article with nothing in it.
    #[test]
    fn a_text_of_only_invisible_characters_is_an_empty_text() {
        let dir = tempfile::tempdir().unwrap();
        let invisible = "\u{200b}\u{0}\u{200d} \u{feff}\u{2060}\u{ad}";
        let line = format!("{}\n", serde_json::json!({"text": invisible}));
        let jsonl = write(dir.path(), "i.jsonl", line.as_bytes());
        let csv = write(
            dir.path(),
            "i.csv",
            format!("text\n{invisible}\n").as_bytes(),
        );
        let txt = write(dir.path(), "i.txt", invisible.as_bytes());
        let items = read_all(&[jsonl, csv, txt]);
        let reasons: Vec<&str> = errors(&items).iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(reasons, [EMPTY_RECORD, EMPTY_RECORD, "empty text"]);
        assert!(articles(&items).is_empty());
        // Visible text around them is an article, as written.
        let kept = format!("Zero\u{200b}width{invisible}");
        let txt = write(dir.path(), "k.txt", kept.as_bytes());
        assert_eq!(articles(&read_all(&[txt]))[0].text, kept);
    }

    #[test]
    fn a_lone_brace_line_costs_that_line_only() {
        let dir = tempfile::tempdir().unwrap();
        for first in ["{", "["] {
            let content = format!("{first}\n{{\"text\": \"a\"}}\n{{\"text\": \"b\"}}\n");
            let path = write(dir.path(), "lone.jsonl", content.as_bytes());
            let items = read_all(&[path]);
            assert_eq!(articles(&items).len(), 2, "after a lone {first}");
            let error = errors(&items)[0];
            assert_eq!(error.record, "line 1");
            assert!(
                error.reason.contains("one whole object per line"),
                "{}",
                error.reason
            );
        }
    }

    #[test]
    fn every_article_knows_its_input_and_record() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = write(dir.path(), "a.jsonl", b"\n{\"text\": \"x\"}\n");
        let csv = write(dir.path(), "b.csv", b"text\nx\n");
        let json = write(dir.path(), "c.json", b"[{\"text\": \"x\"}]");
        let folder = dir.path().join("d");
        write(&folder, "e.txt", b"x");
        let items = read_all(&[jsonl.clone(), csv.clone(), json.clone(), folder.clone()]);
        let origins: Vec<(String, String)> = articles(&items)
            .iter()
            .map(|a| (a.origin.input.clone(), a.origin.record.clone()))
            .collect();
        let name = |p: &Path| p.display().to_string();
        assert_eq!(
            origins,
            [
                (name(&jsonl), "line 2".to_string()),
                (name(&csv), "row 1".to_string()),
                (name(&json), "element 1".to_string()),
                (name(&folder), "e.txt".to_string()),
            ]
        );
    }

    #[test]
    fn numeric_ids_are_kept_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            "n.jsonl",
            b"{\"id\": 4.50, \"text\": \"a\", \"published\": 20240101}\n{\"id\": 12345678901234567890123, \"text\": \"b\"}\n{\"id\": -1e3, \"text\": \"c\"}\n",
        );
        let items = read_all(&[path]);
        let ids: Vec<&str> = articles(&items).iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["4.50", "12345678901234567890123", "-1e3"]);
        assert_eq!(articles(&items)[0].published.as_deref(), Some("20240101"));
    }

    #[test]
    fn missing_and_unknown_inputs_are_errors_and_reading_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.jsonl");
        let unknown = write(dir.path(), "notes.xml", b"<a/>");
        let no_extension = write(dir.path(), "README", b"x");
        let good = write(dir.path(), "g.jsonl", b"{\"text\": \"good\"}\n");
        let items = read_all(&[missing.clone(), unknown.clone(), no_extension, good]);
        assert_eq!(items.len(), 4);
        let errs = errors(&items);
        assert_eq!(
            (errs[0].input.as_str(), errs[0].record.as_str()),
            (missing.to_str().unwrap(), "-")
        );
        assert!(
            errs[0].reason.starts_with("cannot open: "),
            "{}",
            errs[0].reason
        );
        assert_eq!(errs[1].input, unknown.display().to_string());
        assert!(errs[1]
            .reason
            .starts_with("unsupported input format (extension .xml); supported: .jsonl,"));
        assert!(
            errs[1].reason.contains(".csv") && errs[1].reason.contains(".gz"),
            "{}",
            errs[1].reason
        );
        assert!(errs[2]
            .reason
            .starts_with("unsupported input format (no extension)"));
        assert_eq!(articles(&items)[0].text, "good");
    }

    #[test]
    fn a_gz_input_unreadable_from_its_start_is_an_error_of_the_whole_input() {
        let dir = tempfile::tempdir().unwrap();
        let inputs = [
            // A plain text named .txt.gz: a record's error row, and exit 0, before.
            write(dir.path(), "plain.txt.gz", STORY.as_bytes()),
            // The gzip magic and junk: `line 1`'s error row before.
            write(dir.path(), "junk.jsonl.gz", b"\x1f\x8bjunk junk junk junk"),
            write(
                dir.path(),
                "junk.txt.gz",
                b"\x1f\x8b\x08\x00junk junk junk junk",
            ),
            write(dir.path(), "empty.txt.gz", b""),
            write(dir.path(), "good.txt.gz", &gzip(STORY.as_bytes())),
        ];
        let items = read_all(&inputs);
        let errs = errors(&items);
        let whole: Vec<(&str, &str)> = errs
            .iter()
            .map(|e| (e.input.rsplit('/').next().unwrap(), e.record.as_str()))
            .collect();
        assert_eq!(
            whole,
            [
                ("plain.txt.gz", "-"),
                ("junk.jsonl.gz", "-"),
                ("junk.txt.gz", "-"),
                // The empty one stays its own record's error, as an empty `.txt` is.
                ("empty.txt.gz", "empty.txt.gz")
            ],
            "{errs:?}"
        );
        assert!(errs[0].reason.starts_with("not gzip data"), "{}", errs[0]);
        for e in &errs[1..3] {
            assert!(e.reason.contains("gzip stream truncated or corrupt"), "{e}");
        }
        // It said "cannot read further: unexpected end of file (is the gzip stream truncated
        // or corrupt?)".
        assert_eq!(errs[3].reason, "empty text");
        assert_eq!(articles(&items).len(), 1, "{items:?}");
        assert_eq!(items.len(), 5, "{items:?}");
    }

    /// Zero bytes after a gzip file's last member (padding to a block size) are no data: the
    /// records are read whole, with no error row; it said "cannot read further: invalid gzip
    /// header", as if the stream had been cut short. Other bytes after it are still an error.
    #[test]
    fn zero_bytes_after_the_last_gzip_member_are_no_data() {
        let dir = tempfile::tempdir().unwrap();
        let member = |text: &str| gzip(format!("{{\"text\": \"{text}\"}}\n").as_bytes());
        let two_members = [member("one"), member("two")].concat();
        let padded = write(
            dir.path(),
            "padded.jsonl.gz",
            &[two_members.as_slice(), &[0; 10_000]].concat(),
        );
        let junk = write(
            dir.path(),
            "junk.jsonl.gz",
            &[two_members.as_slice(), &[0; 4], b"junk"].concat(),
        );
        let items = read_all(&[padded]);
        assert!(errors(&items).is_empty(), "{items:?}");
        let texts: Vec<&str> = articles(&items).iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, ["one", "two"]);
        let items = read_all(&[junk]);
        assert_eq!(articles(&items).len(), 2, "{items:?}");
        assert!(errors(&items)[0].is_cut_short(), "{items:?}");
    }

    /// A folder's long `.txt.gz` cut short is its one record's error row, all it lost, not an
    /// input cut short (exit 3) as a `.jsonl.gz` cut short is.
    #[test]
    fn a_text_file_cut_short_is_its_records_error() {
        let dir = tempfile::tempdir().unwrap();
        let long: String = (0..20_000).map(|i| format!("word{i} ")).collect();
        let compressed = gzip(long.as_bytes());
        let folder = dir.path().join("texts");
        write(&folder, "cut.txt.gz", &compressed[..compressed.len() / 2]);
        let items = read_all(&[folder]);
        let error = only_error(&items);
        assert!(
            error
                .reason
                .starts_with("the file cannot be read to its end: "),
            "{error}"
        );
        assert!(!error.is_cut_short() && !error.is_input_not_read_whole());
    }

    #[test]
    fn truncated_gzip_gives_the_records_read_then_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut content = String::new();
        for i in 0..2000 {
            content.push_str(&format!(
                "{{\"id\": {i}, \"text\": \"article number {i} with some words\"}}\n"
            ));
        }
        let compressed = gzip(content.as_bytes());
        let truncated = &compressed[..compressed.len() / 2];
        let inputs = [
            write(dir.path(), "cut.jsonl.gz", truncated),
            write(dir.path(), "cut.csv.gz", &gzip(CSV.as_bytes())[..20]),
            write(dir.path(), "cut.txt.gz", &gzip(STORY.as_bytes())[..20]),
            write(dir.path(), "after.jsonl", b"{\"text\": \"after\"}\n"),
        ];
        let items = read_all(&inputs);
        let read_before_cut = items.iter().take_while(|item| item.is_ok()).count();
        assert!(read_before_cut > 100, "{read_before_cut}");
        for (i, item) in items[..read_before_cut].iter().enumerate() {
            assert_eq!(item.as_ref().unwrap().id, i.to_string());
        }
        let errs = errors(&items);
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert_eq!(errs[0].record, format!("line {}", read_before_cut + 1));
        // Records after the cut have no rows: the run exits 3 for it.
        assert!(errs[0].is_cut_short(), "{}", errs[0]);
        for error in &errs {
            assert!(
                error.reason.contains("gzip stream truncated or corrupt"),
                "{error}"
            );
        }
        assert_eq!(items.last().unwrap().as_ref().unwrap().text, "after");
    }

    #[test]
    fn keeps_input_order_across_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let texts = dir.path().join("texts");
        write(&texts, "t1.txt", b"text one");
        write(&texts, "t2.txt", b"text two");
        let inputs = [
            write(
                dir.path(),
                "z.jsonl",
                b"{\"text\": \"j1\"}\n{\"text\": \"j2\"}\n",
            ),
            texts,
            write(dir.path(), "a.csv", b"text\nc1\nc2\n"),
            write(dir.path(), "m.txt", b"single"),
            write(dir.path(), "b.jsonl.gz", &gzip(b"{\"text\": \"g1\"}\n")),
        ];
        let items = read_all(&inputs);
        let texts: Vec<&str> = articles(&items).iter().map(|a| a.text.as_str()).collect();
        assert_eq!(
            texts,
            ["j1", "j2", "text one", "text two", "c1", "c2", "single", "g1"]
        );
    }

    #[test]
    fn every_record_is_counted_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut jsonl = Vec::new();
        let mut csv = b"id,text\n".to_vec();
        let mut records = 0;
        for i in 0..300 {
            let bad = i % 7 == 3;
            match (i % 5, bad) {
                (_, false) => jsonl
                    .extend_from_slice(format!("{{\"id\": {i}, \"text\": \"t{i}\"}}\n").as_bytes()),
                (0, true) => jsonl.extend_from_slice(b"{\"text\": \n"),
                (1, true) => jsonl.extend_from_slice(b"{\"text\": \"\xc3\"}\n"),
                (2, true) => jsonl.extend_from_slice(b"[1]\n"),
                (3, true) => jsonl.extend_from_slice(b"{\"id\": 1}\n"),
                (_, true) => jsonl.extend_from_slice(b"{\"text\": \"  \"}\n"),
            }
            if i % 11 == 0 {
                jsonl.extend_from_slice(b"\n");
            }
            let row = if bad {
                format!("{i},\"t\",{i}\n")
            } else {
                format!("{i},\"t{i}\nmore\"\n")
            };
            csv.extend_from_slice(row.as_bytes());
            records += 2;
        }
        let inputs = [
            write(dir.path(), "mix.jsonl", &jsonl),
            write(dir.path(), "mix.csv.gz", &gzip(&csv)),
        ];
        let items = read_all(&inputs);
        assert_eq!(items.len(), records);
        assert_eq!(
            errors(&items).len(),
            2 * (0..300).filter(|i| i % 7 == 3).count()
        );
    }

    #[test]
    fn keeps_unicode_byte_exact() {
        let text = "“Curly” ‘quotes’, café, naïve, Zürich — emoji 🎉👩‍👩‍👧 and e\u{301}";
        let dir = tempfile::tempdir().unwrap();
        let escaped = serde_json::to_string(text).unwrap();
        let ascii_escaped: String = text
            .encode_utf16()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect();
        let jsonl = format!("{{\"text\": {escaped}}}\n{{\"text\": \"{ascii_escaped}\"}}\n");
        let csv = format!("text\n\"{text}\"\n");
        let inputs = [
            write(dir.path(), "u.jsonl", jsonl.as_bytes()),
            write(dir.path(), "u.csv", csv.as_bytes()),
            write(dir.path(), "u.txt", text.as_bytes()),
            write(dir.path(), "u.txt.gz", &gzip(text.as_bytes())),
        ];
        let items = read_all(&inputs);
        assert_eq!(items.len(), 5);
        for article in articles(&items) {
            assert_eq!(article.text.as_bytes(), text.as_bytes());
        }
    }

    #[test]
    fn reads_a_huge_json_line() {
        let dir = tempfile::tempdir().unwrap();
        let big = "word ".repeat(4_000_000);
        let line = format!("{{\"id\": \"big\", \"text\": \"{big}\", \"junk\": [\"{big}\"]}}\n{{\"text\": \"small\"}}\n");
        let path = write(dir.path(), "big.jsonl", line.as_bytes());
        let items = read_all(std::slice::from_ref(&path));
        assert_eq!(
            only_error(&items[..1]).reason,
            too_big(20_000_000, DEFAULT_MAX_BYTES)
        );
        assert_eq!(items[1].as_ref().unwrap().text, "small");

        let opts = ReadOptions {
            max_bytes: 30_000_000,
            ..ReadOptions::default()
        };
        let items: Vec<_> = read_inputs(&[path], &opts).collect();
        assert_eq!(items[0].as_ref().unwrap().text.len(), 20_000_000);
    }

    #[test]
    fn record_errors_display_input_record_and_reason() {
        let error = RecordError {
            input: "a.jsonl".into(),
            record: "line 3".into(),
            reason: "empty text".into(),
        };
        assert_eq!(error.to_string(), "a.jsonl: line 3: empty text");
    }

    #[test]
    fn the_stream_can_move_to_another_thread() {
        fn assert_send<T: Send>(_: &T) {}
        assert_send(&read_inputs(&[], &ReadOptions::default()));
    }

    #[test]
    fn splits_names() {
        let parts = NameParts::of(Path::new("dir/News.Day.JSONL.gz"));
        assert_eq!(
            (parts.stem.as_str(), parts.extension.as_str(), parts.gzipped),
            ("News.Day", "jsonl", true)
        );
        let parts = NameParts::of(Path::new(".txt"));
        assert_eq!(
            (parts.stem.as_str(), parts.extension.as_str(), parts.gzipped),
            (".txt", "", false)
        );
    }
}
