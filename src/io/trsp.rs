//! Pillac et al. (2013) TRSP text files: technicians with homes, skills, tools and spare parts;
//! requests needing a skill, tools and parts; a depot where technicians restock.
//!
//! Objective `duration`: total working time of the technicians, home to home.

use crate::error::{Error, Issue, Result};
use crate::model::{
    LocIdx, MAX_PART_TYPES, MAX_TOOLS, Objective, ObjectiveKind, Problem, Rate, Requirement, Shift,
    Skill, SkillIdx, Window,
};

use super::bench::{self, BenchExtra, Node};
use super::text::{Line, TextFile, decode, ticks_down, ticks_up};

/// Ticks per unit (double precision kept to 10^-4).
pub const SCALE: i64 = 10_000;

/// Reads a TRSP file under `objective` (duration or distance).
pub fn read(bytes: &[u8], source: &str, objective: ObjectiveKind) -> Result<Problem> {
    let text = decode(bytes, source)?;
    let file = TextFile::new(text, source);
    parse(&file, objective).map_err(|issue| Error::invalid(source, vec![issue]))
}

fn list(
    file: &TextFile<'_>,
    line: &Line<'_>,
    k: usize,
    what: &str,
) -> std::result::Result<Vec<i64>, Issue> {
    let tok = line.tokens.get(k).ok_or_else(|| {
        file.issue(
            "E112",
            line,
            format!("missing {what} list"),
            "write [] for an empty list",
        )
    })?;
    let inner = tok
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .ok_or_else(|| {
            file.issue(
                "E113",
                line,
                format!("{what} `{tok}` is not a [a,b,…] list"),
                "write lists without spaces, e.g. [0,2]",
            )
        })?;
    if inner.is_empty() {
        return Ok(Vec::new());
    }
    inner
        .split(',')
        .map(|x| {
            x.parse::<i64>()
                .ok()
                .filter(|&x| (0..=1_000_000).contains(&x))
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| {
            file.issue(
                "E113",
                line,
                format!("{what} `{tok}` holds something other than numbers 0 to 10^6"),
                "write whole numbers",
            )
        })
}

fn bits(
    file: &TextFile<'_>,
    line: &Line<'_>,
    ids: &[i64],
    limit: i64,
    what: &str,
) -> std::result::Result<u64, Issue> {
    ids.iter().try_fold(0u64, |acc, &id| {
        if id < limit {
            Ok(acc | 1 << id)
        } else {
            Err(file.issue(
                "E202",
                line,
                format!("{what} {id} is not below the declared count {limit}"),
                "use ids 0 to count − 1",
            ))
        }
    })
}

fn parse(file: &TextFile<'_>, objective: ObjectiveKind) -> std::result::Result<Problem, Issue> {
    let name = file
        .lines
        .first()
        .map(|l| l.tokens.join(" "))
        .unwrap_or_default();
    let info = file.find(0, "INFO")?;
    let counts = file.lines.get(info + 2).ok_or_else(|| {
        Issue::new(
            "E111",
            file.at_end(),
            "no counts line",
            "the file is truncated",
        )
    })?;
    let crew: usize = file.number(counts, 0, "crew count")?;
    let skills: i64 = file.number(counts, 1, "skill count")?;
    let tools: i64 = file.number(counts, 2, "tool count")?;
    let parts: usize = file.number(counts, 3, "spare part count")?;
    if !(1..=10_000).contains(&crew)
        || !(0..=255).contains(&skills)
        || !(0..=MAX_TOOLS as i64).contains(&tools)
        || parts > MAX_PART_TYPES
    {
        return Err(file.issue("E304", counts, "counts out of range", format!("at most 10 000 technicians, 255 skills, {MAX_TOOLS} tools, {MAX_PART_TYPES} spare parts")));
    }
    let start = file.find(info, "DEPOT")? + 2;
    let rows = &file.lines[start.min(file.lines.len())..];
    if rows.len() < crew + 1 {
        return Err(Issue::new(
            "E111",
            file.at_end(),
            format!(
                "{} rows where the depot and {crew} technicians need {}",
                rows.len(),
                crew + 1
            ),
            "the file is truncated",
        ));
    }
    let mut nodes = Vec::with_capacity(rows.len());
    let mut extra = BenchExtra {
        skills: (0..skills)
            .map(|s| Skill {
                name: format!("skill{s}"),
            })
            .collect(),
        restock: true,
        ..BenchExtra::default()
    };
    let mut techs = Vec::with_capacity(crew);
    for (k, line) in rows.iter().enumerate() {
        if line.tokens.len() != 9 {
            return Err(file.issue(
                "E112",
                line,
                format!("{} columns where a row has 9", line.tokens.len()),
                "id x y tws twe serv [skills] [tools] [parts]",
            ));
        }
        let id: u32 = file.number(line, 0, "id")?;
        if id as usize != k {
            return Err(file.issue(
                "E114",
                line,
                format!("row {k} has id {id}"),
                "number the rows 0, 1, 2, … in order",
            ));
        }
        let (tws, twe) = (file.real(line, 3, "tws")?, file.real(line, 4, "twe")?);
        let serv = file.real(line, 5, "serv")?;
        if twe < tws || serv < 0.0 {
            return Err(file.issue(
                "E303",
                line,
                "the window ends before it starts, or the service time is negative",
                "fix tws, twe and serv",
            ));
        }
        let skill_ids = list(file, line, 6, "skills")?;
        let tool_bits = bits(file, line, &list(file, line, 7, "tools")?, tools, "tool")?;
        let part_counts = list(file, line, 8, "spare parts")?;
        if k > 0 && part_counts.len() != parts {
            return Err(file.issue(
                "E112",
                line,
                format!(
                    "{} spare-part quantities where {parts} are declared",
                    part_counts.len()
                ),
                "give one quantity per spare-part type",
            ));
        }
        skill_ids
            .iter()
            .try_for_each(|&s| bits(file, line, &[s], skills.min(64), "skill").map(|_| ()))?;
        let at = (file.real(line, 1, "x")?, file.real(line, 2, "y")?);
        let window = Window {
            start: ticks_up(tws, SCALE),
            end: ticks_down(twe, SCALE),
        };
        if (1..=crew).contains(&k) {
            let mut t = bench::technician(
                id.to_string(),
                Shift::new(window.start, window.end),
                None,
                0,
            );
            let home = LocIdx(0); // fixed below, once the customer count is known
            t.start = home;
            t.levels = vec![0; skills as usize];
            for &s in &skill_ids {
                t.levels[s as usize] = 1;
            }
            t.tools = tool_bits;
            t.parts = part_counts;
            t.work_rate = if objective == ObjectiveKind::Distance {
                Rate::default()
            } else {
                Rate::new(1, 1)
            };
            extra.homes.push(at);
            techs.push(t);
            continue;
        }
        if k > crew {
            if skill_ids.len() != 1 {
                return Err(file.issue(
                    "E112",
                    line,
                    "a request needs exactly one skill",
                    "write the skill as [s]",
                ));
            }
            extra.requires.push(
                skill_ids
                    .iter()
                    .map(|&s| Requirement {
                        skill: SkillIdx(s as u32),
                        level: 1,
                        count: 1,
                    })
                    .collect(),
            );
            extra.tools.push(tool_bits);
            extra.parts.push(part_counts);
        }
        nodes.push(Node {
            id: id.to_string(),
            at,
            line: file.at(line),
            window,
            duration: ticks_up(serv, SCALE),
            demand: 0,
        });
    }
    let (depot, customers) = bench::split_depot(&nodes, file.at_end())?;
    for (k, t) in techs.iter_mut().enumerate() {
        t.start = LocIdx((1 + customers.len() + k) as u32);
        t.end = t.start;
    }
    let kind = if objective == ObjectiveKind::Distance {
        ObjectiveKind::Distance
    } else {
        ObjectiveKind::Duration
    };
    let objective = Objective {
        kind,
        distance: if kind == ObjectiveKind::Distance {
            Rate::new(1, 1)
        } else {
            Rate::default()
        },
        unassigned: bench::UNASSIGNED_COST,
        cost_scale: SCALE,
        distance_per_member: false,
    };
    bench::assemble(
        name, depot, customers, techs, extra, objective, SCALE, false,
    )
}
