//! A person's gender as the text says it, for pronouns (`she` after Mary Jones) and honorifics
//! (`Mrs. Parker` beside John and Mary Parker): a common given name of one gender, or `Mr.`,
//! `Mrs.`, `Ms.`. Nothing said: no gender, rather than a guess.

use crate::lexicon::word_list;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Male,
    Female,
}

word_list! {
    /// Given names read as a woman's, without a title to say so.
    fn female_first_names = "first_names_female.txt";
}
word_list! {
    /// Given names read as a man's, without a title to say so.
    fn male_first_names = "first_names_male.txt";
}

/// The gender a person's given name says, when it is a common one given to one gender: so that
/// `Peter Brown met Mary Jones. "…," she said.` goes to Jones (it went to the last person
/// quoted, Brown, for want of a `Ms.`).
pub(crate) fn gender_of_first_name(name: &str) -> Option<Gender> {
    let first = name.split_whitespace().next()?.to_lowercase();
    if female_first_names().contains(&first.as_str()) {
        Some(Gender::Female)
    } else if male_first_names().contains(&first.as_str()) {
        Some(Gender::Male)
    } else {
        None
    }
}

/// The gender an honorific says ("Mr.", "Mrs", "Ms.", "Sir"), any case, dot or none.
pub(crate) fn gender_of_honorific(word: &str) -> Option<Gender> {
    match word.trim_end_matches('.').to_lowercase().as_str() {
        "mr" | "sir" => Some(Gender::Male),
        "mrs" | "ms" | "miss" | "madam" | "dame" => Some(Gender::Female),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_load_and_say_genders() {
        crate::lexicon::check_lists(
            &[
                ("female_first_names", female_first_names()),
                ("male_first_names", male_first_names()),
            ],
            true,
        );
        assert_eq!(gender_of_first_name("Mary Jones"), Some(Gender::Female));
        assert_eq!(gender_of_first_name("Peter Brown"), Some(Gender::Male));
        assert_eq!(gender_of_honorific("MRS."), Some(Gender::Female));
        assert_eq!(gender_of_honorific("Dr."), None);
    }
}
