//! Text files, one article each: a single `.txt` input, or every `.txt`/`.txt.gz` entry of a
//! folder, recursively, in path order, as one walk of the folder listed them ([`Listings`]).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::*;

/// Text files, one article each, read one at a time.
pub(super) struct TextFiles {
    input: String,
    /// Each file, or an error found while listing (an unreadable subdirectory), in reading order.
    files: VecDeque<Result<TextFile, RecordError>>,
    /// The first file's bytes, when opening the input opened it (a `.txt.gz` input, checked
    /// to be gzip data when the input opens; a `.txt` named pipe): read from that opening, not
    /// a second one, as far as its [`Stream::limit`].
    opened: Option<Stream>,
}

/// One text file of an input, and how its article is named.
#[derive(Clone)]
pub(super) struct TextFile {
    pub(super) path: PathBuf,
    /// Its record name: the file name of a `.txt` input, the path under the folder
    /// (`2024/01/story.txt`) for a folder's file.
    pub(super) record: String,
    /// The id its article gets: the record name without `.txt`/`.txt.gz` ([`text_file_id`]).
    pub(super) id: String,
}

impl TextFile {
    /// `path` read under the record name `record` (a path relative to the input's folder, or
    /// the file name of a `.txt` input).
    pub(super) fn new(path: PathBuf, record: &Path) -> TextFile {
        TextFile {
            id: text_file_id(record),
            record: crate::paths::text_of(record.as_os_str()),
            path,
        }
    }
}

/// The made-up id of a text file's article: its path under the folder input, `/` between
/// folders, without the `.txt` or `.txt.gz` ending (`2024/01/story.txt.gz` is `2024/01/story`);
/// a `.txt` input's is its stem. The bare stem made `2024/01/story.txt` and `2024/02/story.txt`
/// one id, `story`. The path is taken under the folder, not as the folder was given, so that
/// the id (which `--shard` hashes) is the same on every machine, wherever the folder is
/// mounted and however its path is written.
fn text_file_id(relative: &Path) -> String {
    let mut parts: Vec<String> = relative
        .parent()
        .into_iter()
        .flat_map(|folders| folders.components())
        .map(|c| crate::paths::text_of(c.as_os_str()))
        .collect();
    parts.push(NameParts::of(relative).stem);
    parts.join("/")
}

impl TextFiles {
    /// The text files `files` of `input`, the first of them `opened` already.
    pub(super) fn of(
        input: String,
        files: VecDeque<Result<TextFile, RecordError>>,
        opened: Option<Stream>,
    ) -> TextFiles {
        TextFiles {
            input,
            files,
            opened,
        }
    }

    pub(super) fn next_record(
        &mut self,
        opts: &ReadOptions,
    ) -> Option<Result<Article, RecordError>> {
        let file = match self.files.pop_front()? {
            Ok(file) => file,
            Err(error) => return Some(Err(error)),
        };
        let origin = Origin {
            input: self.input.clone(),
            record: file.record,
        };
        let gzipped = NameParts::of(&file.path).gzipped;
        let (reader, limit) = match self.opened.take() {
            Some(stream) => (Ok(stream.reader), stream.limit),
            None => {
                let reader = regular_file(&file.path)
                    .and_then(|()| open_reader(&file.path, gzipped).map_err(Unopened::reason));
                (reader, None)
            }
        };
        Some(
            reader
                .and_then(|reader| read_text_article(reader, gzipped, limit, file.id, opts))
                .map(|article| Article {
                    origin: origin.clone(),
                    ..article
                })
                .map_err(|reason| origin.error(reason)),
        )
    }
}

/// The listing of each folder input of a run, each folder walked once: the reader reads the
/// files of that listing, `--resume` stamps the folder by it ([`crate::checkpoint`]), the input
/// checks and the progress bar count from it, and `extract` names the files it passes over from
/// it. Each of them walked the folder anew (three to four walks of a 20,000-file folder), so a
/// file added or removed between two walks made the stamp, the count and the rows disagree.
///
/// ```text
/// Listings::of([news/, a.jsonl])   walks news/ once (a.jsonl is no folder: nothing to list)
/// listings.folder(news/)           that walk, however often asked
/// listings.folder(other/)          None: not an input of the run; the reader walks it itself
/// ```
///
/// A file added to a folder after its walk is not read, and not stamped; one removed after it
/// is an error row (`cannot open: No such file or directory`): the run's accounting and its rows
/// agree either way.
#[derive(Clone, Default)]
pub struct Listings {
    folders: Vec<(PathBuf, Arc<io::Result<FolderListing>>)>,
}

impl Listings {
    /// One walk of each folder among `inputs` (named as given; a name given twice is walked once).
    pub fn of(inputs: &[PathBuf]) -> Listings {
        let mut folders: Vec<(PathBuf, Arc<io::Result<FolderListing>>)> = Vec::new();
        for input in inputs {
            if input.is_dir() && !folders.iter().any(|(dir, _)| dir == input) {
                folders.push((input.clone(), Arc::new(FolderListing::walk(input))));
            }
        }
        Listings { folders }
    }

    /// The walk of the folder input `dir` (as given), if it is one of these.
    pub fn folder(&self, dir: &Path) -> Option<&io::Result<FolderListing>> {
        self.shared(dir).map(|listing| &**listing)
    }

    fn shared(&self, dir: &Path) -> Option<&Arc<io::Result<FolderListing>>> {
        self.folders
            .iter()
            .find(|(listed, _)| listed == dir)
            .map(|(_, listing)| listing)
    }

    /// The walk of `dir`: this run's when `dir` is one of its folder inputs, else a new one.
    pub fn folder_or_walk(&self, dir: &Path) -> Arc<io::Result<FolderListing>> {
        match self.shared(dir) {
            Some(listing) => Arc::clone(listing),
            None => Arc::new(FolderListing::walk(dir)),
        }
    }
}

/// What one walk of a folder input found: every `.txt` and `.txt.gz` file under it, recursively,
/// in path order, each with its path under the folder as its record name, and each subfolder
/// that could not be listed in its place (an error row); and the files it does not read, in path
/// order: not hidden, and not `.txt` or `.txt.gz` (`a.txt.bz2`, `notes.md`). Those are no
/// records, so no error rows; `extract` names them on stderr (a folder with nothing to read is
/// an error row for the whole input, from the reader).
///
/// A file the folder holds under several names (a link, a hard link) is read once, under the
/// first of them in path order; the others are [`FolderListing::read_once`], which `extract`
/// names on stderr. Read under each name, one story became three articles and the entity index
/// counted its people three times:
///
/// ```text
/// 2024/01/story.txt                       read: article 2024/01/story
/// hard.txt          (hard link to it)     not read: the same file (device and inode)
/// latest/story.txt  -> ../2024/01/story.txt   not read: the same file
/// ```
pub struct FolderListing {
    pub(super) files: Vec<Result<TextFile, RecordError>>,
    pub not_read: Vec<PathBuf>,
    /// Each name passed over as a file read under an earlier name, with that name: (passed
    /// over, read), in path order.
    pub read_once: Vec<(PathBuf, PathBuf)>,
}

impl FolderListing {
    /// Walks `dir`; an error when `dir` itself cannot be listed.
    fn walk(dir: &Path) -> io::Result<FolderListing> {
        let mut not_read = Vec::new();
        let mut files = walk(dir, &mut not_read)?;
        not_read.sort();
        let read_once = keep_first_name_of_each_file(&mut files);
        Ok(FolderListing {
            files,
            not_read,
            read_once,
        })
    }

    /// How many records the folder gives: its text files and its subfolders that cannot be
    /// listed, one row each.
    pub fn records(&self) -> usize {
        self.files.len()
    }

    /// Each record as its record name (the path under the folder) and the file's path, or why
    /// the subfolder it names cannot be listed, in reading order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, Result<&Path, &str>)> {
        self.files.iter().map(|entry| match entry {
            Ok(file) => (file.record.as_str(), Ok(file.path.as_path())),
            Err(e) => (e.record.as_str(), Err(e.reason.as_str())),
        })
    }
}

/// Drops from `files` (in path order) each name of a file already listed under an earlier one
/// (device and inode, through links: [`crate::paths::file_identity`]), and gives the names
/// dropped, each with the name kept. A name that cannot be opened stays: it is an error row.
fn keep_first_name_of_each_file(
    files: &mut Vec<Result<TextFile, RecordError>>,
) -> Vec<(PathBuf, PathBuf)> {
    let mut first_name: HashMap<(u64, u64), PathBuf> = HashMap::new();
    let mut dropped = Vec::new();
    files.retain(|entry| {
        let Ok(file) = entry else { return true };
        let Some(identity) = crate::paths::file_identity(&file.path) else {
            return true;
        };
        match first_name.entry(identity) {
            Entry::Vacant(slot) => {
                slot.insert(file.path.clone());
                true
            }
            Entry::Occupied(kept) => {
                dropped.push((file.path.clone(), kept.get().clone()));
                false
            }
        }
    });
    dropped
}

/// The text files under `dir` and the folders it cannot list, with the other files it passes
/// added to `others` ([`FolderListing`]).
fn walk(dir: &Path, others: &mut Vec<PathBuf>) -> io::Result<Vec<Result<TextFile, RecordError>>> {
    let input = crate::paths::text_of(dir.as_os_str());
    let mut found: Vec<(PathBuf, Option<io::Error>)> = Vec::new();
    let mut pending_dirs = vec![dir.to_path_buf()];
    let mut is_top = true;
    while let Some(current) = pending_dirs.pop() {
        let entries = match fs::read_dir(&current) {
            Ok(entries) => entries,
            // The input itself unreadable: one error for the input, from the caller.
            Err(error) if is_top => return Err(error),
            Err(error) => {
                found.push((current, Some(error)));
                continue;
            }
        };
        is_top = false;
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    found.push((current.clone(), Some(error)));
                    break;
                }
            };
            let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
            if name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let Ok(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                pending_dirs.push(path);
            } else if name.ends_with(".txt") || name.ends_with(".txt.gz") {
                // Whatever it is (a link, a FIFO…), it looks like an input: it becomes an
                // article or an error row when read, never nothing.
                found.push((path, None));
            } else {
                others.push(path);
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found
        .into_iter()
        .map(|(path, listing_error)| {
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            match listing_error {
                None => Ok(TextFile::new(path.clone(), relative)),
                Some(error) => Err(RecordError {
                    input: input.clone(),
                    // A listing error in the input directory itself has no relative path.
                    record: match relative.as_os_str().is_empty() {
                        true => ".".to_string(),
                        false => crate::paths::text_of(relative.as_os_str()),
                    },
                    reason: format!("cannot list directory: {error}"),
                }),
            }
        })
        .collect())
}

/// Why a folder entry named like a text file cannot be read as one, if it cannot: a FIFO is
/// never opened (that would wait for a writer forever), nor a device.
fn regular_file(path: &Path) -> Result<(), String> {
    let metadata = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return Err(match fs::read_link(path) {
                // Links that lead to each other (`b.txt -> c.txt -> b.txt`) were called broken,
                // as if a target had been deleted: the fix is another.
                #[cfg(unix)]
                Ok(target) if e.raw_os_error() == Some(libc::ELOOP) => format!(
                    "symbolic link loop (to {}): links that lead back to each other, never to a \
                     file",
                    target.display()
                ),
                Ok(target) => format!("broken symbolic link (to {})", target.display()),
                Err(_) => format!("cannot open: {e}"),
            });
        }
    };
    if metadata.is_file() {
        return Ok(());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = metadata.file_type();
        let what = if t.is_fifo() {
            "a FIFO (named pipe)"
        } else if t.is_socket() {
            "a socket"
        } else if t.is_block_device() || t.is_char_device() {
            "a device"
        } else if t.is_dir() {
            "a symbolic link to a directory (not followed)"
        } else {
            "not a regular file"
        };
        Err(format!("{what}, not a text file: not read"))
    }
    #[cfg(not(unix))]
    Err("not a regular file: not read".into())
}

/// The bytes of one text file (decompressed, when `gzipped`) as the article `id`, or why they
/// are not one; a text over `--max-bytes` is counted to its end, or to `limit` bytes at most
/// ([`Stream::limit`]: a named pipe's may never end).
fn read_text_article(
    mut reader: impl Read,
    gzipped: bool,
    limit: Option<u64>,
    id: String,
    opts: &ReadOptions,
) -> Result<Article, String> {
    // A byte-order mark (Notepad's and Excel's UTF-8) marks the encoding, not the text: kept, it
    // became part of the first word (`\u{feff}John Smith`, a second entity key) and of the first
    // quote, and the text differed from the same article read from JSONL or CSV, whose readers
    // drop it. Offsets count from the first character after it, and `--max-bytes` counts the
    // text without it, as for JSONL and CSV.
    const BOM: &[u8] = "\u{feff}".as_bytes();
    // Read no more than the limit allows, then only count the rest, so a huge file costs no memory.
    let mut bytes = Vec::new();
    let kept = (opts.max_bytes as u64).saturating_add(1 + BOM.len() as u64);
    (&mut reader)
        .take(kept)
        .read_to_end(&mut bytes)
        .map_err(|e| file_cut_short(&e, gzipped))?;
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    // UTF-16, or compressed data (`story.txt` that is gzip data): said so, not "invalid UTF-8
    // at byte 1" or "over the limit".
    if let Some(reason) = super::no_text_reason(&bytes, gzipped) {
        return Err(reason);
    }
    if bytes.len() > opts.max_bytes {
        // `cat /dev/zero > news.txt` (a named pipe) was counted for ever.
        let counted = limit.map_or(u64::MAX, |limit| {
            (limit + 1).saturating_sub(bytes.len() as u64)
        });
        let rest = io::copy(&mut (&mut reader).take(counted), &mut io::sink())
            .map_err(|e| file_cut_short(&e, gzipped))?;
        let read = bytes.len() as u64 + rest;
        if limit.is_some_and(|limit| read > limit) {
            return Err(unending_record(
                "the text",
                read,
                &bytes[..64.min(bytes.len())],
            ));
        }
        return Err(too_big(read as usize, opts.max_bytes));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "invalid UTF-8 at byte {} of the file",
            e.utf8_error().valid_up_to()
        )
    })?;
    if shows_nothing(&text) {
        return Err("empty text".into());
    }
    Ok(Article {
        id,
        title: find_title(&text),
        text,
        url: None,
        published: None,
        source: None,
        origin: Origin::default(),
    })
}

/// The reason of a text file that could not be read to its end. A text file is one record:
/// its error row stands for all that was lost, as an invalid-UTF-8 file's does, so it is not an
/// input cut short ([`RecordError::is_cut_short`], exit 3), whose records after the cut have no
/// rows. (Most cut `.txt.gz` files fail at their start, "cannot read from the start", an error
/// row too: only a long one failed later.)
fn file_cut_short(error: &io::Error, gzipped: bool) -> String {
    let reason = read_failure(error, gzipped);
    let detail = reason
        .split_once(": ")
        .map_or(reason.as_str(), |(_, rest)| rest);
    format!("the file cannot be read to its end: {detail}")
}

/// The first line that is neither blank nor web debris, when a blank line follows it; otherwise
/// the file has no title line (its first line is the start of the body). The title stays in the
/// text as well.
pub(super) fn find_title(text: &str) -> String {
    let mut lines = text
        .lines()
        .map(|line| line.trim_start_matches('\u{feff}').trim());
    let Some(title) =
        lines.find(|line| !line.is_empty() && crate::clean::debris_reason(line).is_none())
    else {
        return String::new();
    };
    match lines.next() {
        Some("") => title.to_string(),
        _ => String::new(),
    }
}
