//! `train average`: average the weights of fine-tuned models into one (see
//! `whosaid::train::average_models`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

#[derive(Args)]
pub struct TrainAverageArgs {
    /// Model directories with the same tags and tensors (fine-tuned from one start); the
    /// first gives the config and tokenizer.
    #[arg(required = true, num_args = 2..)]
    models: Vec<PathBuf>,
    /// Output model directory.
    #[arg(long, short)]
    out: PathBuf,
    /// Stored precision of the averaged weights: f16, bf16 or f32.
    #[arg(long, default_value = "f16", value_parser = ["f16", "bf16", "f32"])]
    save_dtype: String,
}

/// Runs the command.
pub fn run(a: TrainAverageArgs) -> Result<ExitCode> {
    let kind = whosaid::train::save_kind(&a.save_dtype)?;
    whosaid::train::average_models(&a.models, &a.out, kind)?;
    eprintln!(
        "train average: {} models -> {}",
        a.models.len(),
        a.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
