//! Where the report's files go, and what they are called.
//!
//! Page names come from ids and names the dump chose, so they are never used as they are: a
//! page is `DIR/SLUG-N.html`, where the slug keeps the letters and digits of the name, of any
//! script, for people reading the address bar and the folder (at most 40 characters, lower-cased;
//! Latin letters without their marks, as entity keys fold them, `Łukasz Nowak` → `lukasz-nowak`;
//! other scripts' letters with theirs, composed, `Ελένη Βλάχου` → `ελένη-βλάχου`;
//! anything else a `-`, so no `%`, `/`, space or control character; a name with none of them
//! is `page`), and `N` is a number the report gives each page of `DIR` once (an article's row
//! in `articles.csv`, a speaker's rank). The number alone tells pages apart: no id, however
//! chosen, can make two pages share a file (ids need not be unique, and a slug cut at 40
//! characters or a hash of the id could be matched by another id). No name can hold `/`, `..`
//! or a character a file system minds:
//!
//! ```
//! use whosaid::report::site::page_name;
//! let name = page_name("articles", "../../etc/passwd", 7);
//! assert_eq!(name, "articles/etc-passwd-7.html");
//! assert_eq!(page_name("speakers", "Владимир Путин", 2), "speakers/владимир-путин-2.html");
//! // Same slug, another number: another file.
//! assert_ne!(page_name("articles", &"x".repeat(41), 1), page_name("articles", &"x".repeat(42), 2));
//! ```
//!
//! The site is written into a new directory beside REPORT_DIR and renamed to it when complete,
//! so a report under its final name is always whole. Its pages are opened there as a run opens
//! its own files ([`crate::paths::open_own_file`]): a link put at a page's name, or at its
//! folder's, is refused, never written through. An existing REPORT_DIR is replaced only
//! when it is empty or an earlier report (it holds [`MARKER`]); the run's OUT_DIR and inputs
//! are never inside it, and it is no name the run owns in OUT_DIR
//! ([`crate::checkpoint::is_run_file`]: `--html out/.whosaid-lock` is refused, `--html
//! out/report` is fine). A report killed by a signal leaves its new directory,
//! `.whosaid-report-Xa3k9Q` beside REPORT_DIR; the next report into the same place removes it
//! when it is certainly a killed report's (`clear_leftovers`), as `extract` removes the
//! temporary files of its killed writes.
//!
//! The swap is two renames: the earlier report aside to `.whosaid-report-Xa3k9Q.old`, then the
//! new one to REPORT_DIR. A report killed between them leaves no REPORT_DIR, the earlier report
//! aside and the new one beside it; the next report into that folder puts the earlier report
//! back, as it was before the killed report began, and says so (the new one's [`MARKER`] names
//! the directory it was replacing). It never removes an earlier report moved aside while its
//! place is empty: removed, the user's report was gone, and with it any file of theirs in it.
//!
//! ```text
//! report/ missing, .whosaid-report-Xa3k9Q.old/, .whosaid-report-Xa3k9Q/   killed between renames
//!   -> report/ (the earlier report, put back); .whosaid-report-Xa3k9Q removed
//! ```
//!
//! One report writes a REPORT_DIR at a time: it holds the lock file `.report.whosaid-lock`
//! beside `report` from its start to its end (taken as `extract` takes its `--out`'s,
//! [`crate::output::LockFile`]), and a second report into the same place is refused rather than
//! swap pages with it.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The file every report holds, so that a later report knows it may replace the directory.
pub const MARKER: &str = ".whosaid-report";

/// The marker's first line; the pages the report wrote follow, one per line.
const MARKER_FIRST_LINE: &str = "a whosaid report: `whosaid report` may replace this directory, \
                                 which holds these pages:";

/// How the [`MARKER`]'s second line starts: the name of the directory the report was written
/// for (`report directory: report`), so that the next report knows where an earlier report
/// moved aside by a killed swap goes back. None where the name is no line of UTF-8 text.
const MARKER_DIRECTORY: &str = "report directory: ";

/// How the lock file beside REPORT_DIR ends: `.report.whosaid-lock` ([`lock_path`]).
const LOCK_SUFFIX: &str = ".whosaid-lock";

/// Most characters of a name kept in its page's file name.
const SLUG_CHARS: usize = 40;

/// `DIR/SLUG-N.html` for page number `n` of `DIR`, titled `name`; see the module doc.
pub fn page_name(dir: &str, name: &str, n: usize) -> String {
    let mut slug = String::new();
    let mut kept = 0;
    // Latin letters lose their marks as the entity keys' do (`Łukasz` → `lukasz`): kept as
    // ASCII only, `Łukasz Nowak` and `ukasz Nowak` had one slug, `ukasz-nowak`. Other scripts'
    // letters stay with their marks (`Ελένη`, `नरेंद्र`), which the fold gives decomposed.
    for c in crate::entities::names::fold_key(name).chars() {
        let after_letter = !slug.is_empty() && !slug.ends_with('-');
        if is_slug_letter(c) || (is_combining_mark(c) && after_letter) {
            slug.push(c.to_ascii_lowercase());
        } else if after_letter {
            slug.push('-');
        } else {
            continue;
        }
        kept += 1;
        if kept >= SLUG_CHARS {
            break;
        }
    }
    // Composed, so that the link and the file name are the same bytes on every file system:
    // `김정은`, not its 9 jamo.
    let slug: String = slug.trim_end_matches('-').nfc().collect();
    let slug = if slug.is_empty() { "page" } else { &slug };
    // The number after the last `-` is unique in `dir`, and a slug cannot end with `-`: the
    // file names of two numbers always differ.
    format!("{dir}/{slug}-{n}.html")
}

/// Whether a character stands for itself in a slug: an ASCII letter or digit, or a letter or
/// digit of another script (`λ`, `北`); no punctuation, space, control or format character
/// (`%`, `/`, a right-to-left override), which a file system or an address bar minds.
fn is_slug_letter(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
}

/// The URL of an article as a link target, only when it is a plain web address: anything else
/// (`javascript:`, `data:`, a relative path, white space or control characters anywhere) is
/// shown as text and not linked.
pub fn safe_href(url: &str) -> Option<&str> {
    let lower = url.to_ascii_lowercase();
    let web = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (web && clean).then_some(url)
}

/// How a report's temporary directory beside REPORT_DIR starts: `.whosaid-report-Xa3k9Q`
/// (then renamed to REPORT_DIR), and `.whosaid-report-Xa3k9Q.old` for the earlier report moved
/// aside while the new one takes its name.
const TEMP_PREFIX: &str = ".whosaid-report-";

/// Random characters after [`TEMP_PREFIX`] (tempfile's default, set here because the name is
/// how a later report knows a leftover: [`is_temporary_name`]).
const TEMP_RANDOM: usize = 6;

/// A report being written: a temporary directory that becomes REPORT_DIR when complete, locked
/// for as long as this report writes it, so that no other report takes it for a leftover.
pub struct SiteDir {
    temp: tempfile::TempDir,
    _temp_lock: Option<std::fs::File>,
    target: PathBuf,
    /// The pages written, listed in the [`MARKER`] so that a later report replaces those and
    /// nothing else.
    written: std::sync::Mutex<Vec<String>>,
    /// REPORT_DIR's lock, from the start to the end of the report.
    _lock: ReportLock,
}

/// The lock of a report directory ([`lock_path`]), its file removed when the report ends,
/// written or not.
struct ReportLock(Option<crate::output::LockFile>);

impl ReportLock {
    /// The lock of the report directory `target`; an error saying so when another report holds
    /// it.
    fn take(target: &Path) -> Result<ReportLock> {
        let lock = crate::output::LockFile::take(&lock_path(target), || {
            format!(
                "another whosaid report is writing {}: wait for it, or choose another --html",
                target.display()
            )
        })?;
        Ok(ReportLock(Some(lock)))
    }
}

impl Drop for ReportLock {
    fn drop(&mut self) {
        if let Some(lock) = self.0.take() {
            lock.remove();
        }
    }
}

/// The lock file of the report directory `target`, beside it: `.report.whosaid-lock` for
/// `report` (a name too long for a file name with its dot and suffix hashed instead).
fn lock_path(target: &Path) -> PathBuf {
    let name = target.file_name().unwrap_or_default();
    let mut lock = std::ffi::OsString::from(".");
    match name.len() + 1 + LOCK_SUFFIX.len() <= 255 {
        true => lock.push(name),
        false => lock.push(
            crate::fnv::Fnv1a128::default()
                .bytes(name.as_encoded_bytes())
                .hex(),
        ),
    }
    lock.push(LOCK_SUFFIX);
    crate::paths::parent_dir(target).join(lock)
}

impl SiteDir {
    /// Checks that `target` may become the report of the run in `out` read from `inputs`, and
    /// makes the temporary directory beside it.
    pub fn create(target: &Path, out: &Path, inputs: &[PathBuf]) -> Result<SiteDir> {
        let target = crate::paths::resolved(target)?;
        refuse_to_hold(&target, out, "the run's OUT_DIR")?;
        // `--html run/.whosaid-checkpoint.json` would make the run look killed mid-rename, and
        // `--html run/articles.csv.tmp` a folder the next run cannot write.
        if crate::checkpoint::is_run_file(&target, out)? {
            bail!(
                "report directory {} is a file of the run {}: choose another directory for the \
                 report",
                target.display(),
                out.display()
            );
        }
        for input in inputs.iter().filter(|p| p.as_os_str() != "-") {
            refuse_to_hold(&target, input, "the input")?;
        }
        let parent = target
            .parent()
            .context("the report directory has no parent")?;
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        let lock = ReportLock::take(&target)?;
        // First: an earlier report a killed swap moved aside goes back before it is looked at.
        clear_leftovers(parent, &target);
        refuse_unless_replaceable(&target)?;
        let temp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .rand_bytes(TEMP_RANDOM)
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a directory in {}", parent.display()))?;
        let temp_lock = lock_dir(temp.path());
        Ok(SiteDir {
            temp,
            _temp_lock: temp_lock,
            target,
            written: std::sync::Mutex::new(Vec::new()),
            _lock: lock,
        })
    }

    /// Writes one file of the site; `name` is one of ours (`index.html`, a [`page_name`]).
    pub fn write(&self, name: &str, contents: &str) -> Result<()> {
        debug_assert!(!name.contains("..") && !name.starts_with('/'));
        let path = self.temp.path().join(name);
        self.written
            .lock()
            .expect("no writer panicked")
            .push(name.to_string());
        if let Some(dir) = path.parent().filter(|dir| *dir != self.temp.path()) {
            create_own_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let write = || {
            // A page is written once, into a folder of the report's own: anything already at its
            // name (a link put there, `index.html -> ~/notes.txt`) is refused, never written
            // through, as `extract` opens its own files.
            let mut options = std::fs::OpenOptions::new();
            let mut file =
                crate::paths::open_own_file(&path, options.write(true).create_new(true))?;
            std::io::Write::write_all(&mut file, contents.as_bytes())
        };
        write().with_context(|| format!("cannot write {}", path.display()))
    }

    /// Replaces REPORT_DIR with the finished site; returns REPORT_DIR.
    pub fn publish(self) -> Result<PathBuf> {
        let mut pages = self.written.lock().expect("no writer panicked").clone();
        pages.sort();
        let directory = self
            .target
            .file_name()
            .and_then(|name| name.to_str())
            .filter(|name| !name.contains(['\n', '\r']))
            .map(|name| format!("{MARKER_DIRECTORY}{name}\n"))
            .unwrap_or_default();
        let marker = format!("{MARKER_FIRST_LINE}\n{directory}{}", pages.join("\n"));
        self.write(MARKER, &marker)?;
        // Files put into the earlier report since `create` checked it would go with it.
        refuse_unless_replaceable(&self.target)?;
        #[cfg(test)]
        swap_window::enter(&swap_window::BEFORE);
        let temp = self.temp.keep();
        let old = self.target.exists().then(|| temp.with_extension("old"));
        // Locked before it is moved aside under a leftover's name, until it is removed: another
        // report starting meanwhile would otherwise remove it, and a failed swap could not put
        // it back. (The lock follows the directory through the rename.)
        let _old_lock = old.as_ref().and_then(|_| lock_dir(&self.target));
        if let Some(old) = &old {
            if let Err(e) = std::fs::rename(&self.target, old) {
                // Nothing replaced: the new site must not stay behind as a hidden copy.
                let _ = std::fs::remove_dir_all(&temp);
                return Err(e).with_context(|| {
                    format!("cannot move the old report {} aside", self.target.display())
                });
            }
        }
        #[cfg(test)]
        swap_window::enter(&swap_window::BETWEEN_RENAMES);
        if let Err(e) = std::fs::rename(&temp, &self.target) {
            if let Some(old) = &old {
                let _ = std::fs::rename(old, &self.target);
            }
            let _ = std::fs::remove_dir_all(&temp);
            return Err(e).with_context(|| {
                format!("cannot rename the new report to {}", self.target.display())
            });
        }
        if let Some(old) = old {
            // The new report is in place: the run succeeded, and a copy of the old one left
            // behind is said, not an error. A file put into the earlier report after the check
            // above went aside with it, and was removed with its pages: the old report is
            // looked at again where no one else writes, and kept when it holds such a file.
            if !holds_only_pages(&old) {
                eprintln!(
                    "warning: the old report, moved to {}, holds files a report does not write \
                     (put there while it was being replaced): it is kept; move them out",
                    old.display()
                );
            } else if let Err(e) = std::fs::remove_dir_all(&old) {
                eprintln!(
                    "warning: the old report, moved to {}, could not be removed ({e}): remove it",
                    old.display()
                );
            }
        }
        Ok(self.target)
    }
}

/// Makes `dir`, a folder of pages (`speakers/`) in the report's temporary directory, or takes it
/// when it is one already: a real folder, never a link, since the pages written into
/// `articles -> ~/notes` would land among the user's files.
fn create_own_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::create_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            match std::fs::symlink_metadata(dir)?.file_type() {
                kind if kind.is_dir() => Ok(()),
                kind if kind.is_symlink() => Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "it is a symbolic link, not a folder of the report's own",
                )),
                _ => Err(e),
            }
        }
        result => result,
    }
}

/// Another process acting in the window between the last check of the earlier report and its
/// move aside (`BEFORE`), or a kill between the swap's two renames (`BETWEEN_RENAMES`, a panic),
/// as a test makes one act.
#[cfg(test)]
mod swap_window {
    use std::cell::RefCell;
    use std::thread::LocalKey;

    pub type Action = RefCell<Option<Box<dyn FnOnce()>>>;

    thread_local! {
        pub static BEFORE: Action = RefCell::new(None);
        pub static BETWEEN_RENAMES: Action = RefCell::new(None);
    }

    pub fn enter(window: &'static LocalKey<Action>) {
        if let Some(action) = window.with(|a| a.borrow_mut().take()) {
            action()
        }
    }
}

/// Whether `name` is one a report gives its temporary directory, or the earlier report it
/// moves aside: `.whosaid-report-Xa3k9Q`, `.whosaid-report-Xa3k9Q.old`.
fn is_temporary_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(TEMP_PREFIX) else {
        return false;
    };
    let random = rest.strip_suffix(".old").unwrap_or(rest);
    random.len() == TEMP_RANDOM && random.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Whether the directory `dir` holds nothing a report does not write: `index.html`, the
/// [`MARKER`], and in `speakers/` and `articles/` the pages its marker lists. A directory
/// without that list (a report still being written, or one written before reports listed their
/// pages) may hold only files named as a report names its pages, `SLUG-N.html` ([`page_name`]):
///
/// ```text
/// articles/a-1.html         listed, or named as a page: a report's
/// articles/my-notes.html    not listed (and `notes` is no page number): the user's
/// ```
fn holds_only_pages(dir: &Path) -> bool {
    let listed = listed_pages(dir);
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.all(|entry| {
        let Ok(entry) = entry else { return false };
        let Ok(kind) = entry.file_type() else {
            return false;
        };
        let name = entry.file_name();
        match name.to_str() {
            Some("index.html") | Some(MARKER) => kind.is_file(),
            Some(sub @ ("speakers" | "articles")) => {
                kind.is_dir() && holds_only_pages_of(&entry.path(), sub, listed.as_ref())
            }
            _ => false,
        }
    })
}

/// The pages a report's [`MARKER`] lists (`articles/a-1.html`), if it lists them.
fn listed_pages(dir: &Path) -> Option<HashSet<String>> {
    let marker = read_marker(dir)?;
    let (_, pages) = marker.split_once('\n')?;
    let pages = pages.lines().filter(|l| !l.starts_with(MARKER_DIRECTORY));
    Some(pages.map(str::to_string).collect())
}

/// The name of the directory a report was written for, as its [`MARKER`] says (none in a report
/// of an older whosaid, or for a name that is no line of text).
fn directory_of(dir: &Path) -> Option<String> {
    let marker = read_marker(dir)?;
    let second = marker.split('\n').nth(1)?;
    second.strip_prefix(MARKER_DIRECTORY).map(str::to_string)
}

/// The text of a report's [`MARKER`], when its first line is a marker's.
fn read_marker(dir: &Path) -> Option<String> {
    // A FIFO named like the marker is none, and never opened: reading it waited for a writer.
    let marker = crate::paths::open_regular_file(&dir.join(MARKER))
        .and_then(std::io::read_to_string)
        .ok()?;
    (marker.split('\n').next() == Some(MARKER_FIRST_LINE)).then_some(marker)
}

/// Whether the folder `sub` of a report holds only its pages: the `listed` ones, or without a
/// list, files named as pages are. A set: a report of thousands of articles lists thousands of
/// pages, each looked up once.
fn holds_only_pages_of(dir: &Path, sub: &str, listed: Option<&HashSet<String>>) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.all(|entry| {
        entry.is_ok_and(|e| {
            let name = e.file_name();
            let Some(name) = name.to_str() else {
                return false;
            };
            let ours = match listed {
                Some(pages) => pages.contains(&format!("{sub}/{name}")),
                None => named_as_page(name),
            };
            e.file_type().is_ok_and(|t| t.is_file()) && ours
        })
    })
}

/// Whether `name` is one [`page_name`] gives: `SLUG-N.html`, the slug of lower-case letters
/// and digits of any script, their marks and `-`, `N` a number.
fn named_as_page(name: &str) -> bool {
    let Some((slug, number)) = name
        .strip_suffix(".html")
        .and_then(|stem| stem.rsplit_once('-'))
    else {
        return false;
    };
    let slug_char =
        |c: char| (is_slug_letter(c) && !c.is_uppercase()) || is_combining_mark(c) || c == '-';
    !slug.is_empty()
        && slug.chars().all(slug_char)
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Clears from `parent` what reports killed by a signal left there: one per kill, they would
/// pile up, hidden, beside REPORT_DIR (`target`, whose lock the caller holds).
///
/// A pair, an earlier report moved aside and the new report beside it, is a report killed
/// between the two renames of its swap ([`put_back`]): the earlier report goes back. Anything
/// else is removed only when it is certainly a report's: named as a report names them
/// ([`is_temporary_name`]), holding nothing but pages ([`holds_only_pages`]), and not locked by
/// a report writing it now. One that cannot be removed is said, not an error:
///
/// ```text
/// .whosaid-report-Xa3k9Q/index.html, articles/a-1.html   a killed report's: removed
/// .whosaid-report-Xa3k9Q.old/… and no .whosaid-report-Xa3k9Q  an earlier report, replaced: removed
/// .whosaid-report-Xa3k9Q.old/… and .whosaid-report-Xa3k9Q/…   killed between renames: put back
/// .whosaid-report-Xa3k9Q/notes.txt                         not only pages: left
/// .whosaid-report-Xa3k9Q (a report writing it now)          locked: left
/// .whosaid-report-mine/                                    not a name a report gives: left
/// ```
fn clear_leftovers(parent: &Path, target: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            continue;
        };
        // A link is not followed: what it points to is no leftover of ours.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_temporary_name(&name) || !is_dir {
            continue;
        }
        let path = entry.path();
        let (new, old) = match name.strip_suffix(".old") {
            Some(new) => (parent.join(new), path.clone()),
            None => (path.clone(), parent.join(format!("{name}.old"))),
        };
        if exists(&new) && exists(&old) {
            // Seen once, from its earlier report.
            if path == old {
                put_back(&old, &new, parent, target);
            }
            continue;
        }
        // Held by the report writing it; ours until it is removed, so none starts writing it.
        let Some(_lock) = lock_dir(&path) else {
            continue;
        };
        if !holds_only_pages(&path) {
            continue;
        }
        match std::fs::remove_dir_all(&path) {
            Ok(()) if path == old => eprintln!(
                "whosaid: removed {}, the earlier report that a report killed after replacing it \
                 left behind",
                path.display()
            ),
            Ok(()) => {}
            Err(e) => eprintln!(
                "warning: {} is left by a killed report and could not be removed ({e}): remove it",
                path.display()
            ),
        }
    }
}

/// Puts the earlier report `old`, moved aside by a report killed before its new report `new`
/// took its place, back where it was: the directory in `parent` that `new`'s [`MARKER`] names,
/// which no one has made since. `new` then goes (when it holds only pages); the state is the one
/// before the killed report began, and stderr says so. Where that cannot be done (the directory
/// unnamed, made since, or its report being written now), both are kept and said: removed, the
/// earlier report, the user's, was gone. A swap a report is doing now is left (its directories
/// are locked).
fn put_back(old: &Path, new: &Path, parent: &Path, target: &Path) {
    let (Some(_old_lock), Some(_new_lock)) = (lock_dir(old), lock_dir(new)) else {
        return;
    };
    let kept = |why: &str| {
        eprintln!(
            "warning: a report killed while replacing an earlier one left the earlier report at \
             {} and its own at {}: both kept ({why}); move the earlier one back, or remove them",
            old.display(),
            new.display()
        )
    };
    let Some(name) = directory_of(new) else {
        return kept("it did not say which directory it replaced");
    };
    let place = parent.join(&name);
    // Not another directory of `parent` (a name of one component, as the marker wrote it).
    if place.parent() != Some(parent) || place.file_name() != Some(std::ffi::OsStr::new(&name)) {
        return kept("it names no directory beside them");
    }
    // The caller holds `target`'s lock; another report directory's is taken for the move.
    let _place_lock = match place == target {
        true => None,
        false => match ReportLock::take(&place) {
            Ok(lock) => Some(lock),
            Err(_) => return kept(&format!("a report is writing {} now", place.display())),
        },
    };
    if exists(&place) {
        return kept(&format!("{} has been made since", place.display()));
    }
    if let Err(e) = std::fs::rename(old, &place) {
        return kept(&format!("it could not be moved back: {e}"));
    }
    eprintln!(
        "whosaid: a report killed while replacing {} had moved it aside to {}: put back",
        place.display(),
        old.display()
    );
    if holds_only_pages(new) {
        let _ = std::fs::remove_dir_all(new);
    }
}

/// Whether anything is at `path` (a link too, not followed).
fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// An exclusive lock on the directory `dir`, held while the returned file is open; None when
/// another process holds it (or the directory cannot be opened).
fn lock_dir(dir: &Path) -> Option<std::fs::File> {
    let file = std::fs::File::open(dir).ok()?;
    crate::output::flock(&file, crate::output::Flock::Exclusive).then_some(file)
}

/// Refuses a report directory that is `path` or holds it: replacing it would delete it.
fn refuse_to_hold(target: &Path, path: &Path, what: &str) -> Result<()> {
    if crate::paths::is_within(path, target)? {
        bail!(
            "report directory {} is or holds {what} {}: choose another directory for the report",
            target.display(),
            path.display()
        );
    }
    Ok(())
}

/// Refuses an existing `target` that replacing would lose anything of: it must be an empty
/// directory, or an earlier report holding nothing a report does not write. The [`MARKER`]
/// alone is not enough: a user may since have put a dump, notes or another run's folder into
/// the report's directory, and replacing it whole deletes them.
///
/// ```text
/// report/ (empty)                                      replaced
/// report/.whosaid-report, index.html, articles/a-1.html replaced
/// report/.whosaid-report, …, my-dump.jsonl               refused: not only a report's pages
/// report/notes.txt                                      refused: not an earlier report
/// ```
fn refuse_unless_replaceable(target: &Path) -> Result<()> {
    if !target.exists() {
        return Ok(());
    }
    if !target.is_dir() {
        bail!(
            "report directory {} exists and is not a directory: choose a new or empty directory",
            target.display()
        );
    }
    let mut entries =
        std::fs::read_dir(target).with_context(|| format!("cannot list {}", target.display()))?;
    if entries.next().is_none() {
        return Ok(());
    }
    if !target.join(MARKER).is_file() {
        bail!(
            "report directory {} exists and is not an earlier report (no {MARKER} in it): \
             choose a new or empty directory",
            target.display()
        );
    }
    if !holds_only_pages(target) {
        bail!(
            "report directory {} is an earlier report that now holds files a report does not \
             write (replacing it would delete them): move them out, or choose another directory",
            target.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_stay_short_plain_and_distinct() {
        let long = "x".repeat(5000);
        let names = [
            page_name("a", "../..", 0),
            page_name("a", "a/b\\c", 1),
            page_name("a", &long, 2),
            page_name("a", "Ελένη 北京", 3),
            page_name("a", "", 4),
            page_name("a", "Sam", 5),
            page_name("a", "Sam", 6),
            page_name("a", &(long.clone() + "\u{0}1"), usize::MAX),
            page_name("a", "Łukasz Nowak", 8),
            page_name("a", "ukasz Nowak", 9),
            page_name("a", "José Ñúñez-Østergård", 10),
        ];
        for n in &names {
            let file = n.strip_prefix("a/").unwrap();
            assert_plain_file_name(file);
        }
        assert_eq!(
            names[3], "a/ελένη-北京-3.html",
            "other scripts keep their letters"
        );
        assert_eq!(names[4], "a/page-4.html", "no letter: the fallback slug");
        // Latin letters with marks keep their letter, so two names differ in their slugs too.
        assert_eq!(
            names[8..],
            [
                "a/lukasz-nowak-8.html",
                "a/ukasz-nowak-9.html",
                "a/jose-nunez-ostergard-10.html"
            ]
        );
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), names.len());
    }

    /// A page's file name as [`page_name`] makes it: short, lower-case letters and digits of any
    /// script with their marks, `-` and `.html`; none that a file system or a link minds.
    fn assert_plain_file_name(file: &str) {
        assert!(file.chars().count() <= SLUG_CHARS + 26, "{file}");
        assert!(file.len() <= 255, "{file}");
        let plain = |c: char| {
            let letter = c.is_alphanumeric() && !c.is_uppercase();
            letter || is_combining_mark(c) || c == '-' || c == '.'
        };
        assert!(file.chars().all(plain), "{file}");
        assert!(!file.starts_with('.') && !file.contains(".."), "{file}");
        assert!(named_as_page(file), "{file}");
    }

    /// A name in another script gets a slug of its own letters, lower-cased and composed, as a
    /// Latin name does (every one was `page-N`); what no file name should hold (a right-to-left
    /// override, a zero-width joiner, `%`, a slash) is no part of it, and a pile of combining
    /// marks is cut with the rest.
    #[test]
    fn names_in_other_scripts_keep_their_letters() {
        for (name, expected) in [
            ("Владимир Путин", "a/владимир-путин-1.html"),
            ("ΕΛΈΝΗ Βλάχου", "a/ελένη-βλάχου-1.html"),
            ("محمد بن سلمان", "a/محمد-بن-سلمان-1.html"),
            ("नरेंद्र मोदी", "a/नरेंद्र-मोदी-1.html"),
            ("김정은", "a/김정은-1.html"),
            ("習近平 (Xi Jinping)", "a/習近平-xi-jinping-1.html"),
            ("Ан\u{202e}на 100%/x", "a/анна-100-x-1.html"),
            ("Łukasz Владимир", "a/lukasz-владимир-1.html"),
        ] {
            let page = page_name("a", name, 1);
            assert_eq!(page, expected, "{name}");
            assert_plain_file_name(page.strip_prefix("a/").unwrap());
        }
        let piled = format!("ж{}", "\u{301}".repeat(500));
        let page = page_name("a", &piled, 1);
        assert_plain_file_name(page.strip_prefix("a/").unwrap());
    }

    #[test]
    fn only_web_addresses_are_linked() {
        assert_eq!(
            safe_href("https://example.org/a?b=1"),
            Some("https://example.org/a?b=1")
        );
        assert_eq!(safe_href("HTTP://EXAMPLE.ORG"), Some("HTTP://EXAMPLE.ORG"));
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "https://x.org/ a",
            "https://x.org/\u{0}",
            "//evil.example",
            "../index.html",
        ] {
            assert_eq!(safe_href(bad), None, "{bad:?}");
        }
        // Linked, and escaped by the template like every attribute (tests/report.rs).
        assert!(safe_href("https://x.org/\"><script>").is_some());
    }

    #[test]
    fn a_directory_holding_the_run_or_foreign_files_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        for target in [out.clone(), tmp.path().to_path_buf()] {
            let err = SiteDir::create(&target, &out, &[])
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains("OUT_DIR"), "{err}");
        }
        let input = tmp.path().join("data/in.jsonl");
        std::fs::create_dir_all(input.parent().unwrap()).unwrap();
        std::fs::write(&input, "").unwrap();
        let err = SiteDir::create(&tmp.path().join("data"), &out, &[input])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("the input"), "{err}");
        let foreign = tmp.path().join("mine");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();
        let err = SiteDir::create(&foreign, &out, &[])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("not an earlier report"), "{err}");
        assert!(foreign.join("notes.txt").exists());
    }

    /// Every page is opened as `extract` opens its own files: a link at a page's name, or at
    /// its folder's, in the report's temporary directory is refused, never written through
    /// (`std::fs::write` followed `index.html -> notes.txt` and replaced the user's notes).
    #[cfg(unix)]
    #[test]
    fn a_page_is_never_written_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let notes = tmp.path().join("notes.txt");
        std::fs::write(&notes, "keep me").unwrap();
        let mine = tmp.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        let site =
            SiteDir::create(&tmp.path().join("report"), &tmp.path().join("out"), &[]).unwrap();
        std::os::unix::fs::symlink(&notes, site.temp.path().join("index.html")).unwrap();
        std::os::unix::fs::symlink(&mine, site.temp.path().join("articles")).unwrap();
        let err = site.write("index.html", "page").unwrap_err();
        assert!(format!("{err:#}").contains("symbolic link"), "{err:#}");
        let err = site.write("articles/a-1.html", "page").unwrap_err();
        assert!(format!("{err:#}").contains("symbolic link"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "keep me");
        assert_eq!(std::fs::read_dir(&mine).unwrap().count(), 0);
        site.write("speakers/b-1.html", "page").unwrap();
    }

    fn assert_only_report_left(parent: &Path) {
        let left: Vec<_> = std::fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["report"], "no temporary directory is left");
    }

    #[test]
    fn publishing_replaces_an_earlier_report_whole() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let target = tmp.path().join("report");
        let first = SiteDir::create(&target, &out, &[]).unwrap();
        first.write("index.html", "one").unwrap();
        first.write("articles/a.html", "a").unwrap();
        first.publish().unwrap();
        let second = SiteDir::create(&target, &out, &[]).unwrap();
        second.write("index.html", "two").unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "one"
        );
        second.publish().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "two"
        );
        assert!(
            !target.join("articles").exists(),
            "nothing of the old report is left"
        );
        assert_only_report_left(tmp.path());
    }

    /// `target` is still the first report (`index.html`: `one`), holding the user's `file`
    /// (`keep me`), and nothing else is beside it.
    fn assert_earlier_report_kept(target: &Path, file: &str) {
        let read = |name: &str| std::fs::read_to_string(target.join(name)).unwrap();
        assert_eq!(read(file), "keep me");
        assert_eq!(read("index.html"), "one");
        assert_only_report_left(target.parent().unwrap());
    }

    /// The run `dir/out` and its report `dir/report`, published once (`index.html`: `one`).
    fn first_report(dir: &Path) -> (PathBuf, PathBuf) {
        let (out, target) = (dir.join("out"), dir.join("report"));
        let first = SiteDir::create(&target, &out, &[]).unwrap();
        first.write("index.html", "one").unwrap();
        first.publish().unwrap();
        (out, target)
    }

    /// A file put into the earlier report after the last check and before the report was moved
    /// aside went with it and was removed with the old pages. It is kept, in the old report
    /// left aside, which no later report removes.
    #[test]
    fn a_file_put_into_the_earlier_report_while_it_is_replaced_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, target) = first_report(tmp.path());
        let second = SiteDir::create(&target, &out, &[]).unwrap();
        second.write("index.html", "two").unwrap();
        let notes = target.join("notes.txt");
        swap_window::BEFORE.with(|a| {
            *a.borrow_mut() = Some(Box::new(move || std::fs::write(notes, "keep me").unwrap()))
        });
        second.publish().unwrap();
        let third = SiteDir::create(&target, &out, &[]).unwrap();
        third.write("index.html", "three").unwrap();
        third.publish().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "three"
        );
        let kept: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().path().join("notes.txt"))
            .filter_map(|notes| std::fs::read_to_string(notes).ok())
            .collect();
        assert_eq!(kept, ["keep me"]);
    }

    /// A report writing `target` in place of its earlier report, killed between the two renames
    /// of its swap (a panic there, as a kill leaves it: the new report beside, the earlier one
    /// moved aside, no `target`).
    fn kill_between_renames(target: &Path, out: &Path) {
        let second = SiteDir::create(target, out, &[]).unwrap();
        second.write("index.html", "two").unwrap();
        swap_window::BETWEEN_RENAMES
            .with(|a| *a.borrow_mut() = Some(Box::new(|| panic!("killed between the renames"))));
        let publish = std::panic::AssertUnwindSafe(|| second.publish());
        assert!(std::panic::catch_unwind(publish).is_err());
        assert!(!target.exists());
    }

    /// Killed between its renames, a report left the earlier report moved aside; the next
    /// report beside it removed both, and the user's report was gone. It is put back.
    #[test]
    fn an_earlier_report_a_killed_swap_moved_aside_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, target) = first_report(tmp.path());
        kill_between_renames(&target, &out);
        let other = SiteDir::create(&tmp.path().join("other"), &out, &[]).unwrap();
        other.write("index.html", "other").unwrap();
        other.publish().unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("index.html")).unwrap(),
            "one"
        );
        assert_eq!(crate::whole_file::names_in(tmp.path()), ["other", "report"]);
    }

    /// A file of the user's put into the earlier report as the killed swap moved it aside is put
    /// back with it, where the user left it, and the next report into that place refuses to
    /// replace it (the killed report's pages are removed).
    #[test]
    fn a_file_in_an_earlier_report_a_killed_swap_moved_aside_goes_back_with_it() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, target) = first_report(tmp.path());
        let notes = target.join("notes.txt");
        swap_window::BEFORE.with(|a| {
            *a.borrow_mut() = Some(Box::new(move || std::fs::write(notes, "keep me").unwrap()))
        });
        kill_between_renames(&target, &out);
        let err = SiteDir::create(&target, &out, &[])
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("does not write"), "{err}");
        assert_earlier_report_kept(&target, "notes.txt");
    }

    /// Where the killed report's marker names no directory (an older whosaid's) or its place has
    /// been made since, both directories are kept, by this report and the next: neither is ever
    /// taken for a lone leftover.
    #[test]
    fn a_killed_swap_that_cannot_be_undone_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, target) = first_report(tmp.path());
        kill_between_renames(&target, &out);
        let leftovers: Vec<String> = crate::whole_file::names_in(tmp.path());
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
        let new = tmp.path().join(&leftovers[0]);
        let marker = std::fs::read_to_string(new.join(MARKER)).unwrap();
        assert_eq!(marker.lines().nth(1), Some("report directory: report"));
        let unnamed: Vec<&str> = marker
            .lines()
            .filter(|l| *l != "report directory: report")
            .collect();
        std::fs::write(new.join(MARKER), unnamed.join("\n")).unwrap();
        for _ in 0..2 {
            let other = SiteDir::create(&tmp.path().join("other"), &out, &[]).unwrap();
            other.write("index.html", "other").unwrap();
            other.publish().unwrap();
            let mut expected = leftovers.clone();
            expected.push("other".into());
            assert_eq!(crate::whole_file::names_in(tmp.path()), expected);
        }
        std::fs::write(new.join(MARKER), marker).unwrap();
        std::fs::create_dir(&target).unwrap();
        let third = SiteDir::create(&target, &out, &[]).unwrap();
        drop(third);
        let mut expected = leftovers.clone();
        expected.extend(["other".into(), "report".into()]);
        assert_eq!(crate::whole_file::names_in(tmp.path()), expected);
    }

    /// Two reports into one place at once moved each other's pages: the second is refused while
    /// the first writes, through any spelling of the path, and the lock file goes with the first.
    #[test]
    fn a_second_report_into_the_same_directory_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, target) = (tmp.path().join("out"), tmp.path().join("report"));
        let first = SiteDir::create(&target, &out, &[]).unwrap();
        for same in [target.clone(), tmp.path().join("nosuchdir/../report")] {
            let err = SiteDir::create(&same, &out, &[]).err().unwrap().to_string();
            assert!(
                err.starts_with(&format!(
                    "another whosaid report is writing {}",
                    target.canonicalize().unwrap_or(target.clone()).display()
                )),
                "{err}"
            );
        }
        first.write("index.html", "one").unwrap();
        first.publish().unwrap();
        assert_only_report_left(tmp.path());
        let later = SiteDir::create(&target, &out, &[]).unwrap();
        later.write("index.html", "two").unwrap();
        later.publish().unwrap();
        assert_only_report_left(tmp.path());
    }

    /// The marker says the directory was a report once, not that it holds nothing else now:
    /// a dump, notes or another run put into it since must not go with the old pages.
    #[test]
    fn an_earlier_report_holding_the_users_files_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let (out, target) = first_report(tmp.path());
        let extras = [
            "my-dump.jsonl",
            "articles/notes.txt",
            "articles/my-notes.html",
            "articles/notes-2.html",
            "other-run/articles.csv",
        ];
        for extra in extras {
            let path = target.join(extra);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "keep me").unwrap();
            let err = SiteDir::create(&target, &out, &[])
                .err()
                .unwrap()
                .to_string();
            assert!(err.contains("does not write"), "{extra}: {err}");
            assert!(path.exists(), "{extra} kept");
            std::fs::remove_file(&path).unwrap();
        }
        std::fs::remove_dir(target.join("other-run")).unwrap();
        // Put there while the new report was being written: publishing refuses too.
        let second = SiteDir::create(&target, &out, &[]).unwrap();
        second.write("index.html", "two").unwrap();
        std::fs::write(target.join("my-dump.jsonl"), "keep me").unwrap();
        assert!(second.publish().is_err());
        assert_earlier_report_kept(&target, "my-dump.jsonl");
    }

    #[test]
    fn pages_are_told_by_name_where_no_marker_lists_them() {
        for name in [
            "a-1.html",
            "page-12.html",
            "joe-biden-3.html",
            "ελένη-3.html",
        ] {
            assert!(named_as_page(name), "{name}");
        }
        for name in [
            "my-notes.html",
            "Ελένη-3.html",
            "ελένη 3-3.html",
            "a-1.htm",
            "-1.html",
            "A-1.html",
            "a-.html",
            "notes.html",
        ] {
            assert!(!named_as_page(name), "{name}");
        }
    }

    #[test]
    fn an_unfinished_report_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let site =
            SiteDir::create(&tmp.path().join("report"), &tmp.path().join("out"), &[]).unwrap();
        site.write("index.html", "partial").unwrap();
        drop(site);
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    /// A report writing now holds its directory's lock: a second report into the same place
    /// leaves it, and removes it once nobody holds it (a killed report's).
    #[test]
    fn a_report_being_written_is_no_leftover() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let writing = SiteDir::create(&tmp.path().join("one"), &out, &[]).unwrap();
        writing.write("index.html", "being written").unwrap();
        let temp = writing.temp.path().to_path_buf();
        assert!(is_temporary_name(
            &temp.file_name().unwrap().to_string_lossy()
        ));
        let other = SiteDir::create(&tmp.path().join("two"), &out, &[]).unwrap();
        assert!(
            temp.join("index.html").is_file(),
            "a report writing now is left"
        );
        drop(other);
        // Killed: its directory stays, unlocked.
        let killed = writing.temp.keep();
        drop(writing._temp_lock);
        let later = SiteDir::create(&tmp.path().join("two"), &out, &[]).unwrap();
        assert!(!killed.exists(), "a killed report's directory is removed");
        drop(later);
        for name in [".whosaid-report-Ab12Cd", ".whosaid-report-Ab12Cd.old"] {
            assert!(is_temporary_name(name), "{name}");
        }
        for name in [
            ".whosaid-report-",
            ".whosaid-report-mine",
            ".whosaid-report-Ab12Cd.new",
        ] {
            assert!(!is_temporary_name(name), "{name}");
        }
    }
}
