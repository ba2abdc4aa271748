//! Scoring entities against hand-labelled clusters (`data/fixtures/entities`, format in its
//! README): which mentions the run found, how it grouped them, and what it called each group.
//!
//! ```text
//! {"id": "ent-01", "text": "Donald Trump spoke. Trump left.", "entities": [
//!   {"key": "person:donald-trump", "canonical": "Donald Trump", "label": "PER",
//!    "ambiguous": false, "mentions": [[0, 12], [20, 25]]}]}
//! ```
//!
//! - **Mentions**: exact spans, precision/recall/F1 (the NER model's part).
//! - **B³** (Bagga & Baldwin) over every mention of either side: each mention's precision is
//!   the share of its predicted entity's mentions that share its gold entity, its recall the
//!   share of its gold entity's mentions that share its predicted entity; a mention only one
//!   side has is a singleton on the other (Cai & Strube's way of scoring system mentions), so
//!   a missed mention costs its gold entity recall and a spurious one costs its predicted
//!   entity precision. Averaged over the mentions of all articles.
//! - Each gold entity is matched to the predicted entity holding most of its mentions (none
//!   when the run found none of them): **canonical accuracy** is the share of gold entities
//!   whose match has exactly the gold canonical name, **label accuracy** the share whose match
//!   has the gold label.
//! - **Key accuracy** (across articles): a gold entity counts when the run found it (a match, as
//!   above) and the gold entities sharing its match's `entity_key` are exactly those sharing its
//!   gold key, in every article; an entity without a key (ambiguous) shares it with none. A gold
//!   entity the run never found is wrong here as in the two accuracies above: left out, 3 of 4
//!   gold entities missed still read as key accuracy 1.000.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::quotes::Prf;
use super::CharToByte;
use crate::entities::Entities;
use crate::ner::{EntityLabel, Mention};
use crate::text::Span;

/// One hand-labelled article.
#[derive(Debug, Clone)]
pub struct EntityFixture {
    pub id: String,
    pub text: String,
    pub entities: Vec<GoldCluster>,
}

/// One gold entity: its mentions as byte spans of the text.
#[derive(Debug, Clone)]
pub struct GoldCluster {
    pub key: String,
    pub canonical: String,
    pub label: EntityLabel,
    pub ambiguous: bool,
    pub mentions: Vec<Span>,
}

#[derive(Deserialize)]
struct RawArticle {
    id: String,
    text: String,
    entities: Vec<RawCluster>,
}

#[derive(Deserialize)]
struct RawCluster {
    key: String,
    canonical: String,
    label: EntityLabel,
    #[serde(default)]
    ambiguous: bool,
    mentions: Vec<[usize; 2]>,
}

/// Reads entity fixtures (JSON lines), character offsets turned into byte spans. A file without
/// any gold entity is an error: scored, it looked like a run that found nothing; so is an article
/// id on two lines of a file ([`super::IdLines`]).
pub fn load_entity_fixtures(paths: &[PathBuf]) -> Result<Vec<EntityFixture>> {
    let mut out = Vec::new();
    for path in paths {
        let body = crate::eval::read_fixture_file(path)?;
        let before = out.len();
        let mut ids = super::IdLines::default();
        for (n, line) in super::fixture_lines(&body) {
            let context = || format!("{}: line {n}", path.display());
            let article = parse_article(line).with_context(context)?;
            ids.check(&article.id, n).with_context(context)?;
            out.push(article);
        }
        if out[before..].iter().all(|a| a.entities.is_empty()) {
            bail!(
                "{}: no entities to score (an empty file, or articles without entities?)",
                path.display()
            );
        }
    }
    Ok(out)
}

fn parse_article(line: &str) -> Result<EntityFixture> {
    let raw: RawArticle = serde_json::from_str(line).context("not an entity fixture")?;
    check_clusters(&raw).with_context(|| raw.id.clone())?;
    let offsets = CharToByte::new(&raw.text);
    let entities = raw
        .entities
        .into_iter()
        .map(|c| {
            let mentions = c
                .mentions
                .iter()
                .map(|[s, e]| offsets.span(*s, *e))
                .collect::<Result<Vec<_>>>()
                .with_context(|| format!("{}: entity {}", raw.id, c.key))?;
            Ok(GoldCluster {
                key: c.key,
                canonical: c.canonical,
                label: c.label,
                ambiguous: c.ambiguous,
                mentions,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(EntityFixture {
        id: raw.id,
        text: raw.text,
        entities,
    })
}

/// The clusters of one article must be what B³ and the key check count: each with a key of its
/// own and at least one mention, and no mention in two of them (or twice in one), since the
/// scorer keeps one entity per span and would silently move the other; nor two mentions that
/// overlap (the fixtures' README promises none do).
fn check_clusters(raw: &RawArticle) -> Result<()> {
    let mut mentions: Vec<([usize; 2], &str)> = Vec::new();
    for (i, c) in raw.entities.iter().enumerate() {
        if c.mentions.is_empty() {
            bail!("entity {}: no mentions", c.key);
        }
        if let Some([s, e]) = c.mentions.iter().find(|[s, e]| s >= e) {
            bail!(
                "entity {}: mention [{s}, {e}] is empty or ends before it starts",
                c.key
            );
        }
        if raw.entities[..i].iter().any(|other| other.key == c.key) {
            bail!("two entities have the key {}", c.key);
        }
        mentions.extend(c.mentions.iter().map(|&m| (m, c.key.as_str())));
    }
    mentions.sort();
    for pair in mentions.windows(2) {
        let (([s, e], a), ([s2, e2], b)) = (pair[0], pair[1]);
        if [s, e] == [s2, e2] && a == b {
            bail!("entity {a}: mention [{s}, {e}] listed twice");
        } else if [s, e] == [s2, e2] {
            bail!("mention [{s}, {e}] is in entity {a} and in entity {b}");
        } else if s2 < e {
            bail!("mention [{s}, {e}] of entity {a} overlaps [{s2}, {e2}] of entity {b}");
        }
    }
    Ok(())
}

/// The scores of a set of articles.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct EntityScores {
    pub articles: usize,
    pub gold_entities: usize,
    pub predicted_entities: usize,
    pub mentions: Prf,
    pub b3_precision: f64,
    pub b3_recall: f64,
    pub b3_f1: f64,
    pub canonical_accuracy: f64,
    pub label_accuracy: f64,
    pub key_accuracy: f64,
}

/// One gold entity's matched prediction, for the cross-article key check.
struct Matched<'a> {
    gold_key: &'a str,
    /// Whether the run found the entity at all (any of its mentions).
    found: bool,
    predicted_key: Option<String>,
}

/// Scores the run's mentions and entities of each article against the fixtures, and lists
/// every gold entity it got wrong (for `--errors`).
pub fn score_entities(
    fixtures: &[EntityFixture],
    predicted: &[(Vec<Mention>, Entities)],
) -> (EntityScores, Vec<String>) {
    let mut b3 = B3::default();
    let (mut mention_hits, mut gold_mentions, mut predicted_mentions) = (0, 0, 0);
    let (mut canonical_ok, mut label_ok, mut predicted_entities) = (0, 0, 0);
    let mut matched: Vec<Matched> = Vec::new();
    let mut errors = Vec::new();
    for (fixture, (mentions, entities)) in fixtures.iter().zip(predicted) {
        let gold_of = gold_index(fixture);
        let predicted_of: HashMap<Span, usize> = mentions
            .iter()
            .enumerate()
            .map(|(i, m)| (m.span, entities.of_mention[i]))
            .collect();
        b3.add(&gold_of, &predicted_of);
        gold_mentions += gold_of.len();
        predicted_mentions += predicted_of.len();
        mention_hits += gold_of
            .keys()
            .filter(|s| predicted_of.contains_key(s))
            .count();
        predicted_entities += entities.entities.len();
        for gold in &fixture.entities {
            let best = best_match(gold, &predicted_of).map(|e| &entities.entities[e]);
            let canonical = best.is_some_and(|e| e.canonical == gold.canonical);
            let label = best.is_some_and(|e| e.label == gold.label);
            canonical_ok += canonical as usize;
            label_ok += label as usize;
            if !canonical || !label {
                errors.push(format!(
                    "{}\t{}\tgold {} {}\tpredicted {}",
                    fixture.id,
                    gold.key,
                    gold.label,
                    gold.canonical,
                    best.map_or("none".to_string(), |e| format!(
                        "{} {}",
                        e.label, e.canonical
                    ))
                ));
            }
            matched.push(Matched {
                gold_key: &gold.key,
                found: best.is_some(),
                predicted_key: best.and_then(|e| e.key.clone()),
            });
        }
    }
    let gold_entities = matched.len();
    let share = |n: usize| n as f64 / gold_entities.max(1) as f64;
    let (b3_precision, b3_recall, b3_f1) = b3.scores();
    let scores = EntityScores {
        articles: fixtures.len(),
        gold_entities,
        predicted_entities,
        mentions: Prf::new(mention_hits, gold_mentions, predicted_mentions),
        b3_precision,
        b3_recall,
        b3_f1,
        canonical_accuracy: share(canonical_ok),
        label_accuracy: share(label_ok),
        key_accuracy: share(keys_right(&matched, &mut errors)),
    };
    (scores, errors)
}

/// Each gold mention's span and the index of its gold entity.
fn gold_index(fixture: &EntityFixture) -> HashMap<Span, usize> {
    let mut out = HashMap::new();
    for (e, cluster) in fixture.entities.iter().enumerate() {
        for &span in &cluster.mentions {
            out.insert(span, e);
        }
    }
    out
}

/// The predicted entity holding most of the gold entity's mentions (the first on a tie).
fn best_match(gold: &GoldCluster, predicted_of: &HashMap<Span, usize>) -> Option<usize> {
    let mut votes: Vec<(usize, usize)> = Vec::new();
    for span in &gold.mentions {
        if let Some(&e) = predicted_of.get(span) {
            match votes.iter_mut().find(|(entity, _)| *entity == e) {
                Some(v) => v.1 += 1,
                None => votes.push((e, 1)),
            }
        }
    }
    votes
        .iter()
        .max_by_key(|&&(e, n)| (n, std::cmp::Reverse(e)))
        .map(|&(e, _)| e)
}

/// How many gold entities' matches group across articles exactly as the gold keys do (one the
/// run never found has no match to group, so is wrong).
fn keys_right(matched: &[Matched], errors: &mut Vec<String>) -> usize {
    let mut right = 0;
    for (i, m) in matched.iter().enumerate() {
        if !m.found {
            errors.push(format!("key\t{}\tnot found", m.gold_key));
            continue;
        }
        let wrong = matched.iter().enumerate().find(|(j, other)| {
            let same_gold = other.gold_key == m.gold_key;
            let same_key =
                *j == i || (m.predicted_key.is_some() && other.predicted_key == m.predicted_key);
            same_gold != same_key
        });
        match wrong {
            None => right += 1,
            Some((_, other)) => errors.push(format!(
                "key\t{}\tpredicted {:?}\tdisagrees with {} predicted {:?}",
                m.gold_key, m.predicted_key, other.gold_key, other.predicted_key
            )),
        }
    }
    right
}

/// B³ sums over the mentions of every article.
#[derive(Debug, Default)]
struct B3 {
    precision_sum: f64,
    recall_sum: f64,
    predicted: usize,
    gold: usize,
}

impl B3 {
    /// Adds one article: each side maps its mention spans to its entity numbers.
    fn add(&mut self, gold: &HashMap<Span, usize>, predicted: &HashMap<Span, usize>) {
        // A mention's entity as a set of spans; a mention the side lacks is a singleton.
        let members = |side: &HashMap<Span, usize>, span: Span| -> Vec<Span> {
            match side.get(&span) {
                Some(&e) => side
                    .iter()
                    .filter(|(_, &x)| x == e)
                    .map(|(&s, _)| s)
                    .collect(),
                None => vec![span],
            }
        };
        let overlap = |a: &[Span], b: &[Span]| a.iter().filter(|s| b.contains(s)).count() as f64;
        for &span in predicted.keys() {
            let (p, g) = (members(predicted, span), members(gold, span));
            self.precision_sum += overlap(&p, &g) / p.len() as f64;
        }
        for &span in gold.keys() {
            let (p, g) = (members(predicted, span), members(gold, span));
            self.recall_sum += overlap(&p, &g) / g.len() as f64;
        }
        self.predicted += predicted.len();
        self.gold += gold.len();
    }

    fn scores(&self) -> (f64, f64, f64) {
        let p = self.precision_sum / self.predicted.max(1) as f64;
        let r = self.recall_sum / self.gold.max(1) as f64;
        let f = if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        };
        (p, r, f)
    }
}

/// The report as a table.
pub fn format_scores(s: &EntityScores) -> String {
    format!(
        "articles {}, gold entities {}, predicted entities {}\n\
         mentions (exact spans)   P {:.3}  R {:.3}  F1 {:.3}  ({} of {} gold, {} predicted)\n\
         clusters (B³)            P {:.3}  R {:.3}  F1 {:.3}\n\
         canonical name accuracy  {:.3}\n\
         label accuracy           {:.3}\n\
         cross-article key accuracy {:.3}\n",
        s.articles,
        s.gold_entities,
        s.predicted_entities,
        s.mentions.precision,
        s.mentions.recall,
        s.mentions.f1,
        s.mentions.matched,
        s.mentions.gold,
        s.mentions.predicted,
        s.b3_precision,
        s.b3_recall,
        s.b3_f1,
        s.canonical_accuracy,
        s.label_accuracy,
        s.key_accuracy,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(pairs: &[(usize, usize)]) -> Vec<Span> {
        pairs.iter().map(|&(s, e)| Span::new(s, e)).collect()
    }

    fn side(clusters: &[&[(usize, usize)]]) -> HashMap<Span, usize> {
        let mut out = HashMap::new();
        for (e, c) in clusters.iter().enumerate() {
            for s in spans(c) {
                out.insert(s, e);
            }
        }
        out
    }

    #[test]
    fn b3_is_one_for_the_same_clusters_and_drops_for_a_split_or_a_miss() {
        let gold = side(&[&[(0, 5), (10, 15), (20, 25)], &[(30, 35)]]);
        let mut same = B3::default();
        same.add(&gold, &gold);
        assert_eq!(same.scores(), (1.0, 1.0, 1.0));
        // Split {a, b, c} into {a, b} {c}: precision 1, recall (2/3·2 + 1/3 + 1) / 4.
        let split = side(&[&[(0, 5), (10, 15)], &[(20, 25)], &[(30, 35)]]);
        let mut b3 = B3::default();
        b3.add(&gold, &split);
        let (p, r, _) = b3.scores();
        assert_eq!(p, 1.0);
        assert!(
            (r - (4.0 / 3.0 + 1.0 / 3.0 + 1.0) / 4.0).abs() < 1e-12,
            "{r}"
        );
        // A missed mention is a singleton on the predicted side: recall drops, precision not.
        let missed = side(&[&[(0, 5), (10, 15)], &[(30, 35)]]);
        let mut b3 = B3::default();
        b3.add(&gold, &missed);
        let (p, r, _) = b3.scores();
        assert_eq!(p, 1.0);
        assert!(r < 1.0);
    }

    #[test]
    fn a_bad_fixture_line_names_its_article_and_entity() {
        let past_end = r#"{"id": "a", "text": "Hi Bob", "entities": [{"key": "k",
            "canonical": "Bob", "label": "PER", "mentions": [[3, 99]]}]}"#;
        let e = format!(
            "{:#}",
            parse_article(&past_end.replace('\n', " ")).unwrap_err()
        );
        assert!(
            e.contains("a: entity k") && e.contains("past the text's end"),
            "{e}"
        );
        let bad_label = r#"{"id": "a", "text": "Hi", "entities": [{"key": "k", "canonical": "B",
            "label": "XYZ", "mentions": [[0, 1]]}]}"#;
        let e = format!(
            "{:#}",
            parse_article(&bad_label.replace('\n', " ")).unwrap_err()
        );
        assert!(e.contains("not an entity fixture"), "{e}");
    }

    #[test]
    fn keys_must_group_across_articles_as_gold_does() {
        let m = |gold_key, predicted: Option<&str>| Matched {
            gold_key,
            found: true,
            predicted_key: predicted.map(String::from),
        };
        let mut errors = Vec::new();
        let good = [
            m("p:trump", Some("donald trump")),
            m("p:trump", Some("donald trump")),
            m("p:clinton", None),
        ];
        assert_eq!(keys_right(&good, &mut errors), 3);
        // One article keys Trump by surname: both Trump entities and nothing else is wrong.
        let split = [
            m("p:trump", Some("donald trump")),
            m("p:trump", Some("trump")),
            m("p:clinton", None),
        ];
        assert_eq!(keys_right(&split, &mut errors), 1);
        // Two people under one key: both wrong.
        let merged = [m("p:a", Some("smith")), m("p:b", Some("smith"))];
        assert_eq!(keys_right(&merged, &mut errors), 0);
    }

    #[test]
    fn a_gold_entity_never_found_counts_wrong_in_key_accuracy() {
        // One article, two gold entities; the run finds Bob and not Ann.
        let fixture = EntityFixture {
            id: "a".into(),
            text: "Bob met Ann.".into(),
            entities: vec![cluster("p:bob", (0, 3)), cluster("p:ann", (8, 11))],
        };
        let bob = Mention {
            span: Span::new(0, 3),
            label: EntityLabel::Per,
            score: 1.0,
        };
        let doc = crate::eval::document_of_text(&fixture.id, &fixture.text);
        let mentions = crate::entities::name_mentions(&doc, vec![bob]);
        let entities = crate::entities::merge(&doc, &mentions);
        let (scores, errors) = score_entities(&[fixture], &[(mentions, entities)]);
        assert_eq!(scores.label_accuracy, 0.5);
        assert_eq!(scores.key_accuracy, 0.5, "{errors:?}");
        assert!(errors.contains(&"key\tp:ann\tnot found".to_string()));
    }

    fn cluster(key: &str, (start, end): (usize, usize)) -> GoldCluster {
        GoldCluster {
            key: key.into(),
            canonical: key.into(),
            label: EntityLabel::Per,
            ambiguous: false,
            mentions: spans(&[(start, end)]),
        }
    }
}
