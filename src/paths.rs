//! Where a path really points, for the guards that keep a command from writing over what the
//! user gave it (an input, a run's CSVs, a model).
//!
//! Comparing paths as typed misses most of what points at one place: `run/articles.csv` and
//! `/home/me/run/articles.csv`, `x/../run` (where `x` does not exist yet: the OS cannot resolve
//! it until something creates `x`, and then it is `run`), a link to the run, a hard link to an
//! input. [`resolved`] gives the absolute path with links resolved as far as the path exists and
//! `.` and `..` taken as a directory created along the way would take them; [`same_file`]
//! compares existing files by device and inode, which also catches hard links.

use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result};

/// A path or a file name as text, for the names a run writes (the `input` and `record` columns,
/// made-up ids): as it is where it is UTF-8 text (every name in practice), and each byte that is
/// not, or is an ASCII control character, as `\xNN`, a C1 control character (U+0080 to U+009F,
/// valid UTF-8 of two bytes) as `\u{NN}`, a backslash as `\\`. One name, one text, and no two
/// names the same text (every `\` written starts one of these three escapes):
///
/// ```text
/// x<FF>.txt     x\xFF.txt      (lossy, x<FF>.txt and x<FE>.txt were both x<U+FFFD>.txt)
/// x\xFF.txt     x\\xFF.txt     (a name of the characters \ x F F: another article's)
/// a<ESC>[31m    a\x1B[31m      (a terminal escape, or a NUL, reached every table as it was)
/// a<U+9B>31m    a\u{9B}31m     (the one-character CSI, a terminal escape too)
/// ```
pub fn text_of(name: &OsStr) -> String {
    text_of_bytes(name.as_encoded_bytes())
}

/// [`text_of`] for bytes an input holds where a message names them (a CSV header's cells, when
/// none is the text column): a cell `te<NUL>xt` or `<ESC>[31m` reached `errors.csv` and the
/// terminal as it was.
pub fn text_of_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                c if c.is_ascii_control() => out.push_str(&format!("\\x{:02X}", c as u32)),
                c if c.is_control() => out.push_str(&format!("\\u{{{:02X}}}", c as u32)),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02X}"));
        }
    }
    out
}

/// The directory a file `path` lies in: its parent, or `.` for a bare name (`Path::parent`
/// gives an empty path for `notes.txt`).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// `path` absolute, links resolved where it exists, `..` and `.` resolved where it does not:
/// `nosuchdir/../run` is `run`, as it will be once a command has created `nosuchdir`.
pub fn resolved(path: &Path) -> Result<PathBuf> {
    let absolute =
        std::path::absolute(path).with_context(|| format!("bad path {}", path.display()))?;
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => out.push(component),
            Component::CurDir => {}
            // `out` has its links resolved wherever it exists, so its parent is the real one.
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(name) => {
                out.push(name);
                if let Ok(real) = out.canonicalize() {
                    out = real;
                }
            }
        }
    }
    Ok(out)
}

/// Whether `path` is `dir` or lies inside it, wherever either really points.
pub fn is_within(path: &Path, dir: &Path) -> Result<bool> {
    Ok(resolved(path)?.starts_with(resolved(dir)?))
}

/// Whether two paths name one existing file (also through links, hard links included); false
/// when either does not exist.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => same_metadata(&a, &b),
        _ => false,
    }
}

/// Whether `path` still names the open `file` (not a file put in its place, nor nothing since
/// it was removed). Where files cannot be compared (not unix), assumed so.
pub fn same_open_file(file: &std::fs::File, path: &Path) -> bool {
    if cfg!(not(unix)) {
        return true;
    }
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => same_metadata(&a, &b),
        _ => false,
    }
}

/// What `path` is when it exists and is no regular file, through links: `a FIFO (named pipe)`,
/// `a directory`, `a socket`, `a device`; None for a regular file, or nothing there. A file a
/// command reads or replaces under a name of its own must be a regular file: opening a FIFO to
/// read it waits for a writer, and `extract` hung on an `OUT/articles.csv` made a FIFO.
pub fn other_than_a_file(path: &Path) -> Option<&'static str> {
    let kind = std::fs::metadata(path).ok()?.file_type();
    (!kind.is_file()).then(|| kind_in_words(kind))
}

#[cfg(unix)]
fn kind_in_words(kind: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    match () {
        _ if kind.is_dir() => "a directory",
        _ if kind.is_fifo() => "a FIFO (named pipe)",
        _ if kind.is_socket() => "a socket",
        _ if kind.is_block_device() || kind.is_char_device() => "a device",
        _ => "a special file",
    }
}

#[cfg(not(unix))]
fn kind_in_words(kind: std::fs::FileType) -> &'static str {
    match kind.is_dir() {
        true => "a directory",
        false => "a special file",
    }
}

/// The first `max` bytes of the regular file at `path` ([`open_regular_file`]: never a FIFO,
/// and a link to `/dev/zero` is no regular file either).
pub fn read_regular_file(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut std::io::Read::take(open_regular_file(path)?, max),
        &mut bytes,
    )?;
    Ok(bytes)
}

/// The regular file at `path` as UTF-8 text ([`read_regular_file`]); text that is not UTF-8 is
/// an `InvalidData` error naming the byte where it stops being UTF-8.
pub fn read_regular_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_regular_file(path, u64::MAX)?).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("invalid UTF-8 at byte {at}"),
        )
    })
}

/// Whether the regular files `a` and `b` hold the same bytes (false when either is empty, no
/// regular file, or cannot be read): a copy of a run's table, where [`same_file`] tells the
/// same file under two names.
pub fn same_bytes(a: &Path, b: &Path) -> bool {
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
    match (size(a), size(b)) {
        (Some(x), Some(y)) if x == y && x > 0 => {
            let read = |p: &Path| read_regular_file(p, u64::MAX).ok();
            read(a).is_some_and(|bytes| Some(bytes) == read(b))
        }
        _ => false,
    }
}

/// Opens `path` to read it only when it is a regular file ([`open_regular`]).
pub fn open_regular_file(path: &Path) -> std::io::Result<std::fs::File> {
    open_regular(path, std::fs::OpenOptions::new().read(true))
}

/// Creates the regular file `path`, one of a run's own names, or empties it, to write it, as
/// `File::create` does: never anything else, never through a link, and never a file that has
/// other names ([`open_own_file`]); it is emptied only once that is known.
pub fn create_regular_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    let file = open_own_file(path, options.write(true).create(true).truncate(false))?;
    file.set_len(0)?;
    Ok(file)
}

/// [`open_regular`] for a file under a name whosaid gives its own files (a table's `.tmp`, the
/// checkpoint's, a lock), which it empties or writes: a symbolic link there is refused, not
/// written through, since emptying `articles.csv.tmp -> ../dump.jsonl` would empty the dump
/// (`O_NOFOLLOW` makes the open itself refuse a link put there after the look); so is a file
/// with other names (a hard link: `articles.csv.tmp` and `~/notes.txt` one file), looked at
/// once open, before a byte of it changes: open it with `truncate(false)`.
///
/// ```text
/// run/articles.csv.tmp   a symbolic link to any file      "it is a symbolic link, not a regular file"
/// run/articles.csv.tmp   a hard link of ~/notes.txt        "it is a file with other names (a hard link), …"
/// ```
pub fn open_own_file(
    path: &Path,
    options: &mut std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    let link = || not_a_file("a symbolic link");
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(link());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let file = open_regular_flags(path, options, libc::O_NONBLOCK | libc::O_NOFOLLOW).map_err(
            |e| match e.raw_os_error() {
                Some(libc::ELOOP) => link(),
                _ => e,
            },
        )?;
        if file.metadata()?.nlink() > 1 {
            return Err(refused(
                "it is a file with other names (a hard link), not one of whosaid's own".into(),
            ));
        }
        Ok(file)
    }
    #[cfg(not(unix))]
    open_regular(path, options)
}

/// Opens `path` as `options` say (to read, to write, to create) only when it is a regular file;
/// anything else is an error saying what it is, and is never opened where it is known before (a
/// FIFO opened waits for a reader or a writer, a tape device opened may rewind). Every file a
/// run reads or writes under a name of its own is opened so: the check when the run starts
/// cannot stand for the open, since a FIFO put at `articles.csv.tmp` while the model loads
/// hung the writer for ever. So the open itself does not wait (`O_NONBLOCK`: a FIFO without a
/// reader is refused by the system, one with a reader is opened), what was opened is looked at
/// (`fstat`), and only a regular file is kept, its reads and writes blocking again.
///
/// ```text
/// run/articles.csv.tmp   a regular file, or nothing (created)   opened
/// run/articles.csv.tmp   a FIFO put there after the check        "it is a FIFO (named pipe), not a regular file"
/// ```
pub fn open_regular(
    path: &Path,
    options: &mut std::fs::OpenOptions,
) -> std::io::Result<std::fs::File> {
    #[cfg(unix)]
    return open_regular_flags(path, options, libc::O_NONBLOCK);
    #[cfg(not(unix))]
    open_regular_flags(path, options, 0)
}

/// [`open_regular`] with these `open` flags (`O_NONBLOCK` among them on Unix).
fn open_regular_flags(
    path: &Path,
    options: &mut std::fs::OpenOptions,
    flags: i32,
) -> std::io::Result<std::fs::File> {
    if let Some(what) = other_than_a_file(path) {
        return Err(not_a_file(what));
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, flags);
    #[cfg(not(unix))]
    let _ = flags;
    // A FIFO opened to write without a reader is refused (ENXIO, "no such device or address"):
    // said as what it is.
    let file = options
        .open(path)
        .map_err(|e| other_than_a_file(path).map_or(e, not_a_file))?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(not_a_file(kind_in_words(kind)));
    }
    blocking(&file)?;
    Ok(file)
}

/// The refusal of a path that is `what` ("a FIFO (named pipe)"), not a regular file.
fn not_a_file(what: &str) -> std::io::Error {
    refused(format!("it is {what}, not a regular file"))
}

/// An open refused for what stands at the path: `reason` says what.
fn refused(reason: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidInput, reason)
}

/// Clears `O_NONBLOCK` on the open `file` ([`open_regular`]).
#[cfg(unix)]
fn blocking(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor `file` keeps open for the call.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    // SAFETY: as above.
    if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(not(unix))]
fn blocking(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Which file `path` is, through links: its device and inode (none where it cannot be read, or
/// off Unix).
pub fn file_identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().and_then(|m| identity(&m))
}

/// The device and inode of the regular file stdin reads (`whosaid extract - < a.jsonl`); None
/// for a pipe, a terminal or a closed stdin, and off Unix.
pub fn stdin_file_identity() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        regular_file_identity(std::io::stdin().as_fd())
    }
    #[cfg(not(unix))]
    None
}

/// The device and inode of the regular file stdout writes (`whosaid stream >> results.jsonl`);
/// None for a pipe, a terminal or a closed stdout, and off Unix.
pub fn stdout_file_identity() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        regular_file_identity(std::io::stdout().as_fd())
    }
    #[cfg(not(unix))]
    None
}

#[cfg(unix)]
fn regular_file_identity(fd: std::os::fd::BorrowedFd) -> Option<(u64, u64)> {
    let fd = fd.try_clone_to_owned().ok()?;
    let metadata = std::fs::File::from(fd).metadata().ok()?;
    metadata.is_file().then(|| identity(&metadata)).flatten()
}

/// Two files' metadata name one file: equal device and inode (never off Unix).
fn same_metadata(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    identity(a).is_some_and(|a| Some(a) == identity(b))
}

#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Whether writing `out` would write over `input` or something inside it: the same path once
/// resolved, a path inside the directory `input`, or (for files that exist) the same file.
pub fn writes_over(out: &Path, input: &Path) -> Result<bool> {
    Ok(is_within(out, input)? || same_file(out, input))
}

/// Test helpers for paths that are no regular file.
#[cfg(all(test, unix))]
pub(crate) mod special {
    use std::path::Path;
    use std::time::Duration;

    /// Makes a FIFO (named pipe) at `path`.
    pub fn make_fifo(path: &Path) {
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
    }

    /// What `f` returns, failing the test when it takes over 20 seconds: a call that opens a
    /// FIFO waits for ever (its thread is left waiting).
    pub fn at_once<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || send.send(f()));
        receive
            .recv_timeout(Duration::from_secs(20))
            .expect("it waits: it opened a FIFO")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parent_step_through_a_missing_directory_lands_where_it_will_once_created() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        std::fs::create_dir(&run).unwrap();
        let sneaky = dir.path().join("nosuchdir").join("..").join("run");
        assert_eq!(resolved(&sneaky).unwrap(), run.canonicalize().unwrap());
        assert!(is_within(&sneaky.join("articles.csv"), &run).unwrap());
        assert!(is_within(&dir.path().join("./run/./x/../y"), &run).unwrap());
        assert!(!is_within(&dir.path().join("runs"), &run).unwrap());
    }

    #[cfg(unix)]
    #[test]
    fn links_and_hard_links_point_where_their_targets_are() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        std::fs::create_dir(&run).unwrap();
        std::fs::write(run.join("articles.csv"), "x").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&run, &link).unwrap();
        assert!(is_within(&link.join("articles.csv"), &run).unwrap());
        let hard = dir.path().join("hard.csv");
        std::fs::hard_link(run.join("articles.csv"), &hard).unwrap();
        assert!(!is_within(&hard, &run).unwrap());
        assert!(writes_over(&hard, &run.join("articles.csv")).unwrap());
        assert!(!writes_over(&dir.path().join("other.csv"), &run.join("articles.csv")).unwrap());
    }

    #[test]
    fn an_open_file_is_the_one_its_path_names_until_replaced_or_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lock");
        let file = std::fs::File::create(&path).unwrap();
        assert!(same_open_file(&file, &path));
        std::fs::remove_file(&path).unwrap();
        assert!(!same_open_file(&file, &path));
        std::fs::write(&path, "").unwrap();
        assert!(!same_open_file(&file, &path));
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_is_opened() {
        let tmp = tempfile::tempdir().unwrap();
        let (file, fifo) = (tmp.path().join("a.csv"), tmp.path().join("pipe.csv"));
        std::fs::write(&file, "x").unwrap();
        special::make_fifo(&fifo);
        assert_eq!(other_than_a_file(&file), None);
        assert_eq!(other_than_a_file(&tmp.path().join("absent")), None);
        assert_eq!(other_than_a_file(&fifo), Some("a FIFO (named pipe)"));
        assert_eq!(other_than_a_file(tmp.path()), Some("a directory"));
        assert!(open_regular_file(&file).is_ok());
        let read_fifo = fifo.clone();
        let err = special::at_once(move || open_regular_file(&read_fifo).unwrap_err().to_string());
        assert_eq!(err, "it is a FIFO (named pipe), not a regular file");
        // To write, as a run opens its `.tmp` files and its lock: a FIFO without a reader (the
        // system refuses it) and one with a reader (opened, then looked at) are refused alike.
        let write = |path: PathBuf| {
            special::at_once(move || create_regular_file(&path).map_err(|e| e.to_string()))
        };
        let err = write(fifo.clone()).unwrap_err();
        assert_eq!(err, "it is a FIFO (named pipe), not a regular file");
        let _reader = fifo_reader(&fifo);
        let err = write(fifo).unwrap_err();
        assert_eq!(err, "it is a FIFO (named pipe), not a regular file");
        let mut written = write(file.clone()).unwrap();
        std::io::Write::write_all(&mut written, b"yz").unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "yz");
    }

    #[cfg(unix)]
    #[test]
    fn a_run_never_writes_through_a_link_at_its_own_names() {
        let tmp = tempfile::tempdir().unwrap();
        let (dump, temp) = (
            tmp.path().join("dump.jsonl"),
            tmp.path().join("articles.csv.tmp"),
        );
        std::fs::write(&dump, "kept").unwrap();
        std::os::unix::fs::symlink(&dump, &temp).unwrap();
        let err = create_regular_file(&temp).unwrap_err().to_string();
        assert_eq!(err, "it is a symbolic link, not a regular file");
        let mut append = std::fs::OpenOptions::new();
        assert!(open_own_file(&temp, append.append(true)).is_err());
        assert_eq!(std::fs::read_to_string(&dump).unwrap(), "kept");
        // Reading through a link stays allowed: a user's run folder may be linked.
        assert!(open_regular_file(&temp).is_ok());
        // A hard link is refused before a byte changes, to create or to append.
        let hard = tmp.path().join("errors.csv.tmp");
        std::fs::hard_link(&dump, &hard).unwrap();
        let err = create_regular_file(&hard).unwrap_err().to_string();
        assert!(err.contains("other names (a hard link)"), "{err}");
        assert!(open_own_file(&hard, append.append(true)).is_err());
        assert_eq!(std::fs::read_to_string(&dump).unwrap(), "kept");
        // A file of the run's own, one name, is emptied as before.
        let own = tmp.path().join("quotes.csv.tmp");
        std::fs::write(&own, "old rows").unwrap();
        drop(create_regular_file(&own).unwrap());
        assert_eq!(std::fs::read_to_string(&own).unwrap(), "");
    }

    /// A reader of the FIFO at `path`, opened without waiting for a writer.
    #[cfg(unix)]
    fn fifo_reader(path: &Path) -> std::fs::File {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .unwrap()
    }
}
