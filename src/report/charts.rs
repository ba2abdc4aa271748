//! Geometry of the index page's two inline SVG charts; the template draws them.
//!
//! - [`bar_chart`]: horizontal bars, one per speaker, longest on top.
//! - [`timeline`]: one column per day (two months or less of dates), else per month, else per
//!   year, with the empty days or months in between drawn as gaps, not left out.
//!
//! ```
//! use std::collections::BTreeMap;
//! use whosaid::report::charts::{timeline, DayCount};
//! let day = |articles, quotes| DayCount { articles, quotes };
//! let days = BTreeMap::from([
//!     ("2024-03-04".to_string(), day(2, 6)),
//!     ("2024-05-11".to_string(), day(1, 4)),
//! ]);
//! let t = timeline(&days).unwrap();
//! assert_eq!(t.unit, "month");
//! let labels: Vec<&str> = t.columns.iter().map(|c| c.label.as_str()).collect();
//! assert_eq!(labels, ["2024-03", "2024-04", "2024-05"]);
//! ```
//!
//! A timeline spans at most a century ([`TIMELINE_YEARS`]: 7.2 px a column in the 720 px
//! chart). Dated articles spanning more are nearly always a few placeholder or misread dates
//! (`0001-01-01`, `1900-01-01`, `9999-12-31`) beside the dump's own: one `0001-01-01` among
//! dates of 2024 made 2,024 columns of 0.28 px, no bar legible. The chart then shows the
//! century of years holding the most dated articles (ties: the most quotes, then the latest,
//! since placeholders of the past are the more common), and the page says which days it shows
//! and how many articles, with how many quotes, are dated before and after it:
//!
//! ```
//! # use std::collections::BTreeMap;
//! # use whosaid::report::charts::{timeline, DayCount};
//! # let day = |articles, quotes| DayCount { articles, quotes };
//! let days = BTreeMap::from([
//!     ("0001-01-01".to_string(), day(1, 2)),
//!     ("2024-03-04".to_string(), day(2, 6)),
//!     ("2024-05-11".to_string(), day(1, 4)),
//! ]);
//! let t = timeline(&days).unwrap();
//! assert_eq!((t.unit, t.columns.len()), ("month", 3));
//! assert_eq!(
//!     t.left_out.as_deref(),
//!     Some("The chart shows 2024-03-04 to 2024-05-11: the dated articles span more than 100 \
//!           years, and these are the 100 holding the most. Left out: 1 article (2 quotes) \
//!           dated earlier, the earliest 0001-01-01.")
//! );
//! ```
//!
//! Dates within a century of each other are all drawn, however sparse (1925 to 2024: 100
//! columns), and nothing is left out.

use std::collections::BTreeMap;
use std::ops::Bound;

/// Width of the column of names left of the bars, in SVG units (pixels at 100%).
const NAME_WIDTH: u32 = 230;
const BAR_MAX: u32 = 400;
const ROW_HEIGHT: u32 = 26;
const BAR_HEIGHT: u32 = 18;
/// Names longer than this are cut (the full name is the bar's tooltip).
const NAME_CHARS: usize = 30;

pub struct BarChart {
    pub width: u32,
    pub height: u32,
    pub bars: Vec<Bar>,
}

pub struct Bar {
    /// The name as drawn, cut to [`NAME_CHARS`].
    pub short: String,
    pub name: String,
    pub href: Option<String>,
    pub value: u64,
    pub y: u32,
    pub text_y: u32,
    pub bar_x: u32,
    pub bar_width: u32,
    pub bar_height: u32,
    pub value_x: u32,
    pub name_x: u32,
}

/// Bars for `(name, link, value)` rows, in the order given; None when there are none.
pub fn bar_chart(rows: Vec<(String, Option<String>, u64)>) -> Option<BarChart> {
    let max = rows.iter().map(|r| r.2).max()?.max(1);
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (name, href, value))| {
            let y = i as u32 * ROW_HEIGHT + 4;
            Bar {
                short: cut(&name, NAME_CHARS),
                name,
                href,
                value,
                y,
                text_y: y + BAR_HEIGHT - 4,
                bar_x: NAME_WIDTH + 10,
                bar_width: ((value * u64::from(BAR_MAX)) / max).max(1) as u32,
                bar_height: BAR_HEIGHT,
                value_x: NAME_WIDTH + 10 + ((value * u64::from(BAR_MAX)) / max) as u32 + 6,
                name_x: NAME_WIDTH,
            }
        })
        .collect();
    Some(BarChart {
        width: NAME_WIDTH + BAR_MAX + 70,
        height: bars.len() as u32 * ROW_HEIGHT + 8,
        bars,
    })
}

fn cut(name: &str, chars: usize) -> String {
    if name.chars().count() <= chars {
        return name.to_string();
    }
    let mut s: String = name.chars().take(chars - 1).collect();
    s.push('…');
    s
}

const TIMELINE_WIDTH: u32 = 720;
const TIMELINE_HEIGHT: u32 = 160;
/// Most column labels drawn under the axis (every k-th column is labelled).
const TIMELINE_LABELS: usize = 12;
/// Most years one timeline spans (a column per year at most 100: 7.2 px each); see the module
/// doc for the dates left out beyond.
pub const TIMELINE_YEARS: i64 = 100;

/// The articles with quotes published on one day, and their quotes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayCount {
    pub articles: u64,
    pub quotes: u64,
}

impl std::ops::AddAssign for DayCount {
    fn add_assign(&mut self, other: DayCount) {
        self.articles += other.articles;
        self.quotes += other.quotes;
    }
}

impl std::ops::SubAssign for DayCount {
    fn sub_assign(&mut self, other: DayCount) {
        self.articles -= other.articles;
        self.quotes -= other.quotes;
    }
}

pub struct Timeline {
    pub width: u32,
    pub height: u32,
    /// `day`, `month` or `year`.
    pub unit: &'static str,
    pub max: u64,
    pub columns: Vec<Column>,
    pub axis_y: u32,
    /// Which days the chart shows and what it leaves out, when the dates span more than
    /// [`TIMELINE_YEARS`].
    pub left_out: Option<String>,
}

pub struct Column {
    pub label: String,
    pub value: u64,
    /// Fractional: a century of years still fits the width.
    pub x: f32,
    pub y: u32,
    pub width: f32,
    pub height: u32,
    /// Whether the label is drawn (the value is in the tooltip either way).
    pub show_label: bool,
    pub label_x: f32,
}

/// Columns of quotes over time from the articles and quotes per `YYYY-MM-DD`; None without
/// dates. Spans of more than [`TIMELINE_YEARS`] are cut as the module doc says.
pub fn timeline(dated: &BTreeMap<String, DayCount>) -> Option<Timeline> {
    let (from, to) = shown_years(dated)?;
    let shown: BTreeMap<String, u64> = dated
        .iter()
        .filter(|(day, _)| (from..=to).contains(&year(day)))
        .map(|(day, count)| (day.clone(), count.quotes))
        .collect();
    let left_out = left_out_note(dated, &shown);
    let mut t = quotes_timeline(&shown)?;
    t.left_out = left_out;
    Some(t)
}

/// The first and last year of the at most [`TIMELINE_YEARS`] consecutive years holding the
/// most dated articles (ties: the most quotes, then the latest); every year when they span no
/// more.
fn shown_years(dated: &BTreeMap<String, DayCount>) -> Option<(i64, i64)> {
    let mut by_year: BTreeMap<i64, DayCount> = BTreeMap::new();
    for (day, count) in dated {
        *by_year.entry(year(day)).or_default() += *count;
    }
    let years: Vec<(i64, DayCount)> = by_year.into_iter().collect();
    let (first, last) = (years.first()?.0, years.last()?.0);
    if last - first < TIMELINE_YEARS {
        return Some((first, last));
    }
    // Each span starts at a year with articles and takes every year before its hundredth.
    let mut best: Option<((u64, u64, i64), i64)> = None;
    let (mut end, mut inside) = (0, DayCount::default());
    for &(start, count) in &years {
        while end < years.len() && years[end].0 < start + TIMELINE_YEARS {
            inside += years[end].1;
            end += 1;
        }
        let rank = (inside.articles, inside.quotes, start);
        if best.is_none_or(|(b, _)| rank > b) {
            best = Some((rank, years[end - 1].0));
        }
        inside -= count;
    }
    best.map(|((_, _, start), last_year)| (start, last_year))
}

/// What [`timeline`] says when it leaves dates out: the days shown, and the articles and
/// quotes dated before and after them.
fn left_out_note(
    dated: &BTreeMap<String, DayCount>,
    shown: &BTreeMap<String, u64>,
) -> Option<String> {
    let (first, last) = (shown.keys().next()?, shown.keys().next_back()?);
    let side = |days: Vec<(&String, &DayCount)>, when: &str, farthest: &str| {
        let end = if when == "earlier" {
            days.first()
        } else {
            days.last()
        }?
        .0
        .clone();
        let mut sum = DayCount::default();
        for (_, count) in &days {
            sum += **count;
        }
        Some(format!(
            "{} ({}) dated {when}, the {farthest} {end}",
            counted(sum.articles, "article"),
            counted(sum.quotes, "quote"),
        ))
    };
    let before = side(
        dated.range(..first.clone()).collect(),
        "earlier",
        "earliest",
    );
    let after = dated
        .range::<String, _>((Bound::Excluded(last.clone()), Bound::Unbounded))
        .collect();
    let after = side(after, "later", "latest");
    let parts: Vec<String> = before.into_iter().chain(after).collect();
    (!parts.is_empty()).then(|| {
        format!(
            "The chart shows {first} to {last}: the dated articles span more than \
             {TIMELINE_YEARS} years, and these are the {TIMELINE_YEARS} holding the most. Left \
             out: {}.",
            parts.join("; ")
        )
    })
}

/// `1 article`, `3 articles`.
fn counted(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Columns of quotes per day, month or year from counts per `YYYY-MM-DD`.
fn quotes_timeline(by_day: &BTreeMap<String, u64>) -> Option<Timeline> {
    let (first, last) = (by_day.keys().next()?, by_day.keys().next_back()?);
    let months = month_number(last) - month_number(first) + 1;
    let (unit, buckets) = if months <= 2 {
        (
            "day",
            fill(by_day, |d| d.to_string(), days_between(first, last)),
        )
    } else if months <= 120 {
        let labels = (month_number(first)..=month_number(last))
            .map(month_label)
            .collect();
        ("month", fill(by_day, |d| d[..7].to_string(), labels))
    } else {
        let years = (year(first)..=year(last))
            .map(|y| format!("{y:04}"))
            .collect();
        ("year", fill(by_day, |d| d[..4].to_string(), years))
    };
    let max = buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let step = TIMELINE_WIDTH as f32 / buckets.len().max(1) as f32;
    let every = buckets.len().div_ceil(TIMELINE_LABELS);
    let columns = buckets
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let height = ((value * u64::from(TIMELINE_HEIGHT)) / max) as u32;
            Column {
                label,
                value,
                x: i as f32 * step + step * 0.1,
                y: TIMELINE_HEIGHT - height + 4,
                width: step * 0.8,
                height,
                show_label: i % every == 0,
                label_x: i as f32 * step + step / 2.0,
            }
        })
        .collect();
    Some(Timeline {
        width: TIMELINE_WIDTH,
        height: TIMELINE_HEIGHT + 30,
        unit,
        max,
        columns,
        axis_y: TIMELINE_HEIGHT + 4,
        left_out: None,
    })
}

/// Counts summed into `labels` (every bucket, in order) by `bucket_of` each day.
fn fill(
    by_day: &BTreeMap<String, u64>,
    bucket_of: impl Fn(&str) -> String,
    labels: Vec<String>,
) -> Vec<(String, u64)> {
    let mut sums: BTreeMap<String, u64> = BTreeMap::new();
    for (day, n) in by_day {
        *sums.entry(bucket_of(day)).or_default() += n;
    }
    labels
        .into_iter()
        .map(|l| {
            let n = sums.get(&l).copied().unwrap_or(0);
            (l, n)
        })
        .collect()
}

fn year(day: &str) -> i64 {
    day[..4].parse().unwrap_or(0)
}

/// Months since year 0 of a `YYYY-MM-DD`.
fn month_number(day: &str) -> i64 {
    year(day) * 12 + day[5..7].parse::<i64>().unwrap_or(1) - 1
}

fn month_label(n: i64) -> String {
    format!("{:04}-{:02}", n / 12, n % 12 + 1)
}

/// Every day from `first` to `last` (both `YYYY-MM-DD`, at most two months apart).
fn days_between(first: &str, last: &str) -> Vec<String> {
    let mut days = Vec::new();
    let (mut month, mut day) = (
        month_number(first),
        first[8..10].parse::<i64>().unwrap_or(1),
    );
    loop {
        let label = format!("{}-{day:02}", month_label(month));
        let done = label.as_str() >= last;
        days.push(label);
        if done {
            return days;
        }
        day += 1;
        if day > days_in_month(month) {
            (month, day) = (month + 1, 1);
        }
    }
}

/// Days in the month `month_number` (months since year 0, as [`month_number`] counts).
pub(crate) fn days_in_month(month_number: i64) -> i64 {
    let (y, m) = (month_number / 12, month_number % 12 + 1);
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One article a day with `quotes` quotes.
    fn dated(days: &[(&str, u64)]) -> BTreeMap<String, DayCount> {
        days.iter()
            .map(|&(day, quotes)| {
                (
                    day.to_string(),
                    DayCount {
                        articles: 1,
                        quotes,
                    },
                )
            })
            .collect()
    }

    fn labels(t: &Timeline) -> Vec<&str> {
        t.columns.iter().map(|c| c.label.as_str()).collect()
    }

    #[test]
    fn days_fill_gaps_across_a_month_end() {
        let t = timeline(&dated(&[("2024-02-28", 2), ("2024-03-02", 1)])).unwrap();
        let got: Vec<(&str, u64)> = t
            .columns
            .iter()
            .map(|c| (c.label.as_str(), c.value))
            .collect();
        assert_eq!(
            got,
            [
                ("2024-02-28", 2),
                ("2024-02-29", 0),
                ("2024-03-01", 0),
                ("2024-03-02", 1)
            ]
        );
        assert_eq!(t.unit, "day");
    }

    #[test]
    fn long_spans_go_by_year() {
        let t = timeline(&dated(&[("1990-01-01", 1), ("2024-06-01", 3)])).unwrap();
        assert_eq!((t.unit, t.columns.len()), ("year", 35));
        assert!(t.columns.iter().filter(|c| c.show_label).count() <= TIMELINE_LABELS);
        assert_eq!(t.left_out, None);
        // A century exactly: every year drawn, nothing left out.
        let t = timeline(&dated(&[("1925-01-01", 1), ("2024-06-01", 3)])).unwrap();
        assert_eq!((t.columns.len(), t.left_out), (100, None));
    }

    /// One `0001-01-01` among dates of 2024 made a chart of 2,024 columns, 0.28 px each.
    #[test]
    fn placeholder_dates_far_from_the_others_are_left_out_and_said() {
        let t = timeline(&dated(&[("0001-01-01", 1), ("2024-03-01", 1)])).unwrap();
        assert_eq!(labels(&t), ["2024-03-01"], "ties: the later century");
        let note = t.left_out.unwrap();
        assert!(
            note.contains("shows 2024-03-01 to 2024-03-01")
                && note.contains("1 article (1 quote) dated earlier, the earliest 0001-01-01"),
            "{note}"
        );
        // Placeholders on both sides, outnumbered: the dump's own dates are drawn.
        let t = timeline(&dated(&[
            ("0001-01-01", 1),
            ("1900-01-01", 4),
            ("2023-12-30", 2),
            ("2024-01-02", 1),
            ("2024-02-01", 1),
            ("9999-12-31", 1),
        ]))
        .unwrap();
        assert_eq!(
            (t.unit, labels(&t)),
            ("month", vec!["2023-12", "2024-01", "2024-02"])
        );
        let note = t.left_out.unwrap();
        assert!(
            note.contains(
                "2 articles (5 quotes) dated earlier, the earliest 0001-01-01; \
                 1 article (1 quote) dated later, the latest 9999-12-31"
            ),
            "{note}"
        );
        // More articles win over more quotes.
        let mut days = dated(&[("1850-05-05", 9), ("2024-01-01", 1)]);
        days.insert(
            "2020-01-01".into(),
            DayCount {
                articles: 2,
                quotes: 1,
            },
        );
        let t = timeline(&days).unwrap();
        assert_eq!(labels(&t).first(), Some(&"2020-01"));
        assert!(t.columns.len() <= TIMELINE_YEARS as usize);
    }

    #[test]
    fn bars_scale_to_the_largest_and_long_names_are_cut() {
        let chart = bar_chart(vec![
            ("A very long name of somebody quoted often".into(), None, 10),
            ("Bo".into(), Some("speakers/bo.html".into()), 5),
        ])
        .unwrap();
        assert_eq!(chart.bars[0].bar_width, BAR_MAX);
        assert_eq!(chart.bars[1].bar_width, BAR_MAX / 2);
        assert_eq!(chart.bars[0].short.chars().count(), NAME_CHARS);
        assert!(bar_chart(vec![]).is_none());
    }
}
