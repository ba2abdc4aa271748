//! Word lists kept as data files beside the module that uses them (`src/quotes/lexicon/*.txt`,
//! `src/text/abbreviations.txt`, `src/clean/*.txt`), compiled in with `include_str!` and parsed
//! once on first use.
//!
//! File format, shared by all lists: UTF-8, one entry per line; leading and trailing white space
//! is trimmed; blank lines and lines starting with `#` are skipped. An entry written between
//! double quotes (`"share on "`) is taken literally, for the rare entry whose edge white space
//! matters. Each file's header says what the list is for and how it is matched (case, whole word
//! or prefix); the lists keep their file order.

/// The entries of a list file, in file order.
pub fn parse(source: &'static str) -> Vec<&'static str> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            line.strip_prefix('"')
                .and_then(|l| l.strip_suffix('"'))
                .unwrap_or(line)
        })
        .collect()
}

/// The entries of a two-column list file (`key value` per line), in file order.
pub fn parse_pairs(source: &'static str) -> Vec<(&'static str, &'static str)> {
    parse(source)
        .into_iter()
        .map(|line| {
            let (key, value) = line
                .split_once(char::is_whitespace)
                .unwrap_or_else(|| panic!("lexicon line {line:?} needs two columns"));
            (key, value.trim())
        })
        .collect()
}

/// Declares `fn NAME() -> &'static [&'static str]`: the word list in a data file (a path
/// relative to the calling source file, as with `include_str!`), parsed once on first use.
macro_rules! word_list {
    ($(#[$meta:meta])* $vis:vis fn $name:ident = $path:literal;) => {
        $(#[$meta])*
        $vis fn $name() -> &'static [&'static str] {
            static LIST: ::std::sync::OnceLock<Vec<&'static str>> = ::std::sync::OnceLock::new();
            LIST.get_or_init(|| $crate::lexicon::parse(include_str!($path)))
        }
    };
}

pub(crate) use word_list;

/// Test helper: every list loads, is non-empty, has no blank entry and, where `lower`, is all
/// lower case (a list matched against lower-cased words could never match an entry with a
/// capital).
#[cfg(test)]
pub(crate) fn check_lists(lists: &[(&str, &[&str])], lower: bool) {
    for (name, list) in lists {
        assert!(!list.is_empty(), "{name} is empty");
        for entry in *list {
            assert!(!entry.trim().is_empty(), "{name} has a blank entry");
            if lower {
                assert_eq!(
                    *entry,
                    entry.to_lowercase(),
                    "{name}: {entry:?} is not lower case"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comments_blanks_and_quotes() {
        let src = "# header\n\n  one \ntwo words\n\"trailing \"\n# more\nit’s\n";
        assert_eq!(parse(src), ["one", "two words", "trailing ", "it’s"]);
        assert_eq!(
            parse_pairs("# x\nsen senator\ndr  doctor\n"),
            [("sen", "senator"), ("dr", "doctor")]
        );
    }
}
