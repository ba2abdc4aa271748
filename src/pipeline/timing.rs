//! The stages of a run and what it did: counts, and the wall time of each stage.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub articles: usize,
    pub mentions: usize,
    pub entities: usize,
    pub quotes: usize,
    pub errors: usize,
    /// The error rows of inputs that could not be opened at all (a missing file, an unknown
    /// format: record `-`) or read to their end (a `.gz` cut short).
    pub unreadable_inputs: Vec<crate::input::RecordError>,
    pub words: usize,
    /// Word pieces run through the model, and model batches.
    pub pieces: usize,
    pub batches: usize,
    /// Positions the model computed, padding included.
    pub padded_pieces: usize,
    /// Word pieces run through the attribution model (`--quotes model|both`), in its windows.
    pub role_pieces: usize,
    pub role_windows: usize,
    /// Of those windows (both models'), the ones that took the result of an equal window run
    /// before instead of running, and their pieces.
    pub spared: super::Spared,
    pub seconds: f64,
    /// Wall seconds per stage, in [`Stage::ALL`] order.
    pub stage_seconds: [f64; Stage::COUNT],
    /// For a `--resume`: what the interrupted run had written, which the counts above leave
    /// out (they are this run's).
    pub resumed: Option<Resumed>,
}

/// What a `--resume` continued, and where the whole run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resumed {
    /// Input records the interrupted run had written.
    pub records_before: u64,
    /// Rows of each file of the whole run, the interrupted run's and this one's, in
    /// [`crate::output::FILES`] order.
    pub run_rows: [u64; 5],
}

/// The stages of `extract`, for the timing split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading and parsing records (includes decompression).
    Read,
    Clean,
    /// Paragraphs, sentences and words.
    Segment,
    /// Word pieces and model windows.
    Tokenize,
    /// The model's forward passes (on the inference threads), wall time.
    Model,
    /// Tags to mentions, mentions to entities.
    DecodeEntities,
    Quotes,
    /// Rows built and written.
    Write,
}

impl Stage {
    pub const COUNT: usize = 8;
    pub const ALL: [Stage; Stage::COUNT] = [
        Stage::Read,
        Stage::Clean,
        Stage::Segment,
        Stage::Tokenize,
        Stage::Model,
        Stage::DecodeEntities,
        Stage::Quotes,
        Stage::Write,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Stage::Read => "read",
            Stage::Clean => "clean",
            Stage::Segment => "segment",
            Stage::Tokenize => "tokenize",
            Stage::Model => "model forward",
            Stage::DecodeEntities => "decode+entities",
            Stage::Quotes => "quotes",
            Stage::Write => "write",
        }
    }
}

/// CPU time of the stages that run on rayon's threads, summed over threads (nanoseconds).
#[derive(Default)]
pub(crate) struct StageClock([AtomicU64; Stage::COUNT]);

impl StageClock {
    /// Runs `f`, adding its duration to `stage`.
    pub(crate) fn time<T>(&self, stage: Stage, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.0[stage as usize].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        out
    }

    fn nanos(&self, stage: Stage) -> f64 {
        self.0[stage as usize].load(Ordering::Relaxed) as f64
    }

    /// Shares a phase's wall time among its stages in proportion to their CPU time.
    pub(crate) fn split(&self, wall: f64, stages: &[Stage], into: &mut [f64; Stage::COUNT]) {
        let total: f64 = stages.iter().map(|&s| self.nanos(s)).sum();
        for &s in stages {
            into[s as usize] += if total > 0.0 {
                wall * self.nanos(s) / total
            } else {
                wall / stages.len() as f64
            };
        }
    }
}

impl Summary {
    /// The wall-time split per stage, one line each, with its share of the run.
    pub fn stage_table(&self) -> String {
        let total: f64 = self.stage_seconds.iter().sum::<f64>().max(1e-9);
        let mut out = String::from("stage              seconds   share\n");
        for s in Stage::ALL {
            let secs = self.stage_seconds[s as usize];
            out.push_str(&format!(
                "{:<16} {:>9.2} {:>6.1}%\n",
                s.name(),
                secs,
                100.0 * secs / total
            ));
        }
        out.push_str(&format!(
            "{:<16} {:>9.2}   (model load and start-up: {:.2})\n",
            "total",
            total,
            (self.seconds - total).max(0.0)
        ));
        let model = self.stage_seconds[Stage::Model as usize].max(1e-9);
        out.push_str(&format!(
            "model input: {} pieces in {} batches, {:.1}% padding\n",
            self.pieces,
            self.batches,
            100.0 * (self.padded_pieces.saturating_sub(self.pieces)) as f64
                / self.padded_pieces.max(1) as f64,
        ));
        if self.role_windows > 0 {
            out.push_str(&format!(
                "attribution model input: {} pieces in {} windows\n",
                self.role_pieces, self.role_windows
            ));
        }
        if self.spared.windows > 0 {
            out.push_str(&format!(
                "repeated windows: {} ({} pieces) took the result of an equal window run before\n",
                self.spared.windows, self.spared.pieces
            ));
        }
        let run = (self.pieces + self.role_pieces).saturating_sub(self.spared.pieces);
        out.push_str(&format!(
            "{:.0} pieces/s in the model(s)\n",
            run as f64 / model
        ));
        out
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A resume's own counts are its part's: read as the run's, they were short of the files
        // by every record written before the interruption. The files' totals come first.
        if let Some(Resumed {
            records_before,
            run_rows: [articles, mentions, entities, quotes, errors],
        }) = self.resumed
        {
            write!(
                f,
                "whosaid: the whole run: {articles} articles, {entities} entities ({mentions} \
                 mentions), {quotes} quotes, {errors} errors; resumed after {records_before} \
                 input records written before, this part: "
            )?;
        } else {
            write!(f, "whosaid: ")?;
        }
        write!(
            f,
            "{} articles, {} entities ({} mentions), {} quotes, {} errors in {:.2}s ({:.0} words/s)",
            self.articles,
            self.entities,
            self.mentions,
            self.quotes,
            self.errors,
            self.seconds,
            self.words as f64 / self.seconds.max(1e-9)
        )
    }
}
