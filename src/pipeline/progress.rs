//! The progress bar of `extract`, and the cheap record-count estimate that sizes it.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::input::Listings;

pub(super) fn progress_bar(enabled: bool, total: Option<u64>) -> ProgressBar {
    let target = if enabled {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    match total {
        Some(n) => ProgressBar::with_draw_target(Some(n), target).with_style(
            ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {pos}/{len} articles ({per_sec}, ETA {eta})",
            )
            .unwrap(),
        ),
        None => ProgressBar::with_draw_target(None, target).with_style(
            ProgressStyle::with_template("{elapsed_precise} {pos} articles ({per_sec})").unwrap(),
        ),
    }
}

/// How much of a JSON-lines file [`estimate_records`] reads to estimate its number of lines.
const ESTIMATE_SAMPLE_BYTES: u64 = 1 << 20;

/// A cheap estimate of the number of records, for the progress bar: lines of plain JSONL files,
/// and the records of folders as the run's one walk of each found them (`listings`: the count
/// is the reader's, not a walk of its own, which counted the top folder's `.txt` files alone,
/// 0 of a folder of dated subfolders, and whatever the folder held at that moment). None when
/// an input is compressed, CSV, stdin or a folder not listed. A JSONL file is never read whole:
/// its lines are counted in its first megabyte and scaled by its size. A gzipped input is not
/// counted at all (the bar then counts articles without a total): its lines could only be
/// counted by decompressing it a second time, and its compressed size says little of them.
pub(super) fn estimate_records(inputs: &[PathBuf], listings: &Listings) -> Option<u64> {
    let mut total = 0u64;
    for p in inputs {
        let name = p.to_string_lossy();
        if let Some(listing) = listings.folder(p) {
            // A folder that cannot be listed, or holds nothing to read, is one error row.
            let records = listing.as_ref().map_or(0, |l| l.records());
            total += records.max(1) as u64;
        } else if p.is_dir() {
            return None;
        } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
            total += estimate_lines(p).ok()?;
        } else if name.ends_with(".txt") {
            total += 1;
        } else {
            return None;
        }
    }
    Some(total)
}

/// Non-blank lines in a file: counted exactly in a file of at most [`ESTIMATE_SAMPLE_BYTES`],
/// else estimated from that prefix and the file's size.
fn estimate_lines(path: &Path) -> std::io::Result<u64> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut sample = Vec::new();
    file.take(ESTIMATE_SAMPLE_BYTES).read_to_end(&mut sample)?;
    let lines = sample
        .split(|&b| b == b'\n')
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()))
        .count() as u64;
    if size <= sample.len() as u64 || sample.is_empty() {
        return Ok(lines);
    }
    Ok((lines as f64 * size as f64 / sample.len() as f64).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Peak resident memory of this process so far, in bytes.
    fn peak_rss() -> u64 {
        let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: getrusage fills the struct it is given.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
        // SAFETY: initialised (zeroed, then filled).
        (unsafe { usage.assume_init() }.ru_maxrss as u64) * 1024
    }

    #[test]
    fn the_progress_estimate_reads_a_prefix_not_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        let line = "{\"text\": \"The minister said so.\"}\n";
        let mut prefix = line.repeat((2 * ESTIMATE_SAMPLE_BYTES as usize) / line.len());
        prefix.truncate(prefix.rfind('\n').unwrap() + 1);
        std::fs::write(&path, &prefix).unwrap();
        let lines = prefix.lines().count() as u64;
        let estimate = estimate_records(std::slice::from_ref(&path), &Listings::default()).unwrap();
        assert!(
            estimate.abs_diff(lines) * 100 <= lines,
            "{estimate} vs {lines}"
        );
        // A 3 GiB file (sparse: no disk used) must not be read into memory.
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(3 << 30).unwrap();
        let before = peak_rss();
        estimate_records(&[path], &Listings::default()).unwrap();
        let grown = peak_rss().saturating_sub(before);
        assert!(grown < 512 << 20, "peak memory grew by {} MB", grown >> 20);
    }

    /// The bar's total for a folder is the number of records its reader gives, from the run's
    /// one walk of it: its own walk counted the top folder's `.txt` names alone, hidden ones
    /// and folders named `x.txt` among them, and none of a subfolder's or of `.txt.gz` files.
    #[test]
    fn the_progress_estimate_of_a_folder_is_its_records() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("news");
        for (name, content) in [
            ("2024/01/story.txt", b"A story.".as_slice()),
            ("b.txt.gz", b""),
            (".hidden.txt", b"Not read."),
            ("notes.md", b"Not read."),
            ("c.txt", b"Another story."),
        ] {
            let path = folder.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        let inputs = [folder];
        let read = crate::input::read_inputs(&inputs, &Default::default()).count();
        assert_eq!(read, 3);
        let listings = Listings::of(&inputs);
        assert_eq!(estimate_records(&inputs, &listings), Some(read as u64));
    }
}
