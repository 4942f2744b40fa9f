//! Kovacs et al. (2012) STRSP files: a tasks file (Solomon customers with a skill-level
//! requirement matrix: `d_sl` technicians with level `l` or above in domain `s`) and a
//! technicians file (a level per skill domain).
//!
//! Technicians start and end at the depot. Every task may be outsourced at
//! 200 + (Σ d_sl)^1.5, as in the published results; capacity and the file's cost column are
//! not used. Objective `outsourcing`: distance plus outsourcing costs.
//!
//! In the `Team` files a task may need several technicians. The reader leaves every technician
//! alone; crews are formed when solving starts ([`crate::solver::crews::with_crews`]) and a
//! crew's distance is charged once per member, as each member travels it
//! (`Objective::distance_per_member`). A plan lists each crew's members, from which `check`
//! rebuilds the crews ([`crate::io::plan::with_plan_crews`]).

use std::path::{Path, PathBuf};

use crate::error::{Error, Issue, Result};
use crate::model::{
    Objective, ObjectiveKind, Problem, Rate, Requirement, Shift, Skill, SkillIdx, Window,
};

use super::bench::{self, BenchExtra, Node};
use super::native::MAX_CREW;
use super::text::{TextFile, decode, ticks, ticks_down, ticks_up};

/// Ticks per unit (double precision kept to 10^-4).
pub const SCALE: i64 = 10_000;

/// The technicians file that belongs to a tasks file by the data set's naming:
/// `…/tasks_noTeam/C101_5x4_noTeam.txt` → `…/technicians_noTeam/technicians_C101_5x4_noTeam.txt`,
/// `…/tasks_Team/C101_5x4_Team.txt` → `…/technicians_Team/technicians_5x4_Team.txt` (one pool
/// per skill matrix).
pub fn technicians_path(tasks: &Path) -> PathBuf {
    let stem = tasks
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = tasks
        .parent()
        .and_then(Path::parent)
        .unwrap_or(Path::new("."));
    match stem.strip_suffix("_Team.txt") {
        Some(base) => {
            let matrix = base.rsplit('_').next().unwrap_or(base);
            dir.join("technicians_Team")
                .join(format!("technicians_{matrix}_Team.txt"))
        }
        None => dir
            .join("technicians_noTeam")
            .join(format!("technicians_{stem}")),
    }
}

struct Crew {
    domains: usize,
    levels: usize,
    techs: Vec<(String, Vec<u8>)>,
}

fn header_value(file: &TextFile<'_>, idx: usize, what: &str) -> std::result::Result<usize, Issue> {
    let line = file.lines.get(idx).ok_or_else(|| {
        Issue::new(
            "E111",
            file.at_end(),
            format!("no `{what}` line"),
            "the file is truncated",
        )
    })?;
    let value: usize = file.number(line, line.tokens.len() - 1, what)?;
    if value == 0 || value > 10_000 {
        return Err(file.issue(
            "E304",
            line,
            format!("{what} {value} is out of range"),
            "use 1 to 10 000",
        ));
    }
    Ok(value)
}

fn parse_crew(file: &TextFile<'_>) -> std::result::Result<Crew, Issue> {
    let first = file.find(0, "Number")?;
    let count = header_value(file, first, "number of technicians")?;
    let domains = header_value(file, first + 1, "domains")?;
    let levels = header_value(file, first + 2, "proficiency level")?;
    if domains > 64 || levels > 9 {
        return Err(Issue::new(
            "E304",
            file.at_end(),
            "more than 64 domains or 9 levels",
            "this reader handles up to 64 × 9",
        ));
    }
    let rows = &file.lines[(first + 4).min(file.lines.len())..];
    if rows.len() != count {
        return Err(Issue::new(
            "E111",
            file.at_end(),
            format!("{} technician rows where {count} are declared", rows.len()),
            "the file is truncated or the count is wrong",
        ));
    }
    let techs = rows
        .iter()
        .map(|line| {
            if line.tokens.len() != domains + 1 {
                return Err(file.issue(
                    "E112",
                    line,
                    format!(
                        "{} columns where id and {domains} levels are needed",
                        line.tokens.len()
                    ),
                    "id level_1 … level_S",
                ));
            }
            let id: u32 = file.number(line, 0, "technician id")?;
            let lv = (1..=domains)
                .map(|k| {
                    file.number::<u8>(line, k, "level").and_then(|l| {
                        if l as usize <= levels {
                            Ok(l)
                        } else {
                            Err(file.issue(
                                "E305",
                                line,
                                format!("level {l} above {levels}"),
                                "levels run from 0 to the declared proficiency level",
                            ))
                        }
                    })
                })
                .collect::<std::result::Result<Vec<_>, _>>()?;
            Ok((id.to_string(), lv))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(Crew {
        domains,
        levels,
        techs,
    })
}

/// Reads a tasks file and its technicians file.
pub fn read(bytes: &[u8], source: &str, technicians: &[u8], tech_source: &str) -> Result<Problem> {
    let tech_text = decode(technicians, tech_source)?;
    let crew = parse_crew(&TextFile::new(tech_text, tech_source))
        .map_err(|i| Error::invalid(tech_source, vec![i]))?;
    let text = decode(bytes, source)?;
    let file = TextFile::new(text, source);
    parse(&file, crew).map_err(|issue| Error::invalid(source, vec![issue]))
}

fn parse(file: &TextFile<'_>, crew: Crew) -> std::result::Result<Problem, Issue> {
    let name = file
        .source
        .rsplit('/')
        .next()
        .unwrap_or(file.source)
        .trim_end_matches(".txt")
        .to_string();
    let cap = file.find(0, "Capacity:")?;
    let declared = header_value(file, cap + 1, "customer count")?;
    let rows = &file.lines[(cap + 3).min(file.lines.len())..];
    if rows.len() != declared {
        return Err(Issue::new(
            "E111",
            file.at_end(),
            format!("{} task rows where {declared} are declared", rows.len()),
            "the file is truncated or the count is wrong",
        ));
    }
    let width = 8 + crew.domains * crew.levels;
    let mut nodes = Vec::with_capacity(rows.len());
    let mut extra = BenchExtra {
        skills: (1..=crew.domains)
            .map(|s| Skill {
                name: format!("domain{s}"),
            })
            .collect(),
        ..BenchExtra::default()
    };
    for (k, line) in rows.iter().enumerate() {
        if line.tokens.len() != width {
            return Err(file.issue(
                "E112",
                line,
                format!(
                    "{} columns where {width} are needed for {}×{} skills",
                    line.tokens.len(),
                    crew.domains,
                    crew.levels
                ),
                "check that the technicians file belongs to this tasks file",
            ));
        }
        let id: u32 = file.number(line, 0, "id")?;
        let (ready, due, service) = (
            file.real(line, 4, "ready time")?,
            file.real(line, 5, "due date")?,
            file.real(line, 6, "service time")?,
        );
        if due < ready || service < 0.0 {
            return Err(file.issue(
                "E303",
                line,
                "the due date is before the ready time, or the service time is negative",
                "fix the row",
            ));
        }
        let mut need: Vec<Requirement> = Vec::new();
        let mut sum = 0i64;
        for s in 0..crew.domains {
            for l in 0..crew.levels {
                let d: u8 = file.number(line, 8 + s * crew.levels + l, "requirement")?;
                if d > MAX_CREW {
                    return Err(file.issue(
                        "E304",
                        line,
                        format!("a task needs {d} technicians"),
                        "requirements count technicians: 0 to 50",
                    ));
                }
                if d > 0 {
                    // Technicians at a higher level count at the lower ones too.
                    need.retain(|r| !(r.skill.get() == s && r.count <= d));
                    need.push(Requirement {
                        skill: SkillIdx(s as u32),
                        level: l as u8 + 1,
                        count: d,
                    });
                }
                sum += i64::from(d);
            }
        }
        if k > 0 {
            extra.requires.push(need);
            let outsourcing = 200.0 + (sum as f64).powf(1.5);
            extra.penalties.push(Some(ticks(outsourcing, SCALE)));
        }
        nodes.push(Node {
            id: id.to_string(),
            at: (file.real(line, 1, "x")?, file.real(line, 2, "y")?),
            line: file.at(line),
            window: Window {
                start: ticks_up(ready, SCALE),
                end: ticks_down(due, SCALE),
            },
            duration: ticks_up(service, SCALE),
            demand: 0,
        });
    }
    let (depot, customers) = bench::split_depot(&nodes, file.at_end())?;
    let shift = Shift::new(depot.window.start, depot.window.end);
    let techs = crew
        .techs
        .into_iter()
        .map(|(id, levels)| {
            let mut t = bench::technician(id, shift, None, 0);
            t.levels = levels;
            t
        })
        .collect();
    let objective = Objective {
        kind: ObjectiveKind::Outsourcing,
        distance: Rate::new(1, 1),
        unassigned: bench::UNASSIGNED_COST,
        cost_scale: SCALE,
        distance_per_member: true,
    };
    bench::assemble(
        name, depot, customers, techs, extra, objective, SCALE, false,
    )
}
