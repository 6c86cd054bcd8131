//! What every correction carries: a reason, one line of text kept with the history it
//! corrects (a rate recorded in error, a budget version withdrawn).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReasonError {
    #[error("a correction needs a reason (--reason), e.g. the error it mends")]
    ReasonEmpty,
    #[error("the reason must be one line of text, without tabs or line breaks")]
    ReasonNotOneLine,
    #[error("the reason is {length} characters long; at most {max} are kept")]
    ReasonTooLong { length: usize, max: usize },
}

/// The longest reason a correction keeps, in characters.
pub const REASON_LENGTH_MAX: usize = 500;

/// The reason for a correction, trimmed: one line of text, not empty, not overlong.
pub fn reason(text: &str) -> Result<String, ReasonError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ReasonError::ReasonEmpty);
    }
    if text.chars().any(char::is_control) {
        return Err(ReasonError::ReasonNotOneLine);
    }
    let length = text.chars().count();
    if length > REASON_LENGTH_MAX {
        return Err(ReasonError::ReasonTooLong {
            length,
            max: REASON_LENGTH_MAX,
        });
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_one_line_of_text_not_empty_nor_overlong() {
        assert_eq!(reason("  typo "), Ok("typo".to_string()));
        assert_eq!(reason(" "), Err(ReasonError::ReasonEmpty));
        assert_eq!(reason("a\nb"), Err(ReasonError::ReasonNotOneLine));
        assert_eq!(reason("a\tb"), Err(ReasonError::ReasonNotOneLine));
        assert!(reason(&"x".repeat(REASON_LENGTH_MAX)).is_ok());
        assert!(matches!(
            reason(&"x".repeat(REASON_LENGTH_MAX + 1)),
            Err(ReasonError::ReasonTooLong { .. })
        ));
    }
}
