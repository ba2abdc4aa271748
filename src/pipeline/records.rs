//! A run's input records: this shard's, in order, with what the run has read of them — how
//! many and their digest ([`RecordsRead`], which the checkpoint keeps and `--resume` checks by
//! reading the written records again), and the inputs that could not be opened.

use std::path::Path;

use anyhow::{bail, Result};

use super::{ExtractOptions, Shard};
use crate::checkpoint::{Checkpoint, RecordsRead};
use crate::input::{self, Article, Listings, ReadOptions, RecordError};

/// This shard's input records, in order, and what the run has read of them.
pub(super) struct RunRecords {
    all: Box<dyn Iterator<Item = Result<Article, RecordError>> + Send>,
    shard: Option<Shard>,
    pub(super) read: RecordsRead,
    /// The error rows of inputs that could not be opened or read to their end, counted before
    /// the shard and the resume take their records: every shard and every resumed run exits 3
    /// for them and names them, though the error row is one shard's and may have been written
    /// before an interruption (a shard without it, or a resume past it, exited 0 over a dump
    /// with a file missing).
    pub(super) unreadable_inputs: Vec<RecordError>,
}

impl RunRecords {
    /// The records of `opts.inputs`, each folder's files as `listings` found them.
    pub(super) fn of(opts: &ExtractOptions, listings: &Listings) -> RunRecords {
        let read_opts = ReadOptions {
            fields: opts.fields.clone(),
            max_bytes: opts.max_bytes,
        };
        RunRecords {
            all: Box::new(input::read_inputs_placing_stdin(
                &opts.inputs,
                &read_opts,
                &opts.stdin,
                listings,
            )),
            shard: opts.shard,
            read: RecordsRead::default(),
            unreadable_inputs: Vec::new(),
        }
    }

    /// Reads the records that the interrupted run of `cp` wrote, and refuses unless they are
    /// the ones it read: an input can change with its size and modification time kept.
    pub(super) fn read_again(&mut self, cp: &Checkpoint, out: &Path) -> Result<()> {
        while self.read.records < cp.read.records && self.next().is_some() {}
        if self.read != cp.read {
            bail!(
                "cannot resume the run in {}: the inputs' first {} records are not the ones the \
                 interrupted run wrote (an input changed, though its size and modification time \
                 did not); resuming would mix two runs' rows. Run without --resume to start over",
                out.display(),
                cp.read.records
            );
        }
        Ok(())
    }
}

impl Iterator for RunRecords {
    type Item = Result<Article, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = self.all.next()?;
            if let Err(e) = &record {
                if e.is_input_not_read_whole() {
                    self.unreadable_inputs.push(e.clone());
                }
            }
            if self.shard.is_none_or(|s| s.holds(&record)) {
                self.read.add(&record);
                return Some(record);
            }
        }
    }
}
