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
/// made-up ids): as it is where it is UTF-8 (every name in practice), and each byte that is not
/// as `\xNN`. The lossy conversion wrote the names `x<FF>.txt` and `x<FE>.txt` both as `x�.txt`:
/// two articles with one input, record and id, which nothing in the output told apart.
pub fn text_of(name: &OsStr) -> String {
    let mut out = String::new();
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
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

/// Which file `path` is, through links: its device and inode (none where it cannot be read, or
/// off Unix).
pub fn file_identity(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().and_then(|m| identity(&m))
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
}
