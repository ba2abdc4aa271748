//! `whosaid report`: a static HTML site over a finished run, for reading it in a browser.
//!
//! ```text
//! whosaid extract data/sample/articles.jsonl --out out/sample
//! whosaid report out/sample --html out/sample/report --inputs data/sample/articles.jsonl
//! # open out/sample/report/index.html
//! ```
//!
//! The site: `index.html` (totals, the most quoted speakers as an SVG bar chart, the most
//! mentioned people, organisations and places, quotes over time, who talks about whom, the
//! articles with pages, unreadable records), `speakers/*.html` (each quote of one speaker with
//! its cue, kind and article) and `articles/*.html` (the text with entities highlighted by label
//! and quotes marked with speaker and cue, removed debris faded; above it, marked alike, the
//! headline when the run analysed the title apart: its rows' `field` is `title`). No script,
//! no request: every page carries a Content-Security-Policy that forbids both, and every value
//! from the dump goes through a template that escapes HTML.
//!
//! How it runs, in bounded memory whatever the size of the run:
//! 1. [`overview`]: one pass over the CSVs ([`tables::RunReader`], one article's rows at a time)
//!    counts totals, mentions per entity and quotes per speaker ([`tally`]), quotes per day;
//! 2. [`selection`]: a second pass collects the quotes of the speakers that get pages and keeps
//!    the rows of the articles that get pages (at most `max_pages` each);
//! 3. [`texts`]: the inputs, when given, are read again for those articles' texts;
//! 4. [`render`] and [`pages`] draw the pages; [`site`] names them and writes them into a new
//!    directory that replaces REPORT_DIR only when complete.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use askama::Template;

use crate::input::FieldNames;
use crate::output::ErrorRow;

pub mod body;
pub mod charts;
pub mod index;
pub mod labels;
pub mod overview;
pub mod pages;
pub mod render;
pub mod selection;
pub mod site;
pub mod tables;
pub mod tally;
pub mod texts;
pub mod vote;

use overview::Overview;
use render::{IndexInput, Links};
use selection::Selection;
use site::SiteDir;
use tables::{RunFiles, RunReader};
use texts::ArticleText;

/// An input of `report` or `index` that cannot be opened at all: the run's directory, a file of
/// `--inputs`. The command exits 3 for it, as `extract` does for an input it cannot open; any
/// other error exits 1.
#[derive(Debug, thiserror::Error)]
#[error("{what} {}: {reason}", path.display())]
pub struct CannotOpen {
    /// `the run`, `--inputs`.
    pub what: &'static str,
    pub path: PathBuf,
    /// `cannot open: …`, `unsupported input format …`.
    pub reason: String,
}

/// Rows of errors.csv listed on the index page.
const ERRORS_LISTED: usize = 100;

/// What to report on and how much.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The run's output directory (`extract --out`).
    pub out: PathBuf,
    /// Where the site goes.
    pub html: PathBuf,
    /// The run's inputs, re-read for article texts; none to leave the texts out.
    pub inputs: Vec<PathBuf>,
    /// Field names of the inputs, as given to `extract`.
    pub fields: FieldNames,
    /// Most speaker pages, and most article pages.
    pub max_pages: usize,
    /// Length of the index's lists.
    pub top: usize,
}

/// What a report holds, for the command's last line.
#[derive(Debug, Clone)]
pub struct ReportSummary {
    pub index: PathBuf,
    pub articles: u64,
    pub quotes: u64,
    pub speaker_pages: usize,
    pub article_pages: usize,
    /// Article pages that show their text.
    pub with_text: usize,
    pub seconds: f64,
}

impl std::fmt::Display for ReportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "whosaid: report of {} articles and {} quotes: {} speaker pages, {} article pages \
             ({} with their text) in {:.2}s",
            self.articles,
            self.quotes,
            self.speaker_pages,
            self.article_pages,
            self.with_text,
            self.seconds
        )
    }
}

/// Writes the report of the run in `opts.out` into `opts.html`; see the module doc.
pub fn build(opts: &ReportOptions) -> Result<ReportSummary> {
    let started = Instant::now();
    // Every input opened before anything is written: the texts are read only until the pages'
    // are found, so a later input (a typo) would never be opened and the report look complete.
    tables::check_run_dir(&opts.out)?;
    texts::check_inputs(&opts.inputs, &opts.fields)?;
    // The run's files opened once: both passes and the errors read the same run.
    let files = RunFiles::open(&opts.out)?;
    let site = SiteDir::create(&opts.html, &opts.out, &opts.inputs)?;
    let mut overview = Overview::default();
    let mut run = RunReader::open(&files)?;
    while let Some(g) = run.next_group()? {
        overview.add(&g);
    }
    let mut selection = Selection::new(&overview, opts.max_pages);
    let mut run = RunReader::open(&files)?;
    while let Some(g) = run.next_group()? {
        selection.add(g);
    }
    let (speakers, articles) = selection.into_articles();
    let texts = texts::read_texts(&opts.inputs, &opts.fields, &articles)?;
    let errors = Errors::read(&files, &texts)?;

    let links = Links::new(&speakers, &articles);
    let notes = notes(&overview, &texts);
    let index = render::index_page(
        IndexInput {
            run: opts.out.display().to_string(),
            top: opts.top,
            overview: &overview,
            speakers: &speakers,
            articles: &articles,
            errors: errors.listed,
            errors_total: errors.total,
            notes,
        },
        &links,
    );
    site.write("index.html", &index.render()?)?;
    let sub = links.from_subfolder();
    for s in &speakers {
        let page = render::speaker_page(s, &sub);
        site.write(links.speaker_file(&s.key), &page.render()?)?;
    }
    let mut by_origin = errors.by_origin;
    for (g, text) in articles.iter().zip(&texts) {
        let own = match text {
            ArticleText::Found { origin, .. } => by_origin
                .remove(&(origin.input.clone(), origin.record.clone()))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let page = render::article_page(g, text, own, &sub);
        site.write(links.article_file(g.index), &page.render()?)?;
    }
    let dir = site.publish()?;
    Ok(ReportSummary {
        index: dir.join("index.html"),
        articles: overview.articles,
        quotes: overview.quotes,
        speaker_pages: speakers.len(),
        article_pages: articles.len(),
        with_text: texts
            .iter()
            .filter(|t| matches!(t, ArticleText::Found { .. }))
            .count(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What the index says about how complete it is.
fn notes(overview: &Overview, texts: &[ArticleText]) -> Vec<String> {
    let mut notes = Vec::new();
    let dropped = overview.mentioned.dropped() + overview.speakers.dropped();
    if dropped > 0 {
        notes.push(format!(
            "The run names more distinct entities than the report counts one by one: {dropped} \
             rare names were dropped while counting, and the counts shown are lower bounds."
        ));
    }
    if texts.iter().any(|t| matches!(t, ArticleText::NotRead)) {
        notes.push(
            "Article pages show no text: give `whosaid report` the run's inputs with --inputs \
             to see each text with its entities and quotes marked."
                .into(),
        );
    }
    let differs = texts
        .iter()
        .filter(|t| matches!(t, ArticleText::Differs(_) | ArticleText::NotFound))
        .count();
    if differs > 0 {
        notes.push(format!(
            "{differs} article pages show no text: --inputs do not hold the text the run saw \
             (each page says why)."
        ));
    }
    notes
}

/// What the report shows of errors.csv.
struct Errors {
    total: u64,
    /// The first [`ERRORS_LISTED`] rows.
    listed: Vec<ErrorRow>,
    /// Rows about the records of articles with pages, by input and record.
    by_origin: HashMap<(String, String), Vec<ErrorRow>>,
}

impl Errors {
    fn read(run: &RunFiles, texts: &[ArticleText]) -> Result<Errors> {
        let mut by_origin: HashMap<(String, String), Vec<ErrorRow>> = texts
            .iter()
            .filter_map(|t| match t {
                ArticleText::Found { origin, .. } => {
                    Some(((origin.input.clone(), origin.record.clone()), Vec::new()))
                }
                _ => None,
            })
            .collect();
        let mut errors = Errors {
            total: 0,
            listed: Vec::new(),
            by_origin: HashMap::new(),
        };
        tables::read_errors(run, |row| {
            errors.total += 1;
            if let Some(own) = by_origin.get_mut(&(row.input.clone(), row.record.clone())) {
                own.push(row.clone());
            }
            if errors.listed.len() < ERRORS_LISTED {
                errors.listed.push(row);
            }
        })
        .context("reading errors.csv")?;
        errors.by_origin = by_origin;
        Ok(errors)
    }
}
