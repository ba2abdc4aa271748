//! `whosaid index`: the entity index of finished runs taken together.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;

use whosaid::checkpoint;
use whosaid::report::index;

#[derive(Args)]
pub struct IndexArgs {
    /// Output directories of finished `extract` runs: the shards of one dump (`--shard I/N`),
    /// or runs over different dumps counted together.
    #[arg(required = true)]
    runs: Vec<PathBuf>,
    /// Where to write the index (CSV, as `entity_index.csv`).
    #[arg(long)]
    out: PathBuf,
}

/// Runs the command: the shards' index is the index one run over the whole dump writes.
pub fn run(a: IndexArgs) -> Result<ExitCode> {
    // Compared where the paths really point: `--out ./run/articles.csv` beside the run `run`,
    // a link to it or a hard link are the run's file too; and every name the run machinery
    // owns there, not the CSVs alone (`--out run/.whosaid-checkpoint.json` was written, and
    // report and index then took the run for one killed while renaming its files).
    for run in &a.runs {
        if checkpoint::is_run_file(&a.out, run)? {
            bail!(
                "--out {} is a file of the run {}: choose another path (nothing was written)",
                a.out.display(),
                run.display()
            );
        }
    }
    // One run named twice (`index s0 s1 s0`, through a link, or a hard-linked copy of its
    // files, `cp -al`) would count its entities twice; runs over different dumps are
    // different files.
    for (i, run) in a.runs.iter().enumerate() {
        if let Some(again) = a.runs[..i].iter().find(|r| index::same_run(r, run)) {
            bail!(
                "{} and {} are the same run: it would be counted twice (nothing was written)",
                again.display(),
                run.display()
            );
        }
    }
    // Said before the runs are read (a dump's worth of reading), and before a temporary file
    // is made beside it.
    if a.out.is_dir() {
        bail!(
            "--out {} is a directory: give the path of the index file to write (nothing was \
             written)",
            a.out.display()
        );
    }
    index::refuse_foreign_file(&a.out)?;
    // The shards of one dump: each once, all of one count.
    let manifests: Vec<_> = (a.runs.iter())
        .filter_map(|run| checkpoint::RunManifest::read(run).map(|m| (run.clone(), m)))
        .collect();
    let same_articles = |a: &Path, b: &Path| {
        let articles = checkpoint::FILES[0];
        whosaid::paths::same_bytes(&a.join(articles), &b.join(articles))
    };
    for warning in checkpoint::check_shards(&manifests, &same_articles)? {
        eprintln!("whosaid: warning: {warning}");
    }
    let rows = index::build(&a.runs)?;
    index::write(&rows, &a.out)?;
    eprintln!(
        "whosaid: {} entity keys from {} run(s) written to {}",
        rows.len(),
        a.runs.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
