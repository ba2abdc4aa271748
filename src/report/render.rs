//! From what the passes gathered to the views of [`super::pages`], with every link between
//! pages resolved through [`Links`].

use std::collections::{HashMap, HashSet};

use crate::clean;
use crate::output::ErrorRow;
use crate::span::{CharOffsets, Field};

use super::body::{pieces, Spans};
use super::charts::{bar_chart, timeline};
use crate::ner::EntityLabel;

use super::labels::{css_class, plural, EntityKey};
use super::overview::Overview;
use super::pages::{
    body_pieces, legend, speaker_name, ArticleLink, ArticlePage, ArticleQuoteLine, EntityLine,
    EntityList, IndexPage, PairCell, PairColumn, PairRow, PairTable, SpeakerLinks, SpeakerPage,
    SpeakerQuoteLine,
};
use super::selection::Speaker;
use super::site::page_name;
use super::tables::ArticleGroup;
use super::tally::{Counted, Tally};
use super::texts::ArticleText;

/// Rows and columns of the index's speaker × entity table.
const PAIR_TABLE_SIZE: usize = 10;

/// Most characters of one CSV cell (a quote, a cue, a title) shown in a page's tables; the
/// article's marked text is shown whole.
const SHOWN_CHARS: usize = 2_000;

/// `cell` as a table shows it: its first [`SHOWN_CHARS`] characters, and how many more there
/// are. A run's 50 MB quote cell was written whole, escaped, into its speaker's page and its
/// article's (150 MB each, 22 s of a report's time).
fn shown(cell: &str) -> String {
    match cell.char_indices().nth(SHOWN_CHARS) {
        None => cell.to_string(),
        Some((cut, _)) => {
            let more = cell[cut..].chars().count();
            format!("{}… ({more} more characters)", &cell[..cut])
        }
    }
}

/// The file name of every page, by speaker key and by article row.
pub struct Links {
    speakers: HashMap<EntityKey, String>,
    articles: HashMap<usize, String>,
    /// What leads from the page being drawn to the report's root: "" or "../".
    pub root: &'static str,
}

impl Links {
    /// Speaker pages are numbered by rank, article pages by their row in `articles.csv`: the
    /// number makes each file name unique ([`page_name`]), whatever the ids and names.
    pub fn new(speakers: &[Speaker], articles: &[ArticleGroup]) -> Links {
        let speakers = speakers
            .iter()
            .enumerate()
            .map(|(rank, s)| (s.key.clone(), page_name("speakers", &s.name, rank)))
            .collect();
        let articles = articles
            .iter()
            .map(|g| (g.index, page_name("articles", &g.article.id, g.index)))
            .collect();
        Links {
            speakers,
            articles,
            root: "",
        }
    }

    pub fn speaker(&self, key: &EntityKey) -> Option<String> {
        self.speakers.get(key).map(|p| format!("{}{p}", self.root))
    }

    pub fn article(&self, index: usize) -> Option<String> {
        self.articles
            .get(&index)
            .map(|p| format!("{}{p}", self.root))
    }

    /// The page's path in the report, for writing it.
    pub fn speaker_file(&self, key: &EntityKey) -> &str {
        &self.speakers[key]
    }

    pub fn article_file(&self, index: usize) -> &str {
        &self.articles[&index]
    }

    /// The same links, as seen from a page one folder down.
    pub fn from_subfolder(&self) -> Links {
        Links {
            speakers: self.speakers.clone(),
            articles: self.articles.clone(),
            root: "../",
        }
    }
}

impl SpeakerLinks for Links {
    fn speaker_href(&self, g: &ArticleGroup, q: &crate::output::QuoteRow) -> Option<String> {
        let e = g.entity(q.speaker_entity_id?)?;
        self.speaker(&e.key)
    }
}

fn entity_lines<'a>(
    counted: impl IntoIterator<Item = (&'a EntityKey, &'a Counted)>,
    links: &Links,
) -> Vec<EntityLine> {
    counted
        .into_iter()
        .map(|(key, c)| EntityLine {
            name: c.name.clone(),
            href: links.speaker(key),
            label: c.label.to_string(),
            class: css_class(c.label),
            count: c.count,
            articles: c.articles,
        })
        .collect()
}

/// What the index page shows besides the overview's counts.
pub struct IndexInput<'a> {
    pub run: String,
    pub top: usize,
    pub overview: &'a Overview,
    pub speakers: &'a [Speaker],
    pub articles: &'a [ArticleGroup],
    pub errors: Vec<ErrorRow>,
    pub errors_total: u64,
    pub notes: Vec<String>,
}

pub fn index_page(i: IndexInput<'_>, links: &Links) -> IndexPage {
    let o = i.overview;
    let chart_rows = o
        .speakers
        .top(i.top, |_| true)
        .into_iter()
        .map(|(key, c)| (c.name.clone(), links.speaker(key), c.count))
        .collect();
    let mentioned = [EntityLabel::Per, EntityLabel::Org, EntityLabel::Loc]
        .into_iter()
        .map(|label| EntityList {
            heading: plural(label).to_string(),
            rows: entity_lines(o.mentioned.top(i.top, |c| c.label == label), links),
        })
        .collect();
    let totals = vec![
        ("articles", o.articles),
        ("entities (dump-wide)", o.mentioned.distinct()),
        ("entities (per article)", o.entity_rows),
        ("mentions", o.mentions),
        ("quotes", o.quotes),
        ("quotes without a resolved speaker", o.unattributed_quotes),
        ("errors", i.errors_total),
    ];
    let articles = i
        .articles
        .iter()
        .map(|g| ArticleLink {
            href: links.article(g.index).unwrap_or_default(),
            title: title_or_id(g),
            id: g.article.id.clone(),
            published: g.article.published.clone(),
            quotes: g.quotes.len(),
            entities: g.entities.len(),
        })
        .collect();
    IndexPage {
        root: links.root,
        page_title: "Index".into(),
        run: i.run,
        notes: i.notes,
        totals,
        speakers_chart: bar_chart(chart_rows),
        mentioned,
        timeline: timeline(&o.dated),
        undated_quotes: o.undated_quotes,
        pairs: pair_table(i.speakers, links),
        articles,
        article_total: o.articles,
        errors: i.errors,
        errors_total: i.errors_total,
    }
}

fn title_or_id(g: &ArticleGroup) -> String {
    if g.article.title.trim().is_empty() {
        shown(&g.article.id)
    } else {
        shown(&g.article.title)
    }
}

/// The most quoted speakers against the entities most mentioned in their quotes.
fn pair_table(speakers: &[Speaker], links: &Links) -> Option<PairTable> {
    let rows: Vec<&Speaker> = speakers.iter().take(PAIR_TABLE_SIZE).collect();
    let mut totals: HashMap<&EntityKey, (u64, &Counted)> = HashMap::new();
    for s in &rows {
        for (key, c) in s.about.top(usize::MAX, |_| true) {
            totals.entry(key).or_insert((0, c)).0 += c.count;
        }
    }
    let mut columns: Vec<(&EntityKey, u64, &Counted)> =
        totals.into_iter().map(|(k, (n, c))| (k, n, c)).collect();
    columns.sort_by(|a, b| (b.1, &a.2.name, a.0).cmp(&(a.1, &b.2.name, b.0)));
    columns.truncate(PAIR_TABLE_SIZE);
    if columns.is_empty() {
        return None;
    }
    let cell_counts: Vec<Vec<u64>> = rows
        .iter()
        .map(|s| {
            columns
                .iter()
                .map(|(k, _, _)| s.about.count_of(k))
                .collect()
        })
        .collect();
    let max = cell_counts
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(1)
        .max(1);
    Some(PairTable {
        columns: columns
            .iter()
            .map(|(_, _, c)| PairColumn {
                name: c.name.clone(),
                class: css_class(c.label),
            })
            .collect(),
        rows: rows
            .iter()
            .zip(cell_counts)
            .map(|(s, counts)| PairRow {
                name: s.name.clone(),
                href: links.speaker(&s.key),
                cells: counts
                    .into_iter()
                    .map(|count| PairCell {
                        count,
                        heat: heat(count, max),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// 0 for none, else 1 to 4 by quarter of the largest.
fn heat(count: u64, max: u64) -> u8 {
    if count == 0 {
        0
    } else {
        (1 + (3 * count) / max).min(4) as u8
    }
}

pub fn speaker_page(s: &Speaker, links: &Links) -> SpeakerPage {
    let quotes = s
        .quotes
        .iter()
        .map(|q| SpeakerQuoteLine {
            text: shown(&q.quote.text),
            cue: shown(&q.quote.cue),
            kind: q.quote.kind.clone(),
            article_id: q.article_id.clone(),
            article_key: q.quote.article_key.clone(),
            quote_id: q.quote.quote_id,
            article: if q.article_title.trim().is_empty() {
                shown(&q.article_id)
            } else {
                shown(&q.article_title)
            },
            href: links
                .article(q.article)
                .map(|p| format!("{p}#q{}", q.quote.quote_id)),
        })
        .collect();
    SpeakerPage {
        root: links.root,
        page_title: shown(&s.name),
        name: shown(&s.name),
        label: s.label.to_string(),
        class: css_class(s.label),
        total_quotes: s.total_quotes,
        listed: s.quotes.len() as u64,
        quotes,
        about: entity_lines(s.about.top(50, |_| true), links),
    }
}

pub fn article_page(
    g: &ArticleGroup,
    text: &ArticleText,
    errors: Vec<ErrorRow>,
    links: &Links,
) -> ArticlePage {
    // Speaker pages link to `#qN`: the quote's first mark in the headline or the text when the
    // page shows one, else its row of the table (each anchor once, whatever ids the CSV repeats).
    let mut anchored: HashSet<usize> = HashSet::new();
    let (headline, body, text_note, origin) = match text {
        ArticleText::Found {
            title,
            text,
            origin,
        } => {
            // Each field with what its cleaning removed marked as debris (a headline's
            // `| Latest News` too: [`clean::clean_headline`]).
            let mut drawn = |field: Field, field_text: &str, cleaned: clean::Cleaned| {
                let chars = CharOffsets::new(field_text);
                let debris = cleaned
                    .removed
                    .iter()
                    .map(|(s, _)| (chars.char_of(s.start), chars.char_of(s.end)))
                    .collect();
                let spans = field_spans(g, field, debris);
                let reasons: Vec<&'static str> = cleaned.removed.iter().map(|(_, r)| *r).collect();
                body_pieces(
                    pieces(field_text, &spans),
                    g,
                    &reasons,
                    links,
                    &mut anchored,
                )
            };
            let headline = has_headline_rows(g)
                .then(|| drawn(Field::Title, title, clean::clean_headline(title)));
            let body = drawn(Field::Text, text, clean::clean(text));
            // A record of only a headline has no text to draw.
            let body = (!text.is_empty() || headline.is_none()).then_some(body);
            (
                headline,
                body,
                None,
                Some(format!("{}: {}", origin.input, origin.record)),
            )
        }
        other => (None, None, Some(no_text_note(other)), None),
    };
    let quotes = g
        .quotes
        .iter()
        .map(|q| ArticleQuoteLine {
            n: q.quote_id,
            anchor: anchored.insert(q.quote_id),
            speaker: shown(&speaker_name(q)),
            href: links.speaker_href(g, q),
            cue: shown(&q.cue),
            kind: q.kind.clone(),
            text: shown(&q.text),
        })
        .collect();
    let mut entities = Tally::new(usize::MAX);
    for e in &g.entities {
        entities.add(&e.key, &e.row, e.row.mentions as u64, g.index);
    }
    ArticlePage {
        root: links.root,
        page_title: title_or_id(g),
        id: g.article.id.clone(),
        title: title_or_id(g),
        url: g.article.url.clone(),
        href: super::site::safe_href(&g.article.url).map(str::to_string),
        published: g.article.published.clone(),
        source: g.article.source.clone(),
        chars: g.article.chars,
        status: g.article.status.clone(),
        origin,
        errors,
        legend: legend(),
        text_note,
        headline,
        body,
        quotes,
        entities: entity_lines(entities.top(usize::MAX, |_| true), links),
    }
}

/// Whether a row of the article lies in its headline (field `title`: a title the text does not
/// hold, analysed apart). A run written before the field columns has none.
fn has_headline_rows(g: &ArticleGroup) -> bool {
    g.mentions.iter().any(|m| m.field == Field::Title)
        || g.quotes.iter().any(|q| {
            q.field == Field::Title
                || q.cue_field == Some(Field::Title)
                || q.speaker_field == Some(Field::Title)
        })
}

/// The marks of one field, `title` or `text`: the rows of the other field are empty here,
/// undrawn, so every mark keeps its row's number.
fn field_spans(g: &ArticleGroup, field: Field, debris: Vec<(usize, usize)>) -> Spans {
    let within = |f: Field, start: usize, end: usize| match f == field {
        true => (start, end),
        false => (0, 0),
    };
    Spans {
        mentions: g
            .mentions
            .iter()
            .map(|m| within(m.field, m.start, m.end))
            .collect(),
        quotes: g
            .quotes
            .iter()
            .map(|q| within(q.field, q.start, q.end))
            .collect(),
        debris,
    }
}

fn no_text_note(text: &ArticleText) -> String {
    match text {
        ArticleText::NotRead => "The text is not shown: run `whosaid report` with --inputs (the \
            inputs of the run) to see it with its entities and quotes marked."
            .into(),
        ArticleText::NotFound => "The text is not shown: no record of --inputs has this id.".into(),
        ArticleText::Differs(why) => {
            format!("The text is not shown: the inputs do not hold the text this run saw ({why}).")
        }
        ArticleText::Found { .. } => String::new(),
    }
}
