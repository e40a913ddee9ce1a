//! Why a rule set could not be loaded: always the file and the JSON path, and where it helps the
//! position inside an expression and the nearest valid name.

use crate::expr::ExprError;

/// A rule set that cannot be loaded, and exactly where and why.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file or folder could not be read.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// A file is not valid JSON, or not of the rule-set format.
    #[error("{file}:{line}:{column}: at {json_path}: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        json_path: String,
        message: String,
    },
    /// The JSON has the right shape but says something wrong.
    #[error("{file}: at {json_path}: {message}{}", help.as_ref().map(|h| format!(" ({h})")).unwrap_or_default())]
    Invalid {
        file: String,
        json_path: String,
        message: String,
        help: Option<String>,
    },
    /// An expression does not parse or type-check.
    #[error("{file}: at {json_path}: in {expr:?} {error}")]
    Expr {
        file: String,
        json_path: String,
        expr: String,
        error: Box<ExprError>,
    },
    /// No version of an authority's rule set is in force on the date (or none is there).
    #[error("{folder}: {message}")]
    Versions { folder: String, message: String },
    /// Two versions of an authority's rule set are in force on the same day.
    #[error("{folder}: {message}")]
    Overlap { folder: String, message: String },
    /// The rule set is not in force on the evaluation date.
    #[error("{id} version {version} is in force {span}, not on {on}")]
    NotInForce {
        id: String,
        version: String,
        span: String,
        on: crate::Date,
    },
}

/// Where in the rule set something was written: a file and a JSON path inside it.
#[derive(Debug, Clone)]
pub struct At {
    pub file: String,
    pub json_path: String,
}

impl At {
    /// The root of a file (`$`), or a sub-tree of a bundle such as `$.families[1]`.
    pub fn new(file: &str, json_path: &str) -> At {
        At {
            file: file.to_string(),
            json_path: json_path.to_string(),
        }
    }

    /// A path below this one: `at.join(".steps[2]")`.
    pub fn join(&self, suffix: &str) -> At {
        At {
            file: self.file.clone(),
            json_path: format!("{}{}", self.json_path, suffix),
        }
    }

    /// An `Invalid` error here.
    pub fn invalid(&self, message: impl Into<String>) -> LoadError {
        LoadError::Invalid {
            file: self.file.clone(),
            json_path: self.json_path.clone(),
            message: message.into(),
            help: None,
        }
    }

    /// An `Invalid` error here with a hint.
    pub fn invalid_with(&self, message: impl Into<String>, help: Option<String>) -> LoadError {
        LoadError::Invalid {
            file: self.file.clone(),
            json_path: self.json_path.clone(),
            message: message.into(),
            help,
        }
    }

    /// An expression error here.
    pub fn expr(&self, expr: &str, error: ExprError) -> LoadError {
        LoadError::Expr {
            file: self.file.clone(),
            json_path: self.json_path.clone(),
            expr: expr.to_string(),
            error: Box::new(error),
        }
    }
}
