//! Errors of the library and the issues found when validating input.

use std::fmt;

/// One problem found in an input: a stable code, where it is, what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    /// Stable code, e.g. `E201` (see the README's table).
    pub code: &'static str,
    /// Where: a JSON path (`$.visits[3].site`) or `file:line` for text formats.
    pub location: String,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: String,
}

impl Issue {
    /// A new issue.
    pub fn new(
        code: &'static str,
        location: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Issue {
            code,
            location: location.into(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.code, self.location, self.message)?;
        if !self.hint.is_empty() {
            write!(f, " (hint: {})", self.hint)?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is invalid; every issue found is listed.
    #[error("invalid input {source_name}: {} issue(s)\n{}", issues.len(), list(issues))]
    Invalid {
        /// The file (or other source) that was read.
        source_name: String,
        /// Every problem found, in input order.
        issues: Vec<Issue>,
    },
    /// A file could not be read or written.
    #[error("{path}: {message}")]
    Io {
        /// The path concerned.
        path: String,
        /// What the operating system said.
        message: String,
    },
    /// A request that the library cannot honour as asked (bad option combination).
    #[error("{0}")]
    Usage(String),
    /// The solver could not produce a plan.
    #[error("solver failed: {0}")]
    Solver(String),
    /// A bug: something the library itself should never produce.
    #[error("internal error (a bug; please report it with the input): {0}")]
    Internal(String),
}

fn list(issues: &[Issue]) -> String {
    issues
        .iter()
        .map(|i| format!("  {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// Invalid input from one source with these issues.
    pub fn invalid(source_name: impl Into<String>, issues: Vec<Issue>) -> Self {
        Error::Invalid {
            source_name: source_name.into(),
            issues,
        }
    }

    /// The process exit code for this error: 1 usage, 2 invalid input, 3 solver failure,
    /// 4 internal error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 1,
            Error::Invalid { .. } | Error::Io { .. } => 2,
            Error::Solver(_) => 3,
            Error::Internal(_) => 4,
        }
    }
}

/// Result with the library's error.
pub type Result<T> = std::result::Result<T, Error>;
