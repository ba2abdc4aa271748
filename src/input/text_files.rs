//! Text files, one article each: a single `.txt` input, or every `.txt`/`.txt.gz` entry of a
//! folder, recursively, in path order.

use std::collections::VecDeque;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::*;

/// Text files, one article each, read one at a time.
pub(super) struct TextFiles {
    pub(super) input: String,
    /// Each file, or an error found while listing (an unreadable subdirectory), in reading order.
    pub(super) files: VecDeque<Result<TextFile, RecordError>>,
}

/// One text file of an input, and how its article is named.
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
        Some(
            regular_file(&file.path)
                .and_then(|()| read_text_article(&file.path, file.id, opts))
                .map(|article| Article {
                    origin: origin.clone(),
                    ..article
                })
                .map_err(|reason| origin.error(reason)),
        )
    }
}

/// Every `.txt` and `.txt.gz` file under `dir`, in path order, each with its path under `dir` as
/// its record name; subdirectories that cannot be listed are errors in their place.
pub(super) fn list_text_files(dir: &Path) -> io::Result<VecDeque<Result<TextFile, RecordError>>> {
    walk(dir, &mut Vec::new())
}

/// What a folder input holds, for `extract` to say before the run: how many files it reads
/// (`.txt`, `.txt.gz`, and folders that cannot be listed, each a row), and the files it does
/// not read, in path order: not hidden, and not `.txt` or `.txt.gz` (`a.txt.bz2`, `notes.md`).
/// Those are no records, so no error rows; `extract` names them on stderr (a folder with nothing
/// to read is an error row for the whole input, from the reader).
pub struct FolderFiles {
    pub read: usize,
    pub not_read: Vec<PathBuf>,
}

/// A folder input's [`FolderFiles`], from one walk of it.
pub fn folder_files(dir: &Path) -> io::Result<FolderFiles> {
    let mut not_read = Vec::new();
    let read = walk(dir, &mut not_read)?.len();
    not_read.sort();
    Ok(FolderFiles { read, not_read })
}

/// [`list_text_files`], with the other files it passes added to `others`.
fn walk(
    dir: &Path,
    others: &mut Vec<PathBuf>,
) -> io::Result<VecDeque<Result<TextFile, RecordError>>> {
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
                Ok(target) => format!("broken symbolic link (to {})", target.display()),
                Err(_) => format!("cannot open: {e}"),
            })
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

/// One text file as the article `id`, or why it is not one.
pub(super) fn read_text_article(
    path: &Path,
    id: String,
    opts: &ReadOptions,
) -> Result<Article, String> {
    let name = NameParts::of(path);
    let mut reader = open_reader(path, name.gzipped).map_err(|e| format!("cannot open: {e}"))?;
    // A byte-order mark (Notepad's and Excel's UTF-8) marks the encoding, not the text: kept, it
    // became part of the first word (`\u{feff}John Smith`, a second entity key) and of the first
    // quote, and the text differed from the same article read from JSONL or CSV, whose readers
    // drop it. Offsets count from the first character after it, and `--max-bytes` counts the
    // text without it, as for JSONL and CSV.
    const BOM: &[u8] = "\u{feff}".as_bytes();
    // Read no more than the limit allows, then only count the rest, so a huge file costs no memory.
    let mut bytes = Vec::new();
    let limit = (opts.max_bytes as u64).saturating_add(1 + BOM.len() as u64);
    (&mut reader)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| read_failure(&e, name.gzipped))?;
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    if bytes.len() > opts.max_bytes {
        let rest =
            io::copy(&mut reader, &mut io::sink()).map_err(|e| read_failure(&e, name.gzipped))?;
        return Err(too_big(bytes.len() + rest as usize, opts.max_bytes));
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
