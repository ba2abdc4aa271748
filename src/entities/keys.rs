//! Dump-level identity: each entity's key, the same string for the same person, organisation or
//! place in every article, so that counts over a dump add up (`entities.csv`'s `entity_key`,
//! `entity_index.csv`).
//!
//! The key is the entity's canonical name, normalised:
//! - case, Latin diacritics and dots do not count, nor a leading "the" or a possessive:
//!   `Sandër Lleshaj` and `Sander Lleshaj` → `sander lleshaj`; `the State Department` and
//!   `State Department’s` → `state department`; `U.N.` → `un`;
//! - a person (PER) is keyed by the first and last word of the name, titles dropped, so middle
//!   names and a middle initial do not count: `Donald J. Trump`, `President Donald Trump` and
//!   `Donald John Trump` → `donald trump`; a short given name is spelled out (`nicknames.txt`):
//!   `Mike Pompeo` and `Michael Pompeo` → `michael pompeo`; a son's family suffix stays, so that
//!   father and son key apart: `Donald Trump Jr.` → `donald trump jr` (an elder's `Sr.` does not:
//!   `George Bush Sr.` → `george bush`). A shorter name of the same entity may say the suffix:
//!   "Joe Smith" with "Smith Jr." keys `joseph smith jr`, as "Joseph Smith Jr." does. "Joe Smith"
//!   alone keys `joseph smith`, apart from the son: nothing in it says he is one, and a key that
//!   dropped every `jr` would make Donald Trump Jr. his father. Only the few sons whose suffix
//!   papers write or leave out as their style goes, their fathers no namesakes in the news, key
//!   without it (`sons_known_without_suffix.txt`): `Joseph R. Biden Jr.` (The New York Times)
//!   and `Joe Biden` (AP) → `joseph biden`, one Biden over a dump; the article that joins the
//!   two keys him so as well; such a son's father keeps his `Sr.` (`Joseph R. Biden Sr.` →
//!   `joseph biden sr`), or father and son would share a key;
//! - initials stay when there are two or more before the surname, given name included, for
//!   such a name is how a person is told from a namesake: `George H. W. Bush` and `George H.W.
//!   Bush` → `george h w bush`, `H.R. McMaster` → `h r mcmaster`. One initial alone comes and
//!   goes with a paper's style, so it cannot tell people apart: `George W. Bush` keys as `George
//!   Bush` does, `george bush`, and `George Bush` alone cannot say which Bush it is either;
//! - an East Asian name written family name first keeps every part (`east_asian_family_names.txt`,
//!   each part after the family name one syllable), however the given name is split: `Kim Jong
//!   Un` and `Kim Jong-un` → `kim jong un`, apart from `kim jong il`; a Western name of three
//!   words keeps two: `Lee Harvey Oswald` → `lee oswald`, `John Fitzgerald Kennedy` → `john
//!   kennedy`;
//! - a patronymic particle before the last word stays with it (`name_particles.txt`), for without
//!   it the son keys as a man named after the father: `Mohammed bin Salman` → `mohammed bin
//!   salman`, not the `mohammed salman` of a footballer; `Osama bin Laden` → `osama bin laden`;
//! - an Arabic article hyphenated onto the surname does not count (`surname_articles.txt`), as
//!   agencies write it or not: `Bashar al-Assad` and `Bashar Assad` → `bashar assad`;
//! - an organisation's legal form does not count (`legal_suffixes.txt`): `Microsoft Corp.` and
//!   `Microsoft` → `microsoft`, `Volkswagen AG` → `volkswagen`;
//! - an organisation or other name that goes by an acronym is keyed by it, so the long form
//!   and the acronym alone key alike: `North Atlantic Treaty Organization` (defining `NATO`) and
//!   `NATO` → `nato`; a name shouted in a headline is no acronym: `Ford Motor Co.` beside
//!   `FORD` → `ford motor`;
//! - an organisation papers name by several names, any of them first, by the key its row of
//!   `organisation_aliases.tsv` gives: `Mujahedin-e Khalq (MEK)`, `People's Mojahedin
//!   Organization of Iran (PMOI)`, `PMOI/MEK` and `MEK` → `mek`;
//! - a country by its ISO 3166-1 code, whatever the article called it: `Iranian`, `Iran`,
//!   `the Islamic Republic of Iran` → `country:IR`.
//!
//! Nothing outside the entity decides its key (no other article, no order), so shards and
//! chunks key alike. An entity marked ambiguous ("Clinton" beside Bill and Hillary Clinton) has
//! no key: it cannot be counted as either. A person the article names only by surname keys by
//! it (`trump`), apart from the full name's key: one article does not say who it is.

use super::aliases::known_key;
use super::names::{
    elder_suffix_of, ends_with_fathers_name, fold_key, is_acronym, is_shouted, spelled_out,
    strip_possessive, without_article, without_legal_suffix, PersonName,
};
use super::Entity;
use crate::lexicon::word_list;
use crate::ner::EntityLabel;

word_list! {
    /// Keys without the suffix of the sons that papers name with or without it ("joseph
    /// biden" of "Joseph R. Biden Jr.").
    fn sons_known_without_suffix = "sons_known_without_suffix.txt";
}

/// The entity's dump-level key, or none when it is ambiguous.
pub fn entity_key(entity: &Entity) -> Option<String> {
    if entity.ambiguous {
        return None;
    }
    if let Some(code) = entity.country_code {
        return Some(format!("country:{code}"));
    }
    // "Mujahedin-e Khalq", "PMOI" and "MEK" → `mek`, whichever the article named first.
    let names = std::iter::once(&entity.canonical).chain(&entity.aliases);
    if let Some(key) = names.filter_map(|name| known_key(name)).next() {
        return Some(key.to_string());
    }
    let key = match entity.label {
        EntityLabel::Per => match suffix_of_alias(entity) {
            Some(suffix) => with_suffix(person_key(&entity.canonical), Some(&suffix)),
            None => person_key(&entity.canonical),
        },
        _ => match acronym_of(entity) {
            Some(acronym) => fold_key(acronym),
            None => fold_key(strip_possessive(&entity.canonical)),
        },
    };
    // "Microsoft Corp." keys as "Microsoft" does, in the article that names only the one.
    let key = match entity.label {
        EntityLabel::Org => without_legal_suffix(&key).to_string(),
        _ => key,
    };
    // A name that folds to nothing still gets a key, the one the entity index would make for
    // it, so that `entities.csv` and `entity_index.csv` name it alike.
    Some(match key.is_empty() {
        true => fallback_key(entity.label, &entity.canonical),
        false => key,
    })
}

/// The key of an entity whose name folds to nothing (`’s` alone), and of every entity in a run
/// written before `entity_key` existed: its label and lower-cased name, `PER:jr.`.
pub fn fallback_key(label: EntityLabel, canonical: &str) -> String {
    let name = canonical.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{label}:{}", name.to_lowercase())
}

/// The acronym an organisation goes by: its name when that is one, else the first acronym the
/// article defines or uses for it ("North Atlantic Treaty Organization (NATO)" → "NATO"). A name
/// shouted in a headline is none: "FORD" beside "Ford Motor Co." is its first word in capitals.
fn acronym_of(entity: &Entity) -> Option<&str> {
    let names = || {
        std::iter::once(&entity.canonical)
            .chain(&entity.aliases)
            .map(|name| strip_possessive(name))
    };
    let shouted_name = |acronym: &str| {
        let folded = fold_key(acronym);
        let begins = |name: &str| {
            let name = fold_key(name);
            name == folded
                || name
                    .strip_prefix(folded.as_str())
                    .is_some_and(|r| r.starts_with(' '))
        };
        is_shouted(acronym) && names().any(|n| !is_acronym(n) && begins(n))
    };
    names().find(|name| is_acronym(name) && !shouted_name(name))
}

/// A son's family suffix that only a shorter name of the person says: the `jr` of "Biden Jr."
/// beside "Joe Smith", so that the article keys him `joseph smith jr` as one that writes
/// "Joseph Smith Jr." does. None when the canonical name has a suffix of its own.
fn suffix_of_alias(entity: &Entity) -> Option<String> {
    if PersonName::parse(&entity.canonical).suffix.is_some() {
        return None;
    }
    let mut suffixes = entity.aliases.iter().map(|a| PersonName::parse(a).suffix);
    suffixes.find_map(|suffix| suffix)
}

/// First and last word of a person's name, folded (titles, possessive, an elder's "Sr." dropped),
/// a short given name spelled out ("mike" → "michael", `nicknames.txt`), two middle initials or
/// more ("h w"), the particle before the last word ("bin"), the surname without its Arabic
/// article ("assad"), and a son's suffix ("jr"); every part of a name written family name first
/// ("kim jong un").
fn person_key(name_written: &str) -> String {
    let name = PersonName::parse(name_written);
    let surname = |last: &str| without_article(last).unwrap_or(last).to_string();
    let key = match name.keys.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        keys if name.family_name_first() => keys.join(" "),
        keys @ [first, .., particle, last] if ends_with_fathers_name(keys) => {
            format!("{} {particle} {}", spelled_out(first), surname(last))
        }
        [first, .., last] => {
            let initials = telling_initials(&name).join(" ");
            let first = spelled_out(first);
            match initials.is_empty() {
                true => format!("{first} {}", surname(last)),
                false => format!("{first} {initials} {}", surname(last)),
            }
        }
    };
    let key = with_suffix(key, name.suffix.as_deref());
    // A listed son keys without his suffix, so his father keeps his own: "Joseph R. Biden Sr."
    // is "joseph biden sr", not the son's "joseph biden".
    match elder_suffix_of(name_written) {
        Some(elder) if sons_known_without_suffix().contains(&key.as_str()) => {
            format!("{key} {elder}")
        }
        _ => key,
    }
}

/// A person's key with a son's family suffix after it ("donald trump jr"), unless the key is
/// empty or one of the sons keyed without it (`sons_known_without_suffix.txt`: "joseph biden").
fn with_suffix(key: String, suffix: Option<&str>) -> String {
    match suffix {
        Some(suffix) if !key.is_empty() && !sons_known_without_suffix().contains(&key.as_str()) => {
            format!("{key} {suffix}")
        }
        _ => key,
    }
}

/// The middle initials a key keeps: all of them when the name has two initials or more before
/// its surname ("h", "w" of "George H. W. Bush"; "r" of "H. R. McMaster"), none when it has one
/// ("Donald J. Trump"), which papers write or leave out as their style goes.
fn telling_initials(name: &PersonName) -> Vec<&str> {
    let is_initial = |k: &&String| k.chars().count() == 1;
    let given_initial = name.keys.first().filter(is_initial).is_some();
    let middles: Vec<&str> = name
        .middles()
        .iter()
        .filter(is_initial)
        .map(String::as_str)
        .collect();
    match middles.len() + usize::from(given_initial) {
        0 | 1 => Vec::new(),
        _ => middles,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(canonical: &str, label: EntityLabel, country: Option<&'static str>) -> Entity {
        Entity {
            id: 1,
            canonical: canonical.into(),
            label,
            mentions: vec![0],
            country_code: country,
            aliases: Vec::new(),
            ambiguous: false,
            key: None,
        }
    }

    fn key(canonical: &str, label: EntityLabel) -> Option<String> {
        entity_key(&entity(canonical, label, None))
    }

    /// The key of an entity with other names of the article besides its canonical one.
    fn key_with_aliases(canonical: &str, label: EntityLabel, aliases: &[&str]) -> Option<String> {
        let mut entity = entity(canonical, label, None);
        entity.aliases = aliases.iter().map(|a| a.to_string()).collect();
        entity_key(&entity)
    }

    #[test]
    fn one_person_one_key_whatever_the_middle_names_titles_and_accents() {
        let per = EntityLabel::Per;
        for name in [
            "Donald Trump",
            "Donald J. Trump",
            "President Donald Trump",
            "Donald John Trump",
            "Donald Trump Sr.",
            "DONALD TRUMP",
        ] {
            assert_eq!(key(name, per).as_deref(), Some("donald trump"), "{name}");
        }
        assert_eq!(
            key("Donald John Trump Jr.", per).as_deref(),
            Some("donald trump jr"),
            "the son is not the father"
        );
        assert_eq!(key("Sandër Lleshaj", per), key("Sander Lleshaj", per));
        assert_eq!(key("Mike Pompeo", per).as_deref(), Some("michael pompeo"));
        assert_eq!(key("Michael R. Pompeo", per), key("Mike Pompeo", per));
        assert_eq!(
            key("Mike", per).as_deref(),
            Some("mike"),
            "a lone word is kept"
        );
        assert_ne!(key("Hillary Clinton", per), key("Bill Clinton", per));
        assert_eq!(
            key("Mohammed bin Salman", per).as_deref(),
            Some("mohammed bin salman"),
            "the particle stays"
        );
        assert_ne!(key("Mohammed bin Salman", per), key("Mohammed Salman", per));
        assert_eq!(
            key("Osama bin Mohammed bin Laden", per).as_deref(),
            Some("osama bin laden")
        );
        assert_eq!(
            key("Ben Whitfield", per),
            key("Benjamin Whitfield", per),
            "a given name Ben is no particle"
        );
        assert_eq!(key("Bashar al-Assad", per), key("Bashar Assad", per));
        assert_eq!(
            key("Abdel Fattah el-Sisi", per).as_deref(),
            Some("abdel sisi")
        );
        assert_eq!(key("Trump", per).as_deref(), Some("trump"));
    }

    /// Two initials before the surname are kept, one is not; an East Asian name written family
    /// name first keeps all its parts (it was `kim un`).
    #[test]
    fn telling_initials_and_family_names_first_stay() {
        let per = EntityLabel::Per;
        for (name, expected) in [
            ("George H.W. Bush", "george h w bush"),
            ("George H. W. Bush", "george h w bush"),
            ("George W. Bush", "george bush"),
            ("George Bush", "george bush"),
            ("J.R.R. Tolkien", "j r r tolkien"),
            ("J. R. R. Tolkien", "j r r tolkien"),
            ("H.R. McMaster", "h r mcmaster"),
            ("J. Smith", "j smith"),
            ("John F. Kennedy", "john kennedy"),
            ("Kim Jong Un", "kim jong un"),
            ("Kim Jong-un", "kim jong un"),
            ("Kim Jong Il", "kim jong il"),
            ("Moon Jae-in", "moon jae in"),
            ("Lee Hsien Loong", "lee hsien loong"),
            ("Nguyễn Xuân Phúc", "nguyen xuan phuc"),
            ("Xi Jinping", "xi jinping"),
            ("Kim Kardashian", "kim kardashian"),
            ("Lee Harvey Oswald", "lee oswald"),
            ("John Fitzgerald Kennedy", "john kennedy"),
        ] {
            assert_eq!(key(name, per).as_deref(), Some(expected), "{name}");
        }
    }

    /// A son whose suffix papers write or leave out keys without it: "Joseph R. Biden Jr."
    /// keyed `joseph biden jr` and "Joe Biden" `joseph biden`, two Bidens over a dump. Any other
    /// son keeps his suffix, apart from his father.
    #[test]
    fn a_son_named_with_or_without_his_suffix_keys_alike() {
        let per = EntityLabel::Per;
        for name in [
            "Joseph R. Biden Jr.",
            "Joe Biden",
            "Joseph Biden",
            "Joseph R. Biden, Jr.",
        ] {
            assert_eq!(key(name, per).as_deref(), Some("joseph biden"), "{name}");
        }
        // The chief justice has a namesake in the news (Fox's John Roberts): keyed apart.
        assert_ne!(key("John G. Roberts Jr.", per), key("John Roberts", per));
        // A listed son's father keeps his suffix: one article naming both has two keys.
        let father = key("Joseph R. Biden Sr.", per);
        assert_eq!(father.as_deref(), Some("joseph biden sr"));
        assert_eq!(key("George Bush Sr.", per).as_deref(), Some("george bush"));
        assert_eq!(
            key("Donald Trump Jr.", per).as_deref(),
            Some("donald trump jr")
        );
        assert_ne!(key("Donald Trump Jr.", per), key("Donald Trump", per));
        assert_eq!(key("Hunter Biden", per).as_deref(), Some("hunter biden"));
        let smith = key_with_aliases("Joe Smith", per, &["Smith Jr."]);
        assert_eq!(smith.as_deref(), Some("joseph smith jr"));
        let biden = key_with_aliases("Joe Biden", per, &["Biden Jr."]);
        assert_eq!(biden.as_deref(), Some("joseph biden"));
    }

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[("sons_known_without_suffix", sons_known_without_suffix())],
            true,
        );
    }

    #[test]
    fn organisations_fold_case_dots_the_and_possessives() {
        let org = EntityLabel::Org;
        assert_eq!(
            key("the State Department", org).as_deref(),
            Some("state department")
        );
        assert_eq!(
            key("State Department’s", org).as_deref(),
            Some("state department")
        );
        assert_eq!(key("U.N.", org), key("UN", org));
        assert_ne!(key("NATO", org), key("EU", org));
        let nato = key_with_aliases("North Atlantic Treaty Organization", org, &["NATO"]);
        assert_eq!(nato, key("NATO", org));
        // A headline's "FORD" is the company's name in capitals, no acronym to key it by.
        let ford = key_with_aliases("Ford Motor Co.", org, &["Ford", "FORD"]);
        assert_eq!(ford.as_deref(), Some("ford motor"));
        let nasa_name = "National Aeronautics and Space Administration";
        let nasa = key_with_aliases(nasa_name, org, &["NASA"]);
        assert_eq!(nasa.as_deref(), Some("nasa"));
    }

    #[test]
    fn an_organisation_keys_without_its_legal_form() {
        let org = EntityLabel::Org;
        for (long, short) in [
            ("Microsoft Corp.", "Microsoft"),
            ("Volkswagen AG", "Volkswagen"),
            ("Apple, Inc.", "Apple"),
            ("Ford Motor Co.", "Ford Motor"),
            ("Goldman Sachs Group Inc.", "Goldman Sachs"),
            ("Toyota Motor Co., Ltd.", "Toyota Motor"),
            ("JPMorgan Chase & Co.", "JPMorgan Chase"),
            ("Banco Santander S.A.", "Banco Santander"),
        ] {
            assert_eq!(key(long, org), key(short, org), "{long}");
        }
        assert_eq!(
            key("Group", org).as_deref(),
            Some("group"),
            "nothing but the form"
        );
        let place = key("Washington Co.", EntityLabel::Loc);
        assert_eq!(
            place.as_deref(),
            Some("washington co"),
            "a county is no company"
        );
    }

    /// A word saying what kind of firm it is ("Technologies", "International") is part of the
    /// name: dropped, it joined different firms, and firms and people, across articles ("Tata
    /// Technologies Ltd." and "Tata Group" both `tata`, "Trump International" Donald Trump's
    /// `trump`, "Tyler Technologies Inc." the town of Tyler).
    #[test]
    fn an_organisation_keeps_the_word_saying_what_kind_of_firm_it_is() {
        let org = EntityLabel::Org;
        for (long, kept) in [
            ("Tata Technologies Ltd.", "tata technologies"),
            ("Trump International", "trump international"),
            (
                "Philip Morris International Inc.",
                "philip morris international",
            ),
            ("Amnesty International", "amnesty international"),
            ("Tyler Technologies Inc.", "tyler technologies"),
            ("Dell Technologies Inc.", "dell technologies"),
        ] {
            assert_eq!(key(long, org).as_deref(), Some(kept), "{long}");
        }
    }

    #[test]
    fn countries_key_by_code_and_ambiguous_names_have_none() {
        let iran = entity("Iran", EntityLabel::Loc, Some("IR"));
        assert_eq!(entity_key(&iran).as_deref(), Some("country:IR"));
        let mut clinton = entity("Clinton", EntityLabel::Per, None);
        clinton.ambiguous = true;
        assert_eq!(entity_key(&clinton), None);
    }
}
