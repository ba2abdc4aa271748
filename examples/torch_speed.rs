//! Measures this machine's f32 GEMM peak through libtorch and the NER encoder's forward (and
//! optionally training-step) throughput at given batch shapes. Used by scripts/bench.
//!
//! cargo run --release --example torch_speed -- [MODEL_DIR] [BATCH] [LEN] [THREADS] [f32|int8|bf16|train]
//! The encoder runs as extract's inference threads would for THREADS (one-thread copies side by
//! side, `pipeline::Parallelism`); COPIES=N runs N copies instead.
use std::time::Instant;

use tch::{Device, Kind, Tensor};
use whosaid::ner::{NerModel, Precision, Window};
use whosaid::pipeline::Parallelism;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let dir = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "models/ner-en".into());
    let batch: usize = args.get(2).map(|s| s.parse()).transpose()?.unwrap_or(32);
    let len: usize = args.get(3).map(|s| s.parse()).transpose()?.unwrap_or(128);
    let threads: i32 = args.get(4).map(|s| s.parse()).transpose()?.unwrap_or(2);
    let train = args.get(5).is_some_and(|s| s == "train");
    let precision: Precision = match args.get(5).map(String::as_str) {
        Some(p) if p != "train" => p.parse()?,
        _ => Precision::F32,
    };
    tch::set_num_threads(threads);
    println!(
        "torch threads {}, mkl {}, mkldnn {}",
        tch::get_num_threads(),
        tch::utils::has_mkl(),
        tch::utils::has_mkldnn()
    );
    if precision == Precision::Int8 {
        println!("int8 products: {}", whosaid::ner::int8_product_path());
    }

    let n = 2048;
    let a = Tensor::randn([n, n], (Kind::Float, Device::Cpu));
    let b = Tensor::randn([n, n], (Kind::Float, Device::Cpu));
    let _ = a.matmul(&b);
    let reps = 10;
    let t = Instant::now();
    for _ in 0..reps {
        let _ = a.matmul(&b);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "gemm f32 {n}x{n}x{n}: {:.1} GFLOP/s",
        2.0 * (n as f64).powi(3) * reps as f64 / secs / 1e9
    );
    // bf16 is far slower than f32 on CPUs without AVX-512 BF16: a smaller product keeps the
    // measurement short.
    let m = 512;
    let a16 = Tensor::randn([m, m], (Kind::Float, Device::Cpu)).to_kind(Kind::BFloat16);
    let b16 = Tensor::randn([m, m], (Kind::Float, Device::Cpu)).to_kind(Kind::BFloat16);
    let t = Instant::now();
    let _ = a16.matmul(&b16);
    let secs = t.elapsed().as_secs_f64();
    println!(
        "gemm bf16 {m}x{m}x{m}: {:.1} GFLOP/s",
        2.0 * (m as f64).powi(3) / secs / 1e9
    );

    // int8 x int8 -> int32 GEMM (what --precision int8 uses), counted as 2 ops per multiply-add.
    let ai = Tensor::randint(100, [n, n], (Kind::Int8, Device::Cpu));
    let bi = Tensor::randint(100, [n, n], (Kind::Int8, Device::Cpu));
    let _ = ai.internal_int_mm(&bi);
    let t = Instant::now();
    for _ in 0..reps {
        let _ = ai.internal_int_mm(&bi);
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "gemm int8 {n}x{n}x{n}: {:.1} GOP/s",
        2.0 * (n as f64).powi(3) * reps as f64 / secs / 1e9
    );

    // Training runs rust-bert's model, whose block weights `load_as` releases once packed.
    let mut model = if train {
        NerModel::load(std::path::Path::new(&dir), Device::Cpu)?
    } else {
        NerModel::load_as(std::path::Path::new(&dir), precision)?
    };
    let w = Window {
        input_ids: vec![1000; len],
        type_ids: vec![0; len],
        word_starts: (0..len).map(|i| (i, i)).collect(),
        ..Window::default()
    };
    let windows: Vec<&Window> = std::iter::repeat_n(&w, batch).collect();
    let _ = model.predict(&windows);
    // At least 4,096 tokens' worth of batches, or REPS batches.
    let reps: usize = match std::env::var("REPS") {
        Ok(r) => r.parse()?,
        Err(_) => (4096 / (batch * len)).max(5),
    };
    // COPIES=1: one copy on THREADS libtorch threads. Otherwise as many copies side by side as
    // extract's inference threads for THREADS (`pipeline::Parallelism`), or COPIES=N copies of
    // THREADS / N libtorch threads each.
    let parallelism = match std::env::var("COPIES") {
        Ok(c) => {
            let copies: usize = c.parse()?;
            anyhow::ensure!(copies >= 1, "COPIES must be at least 1");
            Parallelism {
                copies,
                threads_each: (threads as usize / copies).max(1),
            }
        }
        Err(_) => Parallelism::for_cores(threads as usize)?,
    };
    let copies = parallelism.copies;
    parallelism.apply()?;
    let others: Vec<NerModel> = (1..copies)
        .map(|_| NerModel::load_as(std::path::Path::new(&dir), precision))
        .collect::<anyhow::Result<_>>()?;
    let run = |model: &NerModel| {
        let windows: Vec<&Window> = std::iter::repeat_n(&w, batch).collect();
        let _ = model.predict(&windows);
        let mut best = f64::INFINITY;
        for _ in 0..reps {
            let one = Instant::now();
            let _ = model.predict(&windows);
            best = best.min(one.elapsed().as_secs_f64());
        }
        best
    };
    let t = Instant::now();
    let best = std::thread::scope(|scope| {
        let handles: Vec<_> = others
            .into_iter()
            .map(|m| scope.spawn(move || run(&m)))
            .collect();
        let mine = run(&model);
        handles
            .into_iter()
            .map(|h| h.join().expect("copy ran"))
            .fold(mine, f64::min)
    });
    let secs = t.elapsed().as_secs_f64();
    let tokens = (batch * len * reps * copies) as f64;
    println!(
        "encoder forward {precision:?} batch {batch}x{len}, {copies} copies: best batch {:.0} tokens/s per copy",
        (batch * len) as f64 / best
    );
    let c = &model.config.bert;
    let (h, i, l) = (
        c.hidden_size as f64,
        c.intermediate_size as f64,
        c.num_hidden_layers as f64,
    );
    let flops_per_token = l * (2.0 * (4.0 * h * h + 2.0 * h * i) + 4.0 * len as f64 * h);
    println!(
        "encoder forward {precision:?} batch {batch}x{len}, {copies} copies: {:.0} tokens/s, {:.1} GFLOP/s",
        tokens / secs,
        tokens / secs * flops_per_token / 1e9
    );
    if train {
        model.vs.unfreeze();
        let (ids, mask, types) = NerModel::batch_tensors(&windows, Device::Cpu);
        let labels = Tensor::zeros([(batch * len) as i64], (Kind::Int64, Device::Cpu));
        let t = Instant::now();
        let reps = 3;
        for _ in 0..reps {
            let out =
                model
                    .model
                    .forward_t(Some(&ids), Some(&mask), Some(&types), None, None, true);
            let loss = out.logits.view([-1, 9]).cross_entropy_for_logits(&labels);
            loss.backward();
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "train step batch {batch}x{len}: {:.0} tokens/s",
            tokens / 5.0 * reps as f64 / secs
        );
    }
    Ok(())
}
