//! Sites and visits: locations, SLA tiers and due times, skills, windows, penalties and who
//! should or must not do the work.

use std::collections::HashMap;

use crate::model::{
    Calendar, Cost, Preferences, Site, SiteIdx, SkillIdx, SlaTier, TechIdx, TierIdx, Visit,
    VisitKind, Window, crew_size,
};

use super::MAX_CREW;
use super::build::{Builder, point};
use super::dto::{VisitDto, VisitKindDto};
use super::technicians::Points;

/// What reading a visit needs from the sections before it.
pub(super) struct Context<'a> {
    pub(super) skills: &'a HashMap<&'a str, SkillIdx>,
    pub(super) tiers: &'a HashMap<&'a str, TierIdx>,
    pub(super) technicians: &'a HashMap<&'a str, u32>,
    pub(super) sites: &'a HashMap<&'a str, u32>,
    pub(super) site_list: &'a [Site],
    /// The technician who last served each site.
    pub(super) previous: &'a [Option<TechIdx>],
    pub(super) tier_list: &'a [SlaTier],
    pub(super) tier_calendars: &'a [Option<&'a Calendar>],
    pub(super) preference_penalty: Cost,
    pub(super) continuity_penalty: Cost,
    pub(super) change_penalty: Cost,
}

/// The sites, their locations added to `points`, and who served each last.
pub(super) fn sites(
    b: &mut Builder<'_>,
    tier_index: &HashMap<&str, TierIdx>,
    tech_index: &HashMap<&str, u32>,
    points: &mut Points,
) -> (Vec<Site>, Vec<Option<TechIdx>>) {
    let mut previous = Vec::with_capacity(b.dto.sites.len());
    let mut sites = Vec::with_capacity(b.dto.sites.len());
    for (i, s) in b.dto.sites.iter().enumerate() {
        let path = format!("$.sites[{i}]");
        let coord = point(&s.location, &format!("{path}.location"), &mut b.issues);
        let loc = points.add(coord, s.id.clone());
        let tier = s
            .sla
            .as_deref()
            .and_then(|name| b.tier(name, tier_index, format!("{path}.sla")));
        previous.push(
            s.last_technician
                .as_deref()
                .and_then(|id| b.technician(id, tech_index, format!("{path}.last_technician"))),
        );
        sites.push(Site {
            id: s.id.clone(),
            loc,
            tier,
        });
    }
    (sites, previous)
}

/// Visit `i` of the file, or `None` when its site is unknown.
pub(super) fn visit(b: &mut Builder<'_>, i: usize, v: &VisitDto, c: &Context<'_>) -> Option<Visit> {
    let path = format!("$.visits[{i}]");
    let &site = b.known(c.sites, &v.site, ("site", "sites"), format!("{path}.site"))?;
    let previous = c.previous[site as usize];
    let site = &c.site_list[site as usize];
    let duration = b
        .duration(&v.duration, format!("{path}.duration"))
        .unwrap_or(0);
    let requires = b.needs(&v.skills, c.skills, &format!("{path}.skills"));
    let least = crew_size(&requires);
    let size = match v.crew_size {
        None => least,
        Some(n) if (i64::from(least)..=i64::from(MAX_CREW)).contains(&n) => n as u8,
        Some(n) => {
            b.issue(
                "E304",
                format!("{path}.crew_size"),
                format!("crew size {n} is not from {least} (the largest count) to {MAX_CREW}"),
                "give the number of technicians needed together",
            );
            least
        }
    };
    let mut windows = Vec::new();
    for (k, w) in v.windows.iter().enumerate() {
        let wp = format!("{path}.windows[{k}]");
        if let (Some(start), Some(end)) = (
            b.time(&w.start, format!("{wp}.start")),
            b.time(&w.end, format!("{wp}.end")),
        ) {
            if end < start {
                b.issue(
                    "E303",
                    wp,
                    "the window ends before it starts".into(),
                    "swap start and end, or fix the dates",
                );
            } else {
                windows.push(Window { start, end });
            }
        }
    }
    windows.sort_by_key(|w| w.start);
    let release = v
        .requested_at
        .as_deref()
        .and_then(|t| b.time(t, format!("{path}.requested_at")));
    let tier = match v.sla.as_deref() {
        Some(name) => b.tier(name, c.tiers, format!("{path}.sla")),
        None => site.tier,
    };
    let due = match (release, tier) {
        (Some(r), Some(t)) => {
            let response = c.tier_list[t.get()].response;
            match c.tier_calendars[t.get()] {
                None => Some(r.saturating_add(response)),
                Some(calendar) => {
                    let from = b.origin + chrono::Duration::seconds(r);
                    let due = calendar.add_open_time(from, response);
                    if due.is_none() {
                        b.issue(
                            "E312",
                            format!("{path}.requested_at"),
                            "the tier's calendar has no open time left within three years".into(),
                            "open the calendar on some days, or drop holidays",
                        );
                    }
                    due.map(|d| (d - b.origin).num_seconds())
                }
            }
        }
        _ => None,
    };
    if !(1..=1000).contains(&v.priority) {
        b.issue(
            "E304",
            format!("{path}.priority"),
            format!("priority {} is not from 1 to 1000", v.priority),
            "use 1 for normal work, higher for more important",
        );
    }
    let penalty = match (v.optional, v.penalty) {
        (false, None) => None,
        (false, Some(_)) => {
            b.issue(
                "E310",
                format!("{path}.penalty"),
                "a penalty on a mandatory visit".into(),
                "set `optional: true`, or drop the penalty",
            );
            None
        }
        (true, None) => {
            b.issue(
                "E310",
                format!("{path}.penalty"),
                "an optional visit needs a penalty".into(),
                "give the cost of leaving the visit out",
            );
            None
        }
        (true, Some(p)) => Some(b.money(p, format!("{path}.penalty"))),
    };
    if v.demand < 0 {
        b.issue(
            "E304",
            format!("{path}.demand"),
            "negative demand".into(),
            "use a demand ≥ 0",
        );
    }
    let mut named = |ids: &[String], field: &str| -> Vec<TechIdx> {
        ids.iter()
            .enumerate()
            .filter_map(|(k, id)| b.technician(id, c.technicians, format!("{path}.{field}[{k}]")))
            .collect()
    };
    let preferences = Preferences {
        excluded: named(&v.excluded_technicians, "excluded_technicians"),
        preferred: named(&v.preferred_technicians, "preferred_technicians"),
        preferred_penalty: match v.preference_penalty {
            Some(p) => b.money(p, format!("{path}.preference_penalty")),
            None => c.preference_penalty,
        },
        previous,
        continuity_penalty: c.continuity_penalty,
        planned: v
            .assigned_technician
            .as_deref()
            .and_then(|id| b.technician(id, c.technicians, format!("{path}.assigned_technician")))
            .map(|t| (t, c.change_penalty)),
    };
    Some(Visit {
        id: v.id.clone(),
        site: SiteIdx(c.sites[v.site.as_str()]),
        loc: site.loc,
        kind: match v.kind {
            VisitKindDto::Installation => VisitKind::Installation,
            VisitKindDto::Inspection => VisitKind::Inspection,
            VisitKindDto::Maintenance => VisitKind::Maintenance,
            VisitKindDto::Repair => VisitKind::Repair,
        },
        duration,
        requires,
        crew_size: size,
        windows,
        release,
        due,
        tier,
        priority: v.priority.clamp(1, 1000),
        penalty,
        demand: v.demand,
        tools: 0,
        parts: Vec::new(),
        preferences,
    })
}
