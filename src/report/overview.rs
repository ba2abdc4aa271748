//! The report's first pass over a run: totals and dump-wide counts, one article at a time.
//!
//! ```
//! # use whosaid::report::overview::day_of;
//! assert_eq!(day_of("2024-03-04T09:30:00Z"), Some("2024-03-04"));
//! assert_eq!(day_of("March 4"), None);
//! // Only days of the calendar: these quotes count as undated.
//! assert_eq!(day_of("2024-02-30"), None);
//! assert_eq!(day_of("2023-02-29"), None);
//! assert_eq!(day_of("2024-02-29"), Some("2024-02-29"));
//! ```

use std::collections::BTreeMap;

use super::charts::{days_in_month, DayCount};
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
    /// Articles with quotes and their quotes per day of their `published`, for articles that
    /// have one ([`day_of`]).
    pub dated: BTreeMap<String, DayCount>,
    /// Quotes of articles without a `published` day of the calendar: with `dated`, every
    /// quote.
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
            dated: BTreeMap::new(),
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
                    *self.dated.entry(day.to_string()).or_default() += DayCount {
                        articles: 1,
                        quotes: g.quotes.len() as u64,
                    }
                }
                None => self.undated_quotes += g.quotes.len() as u64,
            }
        }
    }
}

/// The `YYYY-MM-DD` a `published` value starts with, if it does (ISO 8601 dates and times) and
/// it is a day of the calendar: the timeline has a column for every real day between the first
/// and the last, so a quote dated `2024-02-30` would fall between two columns and be lost; it
/// counts as undated instead.
pub fn day_of(published: &str) -> Option<&str> {
    let day = published.trim().get(..10)?;
    let b = day.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && b[4] == b'-' && b[7] == b'-' && digits(5..7) && digits(8..10)) {
        return None;
    }
    let number = |r: std::ops::Range<usize>| day[r].parse::<i64>().ok();
    let (year, month, date) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let real =
        (1..=12).contains(&month) && (1..=days_in_month(year * 12 + month - 1)).contains(&date);
    real.then_some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_days_of_the_calendar_are_dates() {
        for real in [
            "2024-02-29",
            "2000-02-29",
            "2023-12-31",
            "2024-04-30",
            "0001-01-01",
        ] {
            assert_eq!(day_of(real), Some(real));
        }
        for not in [
            "2024-02-30",
            "2023-02-29",
            "1900-02-29",
            "2024-04-31",
            "2024-06-31",
            "2024-01-32",
            "2024-00-10",
            "2024-13-01",
            "2024-01-00",
            "2024-1-01x",
        ] {
            assert_eq!(day_of(not), None, "{not}");
        }
    }
}
