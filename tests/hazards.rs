//! Output-directory hazards of `extract`, each found by an attack on an earlier version: an
//! input inside `--out` named like an output, `--resume` over other inputs or options, a kill
//! among the final renames, a temporary file that lost its tail, odd flags. And `eval`'s: an
//! `--errors` file over what the run reads, gold spans the scorer bent, flags it ignored, gold
//! with nothing to score.
//!
//! Kills land at exact points through strace's fault injection (`-e inject=…:signal=SIGKILL`):
//! the n-th rename of the run is where the process dies.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use whosaid::output::{CHECKPOINT, FILES};

mod common;
use common::{options, sample_inputs, tiny_model};

fn whosaid() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_whosaid"));
    c.stdin(Stdio::null());
    c
}

/// `extract` over `inputs`, in chunks of 4 records unless `extra` says otherwise.
fn extract_args(c: &mut Command, model: &Path, out: &Path, inputs: &[&Path], extra: &[&str]) {
    c.args(["extract", "--quiet"]).args(extra);
    if !extra.contains(&"--chunk-size") {
        c.args(["--chunk-size", "4"]);
    }
    c.arg("--model")
        .arg(model)
        .arg("--out")
        .arg(out)
        .args(inputs);
}

fn run(model: &Path, out: &Path, inputs: &[&Path], extra: &[&str]) -> Output {
    let mut c = whosaid();
    extract_args(&mut c, model, out, inputs, extra);
    c.output().unwrap()
}

fn dump(path: &Path, prefix: &str, n: usize) -> PathBuf {
    let mut f = std::fs::File::create(path).unwrap();
    for i in 0..n {
        writeln!(
            f,
            r#"{{"id": "{prefix}{i}", "text": "The minister said Iran is a threat {i} times."}}"#
        )
        .unwrap();
    }
    path.to_path_buf()
}

/// The bytes of every file a finished run holds: the five tables and the entity index.
fn files(out: &Path) -> Vec<Vec<u8>> {
    FILES
        .iter()
        .chain(&whosaid::checkpoint::DERIVED_FILES)
        .map(|f| std::fs::read(out.join(f)).unwrap_or_default())
        .collect()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn strace() -> Option<&'static str> {
    let found = Command::new("strace").arg("-V").output().is_ok();
    if !found {
        // CI installs it (scripts/test); elsewhere say loudly what is not checked.
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing: scripts/test installs it"
        );
        eprintln!("SKIPPED: strace is not installed; kill-point tests need it");
    }
    found.then_some("strace")
}

/// Runs `extract` under strace, killed at its `n`-th rename; returns whether it was killed.
fn killed_at_rename(model: &Path, out: &Path, inputs: &[&Path], n: usize) -> bool {
    let mut c = Command::new("strace");
    c.args([
        "-f",
        "-qq",
        "-o",
        "/dev/null",
        "-e",
        "trace=rename,renameat,renameat2",
    ])
    .arg("-e")
    .arg(format!(
        "inject=rename,renameat,renameat2:signal=SIGKILL:when={n}"
    ))
    .arg(env!("CARGO_BIN_EXE_whosaid"))
    .stdin(Stdio::null());
    extract_args(&mut c, model, out, inputs, &[]);
    !c.output().unwrap().status.success()
}

/// The number of renames a whole run makes.
fn renames_of_a_run(model: &Path, dir: &Path, inputs: &[&Path]) -> usize {
    let log = dir.join("strace.log");
    let mut c = Command::new("strace");
    c.args(["-f", "-qq", "-e", "trace=rename,renameat,renameat2", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_whosaid"))
        .stdin(Stdio::null());
    extract_args(&mut c, model, &dir.join("counted"), inputs, &[]);
    assert!(c.output().unwrap().status.success());
    std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter(|l| l.contains("rename"))
        .count()
}

#[test]
fn an_input_named_like_an_output_in_out_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let out = tmp.path().join("here");
    std::fs::create_dir_all(&out).unwrap();
    let input = out.join("articles.csv");
    let content = "id,text\n1,The minister said Iran is a threat.\n";
    std::fs::write(&input, content).unwrap();
    let o = run(&model, &out, &[&input], &[]);
    assert!(!o.status.success(), "must refuse");
    assert!(
        stderr(&o).contains("choose another --out"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&input).unwrap(), content);
    let names: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(names.len(), 1, "nothing else written: {names:?}");
}

/// A link, symbolic or hard, at one of a run's own names (`articles.csv.tmp`, the checkpoint's
/// `.tmp`, the lock) is refused, not written through: emptying `articles.csv.tmp ->
/// ~/notes.txt` emptied the user's file (a link to an input is refused earlier, as an input
/// among the outputs).
#[cfg(unix)]
#[test]
fn a_link_at_a_name_the_run_writes_is_refused_and_what_it_names_is_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let input = tmp.path().join("dump.csv");
    std::fs::write(&input, "id,text\n1,The minister said Iran is a threat.\n").unwrap();
    let notes = tmp.path().join("notes.txt");
    std::fs::write(&notes, "the user's own file").unwrap();
    let names = ["articles.csv.tmp", "errors.csv.tmp", ".whosaid-lock"];
    for (name, hard) in names.iter().flat_map(|n| [(*n, false), (*n, true)]) {
        let out = tmp.path().join(format!("out-{name}-{hard}"));
        std::fs::create_dir_all(&out).unwrap();
        match hard {
            true => std::fs::hard_link(&notes, out.join(name)).unwrap(),
            false => std::os::unix::fs::symlink(&notes, out.join(name)).unwrap(),
        }
        let o = run(&model, &out, &[&input], &[]);
        assert!(!o.status.success(), "{name}: must refuse");
        let said = if hard { "hard link" } else { "symbolic link" };
        assert!(stderr(&o).contains(said), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(name), "{name}: {}", stderr(&o));
        let kept = std::fs::read_to_string(&notes).unwrap();
        assert_eq!(kept, "the user's own file", "{name}");
    }
}

/// One input under two names (`a.jsonl ./a.jsonl`, a link), or a file and the folder holding
/// it, is a usage error before any output: every row was written twice and the entity index
/// counted each mention double.
#[test]
fn an_input_named_twice_is_refused_before_any_output() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let folder = tmp.path().join("dump");
    std::fs::create_dir_all(&folder).unwrap();
    let a = dump(&folder.join("a.jsonl"), "a", 2);
    let b = dump(&tmp.path().join("b.jsonl"), "b", 2);
    let dotted = folder.join(".").join("a.jsonl");
    let link = tmp.path().join("link.jsonl");
    std::os::unix::fs::symlink(&a, &link).unwrap();
    for (i, twice) in [[&a, &dotted], [&a, &link], [&folder, &a], [&a, &folder]]
        .into_iter()
        .enumerate()
    {
        let out = tmp.path().join(format!("out{i}"));
        let o = run(&model, &out, &[twice[0], &b, twice[1]], &[]);
        assert_eq!(o.status.code(), Some(2), "{twice:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("hold the same records"),
            "{}",
            stderr(&o)
        );
        assert!(!out.exists(), "{twice:?}: output written");
    }
    // Two files of one folder, and stdin beside a file, are different inputs.
    let c = dump(&folder.join("c.jsonl"), "c", 2);
    let o = run(&model, &tmp.path().join("two"), &[&a, &c], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// Stdin redirected from a file the run writes (`extract - --out run < run/quotes.csv`): the
/// run removed it as an earlier run's table and wrote its own, exit 0, where the same file
/// named as an input was refused. Refused now, the file untouched and nothing written.
#[test]
fn stdin_redirected_from_a_file_the_run_writes_is_refused_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let out = tmp.path().join("run");
    let a = dump(&tmp.path().join("a.jsonl"), "a", 2);
    assert!(run(&model, &out, &[&a], &["--quotes", "rules"])
        .status
        .success());
    let before = files(&out);
    let quotes = out.join("quotes.csv");
    let mut c = whosaid();
    extract_args(
        &mut c,
        &model,
        &out,
        &[Path::new("-")],
        &["--quotes", "rules"],
    );
    let o = c
        .stdin(std::fs::File::open(&quotes).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "a usage error: {}", stderr(&o));
    assert!(
        stderr(&o).contains("input - (stdin) is") && stderr(&o).contains("choose another --out"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files(&out), before, "the run's files changed");
}

/// `whosaid stream < a.jsonl >> a.jsonl` read its own result lines back as records, each an
/// error line written again, and grew the file without end (1.1 GB in 30 s). A usage error
/// now, before anything is read or written; stdout to another file is fine.
#[test]
fn stream_into_the_file_it_reads_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 300);
    let before = std::fs::read(&a).unwrap();
    let stream = |stdout: std::fs::File| {
        let mut c = whosaid();
        c.args([
            "stream",
            "--quotes",
            "rules",
            "--chunk-size",
            "1",
            "--model",
        ])
        .arg(&model)
        .stdin(std::fs::File::open(&a).unwrap())
        .stdout(stdout);
        let mut child = c.stderr(Stdio::piped()).spawn().unwrap();
        for _ in 0..300 {
            if let Some(status) = child.try_wait().unwrap() {
                let mut err = String::new();
                std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
                return (status.code(), err);
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        (None, "still running after 30 s".to_string())
    };
    let appending = std::fs::File::options().append(true).open(&a).unwrap();
    let (code, err) = stream(appending);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("stdout is the file stdin reads"), "{err}");
    assert_eq!(std::fs::read(&a).unwrap(), before, "the input changed");
    let results = std::fs::File::create(tmp.path().join("results.jsonl")).unwrap();
    let (code, err) = stream(results);
    assert_eq!(code, Some(0), "{err}");
    let lines = std::fs::read_to_string(tmp.path().join("results.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 300);
}

/// Stdin redirected from a file another input reads (`extract a.jsonl - < a.jsonl`, or a file
/// of a folder given) read its records twice, under `a.jsonl` and `<stdin>`, with exit 0: the
/// refusal above compared the paths given, and `-` names none. A usage error now, said before
/// any output; the same records through a pipe, or stdin from another file, are read.
#[test]
fn stdin_redirected_from_a_file_another_input_reads_is_an_input_named_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let folder = tmp.path().join("dump");
    std::fs::create_dir_all(&folder).unwrap();
    let a = dump(&tmp.path().join("a.jsonl"), "a", 2);
    let story = folder.join("story.txt");
    std::fs::write(&story, "Lleshaj said the talks failed.").unwrap();
    let stdin_run = |out: &str, input: &Path, stdin: Stdio| {
        let mut c = whosaid();
        extract_args(
            &mut c,
            &model,
            &tmp.path().join(out),
            &[input, Path::new("-")],
            &[],
        );
        c.stdin(stdin).output().unwrap()
    };
    for (i, (input, redirected)) in [(&a, &a), (&folder, &story)].into_iter().enumerate() {
        let out = format!("out{i}");
        let o = stdin_run(&out, input, std::fs::File::open(redirected).unwrap().into());
        assert_eq!(o.status.code(), Some(2), "{input:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("hold the same records") && stderr(&o).contains("stdin is"),
            "{}",
            stderr(&o)
        );
        assert!(!tmp.path().join(out).exists(), "{input:?}: output written");
    }
    let b = dump(&tmp.path().join("b.jsonl"), "b", 2);
    let o = stdin_run("other", &a, std::fs::File::open(&b).unwrap().into());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut c = whosaid();
    extract_args(
        &mut c,
        &model,
        &tmp.path().join("piped"),
        &[&a, Path::new("-")],
        &[],
    );
    let mut child = c.stdin(Stdio::piped()).spawn().unwrap();
    let records = std::fs::read(&a).unwrap();
    child.stdin.take().unwrap().write_all(&records).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// A folder reading a file also given, through a link or a hard link to it (or two folders
/// reading one file so), read its article twice with exit 0: the refusal above only looked at
/// where the paths lie.
/// UTF-16 on stdin (Windows PowerShell 5's `Get-Content news.jsonl | whosaid extract -`) was an
/// error row per line ("invalid UTF-8", then "malformed JSON"), as a UTF-16 file had been: it is
/// an input that cannot be read, named so.
#[test]
fn utf16_on_stdin_is_named_so() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let line = "{\"id\": \"a\", \"text\": \"Lleshaj said the talks failed.\"}\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(line.encode_utf16().flat_map(u16::to_le_bytes));
    let file = tmp.path().join("ps.bin");
    std::fs::write(&file, utf16).unwrap();
    let mut c = whosaid();
    extract_args(
        &mut c,
        &model,
        &tmp.path().join("out"),
        &[Path::new("-")],
        &[],
    );
    let o = c
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("UTF-16"), "{}", stderr(&o));
}

#[test]
fn a_file_a_folder_reads_through_a_link_is_an_input_named_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let story = tmp.path().join("src").join("story.txt");
    std::fs::create_dir_all(story.parent().unwrap()).unwrap();
    std::fs::write(&story, "The minister said Iran is a threat.\n").unwrap();
    let [soft, hard, other] = ["soft", "hard", "other"].map(|d| tmp.path().join(d));
    for folder in [&soft, &hard, &other] {
        std::fs::create_dir_all(folder).unwrap();
    }
    std::os::unix::fs::symlink(&story, soft.join("story.txt")).unwrap();
    std::fs::hard_link(&story, hard.join("copy.txt")).unwrap();
    std::fs::write(other.join("other.txt"), "Another text.\n").unwrap();
    for (i, twice) in [[&story, &soft], [&story, &hard], [&soft, &hard]]
        .into_iter()
        .enumerate()
    {
        let out = tmp.path().join(format!("out{i}"));
        let o = run(&model, &out, &[twice[0], &other, twice[1]], &[]);
        assert_eq!(o.status.code(), Some(2), "{twice:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("are one file"), "{}", stderr(&o));
        assert!(!out.exists(), "{twice:?}: output written");
    }
    // A folder and a file it does not read are two inputs.
    let o = run(&model, &tmp.path().join("two"), &[&story, &other], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn resume_over_other_inputs_or_options_is_refused() {
    let Some(_) = strace() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 20);
    let b = dump(&tmp.path().join("b.jsonl"), "b", 20);
    let full = tmp.path().join("full");
    assert!(run(&model, &full, &[&a], &[]).status.success());

    let out = tmp.path().join("out");
    // Rename 2 is the second chunk's checkpoint: one chunk is on disk.
    assert!(killed_at_rename(&model, &out, &[&a], 2));
    assert!(out.join(CHECKPOINT).exists());
    let before = files(&out);
    for (inputs, extra, says) in [
        (vec![b.as_path()], vec![], "inputs ["),
        (vec![a.as_path(), b.as_path()], vec![], "inputs ["),
        (vec![a.as_path()], vec!["--precision", "f32"], "--precision"),
        (
            vec![a.as_path()],
            vec!["--all-sentences"],
            "--all-sentences",
        ),
    ] {
        let mut args = vec!["--resume"];
        args.extend(extra);
        let o = run(&model, &out, &inputs, &args);
        assert!(
            !o.status.success(),
            "resume with {inputs:?} {args:?} must refuse"
        );
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert_eq!(files(&out), before, "a refused resume changed nothing");
    }
    // The input itself changed since.
    let grown = tmp.path().join("grown.jsonl");
    std::fs::copy(&a, &grown).unwrap();
    let out2 = tmp.path().join("out2");
    assert!(killed_at_rename(&model, &out2, &[&grown], 2));
    dump(&grown, "c", 21);
    let o = run(&model, &out2, &[&grown], &["--resume"]);
    assert!(stderr(&o).contains("changed since"), "{}", stderr(&o));

    // The same run resumes to the uninterrupted run's bytes.
    let o = run(
        &model,
        &out,
        &[&a],
        &["--resume", "--threads", "2", "--chunk-size", "3"],
    );
    // (Threads and chunk size do not change output, so they may differ on resume.)
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&out), files(&full));
}

/// An input edited in place with its size and modification time put back (`cp -p` or `rsync -t`
/// of another file of the same size, `touch -r`) looks like the interrupted run's to the
/// identity: the resume reads the written records again and refuses, changing nothing. Before,
/// it resumed, and the files held the old first records' rows followed by the new ones'.
#[test]
fn resume_over_an_input_changed_in_place_with_size_and_time_kept_is_refused() {
    let Some(_) = strace() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 20);
    let out = tmp.path().join("out");
    assert!(killed_at_rename(&model, &out, &[&a], 2));
    let before = files(&out);
    let modified = std::fs::metadata(&a).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&a).unwrap();
    std::fs::write(&a, text.replacen("Iran", "Iraq", 1)).unwrap();
    let f = std::fs::File::options().write(true).open(&a).unwrap();
    f.set_modified(modified).unwrap();
    drop(f);
    let o = run(&model, &out, &[&a], &["--resume"]);
    assert!(!o.status.success(), "must refuse");
    assert!(
        stderr(&o).contains("are not the ones the interrupted run wrote"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files(&out), before, "a refused resume changed nothing");
    // Put back, the input resumes to the uninterrupted run's bytes.
    std::fs::write(&a, &text).unwrap();
    let f = std::fs::File::options().write(true).open(&a).unwrap();
    f.set_modified(modified).unwrap();
    drop(f);
    let full = tmp.path().join("full");
    let uninterrupted = run(&model, &full, &[&a], &[]);
    assert!(uninterrupted.status.success());
    let o = run(&model, &out, &[&a], &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(files(&out), files(&full));
    // The whole run's totals are the uninterrupted run's (they were missing: the counts were
    // the resumed part's alone, short of the files), and the part's own counts say so.
    let stderr_full = stderr(&uninterrupted);
    let totals = stderr_full
        .split_once("whosaid: ")
        .and_then(|(_, rest)| rest.split_once(" in "))
        .map(|(totals, _)| totals)
        .unwrap();
    assert!(totals.starts_with("20 articles, "), "{totals}");
    let summary = format!(
        "whosaid: the whole run: {}; resumed after 4 input records written before, this part: \
         16 articles",
        totals
    );
    assert!(
        stderr(&o).contains(&summary),
        "{}\nwant {summary}",
        stderr(&o)
    );
}

#[test]
fn a_kill_at_any_final_rename_resumes_to_the_same_files() {
    let Some(_) = strace() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 10);
    let full = tmp.path().join("full");
    assert!(run(&model, &full, &[&a], &[]).status.success());
    let total = renames_of_a_run(&model, tmp.path(), &[&a]);
    // The last seven: the finished checkpoint, the five files, then the entity index.
    for n in total - 6..=total {
        let out = tmp.path().join(format!("killed-{n}"));
        assert!(killed_at_rename(&model, &out, &[&a], n), "rename {n}");
        let o = run(&model, &out, &[&a], &["--resume"]);
        assert!(o.status.success(), "rename {n}: {}", stderr(&o));
        assert_eq!(files(&out), files(&full), "killed at rename {n} of {total}");
        assert!(!out.join(CHECKPOINT).exists());
    }
}

#[test]
fn a_temporary_file_that_lost_its_tail_is_not_resumed() {
    let Some(_) = strace() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 20);
    let out = tmp.path().join("out");
    assert!(killed_at_rename(&model, &out, &[&a], 3));
    let temp = out.join("articles.csv.tmp");
    let len = std::fs::metadata(&temp).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&temp).unwrap();
    file.set_len(len / 2).unwrap();
    let o = run(&model, &out, &[&a], &["--resume"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("shorter than"), "{}", stderr(&o));
    let bytes = std::fs::read(&temp).unwrap();
    assert!(!bytes.contains(&0), "no NUL padding");
}

/// `--text-field "$FIELD"` with `FIELD` unset read a pandas CSV's index column (its header cell
/// is blank) as every article's text, with exit 0 (an outside attack, session 55). An empty or
/// blank field name is a usage error, for every command that reads inputs; the id's alone may
/// be empty, to read that index as the ids.
#[test]
fn empty_field_names_are_usage_errors_but_the_id_may_name_a_blank_header() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let pandas = tmp.path().join("frame.csv");
    std::fs::write(&pandas, ",id,text\n7,a,Iran replied.\n").unwrap();
    for flag in [
        "--text-field",
        "--title-field",
        "--url-field",
        "--published-field",
        "--source-field",
    ] {
        for name in ["", " "] {
            let o = run(&model, &tmp.path().join("out"), &[&pandas], &[flag, name]);
            assert_eq!(o.status.code(), Some(2), "{flag} {name:?}: {}", stderr(&o));
            assert!(stderr(&o).contains("an empty name"), "{}", stderr(&o));
            assert!(!tmp.path().join("out").exists());
        }
        for command in [&["stream"][..], &["report", "run", "--html", "rep"]] {
            let o = whosaid().args(command).args([flag, ""]).output().unwrap();
            assert_eq!(o.status.code(), Some(2), "{command:?}: {}", stderr(&o));
        }
    }
    let out = tmp.path().join("out");
    let o = run(&model, &out, &[&pandas], &["--id-field", ""]);
    assert!(o.status.success(), "{}", stderr(&o));
    let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
    assert!(
        articles.lines().nth(1).unwrap().starts_with("7,"),
        "{articles}"
    );
}

#[test]
fn zero_threads_chunks_or_batches_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 2);
    for flag in [
        "--threads",
        "--chunk-size",
        "--batch-size",
        "--batch-tokens",
        // Every record an error row, with exit 0 (an outside attack, session 52).
        "--max-bytes",
    ] {
        let o = run(&model, &tmp.path().join("out"), &[&a], &[flag, "0"]);
        assert_eq!(o.status.code(), Some(2), "{flag} 0: {}", stderr(&o));
        assert!(stderr(&o).contains(flag), "{}", stderr(&o));
    }
    let o = whosaid()
        .args(["eval", "ner", "--threads", "0", "x.conll"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // Stdin cannot be read again for a report's article texts (it failed later, exiting 1).
    let o = whosaid()
        .args(["report", "run", "--html", "rep", "--inputs", "-"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stdin cannot be read again"),
        "{}",
        stderr(&o)
    );
    // A directory given as a CoNLL file is called one (it was "line 1: not UTF-8 text").
    let o = whosaid()
        .args(["eval", "ner", "--threads", "1", "--model"])
        .arg(&model)
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        stderr(&o).contains("a directory, not a CoNLL file"),
        "{}",
        stderr(&o)
    );
}

/// A thread count no machine has: 2^31 or more panicked inside libtorch (the count went to it as
/// an i32), 100000 spent minutes starting threads. Above 1024 every command that takes
/// `--threads` refuses it as a usage error, as it refuses 0.
#[test]
fn thread_counts_beyond_any_machine_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 2);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let conll = root.join("data/fixtures/ner/mini.conll");
    let brat = root.join("data/fixtures/brat");
    let out = tmp.path().join("out");
    // Most of what is checked at the first too many: 1025 ran (slowly); 2^31 panicked.
    for threads in ["1025", "100000", "2147483648"] {
        let mut commands: Vec<Command> = Vec::new();
        let mut c = whosaid();
        extract_args(&mut c, &model, &out, &[&a], &["--threads", threads]);
        commands.push(c);
        let with_model = |args: &[&str]| {
            let mut c = whosaid();
            c.args(args).arg("--model").arg(&model);
            c.args(["--threads", threads]);
            c
        };
        commands.push(with_model(&["stream"]));
        commands.push(with_model(&["eval", "ner", conll.to_str().unwrap()]));
        let entities = root.join("data/fixtures/entities/articles.jsonl");
        commands.push(with_model(&[
            "eval",
            "entities",
            entities.to_str().unwrap(),
        ]));
        let mut c = with_model(&["eval", "quotes"]);
        c.arg("--brat").arg(&brat);
        commands.push(c);
        let mut c = whosaid();
        c.args(["train", "ner", "--train"]).arg(&conll);
        c.arg("--base").arg(&model).arg("--out").arg(&out);
        c.args(["--threads", threads]);
        commands.push(c);
        let mut c = whosaid();
        c.args(["train", "quotes", "--train"]).arg(&brat);
        c.arg("--init").arg(&model).arg("--out").arg(&out);
        c.args(["--threads", threads]);
        commands.push(c);
        for mut c in commands {
            let o = c.output().unwrap();
            let shown = format!("{:?} {:?}", c.get_args().collect::<Vec<_>>(), stderr(&o));
            assert_eq!(o.status.code(), Some(2), "{shown}");
            assert!(stderr(&o).contains("--threads"), "{shown}");
            assert!(stderr(&o).contains("1024"), "{shown}");
        }
        assert!(!out.exists(), "a refused command wrote --out");
    }
}

#[test]
fn an_empty_conll_file_is_an_error_not_a_score_of_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let empty = tmp.path().join("empty.conll");
    std::fs::write(&empty, "").unwrap();
    let o = whosaid()
        .args(["eval", "ner", "--threads", "1", "--model"])
        .arg(&model)
        .arg(&empty)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("empty.conll: no sentences"),
        "{}",
        stderr(&o)
    );
}

/// `eval ner --fixtures` on one article whose gold entities are `entities` (JSON).
fn eval_ner_fixture(dir: &Path, entities: &str, extra: &[&str]) -> Output {
    let model = tiny_model(dir, 128, Some(1));
    let fixture = dir.join("spans.jsonl");
    let line = format!(r#"{{"id": "a", "text": "Ana Duka said so.", "entities": {entities}}}"#);
    std::fs::write(&fixture, line + "\n").unwrap();
    whosaid()
        .args(["eval", "ner", "--threads", "1", "--model"])
        .arg(&model)
        .arg("--fixtures")
        .arg(&fixture)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn eval_ner_fixture_spans_are_checked_and_errors_or_case_with_fixtures_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let span = |s: usize, e: usize| format!(r#"{{"start": {s}, "end": {e}, "label": "PER"}}"#);
    for (entities, why) in [
        (format!("[{}]", span(0, 99)), "past the text's end"),
        (format!("[{}]", span(8, 4)), "ends before it starts"),
        (format!("[{}]", span(4, 4)), "empty span"),
        (format!("[{}, {}]", span(0, 8), span(4, 8)), "overlap"),
        // A text that is not what the span holds (byte offsets, say) was scored as a miss.
        (
            r#"[{"start": 0, "end": 8, "label": "PER", "text": "Duka"}]"#.to_string(),
            r#"entity 1: says "Duka" but the text holds "Ana Duka" at [0, 8)"#,
        ),
    ] {
        let o = eval_ner_fixture(tmp.path(), &entities, &[]);
        assert_eq!(o.status.code(), Some(1), "{entities}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("spans.jsonl: line 1") && stderr(&o).contains(why),
            "{entities}: {}",
            stderr(&o)
        );
    }
    let fine = format!("[{}]", span(0, 8));
    assert!(eval_ner_fixture(tmp.path(), &fine, &[]).status.success());
    let fine_text = r#"[{"start": 0, "end": 8, "label": "PER", "text": "Ana Duka"}]"#;
    assert!(eval_ner_fixture(tmp.path(), fine_text, &[])
        .status
        .success());
    // Flags that apply to CoNLL files only were ignored with --fixtures.
    let errors = tmp.path().join("errors.jsonl");
    let with_errors = ["--errors", errors.to_str().unwrap()];
    for extra in [&with_errors[..], &["--case", "lower"]] {
        let o = eval_ner_fixture(tmp.path(), &fine, extra);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--fixtures"), "{}", stderr(&o));
    }
    assert!(!errors.exists());
}

#[test]
fn eval_quotes_gold_entities_with_brat_folders_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let brat = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/fixtures/brat");
    // brat folders hold no entities: every speaker was judged against none, with exit 0.
    let o = whosaid()
        .args([
            "eval",
            "quotes",
            "--threads",
            "1",
            "--quotes",
            "rules",
            "--model",
        ])
        .arg(&model)
        .arg("--gold-entities")
        .arg("--brat")
        .arg(&brat)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("--gold-entities") && stderr(&o).contains("--brat"),
        "{}",
        stderr(&o)
    );
}

/// `eval ner` and `eval quotes` with no input at all are usage errors (exit 2), as `eval
/// entities` without files is; they exited 1, as if an input could not be read.
#[test]
fn eval_without_any_input_is_a_usage_error() {
    for command in ["ner", "quotes", "entities"] {
        let o = whosaid().args(["eval", command]).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "eval {command}: {}", stderr(&o));
    }
}

/// One input named twice in an `eval` (`a.conll ./a.conll`, `--brat D D`, `F F`) is a usage
/// error (exit 2) naming both, as in `extract`: it was scored twice, every gold and predicted
/// span counted double.
#[test]
fn eval_of_one_input_named_twice_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let conll = dir.join("a.conll");
    std::fs::write(&conll, "Bob B-PER\nsaid O\n").unwrap();
    let again = dir.join(".").join("a.conll");
    std::fs::create_dir_all(dir.join("brat/text")).unwrap();
    let brat = dir.join("brat");
    for args in [
        vec![os("ner"), conll.clone().into(), again.clone().into()],
        vec![
            os("ner"),
            conll.clone().into(),
            os("--fixtures"),
            again.clone().into(),
        ],
        vec![
            os("quotes"),
            os("--brat"),
            brat.clone().into(),
            brat.join(".").into(),
        ],
        vec![os("entities"), conll.clone().into(), again.clone().into()],
    ] {
        let o = whosaid().arg("eval").args(&args).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("would be read twice"), "{}", stderr(&o));
    }
}

fn os(s: impl AsRef<std::ffi::OsStr>) -> std::ffi::OsString {
    s.as_ref().to_os_string()
}

/// Each `eval ner --errors` row names the file and the line of its entity's first word: rows
/// gave the sentence's text alone, which two files (or two `Halden`s in one) could share.
#[test]
fn eval_ner_error_rows_name_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let model = tiny_model(dir, 128, Some(1));
    let body = "Halden B-LOC\nis O\ncold O\n\nAna B-PER\nDuka I-PER\nsaw O\nHalden B-LOC\n";
    let files: Vec<PathBuf> = ["x.conll", "y.conll"].iter().map(|n| dir.join(n)).collect();
    for f in &files {
        std::fs::write(f, body).unwrap();
    }
    let errors = dir.join("errors.jsonl");
    let o = whosaid()
        .args(["eval", "ner", "--threads", "1", "--model"])
        .arg(&model)
        .args(&files)
        .arg("--errors")
        .arg(&errors)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = std::fs::read_to_string(&errors).unwrap();
    assert!(!rows.is_empty());
    for row in rows.lines() {
        let row: serde_json::Value = serde_json::from_str(row).unwrap();
        let file = std::fs::read_to_string(row["file"].as_str().unwrap()).unwrap();
        let line = row["line"].as_u64().unwrap() as usize;
        let first_word = row["text"].as_str().unwrap().split(' ').next().unwrap();
        let at = file.lines().nth(line - 1).unwrap();
        assert!(at.starts_with(&format!("{first_word} ")), "{row} at {at:?}");
    }
}

/// Each `eval` over gold that holds nothing to score: an error naming the file, as for an empty
/// CoNLL file, where it used to print zeros (or ones) and exit 0.
#[test]
fn scores_over_no_gold_are_errors_not_results() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let model = tiny_model(dir, 128, Some(1));
    let write = |name: &str, body: &str| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, body).unwrap();
        path
    };
    let eval = |args: &[&std::ffi::OsStr]| {
        whosaid()
            .args(["eval"])
            .args(args)
            .args(["--threads", "1", "--model"])
            .arg(&model)
            .output()
            .unwrap()
    };
    let empty = write("empty.jsonl", "");
    let typo = write(
        "typo.jsonl",
        r#"{"id": "a", "text": "Ana Duka said so.", "entites": [{"start": 0, "end": 8, "label": "PER"}]}"#,
    );
    write("brat/text/a.txt", "Ana said hi.\n");
    write("brat/attributions/a_x.ann", "T1\tSource 0 3\tAna\n");
    let clusters = write(
        "clusters.jsonl",
        r#"{"id": "a", "text": "Hi Bob", "entities": []}"#,
    );
    // Sentences, but every tag O: a table of zeros looked like a score.
    let outside = write("outside.conll", "Hi O\nthere O\n\nBob O\n");
    let os = |s: &str| std::ffi::OsString::from(s);
    let cases: [(Vec<std::ffi::OsString>, &str); 6] = [
        (
            vec![os("ner"), outside.clone().into()],
            "outside.conll: no entities to score",
        ),
        (
            vec![os("ner"), os("--fixtures"), empty.clone().into()],
            "empty.jsonl: no entities to score",
        ),
        (
            vec![os("ner"), os("--fixtures"), typo.into()],
            "typo.jsonl: line 1",
        ),
        (
            vec![
                os("quotes"),
                os("--quotes"),
                os("rules"),
                os("--brat"),
                dir.join("brat").into(),
            ],
            "brat: no attributions to score",
        ),
        (
            vec![
                os("quotes"),
                os("--quotes"),
                os("rules"),
                os("--fixtures"),
                empty.into(),
            ],
            "empty.jsonl: no attributions to score",
        ),
        (
            vec![os("entities"), clusters.into()],
            "clusters.jsonl: no entities to score",
        ),
    ];
    for (args, said) in cases {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let o = eval(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(said), "{args:?}: {}", stderr(&o));
    }
    // A file without entities beside one with some is scored (its false positives count).
    let names = write("names.conll", "Bob B-PER\nsaid O\n");
    let o = eval(&[
        os("ner").as_os_str(),
        names.as_os_str(),
        outside.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn an_input_that_cannot_be_opened_exits_3_after_the_others_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 3);
    let typo = tmp.path().join("typo.jsonl");
    let out = tmp.path().join("out");
    let o = run(&model, &out, &[&typo, &a], &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
    assert_eq!(
        articles.lines().count(),
        4,
        "the readable input is processed"
    );
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(errors.contains("typo.jsonl,-,cannot open"), "{errors}");
    // A bad record inside a readable input is a row, not a failure.
    std::fs::write(&typo, "{broken\n").unwrap();
    let o = run(&model, &tmp.path().join("out2"), &[&typo, &a], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// An input that opens but yields no record at all — a `.gz` that is not gzip data, a CSV
/// whose header names no text column — exits 3 like a missing one: each wrote one error row
/// and exited 0, which a batch job took for success.
#[test]
fn an_input_of_which_nothing_can_be_read_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 2);
    let not_gzip = tmp.path().join("b.jsonl.gz");
    std::fs::write(&not_gzip, "{\"id\": \"b\", \"text\": \"plain\"}\n").unwrap();
    let semicolons = tmp.path().join("c.csv");
    std::fs::write(&semicolons, "id;text\n1;The minister said so.\n").unwrap();
    let empty_gz = tmp.path().join("d.jsonl.gz");
    std::fs::write(&empty_gz, "").unwrap();
    for (bad, says) in [
        (&not_gzip, "not gzip data"),
        (&semicolons, "no `text` column"),
    ] {
        let out = bad.with_extension("out");
        let o = run(&model, &out, &[bad, &a], &[]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
        assert!(errors.contains(says), "{errors}");
        let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
        assert_eq!(
            articles.lines().count(),
            3,
            "the readable input is processed"
        );
    }
    // An empty .gz is an empty input, not a broken one.
    let o = run(&model, &tmp.path().join("out-empty"), &[&empty_gz, &a], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A `.gz` input cut short (an interrupted download) keeps the records before the cut and its
/// error row, and the run exits 3, as for an input not read at all, naming it on stderr: it
/// exited 0, which a batch job could not tell from a dump read whole. Zero bytes after the last
/// gzip member (a file padded to a block size) are no data: the stream is whole, exit 0 and no
/// error row; it was a "cannot read further" row.
#[test]
fn a_gz_input_cut_short_exits_3_and_zero_padding_is_no_data() {
    use flate2::{write::GzEncoder, Compression};
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let plain = std::fs::read(dump(&tmp.path().join("plain.jsonl"), "g", 300)).unwrap();
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&plain).unwrap();
    let whole = encoder.finish().unwrap();
    let cut = tmp.path().join("cut.jsonl.gz");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    let padded = tmp.path().join("padded.jsonl.gz");
    std::fs::write(&padded, [whole.as_slice(), &[0; 4096]].concat()).unwrap();

    let out = tmp.path().join("out-cut");
    let o = run(&model, &out, &[&cut], &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let want = format!("input {} could not be read to its end", cut.display());
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(errors.contains("cannot read further"), "{errors}");
    let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
    assert!(
        articles.lines().count() > 2,
        "the records before the cut are kept"
    );

    let out = tmp.path().join("out-padded");
    let o = run(&model, &out, &[&padded], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert_eq!(errors.lines().count(), 1, "{errors}");
    let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
    assert_eq!(articles.lines().count(), 301);
}

/// A `.json` array cut short (no closing `]`: the elements after the cut are lost) exits 3 and
/// names the input on stderr, as a `.gz` cut short does: it was one element's error row and
/// exit 0. A malformed element inside a whole array stays an error row, exit 0.
#[test]
fn a_json_array_cut_short_exits_3_and_a_bad_element_inside_one_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let cut = tmp.path().join("cut.json");
    std::fs::write(
        &cut,
        r#"[{"id": "1", "text": "Iran replied."}, {"id": "2", "text": "The minister sa"#,
    )
    .unwrap();
    let whole = tmp.path().join("whole.json");
    std::fs::write(
        &whole,
        r#"[{"id": "1", "text": "Iran replied."}, {"id": "2", "text": oops}, {"id": "3", "text": "Iran."}]"#,
    )
    .unwrap();
    let out = tmp.path().join("out-whole");
    let o = run(&model, &out, &[&whole], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = tmp.path().join("out-cut");
    let o = run(&model, &out, &[&cut], &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let want = format!(
        "input {} could not be read to its end (at element 2)",
        cut.display()
    );
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert!(
        errors.contains("element 2,\"cannot read further: the input ends inside"),
        "{errors}"
    );
    let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
    assert_eq!(
        articles.lines().count(),
        2,
        "the element before the cut is kept"
    );
}

/// A file a folder holds under several names (`latest/story.txt -> ../2024/01/story.txt`, a hard
/// link) is one article, and stderr names the names passed over: it was an article per name,
/// with exit 0 and not a word, while the same tree given as two inputs is refused.
#[test]
fn a_file_a_folder_holds_under_two_names_is_read_once_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let folder = tmp.path().join("dump");
    let story = folder.join("2024/01/story.txt");
    std::fs::create_dir_all(story.parent().unwrap()).unwrap();
    std::fs::create_dir_all(folder.join("latest")).unwrap();
    std::fs::write(&story, "The minister said Iran is a threat.\n").unwrap();
    std::os::unix::fs::symlink("../2024/01/story.txt", folder.join("latest/story.txt")).unwrap();
    std::fs::hard_link(&story, folder.join("hard.txt")).unwrap();
    let out = tmp.path().join("out");
    let o = run(&model, &out, &[&folder], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
    assert_eq!(articles.lines().count(), 2, "{articles}");
    assert!(articles.contains("2024/01/story"), "{articles}");
    let want = format!(
        "{} not read: it is the file {}",
        folder.join("hard.txt").display(),
        story.display()
    );
    assert!(stderr(&o).contains(&want), "{}", stderr(&o));
}

/// A folder's files that are not `.txt` or `.txt.gz` are named on stderr: a `.txt.bz2` file among
/// them was left out without a word. The run's own files, with `--out` inside the folder, are not
/// named.
#[test]
fn a_folders_files_not_read_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let folder = tmp.path().join("dump");
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    std::fs::write(folder.join("a.txt"), "The minister said so.").unwrap();
    std::fs::write(folder.join("sub/b.txt.bz2"), "BZh").unwrap();
    std::fs::write(folder.join(".hidden"), "not named").unwrap();
    let out = folder.join("out");
    assert!(run(&model, &out, &[&folder], &[]).status.success());
    let o = run(&model, &out, &[&folder], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("b.txt.bz2 not read"), "{err}");
    assert!(
        !err.contains("articles.csv") && !err.contains(".hidden"),
        "{err}"
    );
}

/// A folder with nothing to read (empty, or only `.txt.bz2` files) is an input that could not be
/// read: its error row, and exit 3 as for a missing file. It gave a line on stderr and exit 0,
/// which a batch job took for a run that had read its dump.
#[test]
fn a_folder_with_nothing_to_read_is_an_unreadable_input() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 2);
    let empty = tmp.path().join("empty");
    let bz2 = tmp.path().join("bz2");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::create_dir_all(&bz2).unwrap();
    std::fs::write(bz2.join("b.txt.bz2"), "BZh").unwrap();
    for folder in [&empty, &bz2] {
        let out = tmp
            .path()
            .join(format!("out-{}", folder.display()).replace('/', "_"));
        let o = run(&model, &out, &[folder, &a], &[]);
        assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
        let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
        let want = format!(
            "{},-,no .txt or .txt.gz file in this folder",
            folder.display()
        );
        assert!(errors.contains(&want), "{errors}");
        let articles = std::fs::read_to_string(out.join("articles.csv")).unwrap();
        assert_eq!(articles.lines().count(), 3, "{articles}");
    }
}

/// The error row of an input that cannot be opened is one shard's (shards union to one run),
/// and a resumed run skips it with the records before its checkpoint: the other shards, and the
/// resume, exited 0 over a dump with a file missing.
#[test]
fn every_shard_and_a_resume_exit_3_for_an_input_that_cannot_be_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 8);
    let typo = tmp.path().join("typo.jsonl");
    let mut rows = 0;
    for shard in ["0/2", "1/2"] {
        let out = tmp.path().join(format!("shard{}", &shard[..1]));
        let o = run(&model, &out, &[&typo, &a], &["--shard", shard]);
        assert_eq!(o.status.code(), Some(3), "{shard}: {}", stderr(&o));
        let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
        rows += errors.matches("typo.jsonl,-,cannot open").count();
    }
    assert_eq!(rows, 1, "the error row is in one shard's errors.csv");
    for shard in ["0/2", "1/2"] {
        let out = tmp.path().join(format!("named{}", &shard[..1]));
        let o = run(&model, &out, &[&typo, &a], &["--shard", shard]);
        // Every shard, under -q, names the input and says why; the shard without the error row
        // said only "1 input(s) could not be read at all", and -q left out every "skipped" line.
        let want = format!("input {} could not be read: cannot open", typo.display());
        assert!(stderr(&o).contains(&want), "{shard}: {}", stderr(&o));
    }
    if strace().is_none() {
        return;
    }
    // Killed at the second checkpoint: the first (4 records, the missing input's row among
    // them) is on disk, and the resume skips past it.
    let out = tmp.path().join("resumed");
    assert!(killed_at_rename(&model, &out, &[&typo, &a], 2));
    let o = run(&model, &out, &[&typo, &a], &["--resume"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let errors = std::fs::read_to_string(out.join("errors.csv")).unwrap();
    assert_eq!(errors.matches("typo.jsonl,-,cannot open").count(), 1);
}

/// `--quotes both` with a quote model that is missing or is no attribution model stops before
/// any output, saying which model it needed.
#[test]
fn a_missing_or_wrong_quote_model_stops_the_run_before_any_output() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, None);
    for (name, quote_model) in [
        ("missing", tmp.path().join("no-such-model")),
        ("ner", model.clone()),
    ] {
        let out = tmp.path().join(name);
        let mut opts = options(sample_inputs(), &out, model.clone());
        opts.quotes = whosaid::quotes::QuoteMethod::Both;
        opts.quote_model = quote_model;
        let err = format!("{:#}", whosaid::pipeline::extract(&opts).unwrap_err());
        assert!(
            err.contains("--quotes both needs the attribution model"),
            "{name}: {err}"
        );
        // Its advice is the attribution model's: a missing one was sent to models/ner-en,
        // --model and `train ner`.
        assert!(err.contains("models/quotes-en"), "{name}: {err}");
        assert!(
            !err.contains("ner-en") && !err.contains("--model"),
            "{name}: {err}"
        );
        assert!(!out.exists(), "{name}: output written");
    }
}

/// The other way round: the attribution model given as `--model` (the NER model) used to run to
/// the end with no entity at all; now it stops before any output, saying where it belongs.
#[test]
fn an_attribution_model_as_the_ner_model_stops_the_run_before_any_output() {
    let tmp = tempfile::tempdir().unwrap();
    let quotes_model = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/quotes-en");
    let out = tmp.path().join("out");
    let opts = options(sample_inputs(), &out, quotes_model);
    let err = format!("{:#}", whosaid::pipeline::extract(&opts).unwrap_err());
    assert!(
        err.contains("attribution model") && err.contains("--quote-model"),
        "{err}"
    );
    assert!(!out.exists(), "output written");
}

/// `index --out X` writes under a new temporary name: before, it wrote and renamed away
/// `X`-with-its-extension-replaced `.csv.tmp` — the user's `notes.csv.tmp` for `--out
/// notes.txt`, an interrupted run's `quotes.csv.tmp` for `--out run/quotes` (which then could
/// not be resumed).
#[test]
fn index_leaves_files_named_like_its_temporary_file_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 3);
    let out = tmp.path().join("out");
    assert!(run(&model, &out, &[&a], &[]).status.success());
    let here = tmp.path().join("here");
    std::fs::create_dir(&here).unwrap();
    for mine in ["notes.csv.tmp", "quotes.csv.tmp", "index.csv.tmp"] {
        std::fs::write(here.join(mine), "mine").unwrap();
    }
    for index_out in ["notes.txt", "quotes", "index.csv"] {
        let o = whosaid()
            .arg("index")
            .arg(&out)
            .arg("--out")
            .arg(here.join(index_out))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for mine in ["notes.csv.tmp", "quotes.csv.tmp", "index.csv.tmp"] {
        assert_eq!(std::fs::read_to_string(here.join(mine)).unwrap(), "mine");
    }
    let index = std::fs::read(out.join("entity_index.csv")).unwrap();
    for index_out in ["notes.txt", "quotes", "index.csv"] {
        assert_eq!(std::fs::read(here.join(index_out)).unwrap(), index);
    }
    assert_eq!(
        std::fs::read_dir(&here).unwrap().count(),
        6,
        "no temporary file left"
    );
}

/// A write that fails (a full disk; here a file-size limit, `ulimit -f`) names the temporary
/// file once: the index said `cannot write X: cannot write X: File too large`.
#[test]
fn index_names_the_file_it_cannot_write_once() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 200);
    let out = tmp.path().join("out");
    assert!(run(&model, &out, &[&a], &[]).status.success());
    let size = std::fs::metadata(out.join("entity_index.csv"))
        .unwrap()
        .len();
    assert!(size > 1024, "an index of {size} bytes fits under the limit");
    // SIGXFSZ ignored, so the write fails with EFBIG instead of killing the process.
    let o = Command::new("bash")
        .args(["-c", r#"trap "" XFSZ; ulimit -f 1; exec "$0" "$@""#])
        .arg(env!("CARGO_BIN_EXE_whosaid"))
        .arg("index")
        .arg(&out)
        .arg("--out")
        .arg(tmp.path().join("index.csv"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("cannot write").count(), 1, "{err}");
    assert!(err.contains(".index.csv."), "{err}");
    assert!(!tmp.path().join("index.csv").exists());
}

#[test]
fn index_never_writes_over_a_file_of_its_runs_and_a_new_run_replaces_an_old_index() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let a = dump(&tmp.path().join("a.jsonl"), "a", 3);
    let out = tmp.path().join("out");
    assert!(run(&model, &out, &[&a], &[]).status.success());
    let entities = std::fs::read(out.join("entities.csv")).unwrap();
    let o = whosaid()
        .arg("index")
        .arg(&out)
        .arg("--out")
        .arg(out.join("entities.csv"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("is a file of the run"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(out.join("entities.csv")).unwrap(), entities);
    // The same file under other spellings: the run named relatively and --out absolutely, a
    // step through a missing directory, a hard link to the file.
    let hard = tmp.path().join("hard.csv");
    std::fs::hard_link(out.join("entities.csv"), &hard).unwrap();
    let spellings: [(PathBuf, PathBuf); 3] = [
        (PathBuf::from("out"), out.join("entities.csv")),
        (out.clone(), PathBuf::from("nosuchdir/../out/entities.csv")),
        (out.clone(), hard),
    ];
    for (run_dir, index_out) in spellings {
        let o = whosaid()
            .current_dir(tmp.path())
            .arg("index")
            .arg(&run_dir)
            .arg("--out")
            .arg(&index_out)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{index_out:?} was written");
        assert!(
            stderr(&o).contains("is a file of the run"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(out.join("entities.csv")).unwrap(), entities);
    }
    // Nor its entity index (a run's own, replaced by the combined one), and one run named twice,
    // also through a link, is refused rather than counted twice.
    let own_index = std::fs::read(out.join("entity_index.csv")).unwrap();
    let link = tmp.path().join("again");
    std::os::unix::fs::symlink(&out, &link).unwrap();
    let refused: [(Vec<&Path>, PathBuf, &str); 3] = [
        (
            vec![&out],
            out.join("entity_index.csv"),
            "is a file of the run",
        ),
        (
            vec![&out, &out],
            tmp.path().join("i1.csv"),
            "are the same run",
        ),
        (
            vec![&out, &link],
            tmp.path().join("i2.csv"),
            "are the same run",
        ),
    ];
    for (runs, index_out, said) in refused {
        let o = whosaid()
            .arg("index")
            .args(&runs)
            .arg("--out")
            .arg(&index_out)
            .output()
            .unwrap();
        assert!(!o.status.success(), "{runs:?} {index_out:?} was written");
        assert!(stderr(&o).contains(said), "{}", stderr(&o));
        assert!(!index_out.exists() || index_out == out.join("entity_index.csv"));
    }
    assert_eq!(
        std::fs::read(out.join("entity_index.csv")).unwrap(),
        own_index
    );
    // A new run into the same directory writes its own index over an earlier one.
    let index = out.join("entity_index.csv");
    std::fs::write(&index, "stale\n").unwrap();
    let o = run(&model, &out, &[&a], &["--chunk-size", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = std::fs::read_to_string(&index).unwrap();
    assert!(
        written.starts_with("entity_key,label,canonical,"),
        "{written}"
    );
}

/// Copies a file or a folder of the repository's fixtures into `dir`, so that a run that writes
/// over it (the old code did) harms only a copy.
fn copy_fixture(rel: &str, dir: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let to = dir.join(from.file_name().unwrap());
    std::fs::create_dir_all(dir).unwrap();
    if from.is_dir() {
        for sub in std::fs::read_dir(&from).unwrap() {
            let name = sub.unwrap().file_name();
            copy_fixture(&format!("{rel}/{}", name.to_str().unwrap()), &to);
        }
    } else {
        std::fs::copy(&from, &to).unwrap();
    }
    to
}

/// `eval … --errors FILE` runs in `dir` with `args`, refused before any work: a failure naming
/// `--errors` and the input, every file of `kept` as it was (or still absent).
fn errors_refused(dir: &Path, args: &[&std::ffi::OsStr], kept: &[&Path]) {
    let before: Vec<Option<Vec<u8>>> = kept.iter().map(|p| std::fs::read(p).ok()).collect();
    let o = whosaid().current_dir(dir).args(args).output().unwrap();
    let shown = format!("{args:?}: {}", stderr(&o));
    assert!(!o.status.success(), "{shown}");
    assert!(stderr(&o).contains("--errors"), "{shown}");
    assert!(stderr(&o).contains("would write over"), "{shown}");
    for (path, bytes) in kept.iter().zip(before) {
        assert_eq!(std::fs::read(path).ok(), bytes, "{shown}: {path:?} changed");
    }
}

#[test]
fn eval_errors_never_write_over_what_the_run_reads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let model = tiny_model(dir, 128, Some(1));
    let config = model.join("config.json");
    let conll = copy_fixture("data/fixtures/ner/mini.conll", dir);
    let quotes = copy_fixture("data/fixtures/quotes/articles.jsonl", &dir.join("q"));
    let entities = copy_fixture("data/fixtures/entities/articles.jsonl", &dir.join("e"));
    let brat = copy_fixture("data/fixtures/brat", dir);
    let ann = brat.join("attributions/bridge_a1b2.ann");
    let cache = dir.join("mentions.cache");
    let os = |s: &str| std::ffi::OsString::from(s);
    let p = |p: &Path| p.as_os_str().to_owned();
    let ner = |errors: std::ffi::OsString| {
        vec![
            os("eval"),
            os("ner"),
            os("--threads"),
            os("1"),
            os("--model"),
            p(&model),
            p(&conll),
            os("--errors"),
            errors,
        ]
    };
    let quotes_with = |input: &[std::ffi::OsString], errors: &Path| {
        let mut v = vec![
            os("eval"),
            os("quotes"),
            os("--threads"),
            os("1"),
            os("--quotes"),
            os("rules"),
            os("--model"),
            p(&model),
        ];
        v.extend_from_slice(input);
        v.extend([os("--errors"), p(errors)]);
        v
    };
    let refuse = |args: Vec<std::ffi::OsString>, kept: &[&Path]| {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        errors_refused(dir, &args, kept);
    };
    // The CoNLL input, as given, relatively, through a missing directory; a model's file.
    refuse(ner(p(&conll)), &[&conll]);
    refuse(ner(os("mini.conll")), &[&conll]);
    refuse(ner(os("nosuchdir/../mini.conll")), &[&conll]);
    refuse(ner(p(&config)), &[&config]);
    // A quote fixture, a brat .ann inside --brat, the mentions cache (which the old run wrote
    // first), the entity fixtures.
    refuse(
        quotes_with(&[os("--fixtures"), p(&quotes)], &quotes),
        &[&quotes],
    );
    refuse(quotes_with(&[os("--brat"), p(&brat)], &ann), &[&ann]);
    let cached = [
        os("--fixtures"),
        p(&quotes),
        os("--mentions-cache"),
        p(&cache),
    ];
    refuse(quotes_with(&cached, &cache), &[&cache, &quotes]);
    let e = |errors: &Path| {
        vec![
            os("eval"),
            os("entities"),
            os("--threads"),
            os("1"),
            os("--model"),
            p(&model),
            p(&entities),
            os("--errors"),
            p(errors),
        ]
    };
    refuse(e(&entities), &[&entities]);
    refuse(
        e(&model.join("tokenizer.json")),
        &[&model.join("tokenizer.json")],
    );
    // A path that cannot take a file is refused before any work (it was found out after the
    // scoring, which then printed nothing, and a directory kept the errors' `.tmp` beside it).
    let folder = dir.join("folder");
    std::fs::create_dir(&folder).unwrap();
    for (errors, says) in [
        (p(&folder), "a directory"),
        (p(&dir.join("nosuchdir/e.jsonl")), "does not exist"),
        (os("/dev/null"), "not a regular file"),
    ] {
        let o = whosaid().args(ner(errors)).output().unwrap();
        assert!(!o.status.success());
        assert!(stderr(&o).contains(says), "{}", stderr(&o));
        assert!(!stdout(&o).contains("micro"), "scored: {}", stdout(&o));
    }
    // A path of its own is written, whole, with no temporary left behind; through a link, the
    // link's file.
    let errors = dir.join("errors.jsonl");
    let o = whosaid().args(ner(p(&errors))).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let left: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(errors.exists() && left.is_empty(), "{left:?}");
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink(&errors, &link).unwrap();
    let o = whosaid().args(ner(p(&link))).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// `whosaid stream | head -1`: the reader closing the pipe stops stream quietly with status 0
/// (it said `error: Broken pipe` and exited 1, failing `set -o pipefail` pipelines); and
/// `--threads` beyond the cores is said on stderr, as `extract` says it.
#[test]
fn stream_stops_quietly_when_its_reader_goes_away() {
    use std::io::{BufRead, BufReader};
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let records: String = (0..400)
        .map(|i| {
            format!("{{\"id\":\"a{i}\",\"text\":\"Joe Biden met Angela Merkel in Berlin.\"}}\n")
        })
        .collect();
    // Flushed after every record, the broken pipe is met in a flush; in chunks of the default
    // size, inside a row's JSON, where it came wrapped in serde's error: `error: Broken pipe`,
    // exit 1.
    for chunk_size in ["1", "64"] {
        let mut child = common::spawn_stream(
            &model,
            &[
                "--quotes",
                "rules",
                "--chunk-size",
                chunk_size,
                "--threads",
                "1",
            ],
        );
        let mut stdin = child.stdin.take().unwrap();
        let records = records.clone();
        let feeder = std::thread::spawn(move || {
            // The writes fail once stream stops reading: that is the point.
            let _ = stdin.write_all(records.as_bytes());
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        assert!(first.contains("\"a0\""), "{first}");
        // The reader is gone: the rest of stdout has nowhere to go.
        let o = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        assert_eq!(o.status.code(), Some(0), "{chunk_size}: {}", stderr(&o));
        assert!(stderr(&o).is_empty(), "{chunk_size}: {}", stderr(&o));
    }

    let cores = std::thread::available_parallelism().unwrap().get();
    let o = whosaid()
        .args([
            "stream",
            "--quotes",
            "rules",
            "--threads",
            &(cores + 1).to_string(),
        ])
        .arg("--model")
        .arg(&model)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("more than the"), "{}", stderr(&o));
}

/// Stdin that cannot be read to its end (`whosaid stream < folder`) is exit 3, named on
/// stderr, as `extract -` over it: stream wrote the error line and exited 0, so a pipeline took
/// what it read for the whole input.
#[test]
fn stream_exits_3_when_stdin_cannot_be_read_to_its_end() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let o = whosaid()
        .args(["stream", "--quotes", "rules", "--threads", "1", "--model"])
        .arg(&model)
        .stdin(std::fs::File::open(tmp.path()).unwrap())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("cannot read further"), "{out}");
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("input <stdin> could not be read to its end"),
        "{}",
        stderr(&o)
    );
}

/// A stdout that cannot be written (`stream > /dev/full`) is an error naming stdout, exit 1: it
/// said only `No space left on device`.
#[test]
fn stream_names_stdout_when_it_cannot_write_it() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let input = dump(&tmp.path().join("a.jsonl"), "a", 3);
    let o = whosaid()
        .args(["stream", "--quotes", "rules", "--threads", "1", "--model"])
        .arg(&model)
        .stdin(std::fs::File::open(input).unwrap())
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        )
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write the results to stdout"),
        "{}",
        stderr(&o)
    );
}

/// `--line-offset` and `--byte-offset` no dump reaches are usage errors: 2^64 - 1 wrapped round,
/// naming the part's first record `line 0` with the made-up id `stdin:0` (another part's id),
/// and an error's byte counted from 0 again.
#[test]
fn stream_offsets_that_would_wrap_round_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    for flag in ["--line-offset", "--byte-offset"] {
        let o = whosaid()
            .args(["stream", "--quotes", "rules", "--threads", "1", "--model"])
            .arg(&model)
            .args([flag, "18446744073709551615"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag}: {}", stderr(&o));
        assert!(stderr(&o).contains("at most"), "{}", stderr(&o));
    }
}

/// `stream --line-offset N --byte-offset B --id-stem STEM` over the lines of a dump after its
/// first N (B bytes: a Spark partition) names id-less records and errors as `extract` over the
/// whole dump does, and reads a mark-led line as `extract` does (since session 45 a record on
/// any line: files saved with a mark, joined). Before, a partition's records were `stdin:1`,
/// `stdin:2`, … in every partition (ids that collided), a mark-led line was read as a record on
/// a partition's first line only, and an invalid UTF-8 line's error named a byte of the
/// partition, not of the dump.
#[test]
fn stream_over_a_part_of_a_dump_names_records_as_extract_does() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tiny_model(tmp.path(), 128, Some(1));
    let head = "\u{feff}{\"text\":\"Joe Biden met Angela Merkel.\"}\n\n";
    let mut part =
        b"\xEF\xBB\xBF{\"id\":\"bom\",\"text\":\"x\"}\n\n{\"text\":\"Angela Merkel spoke.\"}\n[1]\n".to_vec();
    part.extend_from_slice(b"{\"id\":\"latin-1\",\"text\":\"caf\xE9\"}\n");
    let dump = tmp.path().join("news.jsonl");
    std::fs::write(&dump, [head.as_bytes(), &part].concat()).unwrap();
    let out = tmp.path().join("out");
    let o = run(&model, &out, &[&dump], &["--quotes", "rules"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let ids: Vec<String> = common::read_csv(&out.join("articles.csv"))
        .iter()
        .map(|r| r[0].to_string())
        .collect();
    assert_eq!(ids, ["news:1", "bom", "news:5"]);
    let errors = common::read_csv(&out.join("errors.csv"));
    let records: Vec<&str> = errors.iter().map(|r| &r[1]).collect();
    assert_eq!(records, ["line 6", "line 7"]);
    assert!(
        errors[1][2].contains("(byte 135 of the input)"),
        "{}",
        &errors[1][2]
    );

    let mut child = common::spawn_stream(
        &model,
        &[
            "--quotes",
            "rules",
            "--threads",
            "1",
            "--line-offset",
            "2",
            "--byte-offset",
            &head.len().to_string(),
            "--id-stem",
            "news",
        ],
    );
    child.stdin.take().unwrap().write_all(&part).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let answers: Vec<serde_json::Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let named: Vec<String> = answers
        .iter()
        .map(|a| match a.get("error") {
            Some(e) => e["record"].as_str().unwrap().to_string(),
            None => a["article"]["id"].as_str().unwrap().to_string(),
        })
        .collect();
    assert_eq!(named, ["bom", "news:5", "line 6", "line 7"]);
    assert_eq!(answers[3]["error"]["reason"].as_str(), Some(&errors[1][2]));
    // The article names its line of the dump, as extract's row does; its input is stdin (the
    // Spark job writes the dump's name in its place, as it does for errors).
    let article = &answers[1]["article"];
    let extracted = &common::read_csv(&out.join("articles.csv"))[2];
    assert_eq!(&extracted[9], dump.display().to_string());
    assert_eq!(article["record"].as_str(), Some(&extracted[10]));
    assert_eq!(article["input"], "<stdin>");
}
