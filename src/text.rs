//! Wording shared by every layer: a count with its noun in the right number, the excerpt of a
//! user's text that a message may quote, and the check that keeps free text on one line.
//! No business rules here; every other module may use it.

use std::fmt::Write as _;

/// The most characters of a user's text that a message quotes; longer text is cut.
pub const EXCERPT_CHARS_MAX: usize = 60;

/// A count with its noun in the right number: `1 entry`, `2 entries`, `0 entries`. Takes
/// any integer (a `usize` length, an `i64` from the database) as it is displayed.
pub fn count(n: impl std::fmt::Display, singular: &str, plural: &str) -> String {
    let n = n.to_string();
    let noun = if n == "1" { singular } else { plural };
    format!("{n} {noun}")
}

/// What a message may quote of a user's text: at most [`EXCERPT_CHARS_MAX`] characters, then
/// `…` when there was more, with control characters written as escapes (`\n`, `\t`) so that
/// the message stays on one line.
pub fn excerpt(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(4 * EXCERPT_CHARS_MAX));
    for (index, c) in text.chars().enumerate() {
        if index == EXCERPT_CHARS_MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            let _ = write!(out, "{}", c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The first control character (line break, tab, ...) of a text, if any. Free text such as
/// a description, a memo, a reason or a name is shown in table rows and letters, one line
/// each, so it must not hold any.
pub fn control_character(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control())
}

/// How a message names a control character: `a line break`, `a tab`, `control character U+0007`.
pub fn describe_control(c: char) -> String {
    match c {
        '\n' | '\r' | '\u{85}' => "a line break".to_string(),
        '\t' => "a tab".to_string(),
        other => format!("control character U+{:04X}", u32::from(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_one_takes_the_singular() {
        assert_eq!(count(1u32, "entry", "entries"), "1 entry");
        assert_eq!(count(0usize, "entry", "entries"), "0 entries");
        assert_eq!(count(2i64, "row", "rows"), "2 rows");
        assert_eq!(count(-1i64, "day", "days"), "-1 days");
        assert_eq!(count(11u64, "letter", "letters"), "11 letters");
    }

    #[test]
    fn an_excerpt_is_cut_after_sixty_characters() {
        assert_eq!(excerpt("R-17"), "R-17");
        let exact = "x".repeat(EXCERPT_CHARS_MAX);
        assert_eq!(excerpt(&exact), exact);
        let long = "é".repeat(20_000);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS_MAX + 1);
        assert!(cut.ends_with("é…"), "{cut}");
    }

    #[test]
    fn an_excerpt_stays_on_one_line() {
        assert_eq!(excerpt("a\nb\tc"), "a\\nb\\tc");
    }

    #[test]
    fn control_characters_are_found_and_named() {
        assert_eq!(control_character("Paid in full"), None);
        assert_eq!(control_character("Côte d'Ivoire"), None);
        assert_eq!(control_character("two\nlines"), Some('\n'));
        assert_eq!(describe_control('\n'), "a line break");
        assert_eq!(describe_control('\r'), "a line break");
        assert_eq!(describe_control('\t'), "a tab");
        assert_eq!(describe_control('\u{7}'), "control character U+0007");
    }
}
