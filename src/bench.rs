//! Solution quality against best-known solutions: solve every instance with every seed, check
//! each plan independently, compare with the BKS, and summarise per instance class.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Issue, Result};
use crate::io::plan::Units;
use crate::io::{self, ReadOptions};
use crate::model::{ObjectiveKind, Problem};
use crate::solution::check::{StatedPlan, check};
use crate::solver::{SolverConfig, solve};

/// One best-known solution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bks {
    /// Vehicles (technicians) used, when known.
    pub vehicles: Option<u32>,
    /// The value the objective is compared on.
    pub value: f64,
}

/// One solve of one instance with one seed.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Instance name (the file stem).
    pub instance: String,
    /// Instance class (e.g. `R2`, `RC1`).
    pub class: String,
    /// Seed.
    pub seed: u64,
    /// Objective value, in displayed cost units.
    pub cost: f64,
    /// The value compared with the BKS (distance, duration or cost, by objective).
    pub value: f64,
    /// Technicians used.
    pub technicians: usize,
    /// Distance driven, in file units.
    pub distance: f64,
    /// Visits left out.
    pub unassigned: usize,
    /// The BKS, when known.
    pub bks: Option<Bks>,
    /// Gap of `value` to the BKS in percent.
    pub gap: Option<f64>,
    /// Wall-clock seconds of the solve.
    pub elapsed: f64,
    /// Whether the independent checker accepts the plan.
    pub feasible: bool,
    /// The solver's own gap to its proven bound (exact engine), if any.
    pub proof_gap: Option<f64>,
    /// Whether the solver proved the plan optimal.
    pub optimal: bool,
    /// Heuristic search iterations run (over all threads).
    pub iterations: u64,
    /// Routes the solve priced by segments, and how many of them it priced again through the
    /// reference schedule (see [`crate::solver::pricing_counts`]).
    pub priced: (u64, u64),
}

/// The problem files among `paths`: files as named, and the `.txt` and `.json` files of
/// directories whose content is in a known format (a directory's readme is skipped).
pub fn instance_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::Io {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.extension().is_some_and(|x| x == "txt" || x == "json")
                        && io::read_bytes(p).is_ok_and(|b| io::detect(&b).is_some())
                })
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    if files.is_empty() {
        return Err(Error::Usage(
            "no instance files (.txt or .json) found".into(),
        ));
    }
    Ok(files)
}

/// Reads a BKS table: a CSV with a header naming `instance` and the column `value_column`
/// (and optionally `vehicles`); quoted fields may hold commas.
pub fn read_bks(path: &Path, value_column: &str) -> Result<HashMap<String, Bks>> {
    let source = path.display().to_string();
    let bytes = io::read_bytes(path)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::invalid(
            &source,
            vec![Issue::new(
                "E110",
                format!("{source}:1"),
                "the file is not UTF-8 text",
                "save it as UTF-8",
            )],
        )
    })?;
    let mut lines = text.lines().enumerate();
    let header = lines.next().map(|(_, l)| csv_fields(l)).unwrap_or_default();
    let column = |name: &str| header.iter().position(|h| h.trim() == name);
    let missing = |name: &str| {
        Error::invalid(
            &source,
            vec![Issue::new(
                "E601",
                format!("{source}:1"),
                format!("the header has no `{name}` column"),
                "name the columns in the first line (instance, vehicles, distance, …)",
            )],
        )
    };
    let instance = column("instance").ok_or_else(|| missing("instance"))?;
    let value = column(value_column).ok_or_else(|| missing(value_column))?;
    let vehicles = column("vehicles");
    let mut table = HashMap::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields = csv_fields(line);
        let field = |k: usize| fields.get(k).map(|f| f.trim()).unwrap_or("");
        let parsed: Option<f64> = field(value).parse().ok().filter(|x: &f64| x.is_finite());
        let Some(v) = parsed else {
            if field(value).is_empty() {
                continue; // no known value for this instance
            }
            return Err(Error::invalid(
                &source,
                vec![Issue::new(
                    "E602",
                    format!("{source}:{}", n + 1),
                    format!("`{}` is not a number", field(value)),
                    format!("write the {value_column} as a decimal number"),
                )],
            ));
        };
        table.insert(
            field(instance).to_lowercase(),
            Bks {
                vehicles: vehicles.and_then(|k| field(k).parse().ok()),
                value: v,
            },
        );
    }
    Ok(table)
}

/// The fields of one CSV line (double quotes group, `""` is a quote).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// The BKS column an objective is compared on.
pub fn value_column(kind: ObjectiveKind) -> &'static str {
    match kind {
        ObjectiveKind::Distance | ObjectiveKind::Hierarchical => "distance",
        ObjectiveKind::Duration => "duration",
        ObjectiveKind::Native | ObjectiveKind::Outsourcing => "objective",
    }
}

/// The class of an instance: its leading letters and the digit after them (`RC2_10_1` → `RC2`).
pub fn class_of(name: &str) -> String {
    let upper = name.to_uppercase();
    let letters = upper
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let digit = upper[letters..]
        .chars()
        .next()
        .filter(|c| c.is_ascii_digit())
        .map_or(0, |_| 1);
    upper[..letters + digit].to_string()
}

/// Solves `problem` under `config` and measures the plan.
pub fn measure(
    problem: &Problem,
    name: &str,
    config: &SolverConfig,
    bks: Option<Bks>,
) -> Result<Row> {
    let before = crate::solver::pricing_counts();
    let solution = solve(problem, config)?;
    let after = crate::solver::pricing_counts();
    let stated = StatedPlan::from_solution(problem, &solution).map_err(|(r, v)| {
        Error::Solver(format!("internal error: route {r} is infeasible ({v:?})"))
    })?;
    let report = check(problem, &stated);
    let units = Units::new(problem);
    let k = &report.kpis;
    let value = match problem.objective.kind {
        ObjectiveKind::Distance | ObjectiveKind::Hierarchical => units.distance(k.distance),
        ObjectiveKind::Duration => units.duration(k.working_time),
        ObjectiveKind::Native | ObjectiveKind::Outsourcing => units.cost(k.cost.total()),
    };
    Ok(Row {
        instance: name.to_string(),
        class: class_of(name),
        seed: config.seed,
        cost: units.cost(k.cost.total()),
        value,
        technicians: k.technicians_used,
        distance: units.distance(k.distance),
        unassigned: k.visits_unassigned,
        bks,
        gap: bks
            .filter(|b| b.value > 0.0)
            .map(|b| 100.0 * (value - b.value) / b.value),
        elapsed: solution.solver.elapsed,
        feasible: report.is_feasible(),
        proof_gap: solution.solver.gap,
        optimal: solution.solver.optimal,
        iterations: solution.solver.iterations,
        priced: (after.0 - before.0, after.1 - before.1),
    })
}

/// Solves every file with seeds `1..=seeds`, calling `each` after every solve.
pub fn run(
    files: &[PathBuf],
    read: &ReadOptions,
    config: &SolverConfig,
    seeds: u64,
    bks: &HashMap<String, Bks>,
    mut each: impl FnMut(&Row),
) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for file in files {
        let problem = crate::solver::crews::with_crews(io::read_problem(file, read)?);
        let name = file
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        for seed in 1..=seeds {
            let config = SolverConfig {
                seed,
                ..config.clone()
            };
            let row = measure(
                &problem,
                &name,
                &config,
                bks.get(&name.to_lowercase()).copied(),
            )?;
            each(&row);
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The rows as CSV.
pub fn csv(rows: &[Row], config: &SolverConfig, objective: ObjectiveKind) -> String {
    let mut out = String::from(
        "instance,class,objective,seed,threads,time_limit,iterations,cost,value,technicians,distance,unassigned,bks_vehicles,bks_value,gap_percent,elapsed,feasible,proof_gap_percent,optimal,search_iterations,priced_routes,exact_checks\n",
    );
    let opt = |x: Option<String>| x.unwrap_or_default();
    for r in rows {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{:.4},{:.4},{},{:.4},{},{},{},{},{:.3},{},{},{},{},{},{}",
            crate::io::export::quoted(&r.instance),
            crate::io::export::quoted(&r.class),
            objective.name(),
            r.seed,
            config.threads,
            opt(config.time_limit.map(|t| t.to_string())),
            opt(config.iterations.map(|t| t.to_string())),
            r.cost,
            r.value,
            r.technicians,
            r.distance,
            r.unassigned,
            opt(r.bks.and_then(|b| b.vehicles).map(|v| v.to_string())),
            opt(r.bks.map(|b| b.value.to_string())),
            opt(r.gap.map(|g| format!("{g:.4}"))),
            r.elapsed,
            r.feasible,
            opt(r.proof_gap.map(|g| format!("{:.4}", 100.0 * g))),
            r.optimal,
            r.iterations,
            r.priced.0,
            r.priced.1
        );
    }
    out
}

/// A markdown summary per class and over all rows.
pub fn summary(rows: &[Row]) -> String {
    let mut classes: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in rows {
        classes.entry(r.class.as_str()).or_default().push(r);
    }
    let mut out = String::from(
        "| class | instances | runs | feasible | all served | proved optimal | mean gap % | max gap % | mean technicians | mean BKS technicians | technicians ≤ BKS | mean s | iterations/s | exact checks per 1000 priced |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    let all: Vec<&Row> = rows.iter().collect();
    for (class, group) in classes.iter().map(|(c, g)| (*c, g)).chain([("all", &all)]) {
        let n = group.len() as f64;
        let instances = group
            .iter()
            .map(|r| r.instance.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        let gaps: Vec<f64> = group.iter().filter_map(|r| r.gap).collect();
        let mean = |xs: &[f64]| {
            if xs.is_empty() {
                "–".to_string()
            } else {
                format!("{:.2}", xs.iter().sum::<f64>() / xs.len() as f64)
            }
        };
        let bks_techs: Vec<f64> = group
            .iter()
            .filter_map(|r| r.bks.and_then(|b| b.vehicles).map(f64::from))
            .collect();
        let techs: Vec<f64> = group.iter().map(|r| r.technicians as f64).collect();
        let at_bks = group
            .iter()
            .filter_map(|r| r.bks.and_then(|b| b.vehicles))
            .count();
        let within = group
            .iter()
            .filter(|r| {
                r.bks
                    .and_then(|b| b.vehicles)
                    .is_some_and(|v| r.technicians <= v as usize)
            })
            .count();
        let _ = writeln!(
            out,
            "| {class} | {instances} | {} | {}/{} | {}/{} | {}/{} | {} | {} | {} | {} | {within}/{at_bks} | {:.2} | {:.0} | {} |",
            group.len(),
            group.iter().filter(|r| r.feasible).count(),
            group.len(),
            group.iter().filter(|r| r.unassigned == 0).count(),
            group.len(),
            group.iter().filter(|r| r.optimal).count(),
            group.len(),
            mean(&gaps),
            gaps.iter()
                .copied()
                .reduce(f64::max)
                .map_or("–".to_string(), |g| format!("{g:.2}")),
            mean(&techs),
            mean(&bks_techs),
            group.iter().map(|r| r.elapsed).sum::<f64>() / n,
            group.iter().map(|r| r.iterations).sum::<u64>() as f64
                / group.iter().map(|r| r.elapsed).sum::<f64>().max(1e-9),
            match group.iter().map(|r| r.priced.0).sum::<u64>() {
                0 => "–".to_string(),
                priced => format!(
                    "{:.3}",
                    1000.0 * group.iter().map(|r| r.priced.1).sum::<u64>() as f64 / priced as f64
                ),
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_benchmark_names() {
        assert_eq!(class_of("RC2_10_1"), "RC2");
        assert_eq!(class_of("c1_2_3"), "C1");
        assert_eq!(class_of("R101"), "R1");
        assert_eq!(class_of("C101.100_25-5-5-5"), "C1");
        assert_eq!(class_of("city"), "CITY");
    }

    #[test]
    fn quoted_csv_fields_keep_their_commas() {
        assert_eq!(
            csv_fields(r#"c1_2_1,20,2704.5678,"a, b ""c""",9"#),
            vec!["c1_2_1", "20", "2704.5678", r#"a, b "c""#, "9"]
        );
    }

    /// A result row whose instance name holds a comma and a quote reads back as written.
    #[test]
    fn result_rows_quote_instance_names() {
        let row = Row {
            instance: r#"depot "north", day 2"#.into(),
            class: "d".into(),
            seed: 1,
            cost: 1.0,
            value: 1.0,
            technicians: 1,
            distance: 1.0,
            unassigned: 0,
            bks: None,
            gap: None,
            elapsed: 0.5,
            feasible: true,
            proof_gap: None,
            optimal: false,
            iterations: 10,
            priced: (100, 1),
        };
        let text = csv(&[row], &SolverConfig::default(), ObjectiveKind::Native);
        let line = text.lines().nth(1).expect("a row");
        let fields = csv_fields(line);
        assert_eq!(
            fields.len(),
            text.lines().next().expect("a header").split(',').count()
        );
        assert_eq!(fields[0], r#"depot "north", day 2"#);
    }
}
