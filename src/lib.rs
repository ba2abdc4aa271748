//! whosaid: who said what, about whom, in news-article dumps.
//!
//! The pipeline runs one way: [`input`] reads articles, [`clean`] drops web debris, [`text`]
//! segments the kept text into a [`text::Document`], [`ner`] finds mentions, [`entities`] merges
//! them, [`quotes`] finds attributed quotes, and [`output`] writes CSV rows. [`pipeline`] wires the
//! stages, with [`checkpoint`] guarding what a run may touch and resume ([`paths`]: where a path
//! really points); [`eval`] scores them against labeled data and [`train`] fine-tunes the NER model; [`report`] draws a
//! finished run as a static HTML site.
//!
//! Offsets are byte offsets into the article's original text inside the library and character
//! offsets (Unicode scalar values) in every CSV.

pub mod annotated;
pub mod checkpoint;
pub mod clean;
pub mod conll;
pub mod entities;
pub mod eval;
pub mod fnv;
pub mod input;
pub mod invisible;
pub mod lexicon;
pub mod markup;
pub mod ner;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod quotes;
pub mod report;
pub mod span;
pub mod text;
pub mod train;
pub mod usage;
pub mod whole_file;
