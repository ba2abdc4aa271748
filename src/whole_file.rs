//! Writing a file whole or not at all.
//!
//! `replace_file(Path::new("run/entity_index.csv"), |temp| …)` has the closure fill a new file
//! beside the target, `run/.entity_index.csv.Xa3k9Q.tmp`, and renames it over the target once the
//! closure succeeds: a reader sees the old file or the new one, never half of one, and a kill
//! mid-write leaves the old file (and a hidden temporary file). The temporary name is new each
//! time (created exclusively), so it can never be a file of the user's: a fixed name such as
//! `entity_index.csv.tmp` would be truncated and renamed away if the user (or an interrupted
//! run) had one. On failure the temporary file is removed. A link at the target is written
//! through: the file it points to is replaced, the link stays.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};

/// Writes `path` whole or not at all (see the module doc): `write` fills the temporary file
/// whose path it is given.
pub fn replace_file(path: &Path, write: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
    let target = through_link(path)?;
    let name = target
        .file_name()
        .ok_or_else(|| anyhow!("{} names no file", path.display()))?;
    let dir = crate::paths::parent_dir(&target);
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.to_string_lossy()))
        .suffix(".tmp")
        .permissions(default_permissions())
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    write(temp.path()).with_context(|| format!("cannot write {}", temp.path().display()))?;
    // The path alone, still removed if the rename fails; renamed with `rename(2)`, as every
    // other file of a run is (the kill-point tests count those calls).
    let temp = temp.into_temp_path();
    std::fs::rename(&temp, &target)
        .with_context(|| format!("cannot rename {} to {}", temp.display(), target.display()))?;
    // Renamed: nothing is left to remove.
    let _ = temp.keep();
    Ok(())
}

/// Whether `name` is a temporary file [`replace_file`] made for a file named `target`
/// (`.entity_index.csv.Xa3k9Q.tmp` for `entity_index.csv`), as a kill mid-write leaves it.
pub fn is_temporary_of(name: &str, target: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(target))
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.strip_suffix(".tmp"))
        .is_some_and(|random| !random.is_empty() && !random.contains(['.', '/']))
}

/// Removes from `dir` the temporary files of `targets` that killed writes left: a run that
/// writes those files again removes them, or they would pile up, one per kill.
pub fn remove_killed_temporaries(dir: &Path, targets: &[&str]) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.filter_map(|e| e.ok()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if targets.iter().any(|t| is_temporary_of(&name, t)) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The file a link at `path` points to; `path` itself when it is no link.
fn through_link(path: &Path) -> Result<PathBuf> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => std::fs::canonicalize(path)
            .with_context(|| format!("{} is a link to nowhere", path.display())),
        _ => Ok(path.to_path_buf()),
    }
}

/// What `File::create` asks for (the umask then narrows it): the temporary file becomes the
/// output, which must not end up readable by its owner alone (tempfile's default, 0600).
fn default_permissions() -> std::fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    std::fs::Permissions::from_mode(0o666)
}

/// The names in the directory `dir`, sorted (for tests).
#[cfg(test)]
pub(crate) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        names_in(dir)
    }

    #[test]
    fn a_file_is_replaced_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model.safetensors");
        std::fs::write(&path, b"the previous best model").unwrap();
        // A write that fails half way (a kill, a full disk) leaves the previous file as it was,
        // and no temporary file.
        let failed = replace_file(&path, |temp| {
            std::fs::write(temp, b"the new mo")?;
            anyhow::bail!("disk full")
        });
        assert!(format!("{:#}", failed.unwrap_err()).contains("disk full"));
        assert_eq!(std::fs::read(&path).unwrap(), b"the previous best model");
        assert_eq!(names(dir.path()), ["model.safetensors"]);
        replace_file(&path, |temp| Ok(std::fs::write(temp, b"the new model")?)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"the new model");
        assert_eq!(names(dir.path()), ["model.safetensors"]);
    }

    /// A run that writes a file again removes the temporary files killed writes of it left
    /// (a kill during `entity_index.csv`'s write left one, and no later run removed it), and
    /// nothing else.
    #[test]
    fn the_temporary_files_of_killed_writes_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let killed = ".entity_index.csv.Xa3k9Q.tmp";
        let others = [
            "entity_index.csv.tmp",
            ".entity_index.csv.tmp",
            ".entity_index.csv.a.b.tmp",
            ".quotes.csv.Xa3k9Q.tmp",
            "notes.md",
        ];
        for name in others.iter().chain([&killed]) {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        assert!(is_temporary_of(killed, "entity_index.csv"));
        remove_killed_temporaries(dir.path(), &["entity_index.csv"]).unwrap();
        let mut left = names(dir.path());
        left.sort();
        let mut expected: Vec<String> = others.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(left, expected);
    }

    /// The user's own `X.tmp` (or an interrupted run's `quotes.csv.tmp`) is never the temporary
    /// file: before, `index --out run/quotes` wrote `run/quotes.csv.tmp` and renamed it away.
    #[test]
    fn files_named_like_a_temporary_file_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        for mine in ["out.csv.tmp", "out.tmp", "quotes.csv.tmp"] {
            std::fs::write(dir.path().join(mine), b"mine").unwrap();
        }
        for target in ["out.csv", "out", "quotes"] {
            replace_file(&dir.path().join(target), |temp| {
                Ok(std::fs::write(temp, b"new")?)
            })
            .unwrap();
        }
        for mine in ["out.csv.tmp", "out.tmp", "quotes.csv.tmp"] {
            assert_eq!(std::fs::read(dir.path().join(mine)).unwrap(), b"mine");
        }
        assert_eq!(names(dir.path()).len(), 6);
    }

    #[test]
    fn a_link_is_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.tsv");
        std::fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.tsv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        replace_file(&link, |temp| Ok(std::fs::write(temp, b"new")?)).unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"new");
    }

    #[test]
    fn the_new_file_is_as_readable_as_file_create_makes_it() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let made = dir.path().join("made");
        std::fs::write(&made, b"x").unwrap();
        let replaced = dir.path().join("replaced");
        replace_file(&replaced, |temp| Ok(std::fs::write(temp, b"x")?)).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&replaced), mode(&made));
    }
}
