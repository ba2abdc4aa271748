//! Named-entity recognition with a BERT token-classification model through rust-bert.
//!
//! A model directory holds `config.json` (a BERT config with `id2label`, plus a `whosaid` section
//! for our casing input and window length), `tokenizer.json` (a `tokenizers` WordPiece tokenizer)
//! and `model.safetensors` (f32, f16 or bf16 tensors named as rust-bert's
//! `BertForTokenClassification` names them: `bert.…`, `classifier.…`).
//!
//! Tokenization, windowing, batching and offset mapping are ours rather than rust-bert's NER
//! pipeline: texts are split into words by [`crate::text`], words are fed to the tokenizer as
//! pre-tokenized input, and the model labels each word by its first word piece, so predictions map
//! back to byte spans of the original text without any character/byte confusion.
//!
//! Inference runs through our packed encoder ([`packed`]), which reads rust-bert's weights and
//! tags each window independently of its batch; training (and bf16) runs rust-bert's model.
//!
//! Casing: our base encoder is uncased, so the word's casing class ([`casing_class`]) is fed
//! through the token-type embedding, which trained models enlarge to [`CASING_CLASSES`] rows.

use std::path::Path;

use anyhow::{bail, Result};
use rust_bert::bert::BertForTokenClassification;
use tch::{nn, Device, Kind, Tensor};
use tokenizers::Tokenizer;

use crate::span::Span;

mod attention;
mod casing;
mod files;
mod int8;
mod int8_product;
pub mod kernels;
mod label;
mod omp;
mod packed;
mod piece_memo;
mod random_model;
mod roles;
mod tagger;
mod tags;
mod viterbi;
mod windows;

pub use casing::{
    casing_class, lowercase_sentence, needs_any_case, normally_cased, CASING_CLASSES,
};
pub use files::{
    check_weights, file_fingerprint, load_tokenizer, load_weights, not_a_number, read_safetensors,
    save_weights, save_weights_and_config, window_lengths, ModelConfig, ModelFiles, ModelSettings,
    TagScheme, Task, MODEL_FILE_NAMES,
};
pub use int8::WeightScales;
pub use int8_product::path as int8_product_path;
#[cfg(test)]
pub(crate) use label::parse_tags;
pub use label::{EntityLabel, Tag};
pub use packed::{EncoderStep, EncoderTimes, PackedBert};
pub use random_model::{write_random_encoder, write_random_model};
pub use roles::{decode_role, role_label_names, segments, Bio, Role, RoleTransitions, ROLE_LABELS};
pub use tagger::{split_rows, TagModel, TagWork, Tagger, WordScorer};
pub use tags::{best_tags, decode_tags, document_mentions, document_word_tags, TaggedEntity};
pub use windows::{Batching, Window, Windower};

/// The tag set of the project's NER models, in id order (owned here, where models are read;
/// training writes it).
pub const CONLL_TAGS: [Tag; 9] = {
    use EntityLabel::*;
    [
        Tag::Outside,
        Tag::Begin(Per),
        Tag::Inside(Per),
        Tag::Begin(Org),
        Tag::Inside(Org),
        Tag::Begin(Loc),
        Tag::Inside(Loc),
        Tag::Begin(Misc),
        Tag::Inside(Misc),
    ]
};

/// The folder, inside a model directory, of the model's any-case companion ([`Tagger`]): when
/// `models/ner-en/any-case/` exists, documents that are not normally cased are tagged by it.
pub const ANY_CASE_DIR: &str = "any-case";

/// The any-case companion of the model in `model_dir`, when it has one: when its folder has a
/// `config.json` of any kind, so that one that is no regular file (a FIFO) is refused by the
/// load, naming it, rather than the companion left out without a word.
pub fn any_case_dir(model_dir: &Path) -> Option<std::path::PathBuf> {
    let dir = model_dir.join(ANY_CASE_DIR);
    dir.join("config.json").exists().then_some(dir)
}

/// A named-entity mention found by the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub span: Span,
    /// The type of the words' tags.
    pub label: EntityLabel,
    /// Mean probability of the predicted tags over the mention's words.
    pub score: f32,
}

/// The predicted tag of one word: label id and its probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WordTag {
    pub label: usize,
    pub prob: f32,
}

impl WordTag {
    /// The tag this label id stands for in a model's `tag_set` (outside for an id it lacks).
    pub fn tag(&self, tag_set: &[Tag]) -> Tag {
        tag_set.get(self.label).copied().unwrap_or(Tag::Outside)
    }
}

/// A loaded token-classification model. Not `Sync` (rust-bert models aren't): run it from one
/// thread, e.g. [`crate::pipeline`]'s inference worker.
pub struct NerModel {
    pub config: ModelConfig,
    pub tokenizer: Tokenizer,
    pub vs: nn::VarStore,
    pub model: BertForTokenClassification,
    /// The packed CPU encoder ([`packed`]), when loaded for inference with
    /// [`NerModel::load_as`] in int8 or f32; predictions use it.
    pub packed: Option<packed::PackedBert>,
}

/// The number format the model computes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    #[default]
    F32,
    /// bfloat16 weights and activations through rust-bert's padded batches. Dev F1 holds; on a
    /// CPU with AVX-512 BF16 it runs as fast as int8, without it libtorch 2.4 runs it ~30x
    /// slower than f32 (BENCHMARKS.md). The one precision whose tags may depend on batching.
    Bf16,
    /// int8 linear layers, dynamically quantized ([`int8`]); f32 elsewhere.
    Int8,
}

impl Precision {
    /// The precision's name on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Bf16 => "bf16",
            Precision::Int8 => "int8",
        }
    }
}

impl std::str::FromStr for Precision {
    type Err = anyhow::Error;

    fn from_str(s: &str) -> Result<Precision> {
        match s {
            "f32" => Ok(Precision::F32),
            "bf16" => Ok(Precision::Bf16),
            "int8" => Ok(Precision::Int8),
            other => bail!("unknown precision {other}: use f32, bf16 or int8"),
        }
    }
}

impl NerModel {
    /// A model computing in f32 through rust-bert (no int8 pass).
    pub fn new(
        config: ModelConfig,
        tokenizer: Tokenizer,
        vs: nn::VarStore,
        model: BertForTokenClassification,
    ) -> NerModel {
        NerModel {
            config,
            tokenizer,
            vs,
            model,
            packed: None,
        }
    }

    /// Loads a model directory for inference on the CPU in `precision`: int8 and f32 through
    /// the packed encoder, whose tags do not depend on batching ([`packed`]); bf16 through
    /// rust-bert's padded batches, whose tags may. In int8 and f32, rust-bert's copy of the
    /// blocks' linear weights is released ([`packed::PackedBert::release_copied_weights`]): such
    /// a model runs through the packed encoder only (training loads with [`NerModel::load`]).
    pub fn load_as(dir: &Path, precision: Precision) -> Result<NerModel> {
        let mut model = NerModel::load(dir, Device::Cpu)?;
        match precision {
            Precision::Bf16 => model.vs.bfloat16(),
            Precision::F32 | Precision::Int8 => {
                model.packed = Some(packed::PackedBert::from_vars(
                    &model.vs,
                    &model.config.bert,
                    precision,
                    model.config.settings.int8_weights,
                )?);
                packed::PackedBert::release_copied_weights(&model.vs, &model.config.bert);
            }
        }
        Ok(model)
    }

    /// Loads a model directory onto a device, weights converted to f32.
    pub fn load(dir: &Path, device: Device) -> Result<NerModel> {
        let files = ModelFiles::locate(dir)?;
        let config = files.config()?;
        let tokenizer = load_tokenizer(&files.tokenizer)?;
        if tokenizer.get_vocab_size(true) as i64 > config.bert.vocab_size {
            bail!(
                "{} has {} tokens but {} says vocab_size {}: the files are from different models",
                files.tokenizer.display(),
                tokenizer.get_vocab_size(true),
                files.config.display(),
                config.bert.vocab_size
            );
        }
        let mut vs = nn::VarStore::new(device);
        let model = BertForTokenClassification::new(vs.root(), &config.bert).map_err(|e| {
            anyhow::anyhow!(
                "cannot build the model from {}: {e}",
                files.config.display()
            )
        })?;
        load_weights(&mut vs, &files.weights, &|name| Some(name.to_string()))?;
        vs.freeze();
        Ok(NerModel::new(config, tokenizer, vs, model))
    }

    pub fn windower(&self) -> Result<Windower<'_>> {
        Windower::new(&self.tokenizer, &self.config.settings)
    }

    /// Pads a batch of windows into (ids, mask, type ids) tensors on the model's device.
    pub fn batch_tensors(windows: &[&Window], device: Device) -> (Tensor, Tensor, Tensor) {
        let width = windows.iter().map(|w| w.len()).max().unwrap_or(0);
        let mut ids = vec![0i64; windows.len() * width];
        let mut mask = vec![0i64; windows.len() * width];
        let mut types = vec![0i64; windows.len() * width];
        for (b, w) in windows.iter().enumerate() {
            let row = b * width;
            ids[row..row + w.len()].copy_from_slice(&w.input_ids);
            types[row..row + w.len()].copy_from_slice(&w.type_ids);
            mask[row..row + w.len()].fill(1);
        }
        let shape = [windows.len() as i64, width as i64];
        let t = |v: Vec<i64>| Tensor::from_slice(&v).view(shape).to_device(device);
        (t(ids), t(mask), t(types))
    }

    /// Logits (words, labels) at each word's first piece, the only rows a tagger reads, for one
    /// padded batch of windows through rust-bert's model (training, and bf16): in window order,
    /// each window's in the order of its `word_starts`. Runs in inference mode (no dropout);
    /// callers decide about gradients.
    pub fn word_logits(&self, windows: &[&Window]) -> Tensor {
        let device = self.vs.device();
        let (ids, mask, types) = Self::batch_tensors(windows, device);
        let width = ids.size()[1] as usize;
        let rows = Tensor::from_slice(&word_start_rows(windows, width)).to_device(device);
        let logits = self
            .model
            .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false)
            .logits;
        let labels = *logits.size().last().expect("3-d logits");
        logits.view([-1, labels]).index_select(0, &rows)
    }

    /// Runs one batch (best of similar lengths) and returns each window's word tags, in the order
    /// of its `word_starts`: the best sequence the model's tag scheme allows ([`best_tags`]).
    pub fn predict(&self, windows: &[&Window]) -> Vec<Vec<WordTag>> {
        let labels = self.config.tags.len();
        let scores = self.batch_scores(windows);
        let mut offset = 0;
        windows
            .iter()
            .map(|w| {
                let words = w.word_starts.len();
                let window = &scores[offset * labels..(offset + words) * labels];
                offset += words;
                best_tags(window, &self.config.tags, self.config.settings.tag_scheme)
            })
            .collect()
    }

    /// The logits (words × labels, row-major) at each word's first piece of one batch, in window
    /// and word order: through the packed encoder when loaded with it, else rust-bert's model in
    /// inference mode. What a model whose labels are not one softmax (the attribution model's
    /// three roles) decodes from.
    pub fn batch_scores(&self, windows: &[&Window]) -> Vec<f32> {
        if windows.is_empty() {
            return Vec::new();
        }
        if let Some(packed) = &self.packed {
            return packed.word_logits(windows);
        }
        let logits = tch::no_grad(|| {
            self.word_logits(windows)
                .to_kind(Kind::Float)
                .to_device(Device::Cpu)
                .contiguous()
                .view([-1])
        });
        Vec::<f32>::try_from(logits).expect("f32 logits")
    }
}

/// The rows of each word's first piece in a batch padded to `width` pieces, as indices into the
/// flattened batch × width, in window and word order.
pub fn word_start_rows(windows: &[&Window], width: usize) -> Vec<i64> {
    windows
        .iter()
        .enumerate()
        .flat_map(|(b, w)| {
            w.word_starts
                .iter()
                .map(move |&(piece, _)| (b * width + piece) as i64)
        })
        .collect()
}
