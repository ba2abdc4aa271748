//! Small randomly initialised models, so tests and benchmarks of the plumbing run real loading
//! and decoding code without shipping weights.

use std::path::Path;

use anyhow::{Context, Result};
use rust_bert::bert::{BertConfig, BertForTokenClassification};
use tch::{nn, Device, Kind, Tensor};
use tokenizers::Tokenizer;

use super::files::{save_weights, ModelConfig, ModelSettings, Task};
use super::{CASING_CLASSES, CONLL_TAGS};

/// Writes a small randomly initialised model directory (WordPiece vocabulary of `words` plus
/// single characters, 2 layers of width 32, casing input, CoNLL labels), so tests and benchmarks
/// of the plumbing run real loading and decoding code without shipping weights. `bias` favours
/// one label id in the classifier, which makes the predicted tags predictable in tests.
pub fn write_random_model(
    dir: &Path,
    words: &[&str],
    max_length: usize,
    seed: i64,
    bias: Option<usize>,
) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let vocab = tiny_vocab(words);
    write_tiny_tokenizer(dir, &vocab)?;
    let config = tiny_config(vocab.len(), max_length);
    config.write(&dir.join("config.json"))?;
    write_random_weights(dir, &config.bert, seed, bias)
}

/// The five special tokens, each single character (with its `##` continuation) and the
/// lower-cased `words` not already in, in that order: the ids follow the order.
fn tiny_vocab(words: &[&str]) -> Vec<String> {
    let mut vocab: Vec<String> = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
        .map(String::from)
        .to_vec();
    for c in ('a'..='z')
        .chain('0'..='9')
        .chain(".,;:!?'\"-()[]“”’".chars())
    {
        vocab.push(c.to_string());
        vocab.push(format!("##{c}"));
    }
    for w in words {
        let w = w.to_lowercase();
        if !vocab.contains(&w) {
            vocab.push(w);
        }
    }
    vocab
}

/// Writes `tokenizer.json`: uncased WordPiece over `vocab`, whose first five entries are the
/// special tokens.
fn write_tiny_tokenizer(dir: &Path, vocab: &[String]) -> Result<()> {
    let vocab_map: serde_json::Map<String, serde_json::Value> = vocab
        .iter()
        .enumerate()
        .map(|(i, w)| (w.clone(), i.into()))
        .collect();
    let added_tokens: Vec<serde_json::Value> = vocab[..5]
        .iter()
        .enumerate()
        .map(|(i, t)| {
            serde_json::json!({"id": i, "content": t, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true})
        })
        .collect();
    // The same JSON layout as a Hugging Face BERT tokenizer.json: uncased WordPiece.
    let json = serde_json::json!({
        "version": "1.0",
        "truncation": null,
        "padding": null,
        "added_tokens": added_tokens,
        "normalizer": {"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": null,
        "decoder": null,
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100, "vocab": vocab_map}
    });
    let tokenizer: Tokenizer = json
        .to_string()
        .parse()
        .map_err(|e| anyhow::anyhow!("cannot build the tiny tokenizer: {e}"))?;
    tokenizer
        .save(dir.join("tokenizer.json"), false)
        .map_err(|e| anyhow::anyhow!("{e}"))
}

/// The configuration of a 2-layer, width-32 BERT over `vocab_size` ids, with casing input and
/// the CoNLL labels.
fn tiny_config(vocab_size: usize, max_length: usize) -> ModelConfig {
    let mut config = ModelConfig {
        bert: BertConfig {
            hidden_size: 32,
            intermediate_size: 64,
            num_attention_heads: 2,
            num_hidden_layers: 2,
            max_position_embeddings: max_length.max(64) as i64,
            type_vocab_size: CASING_CLASSES,
            vocab_size: vocab_size as i64,
            ..Default::default()
        },
        settings: ModelSettings {
            casing: true,
            max_length,
            task: Task::Ner,
            context_pieces: 0,
            int8_weights: crate::ner::WeightScales::Max,
            tag_scheme: crate::ner::TagScheme::Iob2,
            role_transitions: None,
            weights_fingerprint: None,
            tokenizer_fingerprint: None,
        },
        tags: Vec::new(),
    };
    config.set_tags(&CONLL_TAGS);
    config
}

/// Writes `model.safetensors`: a token classifier over `bert` initialised from `seed`, its
/// classifier bias raised for label `bias` when given.
fn write_random_weights(
    dir: &Path,
    bert: &BertConfig,
    seed: i64,
    bias: Option<usize>,
) -> Result<()> {
    tch::manual_seed(seed);
    let vs = nn::VarStore::new(Device::Cpu);
    let _model =
        BertForTokenClassification::new(vs.root(), bert).map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(label) = bias {
        tch::no_grad(|| {
            for (name, mut t) in vs.variables() {
                if name == "classifier.bias" {
                    let _ = t.fill_(0.0);
                    let _ = t.get(label as i64).fill_(20.0);
                }
            }
        });
    }
    save_weights(&vs, &dir.join("model.safetensors"), Kind::Float, &|_| true)
}

/// Writes a tiny random BERT *encoder* laid out like a Hugging Face base model: a plain BERT
/// `config.json` (two token types), `tokenizer.json`, and `model.safetensors` named without the
/// `bert.` prefix and without a classifier. It is what `train ner --base` reads, for tests.
pub fn write_random_encoder(dir: &Path, words: &[&str], seed: i64) -> Result<()> {
    write_random_model(dir, words, 64, seed, None)?;
    let path = dir.join("model.safetensors");
    let tensors = Tensor::read_safetensors(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let encoder: Vec<(String, Tensor)> = tensors
        .into_iter()
        .filter_map(|(name, t)| {
            let name = name.strip_prefix("bert.")?.to_string();
            let t = if name.ends_with("token_type_embeddings.weight") {
                t.narrow(0, 0, 2)
            } else {
                t
            };
            Some((name, t))
        })
        .collect();
    Tensor::write_safetensors(&encoder, &path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut bert = ModelConfig::read(&dir.join("config.json"))?.bert;
    bert.type_vocab_size = 2;
    std::fs::write(
        dir.join("config.json"),
        serde_json::to_string_pretty(&bert)?,
    )?;
    Ok(())
}
