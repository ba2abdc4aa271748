//! Scoring against labeled data: NER on CoNLL files and span-labeled fixtures, quotes on
//! brat standoff and the project's quote fixtures.

pub mod ner;
pub mod quotes;
pub mod run;
