//! Everything that touches a wire format: the native JSON, benchmark readers, plans.

mod bench;
pub mod export;
pub mod native;
pub mod plan;
pub mod report;
pub mod roads;
pub mod solomon;
mod straight;
pub mod strsp;
mod suggest;
mod text;
pub mod time;
pub mod trsp;

use std::path::{Path, PathBuf};

use crate::error::{Error, Issue, Result};
use crate::model::{ObjectiveKind, Problem};

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Guess from the content.
    Auto,
    /// The native JSON format.
    Json,
    /// Solomon / Gehring–Homberger VRPTW text.
    Solomon,
    /// Pillac et al. TRSP text.
    Trsp,
    /// Kovacs et al. STRSP text (noTeam and Team).
    Strsp,
}

/// Objective presets selectable on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectiveChoice {
    /// The format's own objective (field-service costs for JSON, hierarchical for Solomon,
    /// duration for TRSP, distance plus outsourcing for STRSP).
    Native,
    /// Fewest technicians, then distance.
    Hierarchical,
    /// Distance only (Solomon: each edge truncated to one decimal).
    Distance,
    /// Total working duration (TRSP).
    Duration,
}

/// How to read a problem.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The format, or `Auto`.
    pub format: Format,
    /// The objective preset.
    pub objective: ObjectiveChoice,
    /// The STRSP technicians file, if not found by the data set's naming.
    pub technicians: Option<PathBuf>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: Format::Auto,
            objective: ObjectiveChoice::Native,
            technicians: None,
        }
    }
}

/// Largest input file read.
const MAX_FILE: u64 = 1 << 30;

/// Reads a whole file, refusing ones over 1 GiB.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let len = std::fs::metadata(path).map_err(io)?.len();
    if len > MAX_FILE {
        return Err(Error::invalid(
            path.display().to_string(),
            vec![Issue::new(
                "E100",
                path.display().to_string(),
                "the file is larger than 1 GiB",
                "split the problem",
            )],
        ));
    }
    std::fs::read(path).map_err(io)
}

/// Guesses the format of a file from its first bytes.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let trimmed = head.trim_start();
    if trimmed.starts_with('{') {
        Some(Format::Json)
    } else if head.contains("CREW COUNT") || head.contains("DEPOT TECHNICIANS") {
        Some(Format::Trsp)
    } else if trimmed.starts_with("Capacity:") {
        Some(Format::Strsp)
    } else if head.contains("VEHICLE") && head.contains("CUSTOMER") {
        Some(Format::Solomon)
    } else {
        None
    }
}

/// The objective a format is read with, or a usage error for a combination that has no meaning.
fn objective_for(format: Format, choice: ObjectiveChoice) -> Result<ObjectiveKind> {
    use ObjectiveChoice as C;
    match (format, choice) {
        (Format::Json, C::Native) => Ok(ObjectiveKind::Native),
        (Format::Solomon, C::Native | C::Hierarchical) => Ok(ObjectiveKind::Hierarchical),
        (Format::Solomon | Format::Trsp, C::Distance) => Ok(ObjectiveKind::Distance),
        (Format::Trsp, C::Native | C::Duration) => Ok(ObjectiveKind::Duration),
        (Format::Strsp, C::Native) => Ok(ObjectiveKind::Outsourcing),
        _ => Err(Error::Usage(format!(
            "objective {choice:?} does not apply to the {format:?} format (json: native; solomon: hierarchical, distance; trsp: duration, distance; strsp: native)"
        ))),
    }
}

/// Parses a JSON document of type `T` (`source` names it in errors, `hint` says its shape).
pub fn json_document<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    source: &str,
    hint: &str,
) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        let code = if e.is_data() { "E106" } else { "E101" };
        Error::invalid(
            source,
            vec![Issue::new(
                code,
                format!("{source}:{}:{}", e.line(), e.column()),
                e.to_string(),
                hint,
            )],
        )
    })
}

/// Reads a native problem file, with a road network file beside it if it names one.
pub fn read_native(path: &Path) -> Result<native::ProblemDto> {
    let bytes = read_bytes(path)?;
    native_beside(&bytes, &path.display().to_string(), path)
}

/// Parses a native problem read from `path`, and the road network file it names.
fn native_beside(bytes: &[u8], source: &str, path: &Path) -> Result<native::ProblemDto> {
    let mut dto = native::parse(bytes, source)?;
    let travel = &mut dto.travel;
    if let (Some(file), None) = (&travel.network_file, &travel.network) {
        let at = path.parent().unwrap_or(Path::new(".")).join(file);
        let network = roads::parse(&read_bytes(&at)?, &at.display().to_string())?;
        travel.network = Some(network);
    }
    Ok(dto)
}

/// Reads a problem from a file.
pub fn read_problem(path: &Path, options: &ReadOptions) -> Result<Problem> {
    let bytes = read_bytes(path)?;
    let source = path.display().to_string();
    let format = match options.format {
        Format::Auto => detect(&bytes).ok_or_else(|| {
            Error::invalid(
                &source,
                vec![Issue::new(
                    "E109",
                    format!("{source}:1"),
                    "cannot tell the format of the file",
                    "name it with --format json|solomon|trsp|strsp",
                )],
            )
        })?,
        f => f,
    };
    let objective = objective_for(format, options.objective)?;
    match format {
        Format::Json | Format::Auto => {
            native::to_problem(&native_beside(&bytes, &source, path)?, &source)
        }
        Format::Solomon => solomon::read(&bytes, &source, objective),
        Format::Trsp => trsp::read(&bytes, &source, objective),
        Format::Strsp => {
            let techs = options
                .technicians
                .clone()
                .unwrap_or_else(|| strsp::technicians_path(path));
            let tech_bytes = read_bytes(&techs)?;
            strsp::read(&bytes, &source, &tech_bytes, &techs.display().to_string())
        }
    }
}
