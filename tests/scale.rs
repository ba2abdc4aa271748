//! Scale-out and interruption: `--shard I/N` partitions a run, `--resume` continues a killed run
//! to the same files, and `stream` gives one JSON line per record.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use whosaid::checkpoint::DERIVED_FILES;
use whosaid::output::{CHECKPOINT, FILES};
use whosaid::pipeline::{extract, Shard};

mod common;
use common::{options, read_csv, sample_inputs, tiny_model};

/// The sample inputs plus a JSONL file with good and bad records.
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let extra = dir.join("extra.jsonl");
    let mut lines = Vec::new();
    for i in 0..40 {
        lines.push(format!(
            r#"{{"id": "x{i}", "text": "“Iran is a threat,” the minister said on day {i}. Lleshaj said MEK is no threat."}}"#
        ));
        if i % 7 == 0 {
            lines.push("{not json".to_string());
        }
    }
    std::fs::write(&extra, lines.join("\n") + "\n").unwrap();
    let mut all = sample_inputs();
    all.push(extra);
    all
}

fn rows(out: &Path, file: &str) -> Vec<Vec<String>> {
    read_csv(&out.join(file))
        .iter()
        .map(|r| r.iter().map(String::from).collect())
        .collect()
}

#[test]
fn shards_partition_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let inputs = inputs(tmp.path());
    let whole = tmp.path().join("whole");
    extract(&options(inputs.clone(), &whole, model.clone())).unwrap();

    let n = 3;
    let mut union: Vec<Vec<Vec<String>>> = vec![Vec::new(); FILES.len()];
    let mut article_counts = Vec::new();
    let mut shard_dirs = Vec::new();
    for i in 0..n {
        let out = tmp.path().join(format!("shard{i}"));
        shard_dirs.push(out.clone());
        let mut opts = options(inputs.clone(), &out, model.clone());
        opts.shard = Some(format!("{i}/{n}").parse().unwrap());
        extract(&opts).unwrap();
        for (k, file) in FILES.iter().enumerate() {
            union[k].extend(rows(&out, file));
        }
        article_counts.push(rows(&out, "articles.csv").len());
    }
    // Every shard got some of the work, and together they did exactly the single run's.
    assert!(article_counts.iter().all(|&c| c > 0), "{article_counts:?}");
    for (k, file) in FILES.iter().enumerate() {
        let mut expected = rows(&whole, file);
        expected.sort();
        union[k].sort();
        assert_eq!(union[k], expected, "{file}: shards differ from one run");
    }
    // The shards' entity index, taken together, is the one run's, byte for byte.
    let index = whosaid::report::index::INDEX_FILE;
    let joined = tmp.path().join("joined-index.csv");
    let rows = whosaid::report::index::build(&shard_dirs).unwrap();
    whosaid::report::index::write(&rows, &joined).unwrap();
    let whole_index = std::fs::read_to_string(whole.join(index)).unwrap();
    assert!(
        whole_index.lines().count() > 1,
        "the run has entities: {whole_index}"
    );
    assert_eq!(std::fs::read_to_string(&joined).unwrap(), whole_index);
}

#[test]
fn shard_syntax() {
    assert_eq!(
        "2/5".parse::<Shard>().unwrap(),
        Shard { index: 2, count: 5 }
    );
    for bad in ["5/5", "1/0", "x/2", "3", "-1/2"] {
        let err = bad.parse::<Shard>().unwrap_err().to_string();
        assert!(err.contains("I/N"), "{bad}: {err}");
    }
}

/// Waits for `path` to exist, up to `limit`.
fn wait_for(path: &Path, limit: Duration) -> bool {
    let t = Instant::now();
    while t.elapsed() < limit {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

#[test]
fn a_killed_run_resumes_to_the_same_files() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    // Enough records, in small chunks, that the kill lands mid-run.
    let dump = tmp.path().join("dump.jsonl");
    let mut f = std::fs::File::create(&dump).unwrap();
    for i in 0..3000 {
        writeln!(
            f,
            r#"{{"id": "a{i}", "text": "“Iran is a threat,” the minister said. Albania said MEK is a threat {i} times."}}"#
        )
        .unwrap();
        if i % 500 == 0 {
            writeln!(f, "[1, 2]").unwrap();
        }
    }
    drop(f);
    let bin = env!("CARGO_BIN_EXE_whosaid");
    let args = |out: &Path| {
        let mut c = Command::new(bin);
        c.args(["extract", "--quiet", "--threads", "2", "--batch-size", "4"])
            .args(["--chunk-size", "5", "--model"])
            .arg(&model)
            .arg("--out")
            .arg(out)
            .arg(&dump)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };

    let full = tmp.path().join("full");
    assert!(args(&full).status().unwrap().success());

    let out = tmp.path().join("killed");
    let mut child = args(&out).spawn().unwrap();
    assert!(
        wait_for(&out.join(CHECKPOINT), Duration::from_secs(60)),
        "no checkpoint appeared"
    );
    std::thread::sleep(Duration::from_millis(30));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the run finished before it could be killed"
    );
    for file in FILES.iter().chain(&DERIVED_FILES) {
        assert!(
            !out.join(file).exists(),
            "{file} exists under its final name after a kill"
        );
    }

    let resumed = args(&out).arg("--resume").status().unwrap();
    assert!(resumed.success());
    assert!(!out.join(CHECKPOINT).exists(), "checkpoint left behind");
    for file in FILES.iter().chain(&DERIVED_FILES) {
        let a = std::fs::read(full.join(file)).unwrap();
        let b = std::fs::read(out.join(file)).unwrap();
        assert!(
            a == b,
            "{file} differs between the resumed and the full run"
        );
        assert!(!out.join(format!("{file}.tmp")).exists());
    }
}

#[test]
fn resume_without_a_checkpoint_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, None);
    let mut opts = options(sample_inputs(), &tmp.path().join("out"), model);
    opts.resume = true;
    let err = format!("{:#}", extract(&opts).unwrap_err());
    assert!(err.contains("nothing to resume"), "{err}");
}

#[test]
fn stream_gives_one_line_per_record_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let input = "{\"id\": \"s1\", \"text\": \"Lleshaj said: “Iran is a threat.”\"}\n\
                 {broken\n\
                 {\"id\": \"s2\", \"text\": \"The minister said MEK is a threat.\"}\n";
    let mut child = common::spawn_stream(&model, &["--threads", "1"]);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["article"]["id"], "s1");
    assert!(
        lines[0]["quotes"].as_array().unwrap().len() == 1,
        "{}",
        lines[0]
    );
    assert!(!lines[0]["entities"].as_array().unwrap().is_empty());
    assert_eq!(lines[1]["error"]["record"], "line 2");
    assert_eq!(lines[2]["article"]["id"], "s2");

    // The same rows as `extract` writes for that input.
    let file = tmp.path().join("in.jsonl");
    std::fs::write(&file, input).unwrap();
    let out = tmp.path().join("csv");
    // As stream runs by default: the rules and the shipped attribution model.
    let mut opts = options(vec![file], &out, model);
    opts.quotes = whosaid::quotes::QuoteMethod::Both;
    opts.quote_model = common::root().join("models/quotes-en");
    extract(&opts).unwrap();
    let quotes = read_csv(&out.join("quotes.csv"));
    for line in [&lines[0], &lines[2]] {
        let id = line["article"]["id"].as_str().unwrap();
        let csv_texts: Vec<&str> = quotes
            .iter()
            .filter(|q| &q[0] == id)
            .map(|q| &q[5])
            .collect();
        let stream_texts: Vec<&str> = line["quotes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["text"].as_str().unwrap())
            .collect();
        assert_eq!(stream_texts, csv_texts, "{id}");
    }
}
