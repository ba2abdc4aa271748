//! `report`: a static HTML site over a finished run's CSVs.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::builder::{OsStringValueParser, TypedValueParser};
use clap::Args;

use whosaid::report::{self, ReportOptions};

use super::FieldArgs;

#[derive(Args)]
pub struct ReportArgs {
    /// The --out directory of a finished `whosaid extract` run (or the Spark job's --output).
    out_dir: PathBuf,
    /// Directory for the site (index.html, speakers/, articles/). Replaced whole when it is an
    /// earlier report holding nothing but its pages; refused when it holds anything else (your
    /// own files put into an earlier report included), the run, or an input.
    #[arg(long, value_name = "REPORT_DIR")]
    html: PathBuf,
    /// The run's inputs, read again for the text of the article pages (as given to extract;
    /// without them, article pages list the entities and quotes but show no text).
    #[arg(long, num_args = 1.., value_name = "INPUT",
          value_parser = OsStringValueParser::new().try_map(input_file))]
    inputs: Vec<PathBuf>,
    /// Most speaker pages (the most quoted speakers), and most article pages (those with the
    /// most quotes by these speakers). At least 1: a report of no page is a usage error, as
    /// `--top 0` is.
    #[arg(long, default_value = "200")]
    max_pages: NonZeroUsize,
    /// Length of each list on the index page.
    #[arg(long, default_value = "20")]
    top: NonZeroUsize,
    #[command(flatten)]
    fields: FieldArgs,
}

/// An `--inputs` path: a file to read again, which stdin (`-`) cannot be — a usage error, as
/// `--max-pages 0` is (it failed later, exiting 1). Any path `extract` took, UTF-8 or not: a
/// `caf\xe9.jsonl` given to `extract` was refused here with clap's "invalid UTF-8".
fn input_file(s: OsString) -> Result<PathBuf, String> {
    match s == "-" {
        true => Err("stdin cannot be read again: give the run's input files".into()),
        false => Ok(PathBuf::from(s)),
    }
}

/// Runs the command.
pub fn run(a: ReportArgs) -> Result<ExitCode> {
    let summary = report::build(&ReportOptions {
        out: a.out_dir,
        html: a.html,
        inputs: a.inputs,
        fields: a.fields.into(),
        max_pages: a.max_pages.get(),
        top: a.top.get(),
    })?;
    eprintln!("{summary}");
    println!("{}", summary.index.display());
    Ok(ExitCode::SUCCESS)
}
