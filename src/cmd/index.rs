//! `whosaid index`: the entity index of finished runs taken together.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;

use whosaid::checkpoint::FILES;
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
    for run in &a.runs {
        let is_run_file = |name: &str| run.join(name) == a.out;
        if FILES.iter().any(|f| is_run_file(f)) {
            bail!(
                "--out {} is a file of the run {}: choose another path (nothing was written)",
                a.out.display(),
                run.display()
            );
        }
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
