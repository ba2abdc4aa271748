//! The cue lexicon: speech and reported-thought verbs in all their inflections, loaded from
//! `lexicon/speech_verbs.txt` (the project's own list; see the header there for its format).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::lexicon::word_list;

/// What a cue verb can introduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbClass {
    /// A speech verb: introduces direct quotes and reported speech ("said", "warned").
    Speech,
    /// A verb that characterises rather than reports words ("called it a “disaster”",
    /// "described him as “unhinged”"): a cue only for a quoted fragment or a that-clause.
    Characterizing,
    /// A verb of thought or attitude: only reported clauses ("believes that …").
    Cognition,
}

/// One inflected form's entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerbInfo {
    pub lemma: &'static str,
    pub class: VerbClass,
}

word_list! {
    /// Verbs whose reported clause may follow without "that" ("Smith said the plan failed").
    fn bare_clause_lemmas = "lexicon/bare_clause_lemmas.txt";
}

word_list! {
    /// Forms that are more often nouns than verbs ("the claims", "his charges"); they count as cues
    /// only right after a name or pronoun.
    fn noun_like_forms = "lexicon/noun_like_forms.txt";
}

word_list! {
    /// Linking verbs (`was` of `The minister was blunt:`): see the file's header.
    fn linking_verbs = "lexicon/linking_verbs.txt";
}

fn lexicon() -> &'static HashMap<String, VerbInfo> {
    static LEXICON: OnceLock<HashMap<String, VerbInfo>> = OnceLock::new();
    LEXICON.get_or_init(|| parse(include_str!("lexicon/speech_verbs.txt")))
}

fn parse(source: &'static str) -> HashMap<String, VerbInfo> {
    let mut out = HashMap::new();
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&'static str> = line.split_whitespace().collect();
        let class = match fields[0] {
            "C" => VerbClass::Cognition,
            "R" => VerbClass::Characterizing,
            _ => VerbClass::Speech,
        };
        let lemma = fields[1];
        let info = VerbInfo { lemma, class };
        let (past, participle) = match fields.get(2..4) {
            Some([past, participle]) => (past.to_string(), participle.to_string()),
            _ => (regular_past(lemma), regular_past(lemma)),
        };
        let gerund = match fields.get(2) {
            // A doubled consonant in the past ("admitted") doubles in the gerund too.
            Some(past) if doubles_final_consonant(lemma, past) => {
                format!("{lemma}{}ing", &lemma[lemma.len() - 1..])
            }
            _ => regular_gerund(lemma),
        };
        for form in [
            lemma.to_string(),
            third_person(lemma),
            past,
            participle,
            gerund,
        ] {
            // Speech wins over cognition when a form is listed under both.
            let entry = out.entry(form).or_insert(info);
            if info.class == VerbClass::Speech {
                *entry = info;
            }
        }
    }
    out
}

fn doubles_final_consonant(lemma: &str, past: &str) -> bool {
    past.len() == lemma.len() + 3
        && past.ends_with("ed")
        && past[lemma.len()..].starts_with(&lemma[lemma.len() - 1..])
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn regular_past(lemma: &str) -> String {
    let b = lemma.as_bytes();
    if lemma.ends_with('e') {
        format!("{lemma}d")
    } else if lemma.ends_with('y') && b.len() > 1 && !is_vowel(b[b.len() - 2]) {
        format!("{}ied", &lemma[..lemma.len() - 1])
    } else {
        format!("{lemma}ed")
    }
}

fn third_person(lemma: &str) -> String {
    let b = lemma.as_bytes();
    if lemma.ends_with('y') && b.len() > 1 && !is_vowel(b[b.len() - 2]) {
        format!("{}ies", &lemma[..lemma.len() - 1])
    } else if ["s", "sh", "ch", "x", "z", "o"]
        .iter()
        .any(|s| lemma.ends_with(s))
    {
        format!("{lemma}es")
    } else {
        format!("{lemma}s")
    }
}

fn regular_gerund(lemma: &str) -> String {
    if lemma.ends_with("ee") || lemma.ends_with("ye") {
        format!("{lemma}ing")
    } else if let Some(stem) = lemma.strip_suffix("ie") {
        format!("{stem}ying")
    } else if let Some(stem) = lemma.strip_suffix('e') {
        format!("{stem}ing")
    } else {
        format!("{lemma}ing")
    }
}

/// The lexicon entry of a word (any case), if it is a cue verb form.
pub fn verb(word: &str) -> Option<VerbInfo> {
    let lower = word.to_lowercase();
    lexicon().get(lower.as_str()).copied()
}

/// Whether a cue verb may introduce a reported clause without "that".
pub fn takes_bare_clause(info: VerbInfo) -> bool {
    bare_clause_lemmas().contains(&info.lemma)
}

/// Whether a form reads more often as a noun ("claims") than as a verb.
pub fn is_noun_like(word: &str) -> bool {
    noun_like_forms().contains(&word.to_lowercase().as_str())
}

/// Whether a word ends in `-ing` as written, the shape of a present participle (`saying`,
/// `Calling`): lower-case it first where one in capitals (`SAYING`) must count. The ending
/// alone, so `thing` and `Beijing` pass too: callers ask the cue lexicon or the word's place
/// whether it is a participle.
pub fn ends_in_ing(word: &str) -> bool {
    word.ends_with("ing")
}

/// Whether a lower-case word is a linking verb, which joins its subject to a description of it
/// (`was` of `The minister was blunt: "…"`): before a colon, the colon is the cue and the subject
/// the speaker.
pub fn is_linking_verb(lower: &str) -> bool {
    linking_verbs().contains(&lower)
}

/// Is this word a form of a speech verb (not just a verb of thought)?
pub fn is_speech_verb(word: &str) -> bool {
    verb(word).is_some_and(|v| v.class == VerbClass::Speech)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_load() {
        crate::lexicon::check_lists(
            &[
                ("bare_clause_lemmas", bare_clause_lemmas()),
                ("noun_like_forms", noun_like_forms()),
                ("linking_verbs", linking_verbs()),
            ],
            true,
        );
        // Every bare-clause lemma is a lemma of the cue lexicon.
        for lemma in bare_clause_lemmas() {
            assert_eq!(verb(lemma).map(|v| v.lemma), Some(*lemma), "{lemma}");
        }
    }

    #[test]
    fn inflections_are_derived() {
        for form in [
            "say",
            "says",
            "said",
            "saying",
            "tells",
            "told",
            "telling",
            "added",
            "adds",
            "adding",
            "denies",
            "denied",
            "denying",
            "argues",
            "argued",
            "arguing",
            "admitted",
            "admitting",
            "tweeted",
            "replies",
            "replied",
            "testified",
            "stressed",
            "stresses",
            "wrote",
            "written",
            "writing",
            "quipped",
        ] {
            assert!(is_speech_verb(form), "{form}");
        }
        assert!(verb("believes").is_some_and(|v| v.class == VerbClass::Cognition));
        assert!(verb("described").is_some_and(|v| v.class == VerbClass::Characterizing));
        assert!(!is_speech_verb("calling"));
        assert!(verb("Thought").is_some());
        assert!(verb("table").is_none());
        assert!(verb("the").is_none());
        assert_eq!(verb("said").unwrap().lemma, "say");
    }

    /// The shape of an `-ing` form as written, whatever the word: the callers' tests of place
    /// and lexicon do the rest.
    #[test]
    fn words_ending_in_ing_are_told_by_their_ending() {
        for word in ["saying", "Calling", "referencing", "thing", "Beijing"] {
            assert!(ends_in_ing(word), "{word}");
        }
        for word in ["said", "SAYING", "ingot", "in", ""] {
            assert!(!ends_in_ing(word), "{word}");
        }
    }
}
