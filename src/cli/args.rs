//! Readers of argument values whose mistakes clap would otherwise report in its own, less
//! helpful words: `--top -1` as an unknown option, a year after `--method` as a missing year.

/// `--min AMOUNT` and `--top N`: which parties owing money a list or a run of letters takes.
#[derive(Debug, clap::Args)]
pub(super) struct SelectionArgs {
    /// Only parties owing at least this amount in all (in the book currency), e.g. the
    /// major donors
    #[arg(long, value_name = "AMOUNT")]
    min: Option<String>,
    /// Only the N parties owing most
    #[arg(
        long,
        value_name = "N",
        allow_negative_numbers = true,
        value_parser = top
    )]
    top: Option<usize>,
}

impl SelectionArgs {
    /// The selection, with `--min` read as an amount.
    pub(super) fn selection(
        &self,
        book: crate::money::Currency,
    ) -> anyhow::Result<crate::reports::outstanding::Selection> {
        crate::app::collection::selection(self.min.as_deref(), self.top, book)
    }
}

/// Reads `--top N`: a whole number of at least 1. The argument lets negative numbers reach
/// this reader, so that `--top -1` is told what is wanted.
pub(super) fn top(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(top) if top >= 1 => Ok(top),
        _ => Err("--top must be a whole number of at least 1".to_string()),
    }
}

/// Reads one value of `--method METHOD [FILE]`. `--method` takes a second value for `fixed
/// FILE`, so in `assess --method adjusted-scale 2017` clap would take the year for a file and
/// then say the year is missing; a value that is a number is refused with the right order.
pub(super) fn method_value(text: &str) -> Result<String, String> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "a year goes before --method, e.g. `isu-ledger assess {text} --method \
             adjusted-scale --scale NAME` (only `--method fixed FILE` takes a second value)"
        ));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_is_a_whole_number_of_at_least_one() {
        assert_eq!(top("1"), Ok(1));
        assert_eq!(top("25"), Ok(25));
        for bad in ["0", "-1", "x", "1.5", ""] {
            assert_eq!(
                top(bad),
                Err("--top must be a whole number of at least 1".to_string()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_year_is_not_a_method_or_its_file() {
        assert_eq!(method_value("equal"), Ok("equal".to_string()));
        assert_eq!(
            method_value("fixed-2017.csv"),
            Ok("fixed-2017.csv".to_string())
        );
        let error = method_value("2017").unwrap_err();
        assert!(error.contains("isu-ledger assess 2017 --method"), "{error}");
    }
}
