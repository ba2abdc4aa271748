//! Where the packed encoder's time goes: each step of its forward pass (the int8 or f32 linear
//! layers, whosaid's attention, layer norms, GELU, the classifier), summed over the windows of
//! a dump cut as `extract` cuts them, batched as `extract` batches them. For speed work; not
//! part of the benchmark.
//!
//! cargo run --release --example encoder_profile -- DUMP.jsonl [MODEL_DIR] [THREADS] [int8|f32] [roles]
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use whosaid::ner::{Batching, EncoderStep, EncoderTimes, NerModel, Precision, Window};
use whosaid::text::Document;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let dump = PathBuf::from(
        args.next()
            .context("usage: encoder_profile DUMP.jsonl [MODEL]")?,
    );
    let model_dir = PathBuf::from(args.next().unwrap_or_else(|| "models/ner-en".into()));
    let threads: i32 = args.next().map_or(Ok(2), |t| t.parse())?;
    let precision: Precision = args.next().unwrap_or_else(|| "int8".into()).parse()?;
    tch::set_num_threads(threads);
    let model = NerModel::load_as(&model_dir, precision)?;
    let packed = model.packed.as_ref().context("int8 or f32 only")?;
    // `roles` as the fifth argument: the attribution model's windows (each paragraph alone, as
    // `--quotes both` reads it) instead of NER's.
    let roles = args.next().as_deref() == Some("roles");
    let windower = model.windower()?.skip_lowercase_sentences(!roles);
    let read = whosaid::input::ReadOptions::default();
    let mut windows: Vec<Window> = Vec::new();
    for article in whosaid::input::read_inputs(&[dump], &read).flatten() {
        let cleaned = whosaid::clean::clean(&article.text);
        let doc = Document::new(article.id, article.title, article.text, &cleaned);
        if roles {
            let words: Vec<&str> = doc.tokens.iter().map(|t| doc.slice(*t)).collect();
            windows.extend(windower.context_windows(&words, &doc.paragraph_words(), 0)?);
        } else {
            windows.extend(windower.windows(&doc.sentence_words())?);
        }
    }
    let refs: Vec<&Window> = windows.iter().collect();
    let batches = Batching::default().plan_windows(&refs);
    let pieces: usize = refs.iter().map(|w| w.len()).sum();
    let mut times = EncoderTimes::default();
    let started = Instant::now();
    for batch in &batches {
        let batch: Vec<&Window> = batch.iter().map(|&i| refs[i]).collect();
        times.merge(&packed.word_logits_timed(&batch).1);
    }
    let wall = started.elapsed().as_secs_f64();
    println!(
        "{} windows, {pieces} pieces, {} batches, {threads} threads, {precision:?}: {wall:.2} s, {:.0} pieces/s",
        refs.len(),
        batches.len(),
        pieces as f64 / wall
    );
    if precision == Precision::Int8 {
        println!("int8 products: {}", whosaid::ner::int8_product_path());
    }
    for step in EncoderStep::ALL {
        let s = times.0[step as usize];
        println!(
            "{:16} {s:8.3} s {:6.1}%",
            format!("{step:?}"),
            100.0 * s / wall
        );
    }
    Ok(())
}
