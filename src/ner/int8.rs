//! Linear layers with int8 weights and activations, for the packed encoder ([`super::packed`]).
//!
//! Most of the encoder's work is its six linear layers per block, so these are quantized
//! dynamically: weights once, per output channel, to int8; activations per row, at each call;
//! the product runs in libtorch's int8 GEMM (`_int_mm`, int32 accumulation) and is scaled back to
//! f32 by [`kernels::dequantize_rows`]. Because each row gets its own scale and integer sums are
//! exact, a row's result does not depend on the other rows of the batch.

use tch::{Device, Kind, Tensor};

use super::kernels;

/// A linear layer with int8 weights (per output channel) and f32 bias.
pub struct Int8Linear {
    /// Quantized weight, transposed to (in, out) for `_int_mm`.
    weight_t: Tensor,
    /// Per output channel: weight = weight_q * scale.
    scale_values: Vec<f32>,
    bias_values: Vec<f32>,
}

impl Int8Linear {
    /// From an f32 (out, in) weight and its bias.
    pub fn new(weight: &Tensor, bias: &Tensor) -> Int8Linear {
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
        }
    }

    /// `x` is (rows, in) in f32 on the CPU; returns (rows, out), plus `residual` (same shape) if
    /// given. Each row's result depends on that row alone: its activations get their own scale,
    /// and the int32 products are exact.
    pub fn forward(&self, x: &Tensor, residual: Option<&Tensor>) -> Tensor {
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
pub(super) unsafe fn elements<T>(t: &Tensor, kind: Kind) -> &[T] {
    assert!(t.kind() == kind && t.is_contiguous() && t.device() == Device::Cpu);
    std::slice::from_raw_parts(t.data_ptr() as *const T, t.numel())
}

/// The elements of a contiguous CPU tensor, writable.
///
/// # Safety
/// `T` must be the element type of `kind`, and no other view of `t`'s storage may be in use.
pub(super) unsafe fn elements_mut<T>(t: &mut Tensor, kind: Kind) -> &mut [T] {
    assert!(t.kind() == kind && t.is_contiguous() && t.device() == Device::Cpu);
    std::slice::from_raw_parts_mut(t.data_ptr() as *mut T, t.numel())
}
