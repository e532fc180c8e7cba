//! Turning `field=value` words from the command line into the store's form pairs; the store
//! parses each value for its field.

use odop_domain::Invalid;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum FieldError {
    #[error("expected field=value, got {0:?}")]
    Pair(String),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A word given to an option, named by the option so that a long command line points at it.
    #[error("--{flag}: {source}")]
    Flag {
        flag: &'static str,
        #[source]
        source: Invalid,
    },
}

impl FieldError {
    pub fn code(&self) -> &'static str {
        "invalid"
    }
}

/// Names the option whose word was refused.
pub fn at(flag: &'static str) -> impl Fn(Invalid) -> FieldError {
    move |source| FieldError::Flag { flag, source }
}

/// Splits each `field=value` word at its first `=`.
pub fn pairs(words: &[String]) -> Result<Vec<(String, String)>, FieldError> {
    words
        .iter()
        .map(|w| {
            w.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .ok_or_else(|| FieldError::Pair(w.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_the_first_equals_sign() {
        let words = vec!["name=a=b".to_owned(), "district=187".to_owned()];
        assert_eq!(
            pairs(&words).unwrap(),
            [
                ("name".to_owned(), "a=b".to_owned()),
                ("district".to_owned(), "187".to_owned())
            ]
        );
        let err = pairs(&["district".to_owned()]).unwrap_err();
        assert!(err.to_string().contains("field=value"));
    }
}
