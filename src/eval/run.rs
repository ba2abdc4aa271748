//! The `eval ner` and `eval quotes` runs: the model over labeled data, then the scorers.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::mentions_cache::MentionsCache;
use crate::checkpoint::refuse_repeated_inputs;
use crate::conll::{has_entities, read_conll, Recase};
use crate::eval::ner::{evaluate_conll, format_score, NerScore, NerScorer};
use crate::ner::{
    self, document_mentions, EntityLabel, Mention, NerModel, Precision, Tag, TagModel, Tagger,
};
use crate::paths;
use crate::quotes::learned::{RoleContext, RoleTagger, RoleTags};
use crate::quotes::QuoteMethod;
use crate::text::Document;
use crate::usage::UsageError;
use crate::whole_file::replace_file;

/// Settings of `eval ner`.
#[derive(Debug, Clone)]
pub struct EvalNerOptions {
    pub files: Vec<PathBuf>,
    pub fixtures: Vec<PathBuf>,
    pub model: PathBuf,
    pub precision: Precision,
    pub batching: ner::Batching,
    pub threads: usize,
    pub json: bool,
    pub errors: Option<PathBuf>,
    /// As in [`ExtractOptions::skip_lowercase_sentences`].
    pub skip_lowercase_sentences: bool,
    /// The CoNLL files' words rewritten in this casing before tagging.
    pub case: Recase,
}

/// A span-labeled fixture article: `{"id", "text", "entities": [{"start", "end", "label"}]}`
/// with character offsets into `text` (end exclusive). Extra fields (quotes, …) are ignored;
/// `entities` is not optional (`[]` for an article without any), since a misspelled key would
/// otherwise read as an article without entities.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NerFixture {
    pub id: String,
    pub text: String,
    pub entities: Vec<FixtureEntity>,
}

/// `text`, when given, must be what `[start, end)` holds ([`check_fixture_spans`]).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct FixtureEntity {
    pub start: usize,
    pub end: usize,
    pub label: EntityLabel,
    #[serde(default)]
    pub text: Option<String>,
}

/// Reads span-labeled fixtures (one JSON object per line), each gold span checked
/// ([`check_fixture_spans`]), each article id once ([`crate::eval::IdLines`]).
pub fn read_ner_fixtures(path: &Path) -> Result<Vec<NerFixture>> {
    let raw = crate::eval::read_fixture_file(path)?;
    let mut ids = crate::eval::IdLines::default();
    crate::eval::fixture_lines(&raw)
        .map(|(n, l)| {
            let context = || format!("{}: line {n}", path.display());
            let fixture: NerFixture =
                serde_json::from_str(l).with_context(|| format!("{}: not a fixture", context()))?;
            check_fixture_spans(&fixture).with_context(context)?;
            ids.check(&fixture.id, n).with_context(context)?;
            Ok(fixture)
        })
        .collect()
}

/// A fixture's gold spans must lie in its text, be non-empty and not overlap: the scorer marks
/// them as tags over characters, where a span past the end was clipped, an empty or backward
/// one vanished, and of two overlapping ones the later overwrote the earlier. An entity's
/// `text` must be what its span holds, as a brat span's text must: fixtures written with byte
/// offsets (`"Sandër Lleshaj met Tomas"`: Tomas at bytes 20..25 is "omas " in characters) were
/// scored as misses, without a word.
fn check_fixture_spans(fixture: &NerFixture) -> Result<()> {
    let offsets = crate::eval::CharToByte::new(&fixture.text);
    for (i, e) in fixture.entities.iter().enumerate() {
        let context = || format!("{}: entity {}", fixture.id, i + 1);
        let span = offsets.span(e.start, e.end).with_context(context)?;
        if e.start == e.end {
            bail!("{}: empty span [{}, {})", context(), e.start, e.end);
        }
        let found = &fixture.text[span.start..span.end];
        if let Some(said) = e.text.as_deref().filter(|&said| said != found) {
            bail!(
                "{}: says {said:?} but the text holds {found:?} at [{}, {}) (offsets count \
                 characters, not bytes)",
                context(),
                e.start,
                e.end
            );
        }
    }
    let spans = fixture.entities.iter().map(|e| [e.start, e.end]);
    if let Some(([a0, a1], [b0, b1])) = crate::eval::first_overlap(spans) {
        bail!(
            "{}: entities [{a0}, {a1}) and [{b0}, {b1}) overlap (a character is in one entity at \
             most)",
            fixture.id
        );
    }
    Ok(())
}

/// Runs the extract stages up to mentions on texts.
pub fn mentions_for_texts(
    tagger: &Tagger<impl TagModel>,
    docs: &[Document],
) -> Result<Vec<Vec<Mention>>> {
    let sentences: Vec<Vec<Vec<&str>>> = docs.iter().map(Document::sentence_words).collect();
    let (word_tags, _) = tagger.tag(&sentences)?;
    Ok(docs
        .iter()
        .zip(&word_tags)
        .map(|(doc, tags)| document_mentions(doc, tags, tagger.tag_set()))
        .collect())
}

/// Loads a model for evaluation, tagging on the calling thread with `threads` threads.
fn load_tagger(
    model: &Path,
    precision: Precision,
    threads: usize,
    batching: ner::Batching,
    skip_lowercase_sentences: bool,
) -> Result<Tagger<NerModel>> {
    crate::pipeline::set_torch_threads(threads)?;
    let tagger = Tagger::new(
        NerModel::load_as(model, precision)?,
        batching,
        skip_lowercase_sentences,
    )
    .with_context(|| format!("--model {}", model.display()))?;
    tagger.with_any_case_of(model, |dir| NerModel::load_as(dir, precision))
}

/// The mentions `model` finds in `docs`, in batches of the default shape.
fn mentions_of_model(
    model: &Path,
    precision: Precision,
    threads: usize,
    skip_lowercase_sentences: bool,
    docs: &[Document],
) -> Result<Vec<Vec<Mention>>> {
    let batching = ner::Batching::default();
    let tagger = load_tagger(
        model,
        precision,
        threads,
        batching,
        skip_lowercase_sentences,
    )?;
    mentions_for_texts(&tagger, docs)
}

/// Scores predicted mention spans against fixture spans (exact character span and type).
fn score_fixtures(tagger: &Tagger<impl TagModel>, fixtures: &[NerFixture]) -> Result<NerScore> {
    let docs: Vec<Document> = fixtures
        .iter()
        .map(|f| crate::eval::document_of_text(&f.id, &f.text))
        .collect();
    let predicted = mentions_for_texts(tagger, &docs)?;
    let mut scorer = NerScorer::default();
    for ((fixture, doc), mentions) in fixtures.iter().zip(&docs).zip(&predicted) {
        let co = crate::text::CharOffsets::new(&doc.text);
        // Spans as pseudo-tag sequences over character positions keep one scoring definition.
        let n = fixture.text.chars().count();
        let mut gold = vec![Tag::Outside; n];
        let mut pred = vec![Tag::Outside; n];
        let mark = |tags: &mut [Tag], start: usize, end: usize, label: EntityLabel| {
            for (i, slot) in tags.iter_mut().enumerate().take(end.min(n)).skip(start) {
                *slot = if i == start {
                    Tag::Begin(label)
                } else {
                    Tag::Inside(label)
                };
            }
        };
        for e in &fixture.entities {
            mark(&mut gold, e.start, e.end, e.label);
        }
        for m in mentions {
            let (s, e) = (co.char_of(m.span.start), co.char_of(m.span.end));
            mark(&mut pred, s, e, m.label);
        }
        let chars: Vec<String> = fixture.text.chars().map(String::from).collect();
        scorer.add(&chars, &gold, &pred);
    }
    Ok(scorer.finish().0)
}

/// Refuses an `--errors` path that writes over what the run reads, before any work: `eval ner
/// X.conll --errors X.conll` replaced the data it scored, `--errors models/ner-en/config.json` a
/// model. `reads` pairs each input with how the user gave it (`--model`, `the CoNLL file`); an
/// input directory (`--brat DIR`, a model) covers every path inside it. (The file is written
/// under a new temporary name, [`replace_file`], which is never an input.)
pub fn refuse_errors_over(errors: Option<&Path>, reads: &[(&str, &Path)]) -> Result<()> {
    let Some(out) = errors else {
        return Ok(());
    };
    for (what, input) in reads {
        if paths::writes_over(out, input)? {
            bail!(
                "--errors {} would write over {what} {}: choose another path (nothing was read \
                 or written)",
                out.display(),
                input.display(),
            );
        }
    }
    check_writable_file(out)
}

/// Refuses an `--errors` path that cannot take a file written whole, before any work (it was
/// found out after the scoring, which then printed nothing): a directory, a folder that does
/// not exist, a pipe or device (`--errors >(gzip > e.gz)`: a file replaced by a rename is never
/// streamed; write a file and compress it after).
fn check_writable_file(out: &Path) -> Result<()> {
    let refuse = |why: &str| {
        bail!(
            "--errors {}: {why} (nothing was read or written)",
            out.display()
        )
    };
    match std::fs::metadata(out) {
        Ok(m) if m.is_dir() => return refuse("a directory, not a file"),
        Ok(m) if !m.is_file() => {
            return refuse(
                "not a regular file (a pipe or a device?): the errors file is written whole and \
                 renamed into place; give a file's path",
            )
        }
        _ => {}
    }
    let dir = paths::parent_dir(out);
    if !dir.is_dir() {
        return refuse(&format!("its folder {} does not exist", dir.display()));
    }
    Ok(())
}

/// Writes the errors file whole or not at all ([`replace_file`]).
fn write_errors_file(path: &Path, body: &str) -> Result<()> {
    replace_file(path, |temp| Ok(std::fs::write(temp, body)?))
}

/// Runs `eval ner` and prints the report. Every input is read and checked before the model
/// loads, so a bad one fails at once; one named twice is a usage error, as for `extract`
/// ([`refuse_repeated_inputs`]).
pub fn eval_ner(opts: &EvalNerOptions) -> Result<()> {
    // A usage error (exit 2), as `eval entities` without files is: no input could be read.
    if opts.files.is_empty() && opts.fixtures.is_empty() {
        return Err(UsageError("eval ner needs CoNLL files or --fixtures FILE...".into()).into());
    }
    let mut reads: Vec<(&str, &Path)> = vec![("--model", &opts.model)];
    reads.extend(opts.files.iter().map(|f| ("the CoNLL file", f.as_path())));
    reads.extend(opts.fixtures.iter().map(|f| ("--fixtures", f.as_path())));
    refuse_errors_over(opts.errors.as_deref(), &reads)?;
    // One file named twice (`a.conll ./a.conll`) was scored twice, each entity counted double.
    refuse_repeated_inputs(&[opts.files.as_slice(), &opts.fixtures].concat())?;
    let mut docs = Vec::new();
    // Which of `opts.files` each sentence is from, for the `--errors` rows.
    let mut file_of_sentence = Vec::new();
    for (i, f) in opts.files.iter().enumerate() {
        let read = read_conll(f)?;
        // Scored as 0 of 0 entities, an empty file looked like a model that finds nothing.
        if read.iter().all(|d| d.sentences.is_empty()) {
            bail!("{}: no sentences to score (an empty file?)", f.display());
        }
        let sentences = read.iter().map(|d| d.sentences.len()).sum();
        file_of_sentence.extend(std::iter::repeat_n(i, sentences));
        docs.extend(read);
    }
    // Recall over no gold entity is undefined: a table of zeros looked like a score. A file
    // without any among files with some is fine (its false positives count), so the check is
    // over all the files of a kind, not each.
    if !docs.is_empty() && !has_entities(&docs) {
        bail!(
            "{}: no entities to score (every tag is O; score it with files that have some)",
            joined_paths(&opts.files)
        );
    }
    let mut fixtures = Vec::new();
    for f in &opts.fixtures {
        fixtures.extend(read_ner_fixtures(f)?);
    }
    if !opts.fixtures.is_empty() && fixtures.iter().all(|a| a.entities.is_empty()) {
        bail!(
            "{}: no entities to score (empty files, or articles without entities?)",
            joined_paths(&opts.fixtures)
        );
    }
    let tagger = load_tagger(
        &opts.model,
        opts.precision,
        opts.threads,
        opts.batching,
        opts.skip_lowercase_sentences,
    )?;
    let mut reports = serde_json::Map::new();
    if !docs.is_empty() {
        let conll = eval_conll(opts, &tagger, docs, &file_of_sentence)?;
        reports.insert("conll".into(), conll);
    }
    if !fixtures.is_empty() {
        let score = score_fixtures(&tagger, &fixtures)?;
        if !opts.json {
            println!(
                "fixtures: {} articles (exact character spans)",
                fixtures.len()
            );
            print!("{}", format_score(&score));
        }
        reports.insert("fixtures".into(), serde_json::to_value(&score)?);
    }
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    }
    Ok(())
}

/// The paths as given, comma-separated.
fn joined_paths(paths: &[PathBuf]) -> String {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    shown.join(", ")
}

/// One `--errors` row of `eval ner`: the mismatch, with the file and line of the entity's first
/// word, so that a row can be traced (the sentence's text alone did not say which file, nor
/// which of two `Halden`s): `{"file": "y.conll", "line": 12, "sentence": 3, "word": 0,
/// "kind": "missed", "label": "LOC", "text": "Halden", "context": "Halden is cold ."}`.
#[derive(serde::Serialize)]
struct ErrorRow<'a> {
    file: String,
    line: usize,
    #[serde(flatten)]
    mismatch: &'a crate::eval::ner::NerMismatch,
}

/// `eval ner` on the CoNLL files' documents (`file_of_sentence`: the index in `opts.files` of
/// each of their sentences): the errors file written, the score printed unless `--json`, and
/// the report's `conll` part returned.
fn eval_conll(
    opts: &EvalNerOptions,
    tagger: &Tagger<impl TagModel>,
    mut docs: Vec<crate::conll::ConllDocument>,
    file_of_sentence: &[usize],
) -> Result<serde_json::Value> {
    for sentence in docs.iter_mut().flat_map(|d| d.sentences.iter_mut()) {
        opts.case.apply(sentence);
    }
    let (score, mismatches, speed) = evaluate_conll(tagger, &docs)?;
    if let Some(path) = &opts.errors {
        let lines: Vec<usize> = docs
            .iter()
            .flat_map(|d| &d.sentences)
            .map(|s| s.line)
            .collect();
        let mut out = String::new();
        for m in &mismatches {
            let row = ErrorRow {
                file: opts.files[file_of_sentence[m.sentence]]
                    .display()
                    .to_string(),
                // One word a line: the entity's first word is `word` lines below the sentence's.
                line: lines[m.sentence] + m.word,
                mismatch: m,
            };
            out.push_str(&serde_json::to_string(&row)?);
            out.push('\n');
        }
        write_errors_file(path, &out)?;
    }
    if !opts.json {
        println!(
            "CoNLL: {} (document windows of whole sentences)",
            joined_paths(&opts.files)
        );
        print!("{}", format_score(&score));
        println!(
            "{} words, {} word pieces in {:.1}s: {:.0} words/s, {:.0} pieces/s on {} threads",
            speed.words,
            speed.pieces,
            speed.seconds,
            speed.words_per_second(),
            speed.pieces_per_second(),
            opts.threads
        );
    }
    Ok(
        serde_json::json!({ "score": score, "speed": speed, "words_per_second": speed.words_per_second(), "pieces_per_second": speed.pieces_per_second() }),
    )
}

/// Settings of `eval quotes`.
#[derive(Debug, Clone)]
pub struct EvalQuotesOptions {
    pub brat: Vec<PathBuf>,
    pub fixtures: Vec<PathBuf>,
    pub model: PathBuf,
    pub precision: Precision,
    pub gold_entities: bool,
    pub threads: usize,
    pub json: bool,
    pub errors: Option<PathBuf>,
    /// A file of the model's mentions per article: read when it was made from the same model,
    /// precision, sentence skipping and texts, (re)written otherwise ([`super::mentions_cache`]), so
    /// reruns that tune the quote rules skip the model.
    pub mentions_cache: Option<PathBuf>,
    /// As in [`ExtractOptions::skip_lowercase_sentences`].
    pub skip_lowercase_sentences: bool,
    /// Which extractor finds the quotes.
    pub quotes: QuoteMethod,
    /// The attribution model, for `--quotes model` and `both`.
    pub quote_model: PathBuf,
}

/// Runs `eval quotes` and prints the report.
pub fn eval_quotes(opts: &EvalQuotesOptions) -> Result<()> {
    use crate::eval::quotes as q;
    if opts.brat.is_empty() && opts.fixtures.is_empty() {
        let needs = "eval quotes needs --brat DIR... or --fixtures FILE...";
        return Err(UsageError(needs.into()).into());
    }
    refuse_quote_eval_hazards(opts)?;
    let articles = read_gold_quotes(opts)?;
    note_left_out(&articles);
    let role_tags_for = &mut |docs: &[Document]| -> Result<Vec<RoleTags>> {
        crate::pipeline::set_torch_threads(opts.threads)?;
        let model = NerModel::load_as(&opts.quote_model, opts.precision)?;
        let refs: Vec<&Document> = docs.iter().collect();
        let context = opts
            .quotes
            .model_context()
            .unwrap_or(RoleContext::AsTrained);
        RoleTagger::new(&model, ner::Batching::default())?.tag(&refs, context)
    };
    if opts.gold_entities && !opts.brat.is_empty() {
        // brat standoff labels attributions only: every speaker would be judged against none.
        bail!("--gold-entities needs the fixtures' entities; --brat folders have none");
    }
    let report = if opts.gold_entities {
        let gold: Vec<Vec<Mention>> = articles.iter().map(q::gold_entity_mentions).collect();
        let gold_mentions = &mut |_: &[Document]| Ok(gold.clone());
        q::score_quotes_by(&articles, gold_mentions, opts.quotes, role_tags_for)?
    } else {
        let model_mentions = &mut |docs: &[Document]| model_mentions_of(opts, docs);
        q::score_quotes_by(&articles, model_mentions, opts.quotes, role_tags_for)?
    };
    if let Some(path) = &opts.errors {
        report.write_errors(path)?;
    }
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.table());
    }
    Ok(())
}

/// Refuses an `--errors` file that is one of the run's inputs, and an input named twice.
fn refuse_quote_eval_hazards(opts: &EvalQuotesOptions) -> Result<()> {
    let mut reads: Vec<(&str, &Path)> = vec![
        ("--model", &opts.model),
        ("--quote-model", &opts.quote_model),
    ];
    reads.extend(opts.brat.iter().map(|d| ("--brat", d.as_path())));
    reads.extend(opts.fixtures.iter().map(|f| ("--fixtures", f.as_path())));
    reads.extend(
        opts.mentions_cache
            .iter()
            .map(|c| ("--mentions-cache", c.as_path())),
    );
    refuse_errors_over(opts.errors.as_deref(), &reads)?;
    refuse_repeated_inputs(&[opts.brat.as_slice(), &opts.fixtures].concat())
}

/// The gold articles of every `--brat` folder, then of every `--fixtures` file; an input
/// with no attribution at all is an error.
fn read_gold_quotes(opts: &EvalQuotesOptions) -> Result<Vec<crate::eval::quotes::GoldArticle>> {
    use crate::eval::quotes as q;
    let mut articles = Vec::new();
    let brat_hint = "no .ann files, or none with an attribution?";
    let inputs = opts
        .brat
        .iter()
        .map(|d| (d, brat_hint, q::load_brat_dir(d)));
    let inputs = inputs.chain(opts.fixtures.iter().map(|f| {
        let read = q::load_fixtures(std::slice::from_ref(f));
        (f, "an empty file, or articles without quotes?", read)
    }));
    for (path, hint, read) in inputs {
        let read = read?;
        // As for an empty CoNLL file: scores over no gold looked like a run that found nothing.
        if read.iter().all(|a| a.attributions.is_empty()) {
            bail!("{}: no attributions to score ({hint})", path.display());
        }
        articles.extend(read);
    }
    Ok(articles)
}

/// Says on stderr how many gold annotations the scores leave out: each is a gold attribution
/// the scores do not count, said rather than silent.
fn note_left_out(articles: &[crate::eval::quotes::GoldArticle]) {
    let left_out: Vec<&String> = articles.iter().flat_map(|a| &a.left_out).collect();
    if let Some(first) = left_out.first() {
        eprintln!(
            "note: {} gold annotation{} left out of the scores (first: {first})",
            left_out.len(),
            if left_out.len() == 1 { "" } else { "s" }
        );
    }
}

/// The NER model's mentions of `docs`, from `--mentions-cache` when it was made from the same
/// model, settings and texts, else from the model (and then written to the cache).
fn model_mentions_of(opts: &EvalQuotesOptions, docs: &[Document]) -> Result<Vec<Vec<Mention>>> {
    let cache = match &opts.mentions_cache {
        Some(path) => Some(MentionsCache::new(
            path,
            &opts.model,
            opts.precision,
            opts.skip_lowercase_sentences,
            docs,
        )?),
        None => None,
    };
    if let Some(cached) = cache.as_ref().map(|c| c.read(docs)).transpose()?.flatten() {
        return Ok(cached);
    }
    let all = mentions_of_model(
        &opts.model,
        opts.precision,
        opts.threads,
        opts.skip_lowercase_sentences,
        docs,
    )?;
    if let Some(cache) = &cache {
        cache.write(&all)?;
    }
    Ok(all)
}

/// What `eval entities` needs.
#[derive(Debug, Clone)]
pub struct EvalEntitiesOptions {
    pub files: Vec<PathBuf>,
    pub model: PathBuf,
    pub precision: Precision,
    pub threads: usize,
    pub json: bool,
    /// Write each gold entity scored wrong here (tab-separated lines).
    pub errors: Option<PathBuf>,
    /// As in [`ExtractOptions::skip_lowercase_sentences`].
    pub skip_lowercase_sentences: bool,
}

/// Runs `eval entities`: the extract stages up to entities on each fixture's text, scored
/// against its gold clusters ([`crate::eval::entities`]).
pub fn eval_entities(opts: &EvalEntitiesOptions) -> Result<()> {
    use crate::eval::entities as e;
    let mut reads: Vec<(&str, &Path)> = vec![("--model", &opts.model)];
    reads.extend(opts.files.iter().map(|f| ("the fixture file", f.as_path())));
    refuse_errors_over(opts.errors.as_deref(), &reads)?;
    refuse_repeated_inputs(&opts.files)?;
    let fixtures = e::load_entity_fixtures(&opts.files)?;
    if fixtures.is_empty() {
        bail!("eval entities needs fixture files with at least one article");
    }
    let docs: Vec<Document> = fixtures
        .iter()
        .map(|f| crate::eval::document_of_text(&f.id, &f.text))
        .collect();
    let predicted: Vec<_> = mentions_of_model(
        &opts.model,
        opts.precision,
        opts.threads,
        opts.skip_lowercase_sentences,
        &docs,
    )?
    .into_iter()
    .zip(&docs)
    .map(|(mentions, doc)| {
        let mentions = crate::entities::name_mentions(doc, mentions);
        let entities = crate::entities::merge(doc, &mentions);
        (mentions, entities)
    })
    .collect();
    let (scores, errors) = e::score_entities(&fixtures, &predicted);
    if let Some(path) = &opts.errors {
        write_errors_file(path, &(errors.join("\n") + "\n"))?;
    }
    if opts.json {
        println!("{}", serde_json::to_string_pretty(&scores)?);
    } else {
        print!("{}", e::format_scores(&scores));
    }
    Ok(())
}
