//! Per-operation timings of the int8 encoder's parts at one batch shape (best of N runs each):
//! the four int8 products against their f32 equivalents, the element-wise steps in libtorch
//! and in whosaid's kernels, and attention variants. For profiling; not part of the benchmark.
//!
//! cargo run --release --example int8_ops -- [THREADS] [WINDOWS_OF_128]     (KERNELS=1: kernels only)
use std::time::Instant;
use tch::{Device, Kind, Tensor};

fn time<F: FnMut() -> Tensor>(name: &str, reps: usize, mut f: F) -> f64 {
    let _ = f();
    let mut s = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        let _ = f();
        s = s.min(t.elapsed().as_secs_f64());
    }
    println!("{name:40} {:8.2} ms", s * 1e3);
    s
}

fn main() {
    let threads: i32 = std::env::args()
        .nth(1)
        .map(|s| s.parse().unwrap())
        .unwrap_or(2);
    tch::set_num_threads(threads);
    let batch: i64 = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(32);
    let t = batch * 128;
    let opts = (Kind::Float, Device::Cpu);
    let x384 = Tensor::randn([t, 384], opts);
    let x1536 = Tensor::randn([t, 1536], opts);
    let reps = (20 * 32 / batch).max(5) as usize;
    if std::env::var("KERNELS").is_ok() {
        for cols in [384i64, 1536] {
            let x = Tensor::randn([t, cols], opts);
            let xs = Vec::<f32>::try_from(x.flatten(0, -1)).unwrap();
            let mut q = vec![0i8; xs.len()];
            let mut sc = vec![0f32; t as usize];
            time(&format!("torch quantize {cols}"), reps, || {
                let s = x
                    .abs()
                    .amax([1], true)
                    .clamp_min_(1e-8)
                    .divide_scalar_(127.0);
                (&x / &s).round_().to_kind(Kind::Int8)
            });
            time(&format!("kernel quantize {cols}"), reps, || {
                whosaid::ner::kernels::quantize_rows(&xs, cols as usize, &mut q, &mut sc);
                Tensor::new()
            });
            let acc = Tensor::randint(1000, [t, cols], (Kind::Int, Device::Cpu));
            let accv = Vec::<i32>::try_from(acc.flatten(0, -1)).unwrap();
            let cs = Tensor::rand([1, cols], opts);
            let csv = Vec::<f32>::try_from(cs.flatten(0, -1)).unwrap();
            let rs = Tensor::rand([t, 1], opts);
            let mut out = vec![0f32; xs.len()];
            time(&format!("torch dequant {cols}"), reps, || {
                let mut y = acc.to_kind(Kind::Float);
                let _ = y.g_mul_(&rs);
                let _ = y.g_mul_(&cs);
                let _ = y.g_add_(&cs);
                y
            });
            time(&format!("kernel dequant {cols}"), reps, || {
                whosaid::ner::kernels::dequantize_rows(&accv, &sc, &csv, &csv, None, &mut out);
                Tensor::new()
            });
        }
        return;
    }

    let mut total = 0.0;
    for (name, k, n) in [
        ("qkv", 384, 1152),
        ("attn_out", 384, 384),
        ("inter", 384, 1536),
        ("out", 1536, 384),
    ] {
        let xq = Tensor::randint(100, [t, k], (Kind::Int8, Device::Cpu));
        let w = Tensor::randint(100, [k, n], (Kind::Int8, Device::Cpu));
        let s = time(&format!("int_mm {name} {t}x{k}x{n}"), reps, || {
            xq.internal_int_mm(&w)
        });
        println!("{:40} {:8.1} GOP/s", "", 2.0 * (t * k * n) as f64 / s / 1e9);
        total += s;
        let wf = Tensor::randn([n, k], opts);
        let xf = Tensor::randn([t, k], opts);
        let s = time(&format!("f32 linear {name}"), reps, || {
            xf.linear(&wf, None::<&Tensor>)
        });
        println!(
            "{:40} {:8.1} GFLOP/s",
            "",
            2.0 * (t * k * n) as f64 / s / 1e9
        );
    }
    println!("int_mm per layer: {:.2} ms", total * 1e3);
    for (name, x) in [("384", &x384), ("1536", &x1536)] {
        time(&format!("quantize {name}"), reps, || {
            let s = x
                .abs()
                .amax([1], true)
                .clamp_min_(1e-8)
                .divide_scalar_(127.0);
            (x / &s).round_().to_kind(Kind::Int8)
        });
        let yi = Tensor::randint(100, [t, x.size()[1]], (Kind::Int, Device::Cpu));
        let cs = Tensor::rand([1, x.size()[1]], opts);
        let rs = Tensor::rand([t, 1], opts);
        time(&format!("dequant {name}"), reps, || {
            let mut y = yi.to_kind(Kind::Float);
            let _ = y.g_mul_(&rs);
            let _ = y.g_mul_(&cs);
            let _ = y.g_add_(&cs);
            y
        });
        let w = Tensor::ones([x.size()[1]], opts);
        let b = Tensor::zeros([x.size()[1]], opts);
        time(&format!("layernorm {name}"), reps, || {
            x.layer_norm([x.size()[1]], Some(&w), Some(&b), 1e-12, false)
        });
        time(&format!("gelu {name}"), reps, || x.gelu("none"));
        time(&format!("add {name}"), reps, || x + x);
    }
    // Attention as the encoder does it: from the fused (tokens, 3 × hidden) projection to the
    // (tokens, hidden) context, with the variants tried.
    let flat = Tensor::randn([t, 1152], opts);
    let float_mask = Tensor::zeros([batch, 1, 1, 128], opts);
    let bool_mask = Tensor::ones([batch, 1, 1, 128], (Kind::Bool, Device::Cpu));
    let split = |contiguous: bool| {
        let qkv = flat.view([batch, 128, 3, 12, 32]).permute([2, 0, 3, 1, 4]);
        let qkv = if contiguous { qkv.contiguous() } else { qkv };
        (qkv.get(0), qkv.get(1), qkv.get(2))
    };
    let merge = |ctx: Tensor| ctx.permute([0, 2, 1, 3]).contiguous().view([t, 384]);
    for (name, mask, contiguous) in [
        ("attention: sdpa, float mask", &float_mask, false),
        (
            "attention: sdpa, float mask, contiguous q/k/v",
            &float_mask,
            true,
        ),
        ("attention: sdpa, bool mask", &bool_mask, false),
    ] {
        time(name, reps, || {
            let (q, k, v) = split(contiguous);
            merge(Tensor::scaled_dot_product_attention(
                &q,
                &k,
                &v,
                Some(mask),
                0.0,
                false,
                None::<f64>,
            ))
        });
    }
    time("attention: matmul, softmax, matmul", reps, || {
        let (q, k, v) = split(false);
        let scores = (q / (32f64).sqrt()).matmul(&k.transpose(-1, -2)) + &float_mask;
        merge(scores.softmax(-1, Kind::Float).matmul(&v))
    });
}
