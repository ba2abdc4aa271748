//! A fused BERT encoder for inference with int8 linear layers.
//!
//! rust-bert's `BertForTokenClassification` computes in f32 (bf16 has no fast CPU kernels in
//! libtorch 2.4 without AVX-512 BF16). Most of the encoder's work is its six linear layers per
//! block, so this forward pass quantizes them dynamically: weights once, per output channel, to
//! int8; activations per token, at each call; the product runs in libtorch's int8 GEMM
//! (`_int_mm`, int32 accumulation) and is scaled back to f32. Embeddings, layer norms, softmax,
//! GELU and the classifier stay in f32. The layout and arithmetic otherwise follow BERT
//! (post-layer-norm blocks), reading the same weights as the f32 model.

use anyhow::{anyhow, Result};
use rust_bert::bert::BertConfig;
use tch::{nn, Device, Kind, Tensor};

use super::kernels;

/// A linear layer with int8 weights (per output channel) and f32 bias.
struct Int8Linear {
    /// Quantized weight, transposed to (in, out) for `_int_mm`.
    weight_t: Tensor,
    /// Per output channel: weight = weight_q * scale.
    scale: Tensor,
    bias: Tensor,
    /// The same two, for the CPU kernels.
    scale_values: Vec<f32>,
    bias_values: Vec<f32>,
}

impl Int8Linear {
    fn new(weight: &Tensor, bias: &Tensor) -> Int8Linear {
        let weight = weight.to_kind(Kind::Float);
        let scale = weight.abs().amax([1], true).clamp_min(1e-8) / 127.0;
        let q = (&weight / &scale)
            .round()
            .clamp(-127.0, 127.0)
            .to_kind(Kind::Int8);
        let bias = bias.to_kind(Kind::Float);
        Int8Linear {
            weight_t: q.tr().contiguous(),
            scale_values: Vec::<f32>::try_from(scale.flatten(0, -1).to_device(Device::Cpu))
                .expect("f32 scales"),
            bias_values: Vec::<f32>::try_from(bias.to_device(Device::Cpu)).expect("f32 bias"),
            scale: scale.view([1, -1]),
            bias,
        }
    }

    /// `x` is (tokens, in) in f32; returns (tokens, out), plus `residual` (same shape) if given.
    fn forward(&self, x: &Tensor, residual: Option<&Tensor>) -> Tensor {
        if x.device() != Device::Cpu {
            let y = self.forward_torch(x);
            return match residual {
                Some(r) => y + r,
                None => y,
            };
        }
        let (xq, row_scale) = quantize(x);
        let acc = xq.internal_int_mm(&self.weight_t);
        let mut y = Tensor::empty(acc.size(), (Kind::Float, Device::Cpu));
        let residual = residual.map(Tensor::contiguous);
        // SAFETY: `acc` is _int_mm's contiguous int32 result, `residual` a contiguous f32 tensor
        // of y's shape (checked by the kernel's length asserts), `y` a fresh f32 tensor.
        unsafe {
            kernels::dequantize_rows(
                elements::<i32>(&acc, Kind::Int),
                &row_scale,
                &self.scale_values,
                &self.bias_values,
                residual.as_ref().map(|r| elements::<f32>(r, Kind::Float)),
                elements_mut::<f32>(&mut y, Kind::Float),
            )
        };
        y
    }

    /// The same in libtorch operations, for other devices.
    fn forward_torch(&self, x: &Tensor) -> Tensor {
        let x_scale = x
            .abs()
            .amax([1], true)
            .clamp_min_(1e-8)
            .divide_scalar_(127.0);
        // |x / x_scale| <= 127 by construction: no clamp needed. In-place steps keep the number
        // of large temporaries (and the allocator's work) down.
        let xq = (x / &x_scale).round_().to_kind(Kind::Int8);
        let mut y = xq.internal_int_mm(&self.weight_t).to_kind(Kind::Float);
        let _ = y.g_mul_(&x_scale);
        let _ = y.g_mul_(&self.scale);
        let _ = y.g_add_(&self.bias);
        y
    }
}

/// Per-row int8 quantization of a 2-d f32 CPU tensor: the int8 tensor and the row scales.
fn quantize(x: &Tensor) -> (Tensor, Vec<f32>) {
    let x = x.contiguous();
    let (rows, cols) = (x.size()[0], x.size()[1]);
    let mut xq = Tensor::empty([rows, cols], (Kind::Int8, Device::Cpu));
    let mut row_scale = vec![0f32; rows as usize];
    // SAFETY: `x` is a contiguous f32 CPU tensor and `xq` a fresh int8 one.
    unsafe {
        kernels::quantize_rows(
            elements::<f32>(&x, Kind::Float),
            cols as usize,
            elements_mut::<i8>(&mut xq, Kind::Int8),
            &mut row_scale,
        )
    };
    (xq, row_scale)
}

/// The elements of a contiguous CPU tensor.
///
/// # Safety
/// `T` must be the element type of `kind`.
unsafe fn elements<T>(t: &Tensor, kind: Kind) -> &[T] {
    assert!(t.kind() == kind && t.is_contiguous() && t.device() == Device::Cpu);
    std::slice::from_raw_parts(t.data_ptr() as *const T, t.numel())
}

/// The elements of a contiguous CPU tensor, writable.
///
/// # Safety
/// `T` must be the element type of `kind`, and no other view of `t`'s storage may be in use.
unsafe fn elements_mut<T>(t: &mut Tensor, kind: Kind) -> &mut [T] {
    assert!(t.kind() == kind && t.is_contiguous() && t.device() == Device::Cpu);
    std::slice::from_raw_parts_mut(t.data_ptr() as *mut T, t.numel())
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
    qkv: Int8Linear,
    attention_out: Int8Linear,
    attention_norm: LayerNorm,
    intermediate: Int8Linear,
    output: Int8Linear,
    output_norm: LayerNorm,
}

/// The whole token classifier: embeddings, encoder blocks with int8 linears, f32 classifier.
pub struct Int8Bert {
    word: Tensor,
    position: Tensor,
    token_type: Tensor,
    embedding_norm: LayerNorm,
    blocks: Vec<Block>,
    classifier_weight: Tensor,
    classifier_bias: Tensor,
    heads: i64,
}

impl Int8Bert {
    /// Builds the int8 encoder from a loaded `BertForTokenClassification`'s variables.
    pub fn from_vars(vs: &nn::VarStore, config: &BertConfig) -> Result<Int8Bert> {
        let vars = vs.variables();
        let get = |name: &str| -> Result<Tensor> {
            vars.get(name)
                .map(|t| t.detach().to_kind(Kind::Float))
                .ok_or_else(|| anyhow!("the model has no weight {name}"))
        };
        // BERT's (and rust-bert's) layer-norm epsilon.
        let eps = 1e-12;
        let norm = |prefix: &str| -> Result<LayerNorm> {
            Ok(LayerNorm {
                weight: get(&format!("{prefix}.weight"))?,
                bias: get(&format!("{prefix}.bias"))?,
                eps,
            })
        };
        let linear = |prefix: &str| -> Result<Int8Linear> {
            Ok(Int8Linear::new(
                &get(&format!("{prefix}.weight"))?,
                &get(&format!("{prefix}.bias"))?,
            ))
        };
        let mut blocks = Vec::new();
        for i in 0..config.num_hidden_layers {
            let p = format!("bert.encoder.layer.{i}");
            let part = |name: &str, what: &str| get(&format!("{p}.attention.self.{name}.{what}"));
            // Query, key and value in one product.
            let qkv_weight = Tensor::cat(
                &[
                    part("query", "weight")?,
                    part("key", "weight")?,
                    part("value", "weight")?,
                ],
                0,
            );
            let qkv_bias = Tensor::cat(
                &[
                    part("query", "bias")?,
                    part("key", "bias")?,
                    part("value", "bias")?,
                ],
                0,
            );
            blocks.push(Block {
                qkv: Int8Linear::new(&qkv_weight, &qkv_bias),
                attention_out: linear(&format!("{p}.attention.output.dense"))?,
                attention_norm: norm(&format!("{p}.attention.output.LayerNorm"))?,
                intermediate: linear(&format!("{p}.intermediate.dense"))?,
                output: linear(&format!("{p}.output.dense"))?,
                output_norm: norm(&format!("{p}.output.LayerNorm"))?,
            });
        }
        Ok(Int8Bert {
            word: get("bert.embeddings.word_embeddings.weight")?,
            position: get("bert.embeddings.position_embeddings.weight")?,
            token_type: get("bert.embeddings.token_type_embeddings.weight")?,
            embedding_norm: norm("bert.embeddings.LayerNorm")?,
            blocks,
            classifier_weight: get("classifier.weight")?,
            classifier_bias: get("classifier.bias")?,
            heads: config.num_attention_heads,
        })
    }

    /// Logits (batch, length, labels) for padded ids, mask (1 = token) and token types.
    pub fn forward(&self, ids: &Tensor, mask: &Tensor, types: &Tensor) -> Tensor {
        let (batch, len) = (ids.size()[0], ids.size()[1]);
        self.forward_rows(ids, mask, types, None)
            .view([batch, len, -1])
    }

    /// Logits (rows, labels) at the given positions only (indices into the flattened
    /// batch × length), or (batch × length, labels) for `None`. The last block's attention still
    /// reads every position, but its output projection, feed-forward part and the classifier
    /// run on the wanted rows alone: a tagger needs only each word's first piece, which saves a
    /// quarter of the last block's work.
    pub fn forward_rows(
        &self,
        ids: &Tensor,
        mask: &Tensor,
        types: &Tensor,
        rows: Option<&Tensor>,
    ) -> Tensor {
        let (batch, len) = (ids.size()[0], ids.size()[1]);
        let positions = Tensor::arange(len, (Kind::Int64, ids.device()));
        let x = self
            .word
            .index_select(0, &ids.view([-1]))
            .view([batch, len, -1])
            + self.position.index_select(0, &positions).unsqueeze(0)
            + self
                .token_type
                .index_select(0, &types.view([-1]))
                .view([batch, len, -1]);
        let hidden = *x.size().last().expect("3-d");
        let head = hidden / self.heads;
        let mut x = self.embedding_norm.forward(&x).view([batch * len, hidden]);
        // Padding gets a large negative score before the softmax.
        let attn_mask = ((mask.to_kind(Kind::Float) - 1.0) * 10000.0).view([batch, 1, 1, len]);
        for (i, b) in self.blocks.iter().enumerate() {
            let qkv = b
                .qkv
                .forward(&x, None)
                .view([batch, len, 3, self.heads, head]);
            let qkv = qkv.permute([2, 0, 3, 1, 4]); // (3, batch, heads, len, head)
            let (q, k, v) = (qkv.get(0), qkv.get(1), qkv.get(2));
            let ctx = Tensor::scaled_dot_product_attention(
                &q,
                &k,
                &v,
                Some(&attn_mask),
                0.0,
                false,
                None::<f64>,
            );
            let ctx = ctx
                .permute([0, 2, 1, 3])
                .contiguous()
                .view([batch * len, hidden]);
            let (ctx, residual) = match rows {
                Some(rows) if i + 1 == self.blocks.len() => {
                    (ctx.index_select(0, rows), x.index_select(0, rows))
                }
                _ => (ctx, x),
            };
            let attended = b
                .attention_norm
                .forward(&b.attention_out.forward(&ctx, Some(&residual)));
            let mut inner = b.intermediate.forward(&attended, None);
            // libtorch's GELU on its threads: a fused one of ours on one core measured no faster.
            let _ = inner.gelu_("none");
            x = b
                .output_norm
                .forward(&b.output.forward(&inner, Some(&attended)));
        }
        x.linear(&self.classifier_weight, Some(&self.classifier_bias))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ner::{NerModel, Precision, Window};
    use tch::Device;

    #[test]
    fn int8_logits_follow_the_f32_model() {
        // The shipped model: a random tiny one has near-zero logits that say nothing here.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/ner-en");
        let f32_model = NerModel::load(&dir, Device::Cpu).unwrap();
        let int8_model = NerModel::load_as(&dir, Device::Cpu, Precision::Int8).unwrap();
        let windower = f32_model.windower().unwrap();
        let sentences = [
            vec![
                "Sandër", "Lleshaj", "said", "Iran", "is", "a", "threat", ".",
            ],
            vec!["The", "MEK", "met", "in", "Tirana", "on", "Monday", "."],
        ];
        let mut windows = Vec::new();
        for s in &sentences {
            windows.extend(windower.windows(std::slice::from_ref(s)).unwrap());
        }
        let refs: Vec<&Window> = windows.iter().collect();
        let (ids, mask, types) = NerModel::batch_tensors(&refs, Device::Cpu);
        let reference = tch::no_grad(|| {
            f32_model
                .model
                .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, false)
                .logits
        });
        let int8 = tch::no_grad(|| {
            int8_model
                .int8
                .as_ref()
                .unwrap()
                .forward(&ids, &mask, &types)
        });
        assert_eq!(int8.size(), reference.size());
        let keep = mask.to_kind(Kind::Bool).unsqueeze(-1).expand_as(&reference);
        let (a, b) = (int8.masked_select(&keep), reference.masked_select(&keep));
        let rel = (&a - &b).abs().mean(Kind::Float).double_value(&[])
            / b.abs().mean(Kind::Float).double_value(&[]);
        assert!(rel < 0.05, "int8 logits off by {rel:.4} relative to f32");
        // And the same tags at each word's first piece, the rows predictions read (padding and
        // continuation pieces are never trained, so their argmax may flip).
        let width = ids.size()[1] as usize;
        let rows = Tensor::from_slice(&crate::ner::word_start_rows(&refs, width));
        let labels = *int8.size().last().unwrap();
        let tags = |logits: &Tensor| {
            logits
                .view([-1, labels])
                .index_select(0, &rows)
                .argmax(-1, false)
        };
        assert!(tags(&int8).equal(&tags(&reference)));

        // Word-start rows alone: the same logits as the full pass at those rows.
        let int8_model = int8_model.int8.as_ref().unwrap();
        let at_rows = tch::no_grad(|| int8_model.forward_rows(&ids, &mask, &types, Some(&rows)));
        let full_rows = int8.view([-1, labels]).index_select(0, &rows);
        assert_eq!(at_rows.size(), full_rows.size());
        let diff = (&at_rows - &full_rows).abs().max().double_value(&[]);
        assert!(diff < 1e-3, "row-selected logits differ by {diff}");
    }
}
