//! The `whosaid` command line: parses arguments and dispatches to a command in `cmd/`.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

mod cmd;

use cmd::eval::{EvalEntitiesArgs, EvalNerArgs, EvalQuotesArgs};
use cmd::extract::{ExtractArgs, StreamArgs};
use cmd::index::IndexArgs;
use cmd::report::ReportArgs;
use cmd::train_average::TrainAverageArgs;
use cmd::train_ner::TrainNerArgs;
use cmd::train_quotes::TrainQuotesArgs;
use whosaid::pipeline;

/// Who said what, about whom: named entities and attributed quotes from news-article dumps.
#[derive(Parser)]
#[command(
    name = "whosaid",
    version,
    about,
    long_about = None,
    after_help = "Exit status: 0 when every input was read (bad records inside an input are rows of \
errors.csv); 3 when an input could not be read at all (missing, unknown format, a .gz that is \
not gzip, a CSV without a header row or its text column) or could not be read to its end (a .gz \
cut short): extract and stream after the others were processed and errors.csv written, each such \
input named on stderr, report and index before writing anything; 2 for a usage error; 1 for any other error (eval and train stop at an input they \
cannot read with 1, before any work)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read articles, find entities and quotes, write CSVs.
    Extract(ExtractArgs),
    /// Streaming mode for pipes (Spark's RDD.pipe, Unix pipelines): JSON lines of articles on
    /// stdin, one JSON line per record on stdout, with its entities, mentions and quotes nested
    /// (or an "error" object), in input order.
    Stream(StreamArgs),
    /// Write a static HTML report of a finished run: who is quoted, about whom, every quote in
    /// its article (open REPORT_DIR/index.html in a browser).
    Report(ReportArgs),
    /// Write the entity index (entity_index.csv) of several finished runs taken together: the
    /// shards of one dump give the index one run over the whole dump writes.
    Index(IndexArgs),
    /// Train a model.
    #[command(subcommand)]
    Train(TrainCommand),
    /// Score against labeled data.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Subcommand)]
enum TrainCommand {
    /// Fine-tune a BERT encoder for NER on CoNLL files.
    Ner(TrainNerArgs),
    /// Train the attribution (quote) model on brat folders.
    Quotes(TrainQuotesArgs),
    /// Average the weights of models fine-tuned from one start into one model.
    Average(TrainAverageArgs),
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Entity-level precision/recall/F1 on CoNLL files.
    Ner(EvalNerArgs),
    /// Quote content/cue/speaker scores on brat standoff (PolNeAR) or the project's fixtures.
    Quotes(EvalQuotesArgs),
    /// Entity clusters (B³), canonical names, labels and cross-article keys on the project's
    /// entity fixtures.
    Entities(EvalEntitiesArgs),
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Extract(a) => cmd::extract::extract(a),
        Command::Stream(a) => cmd::extract::stream(a),
        Command::Report(a) => cmd::report::run(a),
        Command::Index(a) => cmd::index::run(a),
        Command::Train(TrainCommand::Ner(a)) => cmd::train_ner::run(a),
        Command::Train(TrainCommand::Quotes(a)) => cmd::train_quotes::run(a),
        Command::Train(TrainCommand::Average(a)) => cmd::train_average::run(a),
        Command::Eval(EvalCommand::Ner(a)) => cmd::eval::ner(a),
        Command::Eval(EvalCommand::Quotes(a)) => cmd::eval::quotes(a),
        Command::Eval(EvalCommand::Entities(a)) => cmd::eval::entities(a),
    }
}

fn main() -> ExitCode {
    pipeline::tune_runtime();
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whosaid: error: {e:#}");
            // The promise of `--help`: 3 when an input could not be opened at all.
            if e.downcast_ref::<whosaid::report::CannotOpen>().is_some() {
                ExitCode::from(cmd::EXIT_UNREADABLE_INPUT)
            } else if e.downcast_ref::<whosaid::usage::UsageError>().is_some() {
                ExitCode::from(cmd::EXIT_USAGE)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
