//! `train ner`: fine-tune or distil a NER model on CoNLL files.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;

use whosaid::train::{self, TrainOptions};

#[derive(Args)]
pub struct TrainNerArgs {
    /// Training CoNLL file(s).
    #[arg(long, required = true)]
    train: Vec<PathBuf>,
    /// Dev CoNLL file(s), for model selection.
    #[arg(long)]
    dev: Vec<PathBuf>,
    /// Base encoder directory (config.json, tokenizer.json, model.safetensors) [default: .minilm, set up by scripts/setup].
    #[arg(long, default_value = ".minilm")]
    base: PathBuf,
    /// Output model directory.
    #[arg(long, short)]
    out: PathBuf,
    #[arg(long, default_value_t = 4)]
    epochs: usize,
    #[arg(long, default_value_t = 16)]
    batch_size: usize,
    #[arg(long, default_value_t = 0.1)]
    dropout: f64,
    #[arg(long, default_value_t = 13)]
    seed: i64,
    /// Train without the casing input (for the ablation).
    #[arg(long)]
    no_casing: bool,
    /// Window length in word pieces.
    #[arg(long, default_value_t = 128)]
    max_length: usize,
    #[arg(long)]
    limit_sentences: Option<usize>,
    /// Threads, 1 to 1024.
    #[arg(long, default_value = "2", value_parser = super::threads)]
    threads: NonZeroUsize,
    /// Stored precision of the saved weights: f16, bf16 or f32.
    #[arg(long, default_value = "f16", value_parser = ["f16", "bf16", "f32"])]
    save_dtype: String,
    /// Start from a trained whosaid NER model instead of the base encoder.
    #[arg(long)]
    init: Option<PathBuf>,
    /// Keep only the first N encoder layers (a smaller, faster model).
    #[arg(long)]
    layers: Option<usize>,
    /// Distil from this trained NER model (same labels, casing and vocabulary); repeat it to
    /// distil from several, whose logits are averaged.
    #[arg(long)]
    teacher: Vec<PathBuf>,
    /// Share of the distillation term in the loss, with --teacher.
    #[arg(long, default_value_t = 0.5)]
    distill_weight: f64,
    /// Softmax temperature of the distillation term, with --teacher.
    #[arg(long, default_value_t = 2.0)]
    temperature: f64,
    /// Casing augmentation: this share of training sentences is written all lower case (half)
    /// or all upper case (half), so that text without normal casing degrades less.
    #[arg(long, default_value_t = 0.0)]
    case_augment: f64,
    #[command(flatten)]
    schedule: super::train_schedule::ScheduleArgs,
}

/// Runs the command.
pub fn run(a: TrainNerArgs) -> Result<ExitCode> {
    let mut opts = TrainOptions::new(a.train, a.dev, a.base, a.out);
    opts.schedule = a.schedule.schedule(a.epochs, a.batch_size);
    opts.dropout = a.dropout;
    opts.seed = a.seed;
    opts.casing = !a.no_casing;
    opts.max_length = a.max_length;
    opts.limit_sentences = a.limit_sentences;
    opts.threads = a.threads.get();
    opts.save_dtype = a.save_dtype;
    opts.init = a.init;
    opts.layers = a.layers;
    opts.teacher = a.teacher;
    opts.distill_weight = a.distill_weight;
    opts.temperature = a.temperature;
    opts.case_augment = a.case_augment;
    train::train_ner(&opts)?;
    Ok(ExitCode::SUCCESS)
}
