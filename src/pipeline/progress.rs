//! The progress bar of `extract`, and the cheap record-count estimate that sizes it.

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

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

/// A cheap estimate of the number of records, for the progress bar: lines of plain JSONL files
/// and .txt files in folders. None when an input is compressed, CSV or stdin. A JSONL file is
/// never read whole: its lines are counted in its first megabyte and scaled by its size.
pub(super) fn estimate_records(inputs: &[PathBuf]) -> Option<u64> {
    let mut total = 0u64;
    for p in inputs {
        let name = p.to_string_lossy();
        if p.is_dir() {
            total += std::fs::read_dir(p)
                .ok()?
                .filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "txt"))
                })
                .count() as u64;
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
        let estimate = estimate_records(std::slice::from_ref(&path)).unwrap();
        assert!(
            estimate.abs_diff(lines) * 100 <= lines,
            "{estimate} vs {lines}"
        );
        // A 3 GiB file (sparse: no disk used) must not be read into memory.
        let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.set_len(3 << 30).unwrap();
        let before = peak_rss();
        estimate_records(&[path]).unwrap();
        let grown = peak_rss().saturating_sub(before);
        assert!(grown < 512 << 20, "peak memory grew by {} MB", grown >> 20);
    }
}
