//! Re-planning during the day: started work stays, events take effect, little else changes,
//! and the new plan passes the checker against the problem as it stands.

use std::collections::BTreeMap;

use fieldsched::io::native::ProblemDto;
use fieldsched::io::{native, plan};
use fieldsched::replan::{self, EventsDto, Replanned, Sources};
use fieldsched::{Cancel, SolverConfig};
use serde_json::json;

use crate::helpers::{fieldsched, quick, root, solve_and_check};

/// Each visit's technician and start in a plan file.
fn placed(plan: &plan::PlanDto) -> BTreeMap<String, (String, String)> {
    plan.routes
        .iter()
        .flat_map(|r| {
            r.visits.iter().map(move |v| {
                let start = v.start.as_str().expect("a time").to_string();
                (v.id.clone(), (r.technician.clone(), start))
            })
        })
        .collect()
}

fn time(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(text).expect("a time")
}

/// Re-plans `current` with `events` and checks the new plan against the problem as it stands,
/// both read back from their files.
fn replan_checked(dto: &ProblemDto, current: &plan::PlanDto, events: &EventsDto) -> Replanned {
    let sources = Sources {
        problem: "problem.json",
        plan: "plan.json",
        events: "events.json",
    };
    let config = SolverConfig {
        iterations: Some(300),
        ..quick()
    };
    let out = replan::replan(
        dto,
        current,
        events,
        &sources,
        &config,
        &|_| {},
        &Cancel::new(),
    )
    .expect("re-planned");
    let stands = native::to_problem(&out.problem, "now.json").expect("valid");
    let file = serde_json::to_vec(&out.plan).expect("json");
    let reread = plan::read(&file, "new.json", &stands).expect("readable");
    let checked = fieldsched::check(&stands, &reread);
    assert!(checked.is_feasible(), "{:?}", checked.violations);
    out
}

#[test]
fn replanning_keeps_started_work_applies_events_and_moves_little() {
    let path = root().join("instances/small.json");
    let dto = native::parse(&std::fs::read(&path).expect("read"), "small.json").expect("valid");
    let problem = native::to_problem(&dto, "small.json").expect("valid");
    let (solution, report) = solve_and_check(&problem, &quick());
    let (stated, _) = fieldsched::check_solution(&problem, &solution).expect("feasible");
    let current = plan::to_dto(&problem, &solution, &stated, &report);
    let before = placed(&current);

    // At 11:00: the busiest technician goes home sick, a visit not yet started is cancelled,
    // one that started runs 30 minutes late, and an urgent repair comes in.
    let now = "2026-03-02T11:00:00+01:00";
    let started = |id: &String| time(&before[id].1) < time(now);
    let sick = current
        .routes
        .iter()
        .max_by_key(|r| r.visits.iter().filter(|v| !started(&v.id)).count())
        .expect("a route")
        .technician
        .clone();
    let cancel = before
        .iter()
        .find(|(id, (t, _))| *t != sick && !started(id))
        .map(|(id, _)| id.clone())
        .expect("a visit after 11:00");
    // Running late: the visit under way at 11:00 (or the first not started).
    let ends: BTreeMap<&str, String> = current
        .routes
        .iter()
        .flat_map(|r| &r.visits)
        .map(|v| (v.id.as_str(), v.end.as_str().expect("a time").to_string()))
        .collect();
    let late = before
        .keys()
        .find(|id| started(id) && time(&ends[id.as_str()]) > time(now))
        .or_else(|| before.keys().find(|id| !started(id) && **id != cancel))
        .expect("a visit")
        .clone();
    let site = dto.sites[0].id.clone();
    let events: EventsDto = serde_json::from_value(json!({
        "now": now,
        "change_penalty": 5000,
        "events": [
            {"type": "absent", "technician": sick, "from": now},
            {"type": "cancelled", "visit": cancel},
            {"type": "running_late", "visit": late, "extra": "PT30M"},
            {"type": "new_visit", "visit": {"id": "URGENT", "site": site, "kind": "repair",
                "duration": "PT45M", "requested_at": now, "sla": "platinum"}}
        ]
    }))
    .expect("events");
    let out = replan_checked(&dto, &current, &events);

    let after = placed(&out.plan);
    for (id, (tech, start)) in &before {
        if id == &cancel {
            assert!(!after.contains_key(id), "the cancelled visit is gone");
        } else if started(id) {
            // Started work keeps its technician and start.
            assert_eq!(after.get(id), Some(&(tech.clone(), start.clone())), "{id}");
        } else if let Some((t, s)) = after.get(id) {
            assert!(time(s) >= time(now), "{id} starts in the past");
            assert!(t != &sick, "{id} is still with the absent technician");
            // Changing a technician costs half of leaving a visit out: only the absent one's move.
            assert!(t == tech || tech == &sick, "{id} moved from {tech} to {t}");
        }
    }
    let change = |id: &str| {
        out.plan
            .changes
            .iter()
            .find(|c| c.visit == id)
            .map(|c| c.change.as_str())
    };
    assert_eq!(change(&cancel), Some("cancelled"));
    assert_eq!(change("URGENT"), Some("added"));
    let moved = out.plan.changes.iter().filter(|c| c.change == "moved");
    assert!(
        moved
            .clone()
            .all(|c| c.from_technician.as_deref() == Some(sick.as_str()))
    );
    // The late visit now ends 30 minutes later than it did.
    let ends = |plan: &plan::PlanDto| {
        plan.routes
            .iter()
            .flat_map(|r| &r.visits)
            .find(|v| v.id == late)
            .map(|v| time(v.end.as_str().expect("a time")))
    };
    let (was, is) = (
        ends(&current).expect("served"),
        ends(&out.plan).expect("served"),
    );
    assert_eq!((is - was).num_minutes(), 30);
}

#[test]
fn replan_on_the_command_line_writes_a_plan_the_checker_accepts() {
    let dir = std::env::temp_dir().join(format!("fieldsched-replan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = |name: &str| dir.join(name).display().to_string();
    let tiny = root().join("instances/tiny.json").display().to_string();
    let out = fieldsched(&[
        "solve",
        &tiny,
        "-o",
        &file("plan.json"),
        "--iterations",
        "200",
    ]);
    assert!(out.status.success());
    std::fs::write(
        file("events.json"),
        json!({"now": "2026-03-02T12:00:00+01:00", "events": [
            {"type": "absent", "technician": "T001", "from": "2026-03-02T12:00:00+01:00"}]})
        .to_string(),
    )
    .expect("write");
    let out = fieldsched(&[
        "replan",
        &tiny,
        &file("plan.json"),
        &file("events.json"),
        "-o",
        &file("new.json"),
        "--problem-out",
        &file("now.json"),
        "--time-limit",
        "1",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check = fieldsched(&["check", &file("now.json"), &file("new.json")]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    // A bad event is reported with its place and nothing is written.
    std::fs::write(
        file("events.json"),
        json!({"now": "2026-03-02T12:00:00+01:00", "events": [
            {"type": "cancelled", "visit": "NOPE"}]})
        .to_string(),
    )
    .expect("write");
    let out = fieldsched(&[
        "replan",
        &tiny,
        &file("plan.json"),
        &file("events.json"),
        "-o",
        &file("bad.json"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("E202") && text.contains("$.events[0].visit"),
        "{text}"
    );
    assert!(!dir.join("bad.json").exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// Work done earlier in the week still counts against a weekly cap after re-planning.
#[test]
fn replanning_counts_the_week_already_worked() {
    let shift = |day: &str| {
        json!({"start": format!("2026-03-0{day}T08:00:00+01:00"),
               "end": format!("2026-03-0{day}T17:00:00+01:00")})
    };
    let visit = |id: &str, day: &str| {
        json!({"id": id, "site": "S1", "kind": "repair", "duration": "PT2H",
               "skills": {"hvac": 1}, "windows": [shift(day)]})
    };
    let v = json!({
        "skills": ["hvac"],
        "technicians": [{"id": "NEAR", "home": {"lat": 45.70, "lon": 4.80}, "skills": {"hvac": 3},
                         "shifts": [shift("2"), shift("3")], "cost_per_hour": 40,
                         "max_weekly_working_time": "PT5H"}],
        "sites": [{"id": "S1", "location": {"lat": 45.701, "lon": 4.80}}],
        "visits": [visit("V1", "2"), visit("V2", "3"), visit("V3", "3")],
        "objective": {"cost_per_km": 0.5}
    });
    // Monday's visit first: leaving it out costs twice as much.
    let mut v = v;
    v["visits"][0]["priority"] = json!(2);
    let dto = native::parse(&serde_json::to_vec(&v).expect("json"), "week.json").expect("valid");
    let problem = native::to_problem(&dto, "week.json").expect("valid");
    let (solution, report) = solve_and_check(&problem, &quick());
    assert_eq!(
        solution.unassigned.len(),
        1,
        "5 hours take two 2-hour visits"
    );
    let (stated, _) = fieldsched::check_solution(&problem, &solution).expect("feasible");
    let current = plan::to_dto(&problem, &solution, &stated, &report);
    assert!(
        placed(&current).contains_key("V1"),
        "Monday's visit is served on Monday"
    );

    // On Tuesday morning nothing has happened, yet Monday's work is over and out of the new
    // problem: the cap left for the week is what Monday did not use.
    let events: EventsDto =
        serde_json::from_value(json!({"now": "2026-03-03T07:00:00+01:00", "events": []}))
            .expect("events");
    let out = replan_checked(&dto, &current, &events);
    let left = out.problem.technicians[0]
        .max_weekly_working_time
        .clone()
        .expect("a cap");
    let left = fieldsched::io::time::parse_duration(&left).expect("a duration");
    let monday = current.routes[0].visits.len();
    assert_eq!(monday, 1);
    assert!(left < 3 * 3600 && left > 2 * 3600 + 1800, "{left}");
    assert_eq!(
        placed(&out.plan).len(),
        1,
        "one of Tuesday's visits fits what is left"
    );
}

/// Nothing before `now` changes: every visit started before `now` keeps its arrival, start
/// and end, every route with started work keeps its departure, and a break begun before `now`
/// keeps its times (at 13:30 a break taken 12:34–13:19 became 12:39–13:24, and an arrival at
/// 13:24 became 12:39).
#[test]
fn replan_never_changes_the_past() {
    let path = root().join("instances/rules.json");
    let dto = native::parse(&std::fs::read(&path).unwrap(), "rules.json").expect("valid");
    let problem = native::to_problem(&dto, "rules.json").expect("valid");
    let (solution, _) = solve_and_check(&problem, &quick());
    let (stated, report) = fieldsched::check_solution(&problem, &solution).expect("checked");
    let current = plan::to_dto(&problem, &solution, &stated, &report);
    let now = time("2026-03-02T13:30:00+01:00");
    let events: EventsDto =
        serde_json::from_value(json!({"now": now.to_rfc3339(), "events": []})).expect("events");
    let out = replan_checked(&dto, &current, &events);
    let key = |r: &plan::RouteDto| (r.technician.clone(), r.day.clone());
    let mut past_checked = (0, 0);
    for old in &current.routes {
        let Some(new) = out.plan.routes.iter().find(|r| key(r) == key(old)) else {
            continue;
        };
        let started: Vec<_> = old
            .visits
            .iter()
            .filter(|v| time(v.start.as_str().unwrap()) < now)
            .collect();
        if started.is_empty() {
            continue;
        }
        assert_eq!(new.start, old.start, "{}: departure moved", old.technician);
        for v in started {
            let kept = new
                .visits
                .iter()
                .find(|n| n.id == v.id)
                .expect("still there");
            assert_eq!(
                (&kept.arrival, &kept.start, &kept.end),
                (&v.arrival, &v.start, &v.end),
                "{}",
                v.id
            );
            past_checked.0 += 1;
        }
        if let Some(b) = old
            .lunch
            .as_ref()
            .filter(|b| time(b.start.as_str().unwrap()) < now)
        {
            let kept = new.lunch.as_ref().expect("the break stays");
            assert_eq!(
                (&kept.start, &kept.end),
                (&b.start, &b.end),
                "{}",
                old.technician
            );
            past_checked.1 += 1;
        }
    }
    assert!(
        past_checked.0 >= 5 && past_checked.1 >= 2,
        "{past_checked:?}"
    );
}

/// A new visit with a mistake is reported at its event (`$.events[1].visit.site`), not at the
/// place it takes in the internal problem as it stands (`$.visits[26].site`).
#[test]
fn replan_errors_point_into_the_events() {
    let path = root().join("instances/tiny.json");
    let dto = native::parse(&std::fs::read(&path).unwrap(), "tiny.json").expect("valid");
    let problem = native::to_problem(&dto, "tiny.json").expect("valid");
    let (solution, _) = solve_and_check(&problem, &quick());
    let (stated, report) = fieldsched::check_solution(&problem, &solution).expect("checked");
    let current = plan::to_dto(&problem, &solution, &stated, &report);
    let first = dto.visits[0].id.clone();
    let events: EventsDto = serde_json::from_value(json!({
        "now": "2026-03-02T09:00:00+01:00",
        "events": [
            {"type": "cancelled", "visit": first},
            {"type": "new_visit", "visit": {"id": "URGENT", "site": "NOWHERE", "kind": "repair",
                                            "duration": "PT45M"}}
        ]
    }))
    .expect("events");
    let sources = Sources {
        problem: "tiny.json",
        plan: "plan.json",
        events: "events.json",
    };
    let error = replan::replan(
        &dto,
        &current,
        &events,
        &sources,
        &quick(),
        &|_| {},
        &Cancel::new(),
    )
    .err()
    .expect("an unknown site");
    let fieldsched::Error::Invalid {
        source_name,
        issues,
    } = error
    else {
        panic!("invalid input expected");
    };
    assert_eq!(source_name, "events.json");
    assert_eq!(issues[0].location, "$.events[1].visit.site", "{issues:?}");
}
