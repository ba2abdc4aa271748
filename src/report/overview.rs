//! The report's first pass over a run: totals and dump-wide counts, one article at a time.
//!
//! ```
//! # use whosaid::report::overview::day_of;
//! assert_eq!(day_of("2024-03-04T09:30:00Z"), Some("2024-03-04"));
//! assert_eq!(day_of("March 4"), None);
//! ```

use std::collections::BTreeMap;

use super::tables::ArticleGroup;
use super::tally::Tally;

/// Most distinct names a [`Tally`] of the overview holds (see [`Tally`]): about 100 MB at worst.
pub const NAMES_LIMIT: usize = 500_000;

/// What the index page counts.
pub struct Overview {
    pub articles: u64,
    /// Articles whose every line was web debris.
    pub no_text_after_cleaning: u64,
    /// Rows of `entities.csv`: entities per article.
    pub entity_rows: u64,
    pub mentions: u64,
    pub quotes: u64,
    /// Quotes whose speaker is no entity (a pronoun left unresolved, no speaker at all).
    pub unattributed_quotes: u64,
    /// Mentions per entity, dump-wide.
    pub mentioned: Tally,
    /// Quotes per speaker entity, dump-wide.
    pub speakers: Tally,
    /// Quotes per day of their article's `published`, for articles that have one.
    pub quotes_by_day: BTreeMap<String, u64>,
    pub undated_quotes: u64,
}

impl Default for Overview {
    fn default() -> Self {
        Overview {
            articles: 0,
            no_text_after_cleaning: 0,
            entity_rows: 0,
            mentions: 0,
            quotes: 0,
            unattributed_quotes: 0,
            mentioned: Tally::new(NAMES_LIMIT),
            speakers: Tally::new(NAMES_LIMIT),
            quotes_by_day: BTreeMap::new(),
            undated_quotes: 0,
        }
    }
}

impl Overview {
    pub fn add(&mut self, g: &ArticleGroup) {
        self.articles += 1;
        self.no_text_after_cleaning += u64::from(g.article.status == "no_text_after_cleaning");
        self.entity_rows += g.entities.len() as u64;
        self.mentions += g.mentions.len() as u64;
        self.quotes += g.quotes.len() as u64;
        for e in &g.entities {
            self.mentioned
                .add(&e.key, &e.row, e.row.mentions as u64, g.index);
        }
        for q in &g.quotes {
            match q.speaker_entity_id.and_then(|id| g.entity(id)) {
                Some(e) => self.speakers.add(&e.key, &e.row, 1, g.index),
                None => self.unattributed_quotes += 1,
            }
        }
        if !g.quotes.is_empty() {
            match day_of(&g.article.published) {
                Some(day) => {
                    *self.quotes_by_day.entry(day.to_string()).or_default() += g.quotes.len() as u64
                }
                None => self.undated_quotes += g.quotes.len() as u64,
            }
        }
    }
}

/// The `YYYY-MM-DD` a `published` value starts with, if it does (ISO 8601 dates and times).
pub fn day_of(published: &str) -> Option<&str> {
    let day = published.trim().get(..10)?;
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let month = day.get(5..7)?.parse::<u8>().ok()?;
    let date = day.get(8..10)?.parse::<u8>().ok()?;
    (digits(0..4) && b[4] == b'-' && b[7] == b'-' && digits(5..7) && digits(8..10))
        .then_some(day)
        .filter(|_| (1..=12).contains(&month) && (1..=31).contains(&date))
}
