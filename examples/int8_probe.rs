//! Probe: int8 GEMM paths in this libtorch vs f32, at the encoder's FFN shape.
use std::time::Instant;
use tch::{Device, Kind, Tensor};

fn time(label: &str, flops: f64, reps: usize, f: impl Fn() -> Tensor) {
    let _ = f();
    let t = Instant::now();
    for _ in 0..reps {
        let _ = f();
    }
    let s = t.elapsed().as_secs_f64();
    println!("{label}: {:.1} G(FL)OP/s", flops * reps as f64 / s / 1e9);
}

fn main() {
    tch::set_num_threads(2);
    let (m, k, n) = (4096i64, 384i64, 1536i64);
    let flops = 2.0 * (m * k * n) as f64;
    let x = Tensor::randn([m, k], (Kind::Float, Device::Cpu));
    let w = Tensor::randn([n, k], (Kind::Float, Device::Cpu));
    let b = Tensor::zeros([n], (Kind::Float, Device::Cpu));
    time("f32 linear", flops, 10, || x.linear(&w, Some(&b)));
    let xq = Tensor::randint(100, [m, k], (Kind::Int8, Device::Cpu));
    let wq = Tensor::randint(100, [k, n], (Kind::Int8, Device::Cpu));
    match std::panic::catch_unwind(|| xq.internal_int_mm(&wq)) {
        Ok(_) => time("_int_mm int8", flops, 10, || xq.internal_int_mm(&wq)),
        Err(_) => println!("_int_mm: not available on CPU"),
    }
    // fbgemm: per-tensor int8 weight, fp32 activations quantized on the fly.
    let scale = w.abs().max().double_value(&[]) / 127.0;
    let wq8 = (&w / scale)
        .round()
        .clamp(-127.0, 127.0)
        .to_kind(Kind::Int8);
    let col_offsets = wq8.to_kind(Kind::Int).sum_dim_intlist(1, false, Kind::Int);
    let r = std::panic::catch_unwind(|| {
        let packed = wq8.fbgemm_pack_quantized_matrix();
        let y = x.fbgemm_linear_int8_weight_fp32_activation(
            &wq8,
            &packed,
            &col_offsets,
            tch::Scalar::float(scale),
            tch::Scalar::int(0),
            &b,
        );
        let reference = x.linear(&w, Some(&b));
        let err = (&y - &reference).abs().mean(Kind::Float).double_value(&[])
            / reference.abs().mean(Kind::Float).double_value(&[]);
        println!("fbgemm int8 relative error {err:.4}");
        packed
    });
    match r {
        Ok(packed) => time("fbgemm int8 linear", flops, 10, || {
            x.fbgemm_linear_int8_weight_fp32_activation(
                &wq8,
                &packed,
                &col_offsets,
                tch::Scalar::float(scale),
                tch::Scalar::int(0),
                &b,
            )
        }),
        Err(_) => println!("fbgemm int8: not available"),
    }
}
