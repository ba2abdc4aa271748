//! The report's three kinds of pages: askama templates (`src/report/templates/`, HTML-escaped
//! by default, so every name, title, text and URL from the dump is shown as text) and the views
//! they draw, built from the run's rows.

use std::collections::HashSet;
use std::fmt::Write;

use askama::Template;

use crate::output::{ErrorRow, QuoteRow};

use super::body::{Mark, Piece};
use super::charts::{BarChart, Timeline};
use super::labels::{css_class, SHOWN_ORDER};
use super::tables::ArticleGroup;

/// An entity in a list: its name, linked to its speaker page when it has one.
pub struct EntityLine {
    pub name: String,
    pub href: Option<String>,
    pub label: String,
    pub class: &'static str,
    pub count: u64,
    pub articles: u64,
}

/// One "most-mentioned" list of the index.
pub struct EntityList {
    pub heading: String,
    pub rows: Vec<EntityLine>,
}

pub struct PairColumn {
    pub name: String,
    pub class: &'static str,
}

pub struct PairCell {
    pub count: u64,
    /// 0 (none) to 4 (the table's largest), for the cell's shade.
    pub heat: u8,
}

pub struct PairRow {
    pub name: String,
    pub href: Option<String>,
    pub cells: Vec<PairCell>,
}

/// Speakers by the entities mentioned inside their quotes.
pub struct PairTable {
    pub columns: Vec<PairColumn>,
    pub rows: Vec<PairRow>,
}

pub struct ArticleLink {
    pub href: String,
    /// The title, or the id when the article has none.
    pub title: String,
    pub id: String,
    pub published: String,
    pub quotes: usize,
    pub entities: usize,
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    pub root: &'static str,
    pub page_title: String,
    pub run: String,
    pub notes: Vec<String>,
    pub totals: Vec<(&'static str, u64)>,
    pub speakers_chart: Option<BarChart>,
    pub mentioned: Vec<EntityList>,
    pub timeline: Option<Timeline>,
    pub undated_quotes: u64,
    pub pairs: Option<PairTable>,
    pub articles: Vec<ArticleLink>,
    pub article_total: u64,
    pub errors: Vec<ErrorRow>,
    pub errors_total: u64,
}

/// A quote on a speaker page.
pub struct SpeakerQuoteLine {
    pub text: String,
    pub cue: String,
    pub kind: String,
    pub article_id: String,
    /// The article's `article_key`: with `quote_id`, the quote's row in `quotes.csv` (ids may
    /// repeat in a run). Empty for a run from before keys.
    pub article_key: String,
    pub quote_id: usize,
    /// The article's title, or its id.
    pub article: String,
    /// The quote in its article's page, when the article has one.
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "speaker.html")]
pub struct SpeakerPage {
    pub root: &'static str,
    pub page_title: String,
    pub name: String,
    pub label: String,
    pub class: &'static str,
    pub total_quotes: u64,
    /// How many of them are listed.
    pub listed: u64,
    pub quotes: Vec<SpeakerQuoteLine>,
    pub about: Vec<EntityLine>,
}

/// What the article page's text template draws; see [`super::body`].
pub enum BodyPiece {
    Text(String),
    OpenDebris(&'static str),
    CloseDebris,
    OpenQuote(QuoteMark),
    /// Who said it, after the quote's last piece.
    CloseQuote(Option<SaidBy>),
    OpenMention(MentionMark),
    /// The label, inside the mention's last piece (displaCy's way).
    CloseMention(Option<String>),
}

pub struct QuoteMark {
    pub n: usize,
    pub start: usize,
    pub end: usize,
    /// Speaker and cue, on hover.
    pub title: String,
    /// The first piece of the first quote numbered `n` (a hostile CSV may repeat a number):
    /// it carries the anchor `qN` that the speaker pages link to, once per page.
    pub first: bool,
}

pub struct SaidBy {
    pub name: String,
    pub href: Option<String>,
}

pub struct MentionMark {
    pub n: usize,
    pub start: usize,
    pub end: usize,
    pub label: String,
    pub class: &'static str,
    pub title: String,
}

/// A quote in the article page's table.
pub struct ArticleQuoteLine {
    pub n: usize,
    /// Whether the row carries the quote's anchor `qN`: when the text shows no mark of it (no
    /// text on the page, or an empty quote), so that a speaker page's `#qN` still leads here.
    pub anchor: bool,
    pub speaker: String,
    pub href: Option<String>,
    pub cue: String,
    pub kind: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "article.html")]
pub struct ArticlePage {
    pub root: &'static str,
    pub page_title: String,
    pub id: String,
    pub title: String,
    pub url: String,
    /// The URL when it is safe to link ([`super::site::safe_href`]).
    pub href: Option<String>,
    pub published: String,
    pub source: String,
    pub chars: usize,
    pub status: String,
    pub origin: Option<String>,
    pub errors: Vec<ErrorRow>,
    pub legend: Vec<(&'static str, &'static str)>,
    pub text_note: Option<String>,
    /// The headline with its marks, above the text, when rows lie in it (field `title`).
    pub headline: Option<Vec<BodyPiece>>,
    pub body: Option<Vec<BodyPiece>>,
    pub quotes: Vec<ArticleQuoteLine>,
    pub entities: Vec<EntityLine>,
}

/// The escaper of every template (`askama.toml` names it for `.html`): askama's HTML escaper,
/// and besides, a character that no well-formed HTML document holds (NUL, a control character
/// other than white space, a noncharacter such as U+FFFF) is written as U+FFFD, as a browser
/// shows a NUL. A dump may hold them anywhere, ids included; one character for one, so a text's
/// character offsets still hold on the page. A carriage return is written `&#13;`: the parser
/// turns a raw one (alone, or before a line feed) into a line feed, and every offset after a
/// Windows line end was one off on the page; a character reference keeps it.
///
/// ```
/// use askama::filters::Escaper;
/// let mut out = String::new();
/// whosaid::report::pages::Html.write_escaped_str(&mut out, "a\0<b>\u{1}\tc\r\n").unwrap();
/// assert_eq!(out, "a\u{FFFD}&#60;b&#62;\u{FFFD}\tc&#13;\n");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: Write>(&self, mut dest: W, string: &str) -> std::fmt::Result {
        let mut last = 0;
        for (i, c) in string
            .char_indices()
            .filter(|&(_, c)| c == '\r' || not_in_html(c))
        {
            askama::filters::Html.write_escaped_str(&mut dest, &string[last..i])?;
            match c {
                '\r' => dest.write_str("&#13;")?,
                _ => dest.write_char(char::REPLACEMENT_CHARACTER)?,
            }
            last = i + c.len_utf8();
        }
        askama::filters::Html.write_escaped_str(dest, &string[last..])
    }
}

/// Characters the HTML standard makes parse errors wherever they appear.
fn not_in_html(c: char) -> bool {
    let noncharacter = matches!(c as u32, 0xFDD0..=0xFDEF) || (c as u32 & 0xFFFE) == 0xFFFE;
    (c.is_control() && !matches!(c, '\t' | '\n' | '\x0C' | '\r')) || noncharacter
}

/// The legend of the article page: every label with its colour.
pub fn legend() -> Vec<(&'static str, &'static str)> {
    SHOWN_ORDER
        .iter()
        .map(|&l| (l.as_str(), css_class(l)))
        .collect()
}

/// Links out of an article's text: the page of a quote's speaker, when there is one.
pub trait SpeakerLinks {
    fn speaker_href(&self, g: &ArticleGroup, q: &QuoteRow) -> Option<String>;
}

/// The body's pieces with what the template draws for each mark. A quote's first mark on the
/// page carries its anchor: `anchored` holds the quotes already anchored (in the headline,
/// drawn before the text).
pub fn body_pieces(
    pieces: Vec<Piece>,
    g: &ArticleGroup,
    debris: &[&'static str],
    links: &dyn SpeakerLinks,
    anchored: &mut HashSet<usize>,
) -> Vec<BodyPiece> {
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Text(t) => BodyPiece::Text(t),
            Piece::Open(Mark::Debris(i)) => BodyPiece::OpenDebris(debris[i]),
            Piece::Close {
                mark: Mark::Debris(_),
                ..
            } => BodyPiece::CloseDebris,
            Piece::Open(Mark::Quote(i)) => {
                let q = &g.quotes[i];
                let first = anchored.insert(q.quote_id);
                BodyPiece::OpenQuote(QuoteMark {
                    n: q.quote_id,
                    start: q.start,
                    end: q.end,
                    title: quote_title(q),
                    first,
                })
            }
            Piece::Close {
                mark: Mark::Quote(i),
                last,
            } => {
                let q = &g.quotes[i];
                BodyPiece::CloseQuote(last.then(|| SaidBy {
                    name: speaker_name(q),
                    href: links.speaker_href(g, q),
                }))
            }
            Piece::Open(Mark::Mention(i)) => {
                let m = &g.mentions[i];
                let entity = g
                    .entity(m.entity_id)
                    .map_or("", |e| e.row.canonical.as_str());
                BodyPiece::OpenMention(MentionMark {
                    n: i,
                    start: m.start,
                    end: m.end,
                    label: m.label.to_string(),
                    class: css_class(m.label),
                    title: format!("{entity} · {} · score {}", m.label, m.score),
                })
            }
            Piece::Close {
                mark: Mark::Mention(i),
                last,
            } => BodyPiece::CloseMention(last.then(|| g.mentions[i].label.to_string())),
        })
        .collect()
}

/// Who said a quote, as the run resolved it: the entity's name, else the words of the text.
pub fn speaker_name(q: &QuoteRow) -> String {
    if !q.speaker_canonical.is_empty() {
        q.speaker_canonical.clone()
    } else if !q.speaker_text.is_empty() {
        q.speaker_text.clone()
    } else {
        "unattributed".to_string()
    }
}

fn quote_title(q: &QuoteRow) -> String {
    let cue = if q.cue.is_empty() { "no cue" } else { &q.cue };
    format!("{} — {cue} ({})", speaker_name(q), q.kind)
}
