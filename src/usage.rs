//! Settings no run can use, found by the library after the command line was parsed: the
//! command exits 2 for them, as clap does for a flag it cannot parse.
//!
//! clap checks each flag's form (`--epochs x`); what a setting must be given the others
//! (`--lr nan`, `--epochs 0`, a `--max-length` the model's positions cannot hold) is checked
//! where the run knows it, and a refusal there is still the user's usage error:
//!
//! ```text
//! $ whosaid train ner --train t.conll --out m --lr nan
//! whosaid: error: --lr must be above 0 (got NaN)          (exit status 2)
//! ```

/// A setting the run refuses before any work, naming the option and what it must be.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);
