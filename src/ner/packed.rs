//! The encoder that tags on the CPU, for `extract`, `stream` and `eval`: windows packed end to
//! end without padding, and every step computed so that a window's tags depend on that window
//! alone — not on the batch it was put in, its neighbours, the thread count or the shard.
//!
//! Why: rust-bert's padded batches couple windows. A window batched beside a longer one gains
//! masked columns in attention, libtorch sums over a different length, and a few bits move; at
//! int8 a moved bit can move a row's quantization step, and the label of `MEK` flipped from ORG
//! to PER between `--batch-size 1` and the default (issue 16). Here:
//! - the windows of a batch lie one after the other, `[CLS] Iran said … [SEP][CLS] Pompeo … [SEP]`,
//!   and [`attention`] lets each window's rows attend to that window's rows only;
//! - every other step is row by row, in arithmetic that does not depend on how many rows there
//!   are: int8 linears ([`Int8Linear`]: per-row scales, exact integer sums) or f32 linears
//!   (matrixmultiply, whose sums run in an order fixed by the depth alone, split over threads by
//!   rows), libtorch's layer norm (one row at a time), our GELU ([`kernels::gelu_in_place`]; the
//!   libtorch one changes formula at its threads' chunk edges), our classifier and softmax.
//!
//! The layout and arithmetic otherwise follow BERT (post-layer-norm blocks), reading the same
//! weights as rust-bert's model; the last block runs its output half on each word's first piece
//! only, the rows a tagger reads.

use std::ops::Range;
use std::time::Instant;

use anyhow::{anyhow, bail, Result};
use rust_bert::bert::BertConfig;
use tch::{nn, Device, Kind, Tensor};

use super::attention::{attention, DIMS};
use super::int8::{elements, elements_mut, Int8Linear, WeightScales};
use super::{kernels, omp, Precision, Window};

/// Rows per task of an f32 linear layer.
const F32_ROWS_PER_TASK: usize = 32;
/// Values per task of GELU.
const GELU_PER_TASK: usize = 16 * 1024;

/// An f32 linear layer on raw rows.
struct F32Linear {
    /// (out, in), row-major, as stored.
    weight: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
}

impl F32Linear {
    fn new(weight: &Tensor, bias: &Tensor) -> F32Linear {
        F32Linear {
            inputs: weight.size()[1] as usize,
            weight: floats(weight),
            bias: floats(bias),
        }
    }

    fn forward(&self, x: &Tensor, residual: Option<&Tensor>) -> Tensor {
        let (inputs, outputs) = (self.inputs, self.bias.len());
        let x = x.contiguous();
        let rows = x.size()[0] as usize;
        let mut y = Tensor::empty([rows as i64, outputs as i64], (Kind::Float, Device::Cpu));
        let residual = residual.map(Tensor::contiguous);
        // SAFETY: contiguous f32 CPU tensors, `y` fresh; shapes checked by the slicing below.
        let (x, out, residual) = unsafe {
            (
                elements::<f32>(&x, Kind::Float),
                elements_mut::<f32>(&mut y, Kind::Float),
                residual.as_ref().map(|r| elements::<f32>(r, Kind::Float)),
            )
        };
        assert!(x.len() == rows * inputs && residual.is_none_or(|r| r.len() == out.len()));
        for_each_chunk(out, F32_ROWS_PER_TASK * outputs, &|t, out| {
            let first = t * F32_ROWS_PER_TASK;
            let n = out.len() / outputs;
            let x = &x[first * inputs..(first + n) * inputs];
            // SAFETY: x is n × inputs, weight outputs × inputs (read transposed), out n ×
            // outputs, all row-major with the strides given.
            unsafe {
                matrixmultiply::sgemm(
                    n,
                    inputs,
                    outputs,
                    1.0,
                    x.as_ptr(),
                    inputs as isize,
                    1,
                    self.weight.as_ptr(),
                    1,
                    inputs as isize,
                    0.0,
                    out.as_mut_ptr(),
                    outputs as isize,
                    1,
                )
            };
            for (r, row) in out.chunks_exact_mut(outputs).enumerate() {
                for (o, b) in row.iter_mut().zip(&self.bias) {
                    *o += b;
                }
                if let Some(res) = residual {
                    let res = &res[(first + r) * outputs..][..outputs];
                    for (o, r) in row.iter_mut().zip(res) {
                        *o += r;
                    }
                }
            }
        });
        y
    }
}

/// Runs `run(index, chunk)` on each `chunk`-long part of `data`, on libtorch's threads.
fn for_each_chunk(data: &mut [f32], chunk: usize, run: &(dyn Fn(usize, &mut [f32]) + Sync)) {
    omp::for_each_part(data.chunks_mut(chunk).collect(), run);
}

/// A block's feed-forward: `output(gelu(intermediate(x))) + x`. In int8 the GELU runs inside
/// the passes between the two products ([`Int8Linear::forward_gelu_quantized`]), its time in
/// the profile's `Intermediate`.
fn feed_forward(
    intermediate: &Linear,
    output: &Linear,
    x: &Tensor,
    lap: &mut impl FnMut(EncoderStep, &mut EncoderTimes),
    times: &mut EncoderTimes,
) -> Tensor {
    if let (Linear::Int8(intermediate), Linear::Int8(output)) = (intermediate, output) {
        let inner = intermediate.forward_gelu_quantized(x);
        lap(EncoderStep::Intermediate, times);
        lap(EncoderStep::Gelu, times);
        let out = output.forward_quantized(&inner, Some(x));
        lap(EncoderStep::Output, times);
        return out;
    }
    let mut inner = intermediate.forward(x, None);
    lap(EncoderStep::Intermediate, times);
    // SAFETY: a linear layer's contiguous f32 CPU result, not shared.
    let values = unsafe { elements_mut::<f32>(&mut inner, Kind::Float) };
    for_each_chunk(values, GELU_PER_TASK, &|_, part| {
        kernels::gelu_in_place(part)
    });
    lap(EncoderStep::Gelu, times);
    let out = output.forward(&inner, Some(x));
    lap(EncoderStep::Output, times);
    out
}

/// A linear layer in the precision the encoder computes in.
enum Linear {
    Int8(Int8Linear),
    F32(F32Linear),
}

impl Linear {
    fn forward(&self, x: &Tensor, residual: Option<&Tensor>) -> Tensor {
        match self {
            Linear::Int8(l) => l.forward(x, residual),
            Linear::F32(l) => l.forward(x, residual),
        }
    }
}

struct LayerNorm {
    weight: Tensor,
    bias: Tensor,
    eps: f64,
}

impl LayerNorm {
    fn forward(&self, x: &Tensor) -> Tensor {
        let width = *x.size().last().expect("non-scalar");
        x.layer_norm(
            [width],
            Some(&self.weight),
            Some(&self.bias),
            self.eps,
            false,
        )
    }
}

struct Block {
    qkv: Linear,
    attention_out: Linear,
    attention_norm: LayerNorm,
    intermediate: Linear,
    output: Linear,
    output_norm: LayerNorm,
}

/// The token classifier: embeddings, encoder blocks, classifier.
pub struct PackedBert {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    blocks: Vec<Block>,
    /// The classifier's weights input by input, in groups of [`LABEL_LANES`] labels
    /// ([`by_input`]).
    classifier_by_input: Vec<f32>,
    classifier_bias: Vec<f32>,
    heads: usize,
    hidden: usize,
}

/// The steps of [`PackedBert`]'s forward pass, as [`EncoderTimes`] counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncoderStep {
    /// Word, position and casing embeddings summed, and their layer norm.
    Embeddings,
    /// The joined query/key/value product.
    QueryKeyValue,
    /// Scores, softmax and context per window and head ([`attention`]).
    Attention,
    /// The attention output product, with the residual.
    AttentionOutput,
    /// Both layer norms of each block.
    LayerNorm,
    /// The feed-forward up-projection.
    Intermediate,
    Gelu,
    /// The feed-forward down-projection, with the residual.
    Output,
    /// The classifier at each word's first piece.
    Classify,
}

impl EncoderStep {
    pub const ALL: [EncoderStep; 9] = [
        EncoderStep::Embeddings,
        EncoderStep::QueryKeyValue,
        EncoderStep::Attention,
        EncoderStep::AttentionOutput,
        EncoderStep::LayerNorm,
        EncoderStep::Intermediate,
        EncoderStep::Gelu,
        EncoderStep::Output,
        EncoderStep::Classify,
    ];
}

/// Seconds per [`EncoderStep`], summed over blocks and batches.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct EncoderTimes(pub [f64; EncoderStep::ALL.len()]);

impl EncoderTimes {
    fn add(&mut self, step: EncoderStep, since: Instant) {
        self.0[step as usize] += since.elapsed().as_secs_f64();
    }

    /// Adds another call's times.
    pub fn merge(&mut self, other: &EncoderTimes) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += b;
        }
    }
}

/// A batch of windows laid end to end.
struct Packed {
    ids: Vec<i64>,
    types: Vec<i64>,
    positions: Vec<i64>,
    windows: Vec<Range<usize>>,
    /// Each word's first piece, as a row of the packed batch, in window and word order.
    word_rows: Vec<i64>,
}

impl Packed {
    fn new(windows: &[&Window]) -> Packed {
        let mut p = Packed {
            ids: Vec::new(),
            types: Vec::new(),
            positions: Vec::new(),
            windows: Vec::new(),
            word_rows: Vec::new(),
        };
        for w in windows {
            let start = p.ids.len();
            p.ids.extend_from_slice(&w.input_ids);
            p.types.extend_from_slice(&w.type_ids);
            p.positions.extend(0..w.len() as i64);
            p.windows.push(start..p.ids.len());
            p.word_rows.extend(
                w.word_starts
                    .iter()
                    .map(|&(piece, _)| (start + piece) as i64),
            );
        }
        p
    }
}

impl PackedBert {
    /// Builds the encoder from a loaded `BertForTokenClassification`'s variables, with its
    /// linear layers in `precision` (int8 or f32; int8 weights scaled by `weight_scales`).
    pub fn from_vars(
        vs: &nn::VarStore,
        config: &BertConfig,
        precision: Precision,
        weight_scales: WeightScales,
    ) -> Result<PackedBert> {
        let (heads, hidden) = (
            config.num_attention_heads as usize,
            config.hidden_size as usize,
        );
        if heads == 0 || !hidden.is_multiple_of(heads) || !(hidden / heads).is_multiple_of(DIMS) {
            bail!("the packed encoder needs attention heads a multiple of {DIMS} wide");
        }
        let vars = vs.variables();
        let get = |name: &str| -> Result<Tensor> {
            vars.get(name)
                .map(|t| t.detach().to_device(Device::Cpu).to_kind(Kind::Float))
                .ok_or_else(|| anyhow!("the model has no weight {name}"))
        };
        let linear = |weight: Tensor, bias: Tensor| -> Result<Linear> {
            Ok(match precision {
                Precision::Int8 => Linear::Int8(Int8Linear::new(&weight, &bias, weight_scales)),
                Precision::F32 => Linear::F32(F32Linear::new(&weight, &bias)),
                Precision::Bf16 => bail!("the packed encoder computes in int8 or f32"),
            })
        };
        let dense = |prefix: &str| -> Result<Linear> {
            linear(
                get(&format!("{prefix}.weight"))?,
                get(&format!("{prefix}.bias"))?,
            )
        };
        // BERT's (and rust-bert's) layer-norm epsilon.
        let norm = |prefix: &str| -> Result<LayerNorm> {
            Ok(LayerNorm {
                weight: get(&format!("{prefix}.weight"))?,
                bias: get(&format!("{prefix}.bias"))?,
                eps: 1e-12,
            })
        };
        let mut blocks = Vec::new();
        for i in 0..config.num_hidden_layers {
            let p = format!("bert.encoder.layer.{i}");
            let part = |name: &str, what: &str| get(&format!("{p}.attention.self.{name}.{what}"));
            // Query, key and value in one product.
            let joined = |what: &str| -> Result<Tensor> {
                Ok(Tensor::cat(
                    &[
                        part("query", what)?,
                        part("key", what)?,
                        part("value", what)?,
                    ],
                    0,
                ))
            };
            blocks.push(Block {
                qkv: linear(joined("weight")?, joined("bias")?)?,
                attention_out: dense(&format!("{p}.attention.output.dense"))?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: dense(&format!("{p}.intermediate.dense"))?,
                output: dense(&format!("{p}.output.dense"))?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(PackedBert {
            word: get("bert.embeddings.word_embeddings.weight")?,
            position: get("bert.embeddings.position_embeddings.weight")?,
            token_type: get("bert.embeddings.token_type_embeddings.weight")?,
            embedding_norm: norm("bert.embeddings.LayerNorm")?,
            blocks,
            classifier_by_input: by_input(&floats(&get("classifier.weight")?), hidden),
            classifier_bias: floats(&get("classifier.bias")?),
            heads,
            hidden,
        })
    }

    /// Empties the variables of `vs` whose values [`PackedBert::from_vars`] copied into its own
    /// layout: each block's linear weights (int8, or f32 rows of its own). Nothing reads them
    /// once the encoder is packed, and each copy of the model the pipeline runs would keep them:
    /// 35 MB of the shipped model's f32 weights. The embeddings and layer norms stay (the
    /// packed encoder shares them).
    pub fn release_copied_weights(vs: &nn::VarStore, config: &BertConfig) {
        let mut vars = vs.variables();
        for i in 0..config.num_hidden_layers {
            let p = format!("bert.encoder.layer.{i}");
            for part in [
                "attention.self.query",
                "attention.self.key",
                "attention.self.value",
                "attention.output.dense",
                "intermediate.dense",
                "output.dense",
            ] {
                if let Some(weight) = vars.get_mut(&format!("{p}.{part}.weight")) {
                    let empty = Tensor::empty([0], (weight.kind(), weight.device()));
                    weight.set_data(&empty);
                }
            }
        }
    }

    /// Logits (words × labels, row-major) at each word's first piece, in window and word order.
    pub fn word_logits(&self, windows: &[&Window]) -> Vec<f32> {
        self.word_logits_timed(windows).0
    }

    /// [`PackedBert::word_logits`] with the seconds each step of the encoder took
    /// (`examples/encoder_profile`: where the time goes, for speed work).
    pub fn word_logits_timed(&self, windows: &[&Window]) -> (Vec<f32>, EncoderTimes) {
        let mut times = EncoderTimes::default();
        if windows.is_empty() {
            return (Vec::new(), times);
        }
        let packed = Packed::new(windows);
        let x = tch::no_grad(|| self.encode(&packed, &mut times));
        let started = Instant::now();
        let logits = self.classify(&floats(&x));
        times.add(EncoderStep::Classify, started);
        (logits, times)
    }

    /// The last block's output at each word's first piece, (words, hidden); each step's time
    /// added to `times`.
    fn encode(&self, packed: &Packed, times: &mut EncoderTimes) -> Tensor {
        let mut clock = Instant::now();
        let mut lap = |step: EncoderStep, times: &mut EncoderTimes| {
            times.add(step, clock);
            clock = Instant::now();
        };
        let tensor = |v: &[i64]| Tensor::from_slice(v);
        let x = self.word.index_select(0, &tensor(&packed.ids))
            + self.position.index_select(0, &tensor(&packed.positions))
            + self.token_type.index_select(0, &tensor(&packed.types));
        let mut x = self.embedding_norm.forward(&x);
        let rows = x.size()[0];
        let word_rows = tensor(&packed.word_rows);
        lap(EncoderStep::Embeddings, times);
        for (i, b) in self.blocks.iter().enumerate() {
            let qkv = b.qkv.forward(&x, None);
            lap(EncoderStep::QueryKeyValue, times);
            let mut ctx = Tensor::empty([rows, self.hidden as i64], (Kind::Float, Device::Cpu));
            // SAFETY: `qkv` is a contiguous f32 CPU tensor from a linear layer, `ctx` a fresh one.
            unsafe {
                attention(
                    elements::<f32>(&qkv, Kind::Float),
                    self.hidden,
                    self.heads,
                    &packed.windows,
                    elements_mut::<f32>(&mut ctx, Kind::Float),
                )
            };
            lap(EncoderStep::Attention, times);
            let (ctx, residual) = if i + 1 == self.blocks.len() {
                (
                    ctx.index_select(0, &word_rows),
                    x.index_select(0, &word_rows),
                )
            } else {
                (ctx, x)
            };
            let projected = b.attention_out.forward(&ctx, Some(&residual));
            lap(EncoderStep::AttentionOutput, times);
            let attended = b.attention_norm.forward(&projected);
            lap(EncoderStep::LayerNorm, times);
            let out = feed_forward(&b.intermediate, &b.output, &attended, &mut lap, times);
            x = b.output_norm.forward(&out);
            lap(EncoderStep::LayerNorm, times);
        }
        if self.blocks.is_empty() {
            x = x.index_select(0, &word_rows);
        }
        x
    }

    /// The classifier, one row at a time: `bias[l] + Σ_c x[c] w[l, c]`, summed over `c` in order.
    /// The labels advance together, `c` by `c`, [`LABEL_LANES`] at a time: each label's sum
    /// keeps its order, so its bits, and the labels' sums run side by side instead of one
    /// after another.
    fn classify(&self, x: &[f32]) -> Vec<f32> {
        let labels = self.classifier_bias.len();
        let mut out = Vec::with_capacity(x.len() / self.hidden * labels);
        for row in x.chunks_exact(self.hidden) {
            let groups = self
                .classifier_by_input
                .chunks_exact(self.hidden * LABEL_LANES);
            for (group, bias) in groups.zip(self.classifier_bias.chunks(LABEL_LANES)) {
                let sums = dots_by_input(row, group);
                out.extend(sums.iter().zip(bias).map(|(a, b)| a + b));
            }
        }
        out
    }
}

/// Labels the classifier computes side by side.
const LABEL_LANES: usize = 16;

/// A (labels, hidden) matrix input by input, in groups of [`LABEL_LANES`] labels: group `g` is
/// (hidden, [`LABEL_LANES`]) and holds labels `16g..16g + 16`, the last group zero-padded.
fn by_input(weight: &[f32], hidden: usize) -> Vec<f32> {
    let labels = weight.len() / hidden;
    let mut out = vec![0f32; labels.div_ceil(LABEL_LANES) * hidden * LABEL_LANES];
    for (l, row) in weight.chunks_exact(hidden).enumerate() {
        let group = l / LABEL_LANES * hidden * LABEL_LANES;
        for (c, &w) in row.iter().enumerate() {
            out[group + c * LABEL_LANES + l % LABEL_LANES] = w;
        }
    }
    out
}

/// `Σ_c x[c] w[c, l]` for every lane `l` of one group of a [`by_input`] matrix, each summed
/// over `c` in order (the bits of a plain dot product).
fn dots_by_input(x: &[f32], by_input: &[f32]) -> [f32; LABEL_LANES] {
    let mut acc = [0f32; LABEL_LANES];
    for (&x, w) in x.iter().zip(by_input.chunks_exact(LABEL_LANES)) {
        for (a, &w) in acc.iter_mut().zip(w) {
            *a += x * w;
        }
    }
    acc
}

/// The values of a CPU tensor, flattened, as f32.
fn floats(t: &Tensor) -> Vec<f32> {
    Vec::<f32>::try_from(t.to_kind(Kind::Float).flatten(0, -1)).expect("f32 values")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::NerModel;

    fn shipped() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en")
    }

    fn sentences() -> Vec<Vec<&'static str>> {
        vec![
            vec![
                "Sandër", "Lleshaj", "said", "Iran", "is", "a", "threat", ".",
            ],
            vec!["The", "MEK", "met", "in", "Tirana", "on", "Monday", "."],
            vec![
                "Pompeo",
                "told",
                "reporters",
                "in",
                "Washington",
                "that",
                "talks",
                "failed",
            ],
        ]
    }

    #[test]
    fn the_classifier_sums_labels_side_by_side_with_a_dot_products_bits() {
        let hidden = 384;
        let value = |i: usize| ((i * 7919 % 1000) as f32 - 500.0) / 37.0;
        let x: Vec<f32> = (0..hidden).map(|i| value(i * 13 + 5)).collect();
        // One group (the shipped models' 9 labels) and two (more labels than lanes).
        for labels in [9, LABEL_LANES + 1] {
            let weight: Vec<f32> = (0..labels * hidden).map(|i| value(i) / 100.0).collect();
            let grouped = by_input(&weight, hidden);
            let sums: Vec<f32> = grouped
                .chunks_exact(hidden * LABEL_LANES)
                .flat_map(|group| dots_by_input(&x, group))
                .collect();
            for (l, w) in weight.chunks_exact(hidden).enumerate() {
                let dot = x.iter().zip(w).fold(0f32, |acc, (x, w)| acc + x * w);
                assert_eq!(
                    sums[l].to_bits(),
                    dot.to_bits(),
                    "{labels} labels, label {l}"
                );
            }
            assert!(sums[labels..].iter().all(|&s| s == 0.0));
        }
    }

    #[test]
    fn packed_logits_follow_rust_bert_in_both_precisions() {
        // The shipped model: a random tiny one has near-zero logits that say nothing here.
        let reference_model = NerModel::load(&shipped(), Device::Cpu).unwrap();
        let windower = reference_model.windower().unwrap();
        let mut windows = Vec::new();
        for s in &sentences() {
            windows.extend(windower.windows(std::slice::from_ref(s)).unwrap());
        }
        let refs: Vec<&Window> = windows.iter().collect();
        let reference = tch::no_grad(|| reference_model.word_logits(&refs));
        let reference = floats(&reference);
        let labels = reference_model.config.tags.len();
        let argmax = |v: &[f32]| -> Vec<usize> {
            v.chunks_exact(labels)
                .map(|l| (0..labels).fold(0, |b, i| if l[i] > l[b] { i } else { b }))
                .collect()
        };
        for (precision, tolerance) in [(Precision::F32, 1e-4), (Precision::Int8, 0.05)] {
            let packed = PackedBert::from_vars(
                &reference_model.vs,
                &reference_model.config.bert,
                precision,
                reference_model.config.settings.int8_weights,
            )
            .unwrap();
            let ours = packed.word_logits(&refs);
            assert_eq!(ours.len(), reference.len());
            let diff: f64 = ours
                .iter()
                .zip(&reference)
                .map(|(a, b)| (a - b).abs() as f64)
                .sum();
            let scale: f64 = reference.iter().map(|b| b.abs() as f64).sum();
            assert!(
                diff / scale < tolerance,
                "{precision:?} logits off by {:.5} relative to rust-bert",
                diff / scale
            );
            assert_eq!(
                argmax(&ours),
                argmax(&reference),
                "{precision:?} tags differ"
            );
        }
    }

    /// A model loaded for the packed encoder keeps no second copy of the blocks' linear weights,
    /// and tags as the packed encoder built beside rust-bert's full model does.
    #[test]
    fn loading_for_the_packed_encoder_releases_rust_berts_block_weights() {
        let full = NerModel::load(&shipped(), Device::Cpu).unwrap();
        let loaded = NerModel::load_as(&shipped(), Precision::Int8).unwrap();
        let vars = loaded.vs.variables();
        let numel = |name: &str| vars[name].numel();
        assert_eq!(numel("bert.encoder.layer.0.intermediate.dense.weight"), 0);
        assert_eq!(numel("bert.encoder.layer.0.attention.self.query.weight"), 0);
        assert!(numel("bert.embeddings.word_embeddings.weight") > 0);
        let windower = full.windower().unwrap();
        let windows = windower.windows(&sentences()).unwrap();
        let refs: Vec<&Window> = windows.iter().collect();
        let beside = PackedBert::from_vars(
            &full.vs,
            &full.config.bert,
            Precision::Int8,
            full.config.settings.int8_weights,
        )
        .unwrap();
        assert_eq!(loaded.batch_scores(&refs), beside.word_logits(&refs));
    }

    #[test]
    fn a_window_gets_the_same_bits_alone_and_in_any_batch() {
        let model = NerModel::load(&shipped(), Device::Cpu).unwrap();
        let windower = model.windower().unwrap();
        let all = sentences();
        let mut windows = vec![windower.windows(&all).unwrap().remove(0)];
        for s in &all {
            windows.extend(windower.windows(std::slice::from_ref(s)).unwrap());
        }
        let refs: Vec<&Window> = windows.iter().collect();
        let bits = |v: Vec<f32>| v.into_iter().map(f32::to_bits).collect::<Vec<_>>();
        for precision in [Precision::Int8, Precision::F32] {
            let packed = PackedBert::from_vars(
                &model.vs,
                &model.config.bert,
                precision,
                model.config.settings.int8_weights,
            )
            .unwrap();
            let together = bits(packed.word_logits(&refs));
            let alone: Vec<u32> = refs
                .iter()
                .flat_map(|w| bits(packed.word_logits(&[w])))
                .collect();
            assert_eq!(together, alone, "{precision:?}");
        }
    }
}
