//! `train ner` end to end on a tiny random encoder and the project's own mini CoNLL fixture
//! (`data/fixtures/ner/mini.conll`, invented sentences): the loss falls, the model learns the
//! fixture, and the saved files reload to the same dev score. No full training in CI.

use std::path::{Path, PathBuf};

use tch::Device;
use whosaid::conll::{read_conll, ConllDocument};
use whosaid::eval::ner::evaluate_conll;
use whosaid::ner::{write_random_encoder, NerModel};
use whosaid::ner::{TagModel, Tagger};
use whosaid::train::{train_ner, TrainOptions};

/// torch's random generator is global to the process: tests that train take turns.
static TORCH: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fixtures/ner/mini.conll")
}

/// The fixture's documents, and a tiny random base encoder knowing its words, in `dir/base`.
fn fixture_and_encoder(dir: &Path) -> (Vec<ConllDocument>, PathBuf) {
    let docs = read_conll(&fixture()).unwrap();
    let words: Vec<String> = docs
        .iter()
        .flat_map(|d| d.sentences.iter().flat_map(|s| s.words.clone()))
        .collect();
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let base = dir.join("base");
    write_random_encoder(&base, &word_refs, 7).unwrap();
    (docs, base)
}

/// Settings that fit the tiny encoder to the fixture in a second or two.
fn fitting_options(base: PathBuf, out: PathBuf) -> TrainOptions {
    let mut opts = TrainOptions::new(vec![fixture()], vec![fixture()], base, out);
    opts.schedule.epochs = 40;
    opts.schedule.batch_size = 2;
    opts.schedule.learning_rate = 3e-3;
    opts.dropout = 0.0;
    opts.max_length = 64;
    opts.threads = 1;
    opts.seed = 5;
    opts.save_dtype = "f32".into();
    opts
}

#[test]
fn tiny_model_trains_saves_and_reloads() {
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (docs, base) = fixture_and_encoder(tmp.path());
    let out = tmp.path().join("model");

    let report = train_ner(&fitting_options(base, out.clone())).unwrap();

    assert!(
        report.last_loss < 0.3 * report.first_loss,
        "loss did not fall: {} -> {}",
        report.first_loss,
        report.last_loss
    );
    // A random model scores near zero; one that learned the fixture scores high.
    assert!(
        report.best_dev_f1.unwrap() > 0.8,
        "dev F1 {} after training",
        report.best_dev_f1.unwrap()
    );

    for file in [
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "train_log.jsonl",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let model = NerModel::load(&out, Device::Cpu).unwrap();
    let batching = whosaid::ner::Batching {
        windows: 8,
        ..Default::default()
    };
    let (score, _, _) =
        evaluate_conll(&Tagger::new(&model, batching, false).unwrap(), &docs).unwrap();
    assert!(
        (score.micro.f1 - report.best_dev_f1.unwrap()).abs() < 1e-9,
        "reloaded model scores {} but training reported {}",
        score.micro.f1,
        report.best_dev_f1.unwrap()
    );

    let log = std::fs::read_to_string(out.join("train_log.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // The schedule's settings sit beside the others, as in the logs of earlier runs.
    let options = &records[0]["options"];
    assert_eq!(options["epochs"], 40);
    assert_eq!(options["learning_rate"], 3e-3);
    assert!(options["adversarial"].is_null() && options.get("fast_group").is_none());
    assert!(records.last().unwrap().get("report").is_some());
    assert!(records.iter().any(|r| r["dev_f1"].is_number()));
    // A run that got to its end says so on its last line.
    assert_eq!(records.last().unwrap()["finished"], true);
    assert!(!out.join("train_log.jsonl.partial").exists());
}

/// A run killed after its first save keeps its best model so far, which loads like any other:
/// its log's last line says the run did not finish (it ended on a step line, as if the run had
/// stopped there on purpose).
#[test]
fn a_killed_run_leaves_a_log_that_says_its_model_is_unfinished() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let out = tmp.path().join("model");
    // Thousands of steps, at a rate too small to change dev F1: one save, at the first
    // evaluation, and the kill lands after it.
    let mut run = std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .args(["train", "ner", "--train"])
        .arg(fixture())
        .arg("--dev")
        .arg(fixture())
        .arg("--base")
        .arg(&base)
        .arg("--out")
        .arg(&out)
        .args([
            "--epochs",
            "1000",
            "--batch-size",
            "2",
            "--lr",
            "1e-12",
            "--max-length",
            "64",
        ])
        .args(["--threads", "1", "--dropout", "0", "--save-dtype", "f32"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // model.safetensors is the last file of a save to take its place.
    let started = std::time::Instant::now();
    while !out.join("model.safetensors").exists() {
        assert!(run.try_wait().unwrap().is_none(), "the run ended");
        assert!(started.elapsed().as_secs() < 120, "no save in two minutes");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    run.kill().unwrap();
    run.wait().unwrap();
    NerModel::load(&out, Device::Cpu).unwrap();
    let log = std::fs::read_to_string(out.join("train_log.jsonl")).unwrap();
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["finished"], false, "{last}");
    assert!(last["saved_after_step"].as_u64().unwrap() >= 1, "{last}");
}

/// With adversarial training and a moving average of the weights, the tiny model still learns
/// the fixture, and what is saved is what was scored: the averaged weights.
#[test]
fn adversarial_training_and_the_weight_average_learn_and_save_what_was_scored() {
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (docs, base) = fixture_and_encoder(tmp.path());
    let out = tmp.path().join("model");
    let mut opts = fitting_options(base, out.clone());
    opts.schedule.adversarial = Some(1.0);
    opts.schedule.ema = Some(0.9);

    let report = train_ner(&opts).unwrap();

    assert!(
        report.best_dev_f1.unwrap() > 0.8,
        "dev F1 {}",
        report.best_dev_f1.unwrap()
    );
    let model = NerModel::load(&out, Device::Cpu).unwrap();
    let tagger = Tagger::new(&model, whosaid::ner::Batching::default(), false).unwrap();
    let (score, _, _) = evaluate_conll(&tagger, &docs).unwrap();
    assert!(
        (score.micro.f1 - report.best_dev_f1.unwrap()).abs() < 1e-9,
        "reloaded model scores {} but training reported {}",
        score.micro.f1,
        report.best_dev_f1.unwrap()
    );
}

/// Trains six steps on the fixture without dev (saved at the end, f32) into `out`, with `ema`,
/// and returns the saved tensors sorted by name.
fn six_steps_without_dev(base: &Path, out: &Path, ema: Option<f64>) -> Vec<(String, tch::Tensor)> {
    let mut opts = TrainOptions::new(
        vec![fixture()],
        vec![],
        base.to_path_buf(),
        out.to_path_buf(),
    );
    (
        opts.schedule.max_steps,
        opts.schedule.batch_size,
        opts.max_length,
    ) = (Some(6), 4, 64);
    (opts.threads, opts.save_dtype, opts.schedule.ema) = (1, "f32".into(), ema);
    let report = train_ner(&opts).unwrap();
    // No dev set, no best: the report (and the log's last line) said F1 0 at step 0.
    assert_eq!((report.best_dev_f1, report.best_step), (None, None));
    let log = std::fs::read_to_string(out.join("train_log.jsonl")).unwrap();
    assert!(
        log.lines().last().unwrap().contains("\"best_dev_f1\":null"),
        "{log}"
    );
    let mut tensors = tch::Tensor::read_safetensors(out.join("model.safetensors")).unwrap();
    tensors.sort_by(|x, y| x.0.cmp(&y.0));
    tensors
}

/// Without a dev set the model is saved at the end of the run: with `--ema`, the average, so
/// the same seed and steps save other weights than without it.
#[test]
fn without_dev_the_weight_average_is_what_is_saved() {
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let last = six_steps_without_dev(&base, &tmp.path().join("last"), None);
    let average = six_steps_without_dev(&base, &tmp.path().join("average"), Some(0.9));
    let classifier = |tensors: &[(String, tch::Tensor)]| {
        let (_, weight) = tensors
            .iter()
            .find(|(n, _)| n == "classifier.weight")
            .unwrap();
        weight.shallow_clone()
    };
    assert!(!classifier(&last).equal(&classifier(&average)));
}

#[test]
fn same_seed_same_model() {
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let a = six_steps_without_dev(&base, &tmp.path().join("a"), None);
    let b = six_steps_without_dev(&base, &tmp.path().join("b"), None);
    assert_eq!(a.len(), b.len());
    let differing: Vec<&str> = a
        .iter()
        .zip(&b)
        .filter(|((na, ta), (nb, tb))| na != nb || !ta.equal(tb))
        .map(|((n, _), _)| n.as_str())
        .collect();
    assert!(
        differing.is_empty(),
        "two runs with one seed differ in {differing:?}"
    );
}

#[test]
fn distillation_starts_from_the_teacher_and_drops_layers() {
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (docs, base) = fixture_and_encoder(tmp.path());
    let teacher = tmp.path().join("teacher");
    train_ner(&fitting_options(base.clone(), teacher.clone())).unwrap();
    let teacher_layers = NerModel::load(&teacher, Device::Cpu)
        .unwrap()
        .config
        .bert
        .num_hidden_layers;
    assert!(teacher_layers >= 2);

    // A student that is the teacher (all layers, no dropout) under the distillation loss alone:
    // its soft labels are its own, so the loss starts at zero. Misaligned rows would not.
    let student_opts = |out: PathBuf| {
        let mut opts = fitting_options(base.clone(), out);
        opts.init = Some(teacher.clone());
        opts.teacher = vec![teacher.clone()];
        opts
    };
    let mut same = student_opts(tmp.path().join("same"));
    same.distill_weight = 1.0;
    same.schedule.max_steps = Some(1);
    let report = train_ner(&same).unwrap();
    assert!(
        report.first_loss.abs() < 1e-4,
        "a copy of the teacher starts with distillation loss {}",
        report.first_loss
    );

    // One layer less, trained on gold and soft labels: it keeps learning the fixture.
    let out = tmp.path().join("student");
    let mut opts = student_opts(out.clone());
    opts.layers = Some(teacher_layers as usize - 1);
    opts.schedule.epochs = 20;
    let report = train_ner(&opts).unwrap();
    let student = NerModel::load(&out, Device::Cpu).unwrap();
    assert_eq!(student.config.bert.num_hidden_layers, teacher_layers - 1);
    let dropped = format!("bert.encoder.layer.{}.", teacher_layers - 1);
    let saved = tch::Tensor::read_safetensors(out.join("model.safetensors")).unwrap();
    assert!(saved.iter().all(|(name, _)| !name.starts_with(&dropped)));
    assert!(
        report.best_dev_f1.unwrap() > 0.8,
        "student dev F1 {}",
        report.best_dev_f1.unwrap()
    );
    let tagger = Tagger::new(&student, Default::default(), false).unwrap();
    let (score, _, _) = evaluate_conll(&tagger, &docs).unwrap();
    assert!((score.micro.f1 - report.best_dev_f1.unwrap()).abs() < 1e-9);

    // Several teachers: their logits are averaged. Twice the teacher is the teacher (the copy
    // starts at zero again); the teacher and the student disagree with the copy somewhere.
    let first_loss = |teachers: Vec<PathBuf>, out: &str| {
        let mut opts = student_opts(tmp.path().join(out));
        opts.teacher = teachers;
        opts.distill_weight = 1.0;
        opts.schedule.max_steps = Some(1);
        train_ner(&opts).unwrap().first_loss
    };
    let twice = first_loss(vec![teacher.clone(), teacher.clone()], "twice");
    assert!(
        twice.abs() < 1e-4,
        "two copies of the teacher: loss {twice}"
    );
    let ensemble = first_loss(vec![teacher.clone(), out.clone()], "ensemble");
    assert!(
        ensemble > 1e-3,
        "teacher and student averaged: loss {ensemble}"
    );

    // The windows are this run's (`--max-length`), with `--init` too: the started model's
    // length was its own run's. It was silently kept.
    let mut shorter = student_opts(tmp.path().join("shorter"));
    shorter.teacher = Vec::new();
    shorter.max_length = 32;
    shorter.schedule.max_steps = Some(1);
    train_ner(&shorter).unwrap();
    let saved = NerModel::load(&tmp.path().join("shorter"), Device::Cpu).unwrap();
    assert_eq!(saved.config.settings.max_length, 32);

    // Settings that cannot work are refused before any training.
    let mut too_deep = student_opts(tmp.path().join("deep"));
    too_deep.layers = Some(teacher_layers as usize + 1);
    let err = train_ner(&too_deep).unwrap_err().to_string();
    assert!(err.contains("--layers"), "{err}");
    let mut bad_weight = student_opts(tmp.path().join("weight"));
    bad_weight.distill_weight = 1.5;
    let err = train_ner(&bad_weight).unwrap_err().to_string();
    assert!(err.contains("--distill-weight"), "{err}");
}

/// The project's invented brat fixture (`data/fixtures/brat`): three articles, nine attributions.
fn brat_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fixtures/brat")
}

/// The brat fixture's words, for a tiny random encoder that knows them.
fn brat_words(articles: &[whosaid::eval::quotes::GoldArticle]) -> Vec<String> {
    use whosaid::eval::quotes::document_of;
    articles
        .iter()
        .flat_map(|a| {
            let d = document_of(a);
            d.tokens
                .iter()
                .map(|t| d.slice(*t).to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Settings that fit a tiny random encoder in `dir/base` to the brat fixture, saved to `dir/out`.
fn fitting_quote_options(dir: &Path, out: &str) -> whosaid::train::QuoteTrainOptions {
    let articles = whosaid::eval::quotes::load_brat_dir(&brat_fixture()).unwrap();
    let words = brat_words(&articles);
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let base = dir.join("base");
    write_random_encoder(&base, &word_refs, 7).unwrap();
    let mut opts = whosaid::train::QuoteTrainOptions::new(
        vec![brat_fixture()],
        vec![brat_fixture()],
        base,
        dir.join(out),
    );
    opts.schedule.epochs = 60;
    opts.schedule.batch_size = 2;
    opts.schedule.learning_rate = 3e-3;
    opts.dropout = 0.0;
    opts.max_length = 64;
    opts.context_pieces = 16;
    opts.threads = 1;
    opts.seed = 5;
    opts.save_dtype = "f32".into();
    opts
}

/// The reloaded model's linked quotes (as extract writes them) scored on the brat fixture.
fn segment_scores(model_dir: &Path) -> whosaid::eval::quotes::SegmentScores {
    use whosaid::eval::quotes::{load_brat_dir, score_quotes_by};
    use whosaid::quotes::learned::{RoleContext, RoleTagger};
    let articles = load_brat_dir(&brat_fixture()).unwrap();
    let model = NerModel::load(model_dir, Device::Cpu).unwrap();
    let scored = score_quotes_by(
        &articles,
        &mut |docs| Ok(vec![Vec::new(); docs.len()]),
        whosaid::quotes::QuoteMethod::Model,
        &mut |docs| {
            let refs: Vec<_> = docs.iter().collect();
            RoleTagger::new(&model, whosaid::ner::Batching::default())?
                .tag(&refs, RoleContext::AsTrained)
        },
    )
    .unwrap();
    scored.segments
}

/// Trains, and checks the loss fell to under 30% of its first value.
fn train_quotes_and_see_the_loss_fall(
    opts: &whosaid::train::QuoteTrainOptions,
) -> whosaid::train::QuoteTrainReport {
    let report = whosaid::train::train_quotes(opts).unwrap();
    assert!(
        report.last_loss < 0.3 * report.first_loss,
        "loss did not fall: {} -> {}",
        report.first_loss,
        report.last_loss
    );
    report
}

/// The reloaded model's segments score above 0.8 in each role on the fixture it learned.
fn assert_learned_the_fixture(model_dir: &Path) {
    let s = segment_scores(model_dir);
    assert!(
        s.content.f1 > 0.8 && s.source.f1 > 0.8 && s.cue.f1 > 0.8,
        "{}",
        s.table()
    );
}

#[test]
fn tiny_attribution_model_learns_the_brat_fixture() {
    use whosaid::eval::quotes::load_brat_dir;
    use whosaid::quotes::learned::RoleTagger;
    use whosaid::train::train_quotes;

    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let articles = load_brat_dir(&brat_fixture()).unwrap();
    assert_eq!(articles.len(), 3);
    let words = brat_words(&articles);
    let word_refs: Vec<&str> = words.iter().map(String::as_str).collect();
    let opts = fitting_quote_options(tmp.path(), "quotes");
    let out = opts.out.clone();

    let report = train_quotes_and_see_the_loss_fall(&opts);
    assert!(
        report.best_dev_mean_f1.unwrap() > 0.8,
        "dev mean segment F1 {} after training",
        report.best_dev_mean_f1.unwrap()
    );

    // Reloaded, the model's quotes (linked, as extract writes them) score on the fixture.
    assert_learned_the_fixture(&out);
    // Trained further from itself, the model starts where it ended (its classifier kept): the
    // first loss is the trained model's, far below a fresh classifier's.
    let mut further = opts.clone();
    further.init = out.clone();
    further.out = tmp.path().join("quotes-further");
    further.schedule.epochs = 1;
    let again = train_quotes(&further).unwrap();
    assert!(
        again.first_loss < 0.5 * report.first_loss,
        "first loss {} when trained further, {} from scratch",
        again.first_loss,
        report.first_loss
    );

    // `layers` keeps the first blocks of the start (a faster model), and no more than it has.
    let mut smaller = further.clone();
    smaller.out = tmp.path().join("quotes-smaller");
    smaller.layers = Some(1);
    train_quotes(&smaller).unwrap();
    let reloaded = NerModel::load(&smaller.out, Device::Cpu).unwrap();
    assert_eq!(reloaded.config.bert.num_hidden_layers, 1);
    smaller.layers = Some(9);
    assert!(train_quotes(&smaller).is_err());

    // `ffn_units` keeps each block's heaviest feed-forward units, and `distill` has the whole
    // start teach the smaller model: it trains, saves that size, and still knows the fixture.
    let mut pruned = further.clone();
    pruned.out = tmp.path().join("quotes-pruned");
    let units = NerModel::load(&out, Device::Cpu)
        .unwrap()
        .config
        .bert
        .intermediate_size;
    pruned.ffn_units = Some(units as usize / 2);
    pruned.distill = true;
    train_quotes(&pruned).unwrap();
    let reloaded = NerModel::load(&pruned.out, Device::Cpu).unwrap();
    assert_eq!(reloaded.config.bert.intermediate_size, units / 2);
    assert_learned_the_fixture(&pruned.out);
    // Distilling needs something smaller to teach.
    pruned.ffn_units = None;
    assert!(train_quotes(&pruned).is_err());

    // An NER model is no attribution model.
    let ner = tmp.path().join("ner");
    whosaid::ner::write_random_model(&ner, &word_refs, 32, 3, None).unwrap();
    let ner = NerModel::load(&ner, Device::Cpu).unwrap();
    assert!(RoleTagger::new(&ner, whosaid::ner::Batching::default()).is_err());
}

/// Every file of a directory, by name, with its bytes.
fn directory_bytes(dir: &Path) -> Vec<(std::ffi::OsString, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn training_never_writes_over_a_model_it_reads() {
    use whosaid::train::{average_models, train_quotes, QuoteTrainOptions};

    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let model = tmp.path().join("model");
    let mut opts = fitting_options(base.clone(), model.clone());
    opts.schedule.epochs = 1;
    train_ner(&opts).unwrap();
    let before = directory_bytes(&model);
    // `--out` naming the model read (also written with a trailing slash), as --init, --teacher,
    // --base, the start of an attribution model or one of the models averaged: refused.
    let same = PathBuf::from(format!("{}/", model.display()));
    let refusals = [
        {
            let mut o = fitting_options(base.clone(), same.clone());
            o.init = Some(model.clone());
            train_ner(&o).unwrap_err()
        },
        {
            let mut o = fitting_options(base.clone(), model.clone());
            o.teacher = vec![model.clone()];
            train_ner(&o).unwrap_err()
        },
        train_ner(&fitting_options(model.clone(), model.clone())).unwrap_err(),
        train_quotes(&QuoteTrainOptions::new(
            vec![brat_fixture()],
            vec![brat_fixture()],
            model.clone(),
            same.clone(),
        ))
        .unwrap_err(),
        average_models(&[model.clone(), model.clone()], &same, tch::Kind::Float).unwrap_err(),
    ];
    for err in refusals {
        assert!(err.to_string().contains("would overwrite"), "{err}");
    }
    // An attribution model as a start or a teacher of `train ner` is refused by what it is.
    let quotes_model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/quotes-en");
    for teacher in [false, true] {
        let mut o = fitting_options(base.clone(), tmp.path().join("from-quotes"));
        if teacher {
            o.init = Some(model.clone());
            o.teacher = vec![quotes_model.clone()];
        } else {
            o.init = Some(quotes_model.clone());
        }
        let err = train_ner(&o).unwrap_err().to_string();
        assert!(err.contains("is an attribution model"), "{err}");
    }
    assert_eq!(
        directory_bytes(&model),
        before,
        "the model read was changed"
    );
}

#[test]
fn a_crf_attribution_model_keeps_its_sequence_scores_in_its_config() {
    use whosaid::train::train_quotes;

    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let mut opts = fitting_quote_options(tmp.path(), "quotes-crf");
    opts.crf = true;
    train_quotes_and_see_the_loss_fall(&opts);
    // The sequence scores are in config.json, learned (O→I, never in gold, scores below O→O),
    // and not in the weights file, which stays a plain BERT token classifier.
    let model = NerModel::load(&opts.out, Device::Cpu).unwrap();
    let learned = model.settings().role_transitions.clone().expect("saved");
    for role in 0..3 {
        assert!(learned.steps[role][0][2] < learned.steps[role][0][0] - 0.5);
    }
    let weights = tch::Tensor::read_safetensors(opts.out.join("model.safetensors")).unwrap();
    assert!(weights.iter().all(|(name, _)| !name.starts_with("crf")));
    assert_learned_the_fixture(&opts.out);
    // Trained further without `--crf`, it keeps (and goes on training) its sequence scores.
    let mut further = opts.clone();
    further.crf = false;
    further.init = opts.out.clone();
    further.out = tmp.path().join("quotes-crf-further");
    further.schedule.epochs = 1;
    train_quotes(&further).unwrap();
    let again = NerModel::load(&further.out, Device::Cpu).unwrap();
    let continued = again.settings().role_transitions.clone().expect("kept");

    // Averaged, two CRF models average their sequence scores too; a model without any is refused.
    let averaged = tmp.path().join("averaged");
    let pair = [opts.out.clone(), further.out.clone()];
    whosaid::train::average_models(&pair, &averaged, tch::Kind::Float).unwrap();
    let mean = NerModel::load(&averaged, Device::Cpu).unwrap();
    let mean = mean.settings().role_transitions.clone().expect("averaged");
    let expected = (learned.steps[1][2][1] + continued.steps[1][2][1]) / 2.0;
    assert!((mean.steps[1][2][1] - expected).abs() < 1e-5);
    let plain = tmp.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    for name in ["model.safetensors", "tokenizer.json"] {
        std::fs::copy(opts.out.join(name), plain.join(name)).unwrap();
    }
    let mut config = whosaid::ner::ModelConfig::read(&opts.out.join("config.json")).unwrap();
    config.settings.role_transitions = None;
    config.write(&plain.join("config.json")).unwrap();
    let mixed = [opts.out.clone(), plain];
    let refused =
        whosaid::train::average_models(&mixed, &tmp.path().join("mixed"), tch::Kind::Float);
    assert!(format!("{:#}", refused.unwrap_err()).contains("--crf"));
}

#[test]
fn a_window_length_no_model_could_be_loaded_with_is_refused_before_training() {
    use whosaid::train::train_quotes;

    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    // The loader reads windows of 8 pieces up to the position embeddings: a model trained with
    // 4 was written, after the whole run, with a config.json `extract` refused.
    let mut ner = fitting_options(base, tmp.path().join("ner"));
    ner.max_length = 4;
    let mut quotes = fitting_quote_options(tmp.path(), "quotes");
    quotes.max_length = 4;
    let refusals = [
        (tmp.path().join("ner"), train_ner(&ner).unwrap_err()),
        (
            tmp.path().join("quotes"),
            train_quotes(&quotes).unwrap_err(),
        ),
    ];
    for (out, err) in refusals {
        assert!(err.to_string().contains("--max-length"), "{err}");
        assert!(!out.exists(), "a refused run wrote {}", out.display());
    }
}

#[test]
fn distillation_and_casing_settings_out_of_range_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    type Spoil = fn(&mut TrainOptions);
    let bad: [(&str, Spoil); 5] = [
        ("--distill-weight", |o| o.distill_weight = 1.5),
        ("--temperature", |o| o.temperature = 0.0),
        ("--temperature", |o| o.temperature = f64::NAN),
        ("--case-augment", |o| o.case_augment = -0.1),
        ("--dropout", |o| o.dropout = 1.0),
    ];
    for (option, spoil) in bad {
        let mut opts = fitting_options(tmp.path().join("base"), out.clone());
        spoil(&mut opts);
        let refused = train_ner(&opts).unwrap_err().to_string();
        assert!(refused.starts_with(option), "{option}: {refused}");
        assert!(!out.exists());
    }
}

/// Training data that cannot be read (a mistyped `--train`, a dev folder that is not there, an
/// empty selection) stops a run before `--out` is touched: the trainers wrote a fresh one-line
/// `train_log.jsonl` first, over the log of the model already in that folder.
#[test]
fn training_data_that_cannot_be_read_leaves_an_earlier_run_as_it_was() {
    use whosaid::train::train_quotes;

    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let earlier = |name: &str| {
        let out = tmp.path().join(name);
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("train_log.jsonl"), "{\"earlier\":true}\n").unwrap();
        out
    };
    let missing = tmp.path().join("missing");
    let mut ner = fitting_options(base.clone(), earlier("ner-train"));
    ner.train = vec![missing.join("train.conll")];
    let mut ner_dev = fitting_options(base, earlier("ner-dev"));
    ner_dev.dev = vec![missing.join("dev.conll")];
    let mut quotes = fitting_quote_options(tmp.path(), "quotes-train");
    earlier("quotes-train");
    quotes.train = vec![missing.clone()];
    let mut quotes_dev = fitting_quote_options(tmp.path(), "quotes-dev");
    earlier("quotes-dev");
    quotes_dev.dev = vec![missing];
    let mut quotes_none = fitting_quote_options(tmp.path(), "quotes-none");
    earlier("quotes-none");
    quotes_none.limit_articles = Some(0);
    let failures = [
        (&ner.out, train_ner(&ner).is_err()),
        (&ner_dev.out, train_ner(&ner_dev).is_err()),
        (&quotes.out, train_quotes(&quotes).is_err()),
        (&quotes_dev.out, train_quotes(&quotes_dev).is_err()),
        (&quotes_none.out, train_quotes(&quotes_none).is_err()),
    ];
    for (out, failed) in failures {
        assert!(failed, "{} trained", out.display());
        let log = std::fs::read_to_string(out.join("train_log.jsonl")).unwrap();
        assert_eq!(log, "{\"earlier\":true}\n", "{}", out.display());
    }
}

/// A run that fails (here: it diverges at its second step, before any save) leaves the files of
/// the earlier run in `--out` as they were. Its log was written over at the start of the run:
/// `train_log.jsonl` then described a failed run beside the earlier run's model.
#[test]
fn a_failed_run_leaves_the_earlier_runs_log_beside_its_model() {
    use whosaid::train::train_quotes;

    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let mut ner = fitting_options(base.clone(), tmp.path().join("ner"));
    ner.schedule.epochs = 1;
    let mut quotes = fitting_quote_options(tmp.path(), "quotes");
    quotes.schedule.epochs = 1;
    train_ner(&ner).unwrap();
    train_quotes(&quotes).unwrap();
    let before = [directory_bytes(&ner.out), directory_bytes(&quotes.out)];
    // Batches of one (several steps before the end of the epoch) at a rate no weight survives.
    (
        ner.schedule.batch_size,
        ner.schedule.learning_rate,
        ner.seed,
    ) = (1, 1e308, 99);
    (quotes.schedule.batch_size, quotes.schedule.learning_rate) = (1, 1e308);
    let failures = [
        (&ner.out, train_ner(&ner).map(|_| ())),
        (&quotes.out, train_quotes(&quotes).map(|_| ())),
    ];
    for ((out, failed), before) in failures.into_iter().zip(before) {
        let err = failed.unwrap_err().to_string();
        assert!(err.contains("diverged"), "{err}");
        // The earlier run's files, as they were (the failed run may leave files of its own).
        let after = directory_bytes(out);
        let changed: Vec<_> = before
            .iter()
            .filter(|file| !after.contains(file))
            .map(|(name, _)| name)
            .collect();
        assert!(changed.is_empty(), "{}: {changed:?} changed", out.display());
    }
}

/// A re-run into a folder holding a model, killed between the files of a save, left the new
/// run's config.json beside the earlier run's weights: here a config of one layer fewer, whose
/// model loaded the first layers of the earlier weights without a word. The loader refuses the
/// pair, naming the folder.
#[test]
fn a_config_beside_weights_of_another_save_is_refused() {
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let mut deep = fitting_options(base.clone(), tmp.path().join("deep"));
    (deep.schedule.max_steps, deep.dev) = (Some(2), Vec::new());
    train_ner(&deep).unwrap();
    let layers = NerModel::load(&deep.out, Device::Cpu)
        .unwrap()
        .config
        .bert
        .num_hidden_layers;
    assert!(layers >= 2);
    let mut shallow = deep.clone();
    shallow.out = tmp.path().join("shallow");
    shallow.layers = Some(layers as usize - 1);
    train_ner(&shallow).unwrap();
    // Two saves of the same shape (a later best model of the same run) are told apart too.
    let mut later = deep.clone();
    later.out = tmp.path().join("later");
    later.schedule.max_steps = Some(3);
    train_ner(&later).unwrap();

    for from in [&shallow.out, &later.out] {
        let mixed = tmp.path().join("mixed");
        let _ = std::fs::remove_dir_all(&mixed);
        std::fs::create_dir(&mixed).unwrap();
        for name in ["model.safetensors", "tokenizer.json"] {
            std::fs::copy(deep.out.join(name), mixed.join(name)).unwrap();
        }
        std::fs::copy(from.join("config.json"), mixed.join("config.json")).unwrap();
        let err = match NerModel::load(&mixed, Device::Cpu) {
            Ok(_) => panic!("a config of {} loaded with other weights", from.display()),
            Err(e) => format!("{e:#}"),
        };
        assert!(err.contains("from different saves"), "{err}");
        assert!(err.contains(&mixed.display().to_string()), "{err}");
    }
    // Each save's own files load.
    for out in [&deep.out, &shallow.out, &later.out] {
        NerModel::load(out, Device::Cpu).unwrap();
    }
}

/// A learning rate no weight survives (here one step at 1e308) saved a model of NaN weights and
/// reported the run done; with dev, its F1 of 0 beat the "no model yet" score and it was saved
/// as the best. Nothing is saved and the run stops, naming the step.
#[test]
fn weights_that_are_not_numbers_are_never_saved() {
    use whosaid::train::train_quotes;

    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let mut failures = Vec::new();
    for dev in [false, true] {
        let mut ner = fitting_options(base.clone(), tmp.path().join(format!("ner-{dev}")));
        let mut quotes = fitting_quote_options(tmp.path(), &format!("quotes-{dev}"));
        if !dev {
            (ner.dev, quotes.dev) = (Vec::new(), Vec::new());
        }
        (ner.schedule.max_steps, ner.schedule.learning_rate) = (Some(1), 1e308);
        (quotes.schedule.max_steps, quotes.schedule.learning_rate) = (Some(1), 1e308);
        failures.push((ner.out.clone(), train_ner(&ner).map(|_| ())));
        failures.push((quotes.out.clone(), train_quotes(&quotes).map(|_| ())));
    }
    for (out, failed) in failures {
        let err = match failed {
            Ok(()) => panic!("{} trained", out.display()),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains(
                "training diverged: the weights hold values that are not numbers after step 1"
            ),
            "{err}"
        );
        assert!(!out.join("model.safetensors").exists(), "{}", out.display());
        assert!(!out.join("config.json").exists(), "{}", out.display());
    }
}

/// A model whose weights are not all numbers (a diverged run saved by an earlier version) made
/// an average of NaN weights, written like any other: refused, naming the model, and nothing
/// is written.
#[test]
fn a_model_whose_weights_are_not_numbers_is_not_averaged() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, out) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("out"),
    );
    whosaid::ner::write_random_model(&a, &["iran"], 32, 1, None).unwrap();
    whosaid::ner::write_random_model(&b, &["iran"], 32, 2, None).unwrap();
    let spoiled = tch::Tensor::read_safetensors(b.join("model.safetensors")).unwrap();
    let _ = spoiled[0].1.flatten(0, -1).get(0).fill_(f64::NAN);
    tch::Tensor::write_safetensors(&spoiled, b.join("model.safetensors")).unwrap();
    let err = whosaid::train::average_models(&[a, b.clone()], &out, tch::Kind::Float).unwrap_err();
    let err = format!("{err:#}");
    assert!(err.contains("not numbers"), "{err}");
    assert!(err.contains(&b.display().to_string()), "{err}");
    assert!(!out.join("model.safetensors").exists());
}

/// Weights that are numbers in f32 can be infinite in f16 (beyond 65504): saved as f16, such a
/// model held infinities. Refused, and nothing is written; f32 keeps them.
#[test]
fn weights_that_overflow_the_saved_precision_are_not_saved() {
    let tmp = tempfile::tempdir().unwrap();
    let model_dir = tmp.path().join("model");
    whosaid::ner::write_random_model(&model_dir, &["iran"], 32, 1, None).unwrap();
    let model = NerModel::load(&model_dir, Device::Cpu).unwrap();
    let (_, mut weight) = model.vs.variables().into_iter().next().unwrap();
    tch::no_grad(|| {
        let _ = weight.fill_(1e6);
    });
    let out = tmp.path().join("out");
    let err = whosaid::train::save_model(&model, &out, "f16").unwrap_err();
    assert!(
        err.to_string().contains("not numbers once stored as f16"),
        "{err}"
    );
    assert!(!out.join("model.safetensors").exists() && !out.join("config.json").exists());
    whosaid::train::save_model(&model, &out, "f32").unwrap();
    NerModel::load(&out, Device::Cpu).unwrap();
}

/// `--out` holding files the run does not write is refused before anything is written: an
/// earlier model's `any-case/` stayed beside the new model and `extract` went on tagging
/// lower-case text with it; `train average` left an earlier run's log beside the averaged
/// weights; a folder of the user's had its `config.json` replaced. An earlier run's own files
/// may be trained over (retraining into one folder), and a save killed mid-write leaves a
/// hidden temporary file that the next run removes.
#[test]
fn out_holding_files_the_run_does_not_write_is_refused() {
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let mut opts = fitting_options(base, tmp.path().join("model"));
    opts.schedule.epochs = 1;
    train_ner(&opts).unwrap();
    // Retrained into the same folder, after a save killed mid-write.
    let killed = opts.out.join(".model.safetensors.Ab3dEf.tmp");
    std::fs::write(&killed, b"half a model").unwrap();
    train_ner(&opts).unwrap();
    assert!(!killed.exists(), "the killed save's temporary file stays");
    for foreign in ["any-case/config.json", "notes.txt"] {
        let path = opts.out.join(foreign);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"mine").unwrap();
        let before = directory_bytes(&opts.out);
        let err = format!("{:#}", train_ner(&opts).unwrap_err());
        let first = foreign.split('/').next().unwrap();
        assert!(err.contains(&format!("holds {first}")), "{err}");
        assert_eq!(
            directory_bytes(&opts.out),
            before,
            "{foreign}: --out changed"
        );
        std::fs::remove_dir_all(opts.out.join(first)).unwrap_or_else(|_| {
            std::fs::remove_file(opts.out.join(first)).unwrap();
        });
    }
    // An average into a trained model's folder would keep its log.
    let pair = [opts.out.clone(), opts.out.clone()];
    let copy = tmp.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    for f in [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "train_log.jsonl",
    ] {
        std::fs::copy(opts.out.join(f), copy.join(f)).unwrap();
    }
    let err = whosaid::train::average_models(&pair, &copy, tch::Kind::Float).unwrap_err();
    assert!(
        format!("{err:#}").contains("holds train_log.jsonl"),
        "{err:#}"
    );
}

/// Settings and dev sets no run can use are refused before anything is written: a dev set
/// without entities (or attributions) scored every model 0 and kept the first for good; a
/// temperature of 1e200 made the first loss NaN, reported as a diverged run; 2^62 epochs
/// overflowed into a run of 0 steps saved as finished; one model named twice was "averaged".
#[test]
fn settings_and_dev_sets_no_run_can_use_are_refused() {
    use whosaid::train::{average_models, train_quotes};
    let _turn = TORCH.lock().unwrap_or_else(|e| e.into_inner());
    let tmp = tempfile::tempdir().unwrap();
    let (_, base) = fixture_and_encoder(tmp.path());
    let outside = tmp.path().join("outside.conll");
    std::fs::write(&outside, "Hi O\nthere O\n").unwrap();
    let refused = |opts: &TrainOptions, says: &str| {
        let err = format!("{:#}", train_ner(opts).unwrap_err());
        assert!(err.contains(says), "{err}");
        assert!(!opts.out.exists(), "{says}: --out was written");
    };
    let mut o = fitting_options(base.clone(), tmp.path().join("a"));
    o.dev = vec![outside];
    refused(&o, "no entities to score");
    let mut o = fitting_options(base.clone(), tmp.path().join("b"));
    o.temperature = 1e200;
    refused(&o, "--temperature");
    let mut o = fitting_options(base.clone(), tmp.path().join("c"));
    o.schedule.epochs = 1 << 62;
    refused(&o, "--epochs");
    let mut o = fitting_options(base.clone(), tmp.path().join("d"));
    o.schedule.batch_size = 1 << 63;
    refused(&o, "--batch-size");
    // A brat dev folder without an attribution.
    let empty = tmp.path().join("empty-brat");
    std::fs::create_dir_all(empty.join("text")).unwrap();
    std::fs::create_dir_all(empty.join("attributions")).unwrap();
    std::fs::write(empty.join("text/a.txt"), "Ana said hi.\n").unwrap();
    std::fs::write(empty.join("attributions/a_x.ann"), "T1\tSource 0 3\tAna\n").unwrap();
    let mut q = fitting_quote_options(tmp.path(), "q");
    q.dev = vec![empty];
    let err = format!("{:#}", train_quotes(&q).unwrap_err());
    assert!(err.contains("no attributions to score"), "{err}");
    // One model, twice.
    let mut trained = fitting_options(base, tmp.path().join("trained"));
    trained.schedule.epochs = 1;
    train_ner(&trained).unwrap();
    let again = tmp.path().join("trained/.");
    let pair = [trained.out.clone(), again];
    let err = average_models(&pair, &tmp.path().join("mean"), tch::Kind::Float).unwrap_err();
    assert!(format!("{err:#}").contains("are one model"), "{err:#}");
}

/// `train quotes` without `--init` starts from the NER model `extract` uses, from any working
/// directory: it looked for `models/ner-en` under the current one ("cannot read
/// models/ner-en/config.json (run scripts/setup)" anywhere but the repository's root).
#[test]
fn train_quotes_finds_its_default_start_from_any_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"))
        .current_dir(tmp.path())
        .env_remove("WHOSAID_MODEL")
        .args(["train", "quotes", "--train"])
        .arg(brat_fixture())
        .args([
            "--out",
            "q",
            "--max-steps",
            "1",
            "--threads",
            "1",
            "--max-length",
            "64",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(tmp.path().join("q/model.safetensors").exists());
}

/// A setting the trainers refuse is a usage error, exit status 2 as for a flag clap cannot
/// parse, and refused before `--out` is made: `--epochs 0` and `--lr nan` exited 1, the status
/// of a run that failed.
#[test]
fn settings_the_trainers_refuse_exit_as_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let conll = fixture();
    let brat = brat_fixture();
    let runs: [(&[&str], &Path, &str); 8] = [
        (&["train", "ner", "--epochs", "0"], &conll, "--epochs"),
        // These three exited 1.
        (&["train", "ner", "--max-steps", "0"], &conll, "--max-steps"),
        (
            &["train", "ner", "--eval-every", "0"],
            &conll,
            "--eval-every",
        ),
        (
            &["train", "quotes", "--stop-after", "0"],
            &brat,
            "--stop-after",
        ),
        (&["train", "ner", "--lr", "nan"], &conll, "--lr"),
        (
            &["train", "ner", "--temperature", "0"],
            &conll,
            "--temperature",
        ),
        (&["train", "quotes", "--dropout", "1"], &brat, "--dropout"),
        (&["train", "quotes", "--layers", "99"], &brat, "--layers"),
    ];
    for (i, (args, train, says)) in runs.into_iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_whosaid"))
            .args(args)
            .arg("--train")
            .arg(train)
            .arg("--out")
            .arg(&out)
            .args(["--threads", "1"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?}: --out was made");
    }
}
