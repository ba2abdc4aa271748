//! The report's second pass: what gets a page of its own, and what those pages show.
//!
//! The most quoted speakers (at most `max_pages`) each get a page with their quotes and the
//! entities their quotes mention. Articles get pages too, at most `max_pages` of them: those
//! with the most quotes by speakers that have pages (so that a speaker page's links lead
//! somewhere), then those with the most quotes, then the earliest. The chosen articles' rows are
//! kept in a bounded heap while the run streams past, so memory stays bounded by the page count.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};

use crate::output::QuoteRow;

use crate::ner::EntityLabel;

use super::labels::EntityKey;
use super::overview::Overview;
use super::tables::ArticleGroup;
use super::tally::Tally;

/// Most quotes listed on one speaker's page; the page says how many more there are.
pub const QUOTES_PER_SPEAKER_PAGE: usize = 2000;

/// Most distinct entities counted for one speaker's "talks about" list.
const ABOUT_LIMIT: usize = 10_000;

/// A quote as a speaker page lists it.
#[derive(Debug, Clone)]
pub struct SpeakerQuote {
    /// The article's row in `articles.csv`.
    pub article: usize,
    pub article_id: String,
    pub article_title: String,
    pub quote: QuoteRow,
}

/// A speaker with a page.
pub struct Speaker {
    pub key: EntityKey,
    pub name: String,
    pub label: EntityLabel,
    /// All their quotes in the run.
    pub total_quotes: u64,
    /// The first [`QUOTES_PER_SPEAKER_PAGE`] of them, in run order.
    pub quotes: Vec<SpeakerQuote>,
    /// Entities mentioned inside their quotes (themselves left out).
    pub about: Tally,
}

/// An article competing for a page, ordered by how much a reader of the speaker pages wants it.
struct Candidate {
    rank: (u64, u64, Reverse<usize>),
    group: ArticleGroup,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.rank == other.rank
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank.cmp(&other.rank)
    }
}

/// Pages chosen so far; feed it every article with [`Selection::add`].
pub struct Selection {
    pub speakers: Vec<Speaker>,
    speaker_of: HashMap<EntityKey, usize>,
    /// The lowest-ranked candidate on top, to be dropped when a better one comes.
    articles: BinaryHeap<Reverse<Candidate>>,
    max_pages: usize,
}

impl Selection {
    /// Pages for the `max_pages` most quoted speakers of `overview`.
    pub fn new(overview: &Overview, max_pages: usize) -> Selection {
        let speakers: Vec<Speaker> = overview
            .speakers
            .top(max_pages, |_| true)
            .into_iter()
            .map(|(key, c)| Speaker {
                key: key.clone(),
                name: c.name.clone(),
                label: c.label,
                total_quotes: c.count,
                quotes: Vec::new(),
                about: Tally::new(ABOUT_LIMIT),
            })
            .collect();
        let speaker_of = speakers
            .iter()
            .enumerate()
            .map(|(i, s)| (s.key.clone(), i))
            .collect();
        Selection {
            speakers,
            speaker_of,
            articles: BinaryHeap::new(),
            max_pages,
        }
    }

    pub fn add(&mut self, g: ArticleGroup) {
        let mut by_page_speakers = 0;
        for q in &g.quotes {
            let Some(speaker) = q.speaker_entity_id.and_then(|id| g.entity(id)) else {
                continue;
            };
            let Some(&s) = self.speaker_of.get(&speaker.key) else {
                continue;
            };
            by_page_speakers += 1;
            let page = &mut self.speakers[s];
            for m in g
                .mentions
                .iter()
                .filter(|m| m.field == q.field && q.start <= m.start && m.end <= q.end)
            {
                match g.entity(m.entity_id) {
                    Some(e) if e.key != page.key => page.about.add(&e.key, &e.row, 1, g.index),
                    _ => {}
                }
            }
            if page.quotes.len() < QUOTES_PER_SPEAKER_PAGE {
                page.quotes.push(SpeakerQuote {
                    article: g.index,
                    article_id: g.article.id.clone(),
                    article_title: g.article.title.clone(),
                    quote: q.clone(),
                });
            }
        }
        if self.max_pages == 0 {
            return;
        }
        let rank = (by_page_speakers, g.quotes.len() as u64, Reverse(g.index));
        self.articles.push(Reverse(Candidate { rank, group: g }));
        if self.articles.len() > self.max_pages {
            self.articles.pop();
        }
    }

    /// The articles chosen for pages, in run order.
    pub fn into_articles(self) -> (Vec<Speaker>, Vec<ArticleGroup>) {
        let mut articles: Vec<ArticleGroup> = self
            .articles
            .into_iter()
            .map(|Reverse(c)| c.group)
            .collect();
        articles.sort_by_key(|g| g.index);
        (self.speakers, articles)
    }
}
