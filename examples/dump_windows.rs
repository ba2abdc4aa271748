//! Writes the NER model's input windows as JSON lines, for `scripts/bench-ort` (ONNX Runtime fed
//! exactly what whosaid's encoder gets): every sentence, none skipped, packed as `extract
//! --all-sentences` packs them.
//!
//! cargo run --release --example dump_windows -- MODEL_DIR conll FILE.conll   # one line per window
//! cargo run --release --example dump_windows -- MODEL_DIR dump DUMP.jsonl    # articles as extract reads them
//!
//! Each line: `{"doc": N, "ids": [...], "types": [...], "starts": [[piece, word], ...]}`, word
//! indices counted over the document's words (CoNLL: its sentences' words in order).
use std::io::{BufWriter, Write};

use anyhow::{bail, Result};
use whosaid::ner::{load_tokenizer, ModelConfig, Window, Windower};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, kind, path] = args.as_slice() else {
        bail!("usage: dump_windows MODEL_DIR conll|dump FILE");
    };
    let dir = std::path::Path::new(dir);
    let config = ModelConfig::read(&dir.join("config.json"))?;
    let tokenizer = load_tokenizer(&dir.join("tokenizer.json"))?;
    let windower = Windower::new(&tokenizer, &config.settings)?;
    let documents: Vec<Vec<Vec<String>>> = match kind.as_str() {
        "conll" => whosaid::conll::read_conll(std::path::Path::new(path))?
            .into_iter()
            .map(|d| d.sentences.into_iter().map(|s| s.words).collect())
            .collect(),
        "dump" => dump_sentences(path)?,
        other => bail!("unknown input kind {other}: conll or dump"),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    for (d, sentences) in documents.iter().enumerate() {
        let words: Vec<Vec<&str>> = sentences
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        for w in windower.windows(&words)? {
            writeln!(out, "{}", line(d, &w))?;
        }
    }
    Ok(())
}

fn line(doc: usize, w: &Window) -> serde_json::Value {
    serde_json::json!({
        "doc": doc,
        "ids": w.input_ids,
        "types": w.type_ids,
        "starts": w.word_starts.iter().map(|&(p, i)| [p, i]).collect::<Vec<_>>(),
    })
}

/// The sentences of each article of a dump, read, cleaned and segmented as `extract` does
/// (records it cannot read are left out, as they give `extract` no windows either).
fn dump_sentences(path: &str) -> Result<Vec<Vec<Vec<String>>>> {
    let inputs = [std::path::PathBuf::from(path)];
    let articles = whosaid::input::read_inputs(&inputs, &whosaid::input::ReadOptions::default());
    Ok(articles
        .filter_map(Result::ok)
        .map(|a| {
            let cleaned = whosaid::clean::clean(&a.text);
            let doc = whosaid::text::Document::new(a.id, a.title, a.text, &cleaned);
            doc.sentence_words()
                .into_iter()
                .map(|s| s.into_iter().map(String::from).collect())
                .collect()
        })
        .collect())
}
