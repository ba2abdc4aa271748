//! The country table: every ISO 3166-1 country with its common English name, other names and
//! demonyms, read from `countries.tsv` (see its header for the source and licence).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::names::fold_key;

/// The table, compiled in so the binary needs no data files.
const COUNTRIES_TSV: &str = include_str!("countries.tsv");

/// One country (or territory) of ISO 3166-1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code ("IR").
    pub alpha2: &'static str,
    /// ISO 3166-1 alpha-3 code ("IRN").
    pub alpha3: &'static str,
    /// Common short English name, the entity's canonical name ("Iran", "Russia", "United States").
    pub name: &'static str,
    /// Other names: the ISO and official names and common aliases ("U.S.", "America").
    pub aliases: Vec<&'static str>,
    /// Words for its people or things ("Iranian", "Briton").
    pub demonyms: Vec<&'static str>,
}

/// How a text named a country.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// Its name or one of its aliases ("Iran", "U.S.").
    Name,
    /// An alias that is one word of its name ("Emirates" of United Arab Emirates, "Vatican" of
    /// Vatican City), which companies and bodies are named after too (the airline Emirates).
    NamePart,
    /// A demonym ("Iranian", "Iranians").
    Demonym,
}

/// What a folded key points at.
#[derive(Debug, Clone, Copy)]
struct KeyEntry {
    country: usize,
    kind: NameKind,
    /// Short all-capital aliases ("US", "UK") must be written in capitals to match, so that a
    /// word like "us" never becomes a country.
    capitals_only: bool,
}

/// All countries and an index from folded names to them.
pub struct CountryTable {
    countries: Vec<Country>,
    by_key: HashMap<String, KeyEntry>,
    /// Keys that more than one country claimed (the table's test requires none).
    clashes: Vec<String>,
}

impl CountryTable {
    /// Parses the TSV; rows that do not have five columns are skipped.
    fn parse(tsv: &'static str) -> CountryTable {
        let mut table = CountryTable {
            countries: Vec::new(),
            by_key: HashMap::new(),
            clashes: Vec::new(),
        };
        let list = |field: &'static str| -> Vec<&'static str> {
            field
                .split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect()
        };
        for line in tsv.lines() {
            if line.starts_with('#') || line.starts_with("alpha2\t") || line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&'static str> = line.split('\t').collect();
            if cols.len() < 5 {
                continue;
            }
            let country = Country {
                alpha2: cols[0].trim(),
                alpha3: cols[1].trim(),
                name: cols[2].trim(),
                aliases: list(cols[3]),
                demonyms: list(cols[4]),
            };
            let index = table.countries.len();
            table.insert(country.name, index, NameKind::Name);
            let name_words: Vec<String> = fold_key(country.name)
                .split(' ')
                .map(str::to_string)
                .collect();
            for &alias in &country.aliases {
                let part = name_words.len() > 1 && name_words.contains(&fold_key(alias));
                let kind = if part {
                    NameKind::NamePart
                } else {
                    NameKind::Name
                };
                table.insert(alias, index, kind);
            }
            for demonym in country.demonyms.clone() {
                table.insert(demonym, index, NameKind::Demonym);
            }
            table.countries.push(country);
        }
        table
    }

    fn insert(&mut self, name: &str, country: usize, kind: NameKind) {
        let key = fold_key(name);
        if key.is_empty() {
            return;
        }
        let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
        let capitals_only = letters.len() <= 4 && letters.iter().all(|c| c.is_uppercase());
        match self.by_key.get(&key) {
            Some(existing) if existing.country != country => self.clashes.push(key),
            Some(_) => {}
            None => {
                self.by_key.insert(
                    key,
                    KeyEntry {
                        country,
                        kind,
                        capitals_only,
                    },
                );
            }
        }
    }

    /// The country a name, alias or demonym (singular or plural) refers to.
    pub fn lookup(&self, text: &str) -> Option<(&Country, NameKind)> {
        // "Trinidad & Tobago" is "Trinidad and Tobago".
        if text.contains(" & ") {
            return self.lookup(&text.replace(" & ", " and "));
        }
        let key = fold_key(text);
        let written_in_capitals = || {
            text.chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
        };
        let found = |key: &str| {
            self.by_key
                .get(key)
                .filter(|entry| !entry.capitals_only || written_in_capitals())
        };
        if let Some(entry) = found(&key) {
            return Some((&self.countries[entry.country], entry.kind));
        }
        // Plural demonyms: "Iranians", "Britons".
        let singular = key.strip_suffix('s')?;
        let entry = found(singular).filter(|entry| entry.kind == NameKind::Demonym)?;
        Some((&self.countries[entry.country], entry.kind))
    }

    /// The country with an ISO 3166-1 alpha-2 code, any case.
    pub fn by_code(&self, alpha2: &str) -> Option<&Country> {
        self.countries
            .iter()
            .find(|c| c.alpha2.eq_ignore_ascii_case(alpha2))
    }

    /// Every country of the table, sorted by name.
    pub fn all(&self) -> &[Country] {
        &self.countries
    }
}

/// The country table, parsed on first use.
pub fn table() -> &'static CountryTable {
    static TABLE: OnceLock<CountryTable> = OnceLock::new();
    TABLE.get_or_init(|| CountryTable::parse(COUNTRIES_TSV))
}

/// The country a name, alias or demonym refers to ("Iranian" → Iran, "U.S." → United States).
pub fn lookup(text: &str) -> Option<&'static Country> {
    table().lookup(text).map(|(country, _)| country)
}

/// Names several countries share (`shared_country_names.tsv`) and countries divided into a south
/// and a north (`divided_countries.tsv`), compiled in like the table.
const SHARED_NAMES_TSV: &str = include_str!("shared_country_names.tsv");
const DIVIDED_TSV: &str = include_str!("divided_countries.tsv");

/// The rows of one of those files: its tab-separated fields, read as every list file is
/// ([`crate::lexicon::parse`]: comments and blank lines skipped).
fn rows(tsv: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    let lines = crate::lexicon::parse(tsv).into_iter();
    lines.map(|line| line.split('\t').map(str::trim).collect())
}

/// Folded shared names ("korea") and the codes of the countries each may stand for.
fn shared_names() -> &'static HashMap<String, Vec<&'static str>> {
    static SHARED: OnceLock<HashMap<String, Vec<&'static str>>> = OnceLock::new();
    SHARED.get_or_init(|| {
        let pairs = rows(SHARED_NAMES_TSV).filter_map(|row| match row.as_slice() {
            [name, codes, ..] => Some((fold_key(name), codes.split(';').map(str::trim).collect())),
            _ => None,
        });
        pairs.collect()
    })
}

/// The codes of the countries a name several countries share may stand for: KR and KP for
/// "Korea" (`shared_country_names.tsv`); none for any other name.
pub(super) fn shared_codes(name: &str) -> Option<&'static [&'static str]> {
    shared_names().get(&fold_key(name)).map(Vec::as_slice)
}

/// One half of a divided country: the word "the" makes its name ("south"), folded, and its code.
type Half = (String, &'static str);

/// The divided countries, each as its two halves (`divided_countries.tsv`).
fn divided_countries() -> &'static [[Half; 2]] {
    static DIVIDED: OnceLock<Vec<[Half; 2]>> = OnceLock::new();
    DIVIDED.get_or_init(|| {
        let pairs = rows(DIVIDED_TSV).filter_map(|row| match row.as_slice() {
            [word, code, other_word, other_code, ..] => {
                Some([(fold_key(word), *code), (fold_key(other_word), *other_code)])
            }
            _ => None,
        });
        pairs.collect()
    })
}

/// The country a name stands for only by the countries the article names by names of their own
/// (`named`, alpha-2 codes; `nearby` those of the mention's sentence and the one before, with
/// the codes a shared name there may stand for); `after_the` whether "the" comes right before it:
/// - a name several countries share is the one of them the article names: "Korea" beside "South
///   Korea" (or "South Korean") is South Korea, beside both Koreas or neither none
///   (`shared_country_names.tsv`);
/// - "the South" and "the North" are the countries of a divided pair the article names both of
///   (`divided_countries.tsv`), where its sentence or the one before names one of the pair (or
///   "Korea", or "the South" read so before) and no other country: "South Korea and North
///   Korea met. The South proposed talks" is South Korea; "in the United States, farmers across
///   the South" none.
pub(super) fn by_context(
    name: &str,
    after_the: bool,
    named: &HashSet<&str>,
    nearby: &HashSet<&str>,
) -> Option<&'static Country> {
    if let Some(codes) = shared_codes(name) {
        let mut of_article = codes.iter().filter(|code| named.contains(*code));
        return match (of_article.next(), of_article.next()) {
            (Some(code), None) => table().by_code(code),
            _ => None,
        };
    }
    let capitalised = name.starts_with(char::is_uppercase) || name.starts_with("the ");
    if !after_the || !capitalised {
        return None;
    }
    let key = fold_key(name);
    let of_pair = |[(_, a), (_, b)]: &[Half; 2]| {
        named.contains(a)
            && named.contains(b)
            && !nearby.is_empty()
            && nearby.iter().all(|code| code == a || code == b)
    };
    let mut sides = divided_countries()
        .iter()
        .filter(|pair| of_pair(pair))
        .flatten()
        .filter(|(word, _)| *word == key);
    match (sides.next(), sides.next()) {
        (Some((_, code)), None) => table().by_code(code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 249 alpha-2 codes of ISO 3166-1 (iso-codes 4.15.0), to prove the table covers them all.
    const ISO_3166_1_ALPHA2: &str = "\
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN \
        BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
        DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL \
        GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM \
        JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME \
        MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP \
        NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD \
        SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
        TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    #[test]
    fn table_covers_iso_3166_1_without_clashes() {
        let t = table();
        let codes: Vec<&str> = ISO_3166_1_ALPHA2.split_whitespace().collect();
        assert_eq!(codes.len(), 249);
        for code in &codes {
            let c = t.by_code(code).unwrap_or_else(|| panic!("{code} missing"));
            assert_eq!(c.alpha3.len(), 3, "{code}");
            assert!(!c.name.is_empty(), "{code}");
        }
        assert_eq!(t.all().len(), 250, "249 ISO countries plus Kosovo (XK)");
        let mut seen: Vec<&str> = t.all().iter().map(|c| c.alpha2).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 250, "codes are unique");
        assert!(
            t.clashes.is_empty(),
            "names claimed by two countries: {:?}",
            t.clashes
        );
    }

    /// Every code of the shared names and the divided countries is a country of the table, and
    /// no shared name is a name of the table (it would name one country whatever the article).
    #[test]
    fn names_by_context_name_countries_of_the_table() {
        for (name, codes) in shared_names() {
            assert!(codes.len() >= 2, "{name}");
            assert!(
                lookup(name).is_none(),
                "{name} is one country's in the table"
            );
            for code in codes {
                assert!(table().by_code(code).is_some(), "{name}: {code}");
            }
        }
        assert!(shared_names().contains_key("korea"));
        for half in divided_countries().iter().flatten() {
            assert!(table().by_code(half.1).is_some(), "{half:?}");
        }
        assert!(!divided_countries().is_empty());
    }

    #[test]
    fn names_aliases_and_demonyms() {
        let code = |s: &str| lookup(s).map(|c| c.alpha2);
        for us in [
            "U.S.",
            "US",
            "USA",
            "the United States",
            "United States of America",
            "America",
            "American",
        ] {
            assert_eq!(code(us), Some("US"), "{us}");
        }
        for gb in [
            "UK",
            "U.K.",
            "Britain",
            "Great Britain",
            "United Kingdom",
            "British",
            "Britons",
        ] {
            assert_eq!(code(gb), Some("GB"), "{gb}");
        }
        assert_eq!(lookup("Russian Federation").map(|c| c.name), Some("Russia"));
        assert_eq!(lookup("Türkiye").map(|c| c.name), Some("Turkey"));
        assert_eq!(
            lookup("Iranian").map(|c| (c.name, c.alpha2)),
            Some(("Iran", "IR"))
        );
        assert_eq!(lookup("Iranians").map(|c| c.name), Some("Iran"));
        assert_eq!(
            lookup("Albanian").map(|c| (c.name, c.alpha2)),
            Some(("Albania", "AL"))
        );
        assert_eq!(lookup("Cote d'Ivoire").map(|c| c.alpha2), Some("CI"));
        assert_eq!(lookup("St. Lucia").map(|c| c.alpha2), Some("LC"));
        assert_eq!(lookup("the Netherlands").map(|c| c.alpha2), Some("NL"));
        assert_eq!(lookup("Dutch").map(|c| c.alpha2), Some("NL"));
        let kind = |s: &str| table().lookup(s).map(|(_, kind)| kind);
        assert_eq!(kind("Emirates"), Some(NameKind::NamePart));
        assert_eq!(kind("Vatican"), Some(NameKind::NamePart));
        for name in ["United Arab Emirates", "UAE", "Britain", "America", "US"] {
            assert_eq!(kind(name), Some(NameKind::Name), "{name}");
        }
        // Lower-case "us" is a pronoun; cities and continents are not countries.
        for not_country in [
            "us",
            "Us",
            "Tehran",
            "Tirana",
            "Paris",
            "Europe",
            "Iranianss",
            "",
            "s",
        ] {
            assert_eq!(code(not_country), None, "{not_country}");
        }
    }
}
