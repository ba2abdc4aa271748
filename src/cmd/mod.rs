//! One module per command, the xsv way: each owns its arguments and its `run`.

pub mod eval;
pub mod extract;
pub mod train_ner;
