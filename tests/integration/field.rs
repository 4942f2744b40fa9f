//! Field-service rules of the native format: excluded, preferred and previous technicians,
//! durations by skill level, overtime and working-time caps. Each test solves a small problem
//! where the rule decides the plan, checks it, and shows that the checker catches a plan that
//! breaks the rule.

use fieldsched::Problem;
use fieldsched::io::native;
use fieldsched::solution::Stop;
use fieldsched::solution::check::{StatedPlan, check};
use serde_json::{Value, json};

use crate::helpers::{quick, solve_and_check};

/// Two technicians, `NEAR` next to the site and `FAR` 20 km away, both hvac level 3 on one
/// shift 08:00–17:00, and one 1-hour repair at the site.
fn base() -> Value {
    let tech = |id: &str, lat: f64| {
        json!({"id": id, "home": {"lat": lat, "lon": 4.80}, "skills": {"hvac": 3},
               "shifts": [{"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T17:00:00+01:00"}],
               "cost_per_hour": 40})
    };
    json!({
        "skills": ["hvac"],
        "technicians": [tech("NEAR", 45.70), tech("FAR", 45.88)],
        "sites": [{"id": "S1", "location": {"lat": 45.701, "lon": 4.80}}],
        "visits": [{"id": "V1", "site": "S1", "kind": "repair", "duration": "PT1H",
                    "skills": {"hvac": 1}}],
        "objective": {"cost_per_km": 0.5}
    })
}

fn read(v: &Value) -> Problem {
    native::read(&serde_json::to_vec(v).expect("json"), "field.json").expect("a valid problem")
}

/// Who serves V1, after solving and checking.
fn served_by(v: &Value) -> (String, StatedPlan, fieldsched::solution::check::Report) {
    let problem = read(v);
    let (solution, report) = solve_and_check(&problem, &quick());
    assert!(solution.unassigned.is_empty(), "{:?}", solution.unassigned);
    let stated = StatedPlan::from_solution(&problem, &solution).expect("feasible");
    let tech = problem.tech(stated.routes[0].tech).id.clone();
    (tech, stated, report)
}

/// The plan of `v` with V1 moved to technician `to` (times recomputed for the new route).
fn moved_to(problem: &Problem, to: usize) -> StatedPlan {
    let solution = fieldsched::Solution {
        routes: vec![fieldsched::solution::Route {
            tech: fieldsched::model::TechIdx(to as u32),
            shift: 0,
            stops: vec![Stop::Visit(fieldsched::model::VisitIdx(0))],
        }],
        ..fieldsched::Solution::default()
    };
    let mut other = problem.clone();
    // Times from a problem without the rule under test, so the checker sees the broken rule.
    for visit in &mut other.visits {
        visit.preferences = Default::default();
    }
    other.level_durations.clear();
    for tech in &mut other.technicians {
        tech.hours.overtime = 86_400;
        tech.hours.max_working = None;
    }
    other.eligibility = fieldsched::model::Eligibility::compute(&other.technicians, &other.visits);
    let mut stated = StatedPlan::from_solution(&other, &solution).expect("feasible");
    stated.cost = None;
    stated
}

fn codes(problem: &Problem, plan: &StatedPlan) -> Vec<&'static str> {
    check(problem, plan)
        .violations
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn the_nearest_technician_serves_without_rules() {
    assert_eq!(served_by(&base()).0, "NEAR");
}

#[test]
fn an_excluded_technician_never_serves() {
    let mut v = base();
    v["visits"][0]["excluded_technicians"] = json!(["NEAR"]);
    assert_eq!(served_by(&v).0, "FAR");
    let problem = read(&v);
    assert_eq!(codes(&problem, &moved_to(&problem, 0)), ["excluded"]);
    // Excluding everyone who could do it is explained, not failed.
    v["visits"][0]["excluded_technicians"] = json!(["NEAR", "FAR"]);
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    let u = &solution.unassigned[0];
    assert_eq!(u.reason.code(), "no_eligible_technician");
    assert!(
        u.detail.contains("NEAR, FAR") && u.detail.contains("excluded"),
        "{}",
        u.detail
    );
}

#[test]
fn a_preferred_technician_wins_when_the_penalty_outweighs_the_drive() {
    let mut v = base();
    v["visits"][0]["preferred_technicians"] = json!(["FAR"]);
    v["visits"][0]["preference_penalty"] = json!(500);
    let (tech, _, report) = served_by(&v);
    assert_eq!(tech, "FAR");
    assert_eq!(report.kpis.cost.preference, 0);
    // A token penalty is not worth 40 km: NEAR serves and the penalty is charged.
    v["visits"][0]["preference_penalty"] = json!(0.5);
    let (tech, _, report) = served_by(&v);
    assert_eq!(tech, "NEAR");
    assert_eq!(report.kpis.cost.preference, 500);
}

#[test]
fn the_previous_technician_keeps_the_site() {
    let mut v = base();
    v["sites"][0]["last_technician"] = json!("FAR");
    v["objective"]["continuity_penalty"] = json!(500);
    assert_eq!(served_by(&v).0, "FAR");
    let problem = read(&v);
    let report = check(&problem, &moved_to(&problem, 0));
    assert!(report.is_feasible());
    assert_eq!(report.kpis.cost.preference, 500_000);
    v["sites"][0]["last_technician"] = json!("NOBODY");
    let err = native::read(&serde_json::to_vec(&v).expect("json"), "f.json").unwrap_err();
    assert!(err.to_string().contains("E202") && err.to_string().contains("last_technician"));
}

#[test]
fn experts_take_less_time_and_the_checker_holds_them_to_it() {
    let mut v = base();
    v["duration_factor_by_level"] = json!({"3": 0.5, "5": 0.25});
    v["technicians"][1]["skills"]["hvac"] = json!(5);
    let (_, stated, _) = served_by(&v);
    let stop = stated.routes[0].stops[0].time;
    assert_eq!(stop.end - stop.start, 1800, "level 3 takes half the hour");
    // FAR (level 5) would need only 15 min; NEAR's stated 15 min are too short.
    let problem = read(&v);
    let mut plan = moved_to(&problem, 0);
    plan.routes[0].stops[0].time.end = plan.routes[0].stops[0].time.start + 900;
    assert!(codes(&problem, &plan).contains(&"duration"));
    for (key, code) in [("6", "E305"), ("x", "E305")] {
        v["duration_factor_by_level"] = json!({key: 0.5});
        let err = native::read(&serde_json::to_vec(&v).expect("json"), "f.json").unwrap_err();
        assert!(err.to_string().contains(code), "{key}: {err}");
    }
    v["duration_factor_by_level"] = json!({"2": 0.0});
    let err = native::read(&serde_json::to_vec(&v).expect("json"), "f.json").unwrap_err();
    assert!(err.to_string().contains("E304"), "{err}");
}

/// A 3-hour job in a 2-hour shift.
fn short_shift() -> Value {
    let mut v = base();
    v["technicians"].as_array_mut().expect("list").truncate(1);
    v["technicians"][0]["shifts"][0]["end"] = json!("2026-03-02T10:00:00+01:00");
    v["visits"][0]["duration"] = json!("PT3H");
    v
}

#[test]
fn overtime_lets_a_long_job_finish_at_a_cost() {
    let v = short_shift();
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    let u = &solution.unassigned[0];
    assert_eq!(u.reason.code(), "shift_too_short");
    assert!(
        u.detail
            .contains("NEAR in the shift from Mon 2026-03-02 08:00, needs"),
        "{}",
        u.detail
    );

    let mut v = short_shift();
    v["technicians"][0]["max_overtime"] = json!("PT2H");
    v["technicians"][0]["overtime_cost_per_hour"] = json!(30);
    let (_, stated, report) = served_by(&v);
    let over = stated.routes[0].end - (read(&v).technicians[0].shifts[0].end);
    assert!(over > 3600 && over < 3700, "about an hour over: {over}");
    assert_eq!(report.kpis.overtime, over);
    assert_eq!(report.kpis.cost.overtime, (over * 30_000 + 1800) / 3600);
    // Past the allowance the checker objects.
    v["technicians"][0]["max_overtime"] = json!("PT30M");
    let problem = read(&v);
    assert!(codes(&problem, &moved_to(&problem, 0)).contains(&"shift"));
}

#[test]
fn a_working_time_cap_is_never_exceeded() {
    let mut v = base();
    v["technicians"][0]["max_working_time"] = json!("PT50M");
    // NEAR cannot work the hour; FAR can.
    assert_eq!(served_by(&v).0, "FAR");
    let problem = read(&v);
    assert_eq!(codes(&problem, &moved_to(&problem, 0)), ["working_time"]);
    v["technicians"][1]["max_working_time"] = json!("PT50M");
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    let u = &solution.unassigned[0];
    assert!(u.detail.contains("working-time cap"), "{}", u.detail);
}

/// A repair requested on Friday 16:00 for a technician who works on Monday, in a tier with a
/// 4-hour response.
fn weekend_call() -> Value {
    let mut v = base();
    v["technicians"].as_array_mut().expect("list").truncate(1);
    v["technicians"][0]["shifts"] = json!([
        {"start": "2026-03-09T08:00:00+01:00", "end": "2026-03-09T17:00:00+01:00"}
    ]);
    v["sla_tiers"] = json!([{"name": "silver", "response": "PT4H", "penalty_per_minute": 1}]);
    v["visits"][0]["sla"] = json!("silver");
    v["visits"][0]["requested_at"] = json!("2026-03-06T16:00:00+01:00");
    v
}

#[test]
fn a_business_calendar_stops_the_sla_clock_out_of_hours() {
    // Calendar hours: due on Friday 20:00, so Monday's visit is late.
    let v = weekend_call();
    let (_, _, report) = served_by(&v);
    assert_eq!(
        (
            report.kpis.sla["silver"].on_time(),
            report.kpis.sla["silver"].late()
        ),
        (0, 1)
    );

    // Business hours Mon–Fri 08:00–17:00: one hour on Friday, three on Monday → 11:00.
    let mut v = weekend_call();
    let week: serde_json::Map<String, Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| (d.to_string(), json!([["08:00", "17:00"]])))
        .collect();
    v["calendars"] = json!([{"name": "office", "hours": week}]);
    v["sla_tiers"][0]["calendar"] = json!("office");
    let problem = read(&v);
    assert_eq!(
        problem.visits[0].due,
        Some(3 * 3600),
        "Monday 11:00, 3 h after the shift start"
    );
    let (_, _, report) = served_by(&v);
    assert_eq!(
        (
            report.kpis.sla["silver"].on_time(),
            report.kpis.sla["silver"].late()
        ),
        (1, 0)
    );

    // A holiday on Monday moves it to Tuesday 11:00, past the only shift: late again.
    v["calendars"][0]["holidays"] = json!(["2026-03-09"]);
    let problem = read(&v);
    assert_eq!(problem.visits[0].due, Some(27 * 3600));

    // Every calendar mistake is reported with its place.
    for (field, value, place) in [
        (
            "hours",
            json!({"mon": [["08:00", "17:00"]], "sun2": [["08:00", "09:00"]]}),
            "hours.sun2",
        ),
        (
            "hours",
            json!({"mon": [["17:00", "08:00"]]}),
            "hours.mon[0]",
        ),
        (
            "hours",
            json!({"mon": [["08:00", "12:00"], ["11:00", "13:00"]]}),
            "hours.mon",
        ),
        ("hours", json!({"mon": [["8h", "17:00"]]}), "hours.mon[0]"),
        ("hours", json!({}), "hours"),
        ("holidays", json!(["2026-02-30"]), "holidays[0]"),
        ("utc_offset", json!("+25:00"), "utc_offset"),
    ] {
        let mut bad = v.clone();
        bad["calendars"][0][field] = value;
        let err = native::read(&serde_json::to_vec(&bad).expect("json"), "f.json").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("E312") && text.contains(&format!("$.calendars[0].{place}")),
            "{text}"
        );
    }
    let mut bad = v.clone();
    bad["sla_tiers"][0]["calendar"] = json!("shop");
    let err = native::read(&serde_json::to_vec(&bad).expect("json"), "f.json").unwrap_err();
    assert!(err.to_string().contains("E202"), "{err}");
}

/// One technician 08:00–17:00 with a 45-minute break starting 11:30–13:00, and three
/// 2-hour visits at the site.
fn lunch_day() -> Value {
    let mut v = base();
    v["technicians"].as_array_mut().expect("list").truncate(1);
    v["technicians"][0]["shifts"][0]["break"] = json!({
        "earliest": "2026-03-02T11:30:00+01:00", "latest": "2026-03-02T13:00:00+01:00",
        "duration": "PT45M"});
    let visit = v["visits"][0].clone();
    v["visits"] = json!([visit.clone(), visit.clone(), visit]);
    for (k, visit) in v["visits"]
        .as_array_mut()
        .expect("list")
        .iter_mut()
        .enumerate()
    {
        visit["id"] = json!(format!("V{k}"));
        visit["duration"] = json!("PT2H");
    }
    v
}

#[test]
fn a_break_is_placed_within_its_window_between_services() {
    let v = lunch_day();
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    assert!(solution.unassigned.is_empty());
    let stated = StatedPlan::from_solution(&problem, &solution).expect("feasible");
    let route = &stated.routes[0];
    let (from, to) = route.lunch.expect("a break is owed");
    assert!(
        (12_600..=18_000).contains(&from) && to - from == 2700,
        "{from}–{to}"
    );
    // Not inside a service.
    assert!(
        route
            .stops
            .iter()
            .all(|s| to <= s.time.start || from >= s.time.end)
    );
    // The checker owes it, bounds it and keeps it off services.
    let mut without = stated.clone();
    without.routes[0].lunch = None;
    without.cost = None;
    assert_eq!(codes(&problem, &without), ["break"]);
    let mut on_service = stated.clone();
    let service = on_service.routes[0].stops[0].time;
    on_service.routes[0].lunch = Some((service.start, service.start + 2700));
    on_service.cost = None;
    assert!(codes(&problem, &on_service).contains(&"break"));
    let mut short = stated.clone();
    short.routes[0].lunch = Some((from, from + 600));
    short.cost = None;
    assert_eq!(codes(&problem, &short), ["break"]);
}

#[test]
fn a_morning_route_owes_no_break_and_a_bad_break_is_reported() {
    let mut v = lunch_day();
    v["visits"].as_array_mut().expect("list").truncate(1);
    v["visits"][0]["windows"] =
        json!([{"start": "2026-03-02T08:30:00+01:00", "end": "2026-03-02T09:00:00+01:00"}]);
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    let stated = StatedPlan::from_solution(&problem, &solution).expect("feasible");
    assert_eq!(stated.routes[0].lunch, None);
    v["technicians"][0]["shifts"][0]["break"]["latest"] = json!("2026-03-02T18:00:00+01:00");
    let err = native::read(&serde_json::to_vec(&v).expect("json"), "f.json").unwrap_err();
    assert!(
        err.to_string().contains("E303") && err.to_string().contains("shifts[0].break"),
        "{err}"
    );
}

#[test]
fn multi_day_plans_name_the_day_of_every_route() {
    let mut v = base();
    v["technicians"].as_array_mut().expect("list").truncate(1);
    v["technicians"][0]["shifts"] = json!([
        {"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T12:00:00+01:00"},
        {"start": "2026-03-03T08:00:00+01:00", "end": "2026-03-03T12:00:00+01:00"}
    ]);
    // Two 3-hour visits: one per day, each within its own shift.
    let visit = v["visits"][0].clone();
    v["visits"] = json!([visit.clone(), visit]);
    v["visits"][1]["id"] = json!("V2");
    for visit in v["visits"].as_array_mut().expect("list") {
        visit["duration"] = json!("PT3H");
    }
    let problem = read(&v);
    let (solution, report) = solve_and_check(&problem, &quick());
    let (stated, _) = fieldsched::check_solution(&problem, &solution).expect("feasible");
    let file = fieldsched::io::plan::to_dto(&problem, &solution, &stated, &report);
    let mut days: Vec<_> = file
        .routes
        .iter()
        .map(|r| r.day.clone().expect("a day"))
        .collect();
    days.sort();
    assert_eq!(days, ["2026-03-02", "2026-03-03"]);
    for (route, stated) in file.routes.iter().zip(&stated.routes) {
        assert_eq!(route.shift, stated.shift);
        assert_eq!(
            route.day.as_deref(),
            Some(["2026-03-02", "2026-03-03"][stated.shift])
        );
        // No visit straddles two shifts: each ends within its own.
        let shift = problem.tech(stated.tech).shifts[stated.shift];
        assert!(
            stated
                .stops
                .iter()
                .all(|s| s.time.start >= shift.start && s.time.end <= shift.end)
        );
    }
}

/// The reason and detail of V1 left out of the plan of `v`.
fn left_out(v: &Value) -> (String, String) {
    let problem = read(v);
    let (solution, _) = solve_and_check(&problem, &quick());
    let u = &solution.unassigned[0];
    (u.reason.code().to_string(), u.detail.clone())
}

#[test]
fn left_out_visits_say_what_would_make_them_assignable() {
    let mut v = base();
    v["visits"][0]["skills"] = json!({"hvac": 5});
    let (reason, detail) = left_out(&v);
    assert_eq!(reason, "no_eligible_technician");
    assert!(
        detail.contains("hvac at level 5 (the best: FAR at 3)"),
        "{detail}"
    );

    let mut v = base();
    v["visits"][0]["windows"] =
        json!([{"start": "2026-03-03T09:00:00+01:00", "end": "2026-03-03T10:00:00+01:00"}]);
    let (reason, detail) = left_out(&v);
    assert_eq!(reason, "no_reachable_window");
    assert!(
        detail.contains("works while one of its windows is open"),
        "{detail}"
    );

    // NEAR arrives within a minute of 08:00; the window closes at 07:55... of the same day, so
    // no shift overlaps; a window 08:00–08:00 is reached by NEAR only a little late.
    let mut v = base();
    v["visits"][0]["windows"] =
        json!([{"start": "2026-03-02T07:00:00+01:00", "end": "2026-03-02T08:00:00+01:00"}]);
    let (reason, detail) = left_out(&v);
    assert_eq!(reason, "no_reachable_window");
    assert!(
        detail.contains(
            "the closest, NEAR in the shift from Mon 2026-03-02 08:00, arrives 13 s after"
        ),
        "{detail}"
    );

    let mut v = base();
    v["technicians"][0]["capacity"] = json!(3);
    v["technicians"][1]["capacity"] = json!(4);
    v["visits"][0]["demand"] = json!(5);
    let (reason, detail) = left_out(&v);
    assert_eq!(reason, "capacity");
    assert!(detail.contains("the largest: FAR with 4"), "{detail}");
}

/// NEAR and FAR on Monday and Tuesday of one week and the Monday after; two 2-hour visits on
/// each of the first two days and one on the next Monday; NEAR may work 5 hours a week.
fn capped_week() -> Value {
    let mut v = base();
    let shift = |day: &str| {
        json!({"start": format!("2026-03-{day}T08:00:00+01:00"),
               "end": format!("2026-03-{day}T17:00:00+01:00")})
    };
    for tech in v["technicians"].as_array_mut().expect("list") {
        tech["shifts"] = json!([shift("02"), shift("03"), shift("09")]);
    }
    v["technicians"][0]["max_weekly_working_time"] = json!("PT5H");
    let visit = v["visits"][0].clone();
    let days = ["02", "02", "03", "03", "09"];
    v["visits"] = days
        .iter()
        .enumerate()
        .map(|(k, day)| {
            let mut visit = visit.clone();
            visit["id"] = json!(format!("V{}", k + 1));
            visit["duration"] = json!("PT2H");
            visit["windows"] = json!([shift(day)]);
            visit
        })
        .collect();
    v
}

#[test]
fn a_weekly_working_time_cap_spans_the_shifts_of_its_week() {
    let v = capped_week();
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    assert!(solution.unassigned.is_empty(), "{:?}", solution.unassigned);
    let (stated, _) = fieldsched::check_solution(&problem, &solution).expect("feasible");
    let near: Vec<_> = stated.routes.iter().filter(|r| r.tech.get() == 0).collect();
    let first_week: i64 = near
        .iter()
        .filter(|r| r.shift < 2)
        .map(|r| r.end - r.start)
        .sum();
    let served = |shifts: std::ops::Range<usize>| -> usize {
        near.iter()
            .filter(|r| shifts.contains(&r.shift))
            .map(|r| r.stops.len())
            .sum()
    };
    // Without the cap NEAR, next door, would serve all five.
    assert!(first_week <= 5 * 3600, "{first_week}");
    assert_eq!(served(0..2), 2, "two 2-hour visits fit in 5 hours");
    assert_eq!(served(2..3), 1, "the next week starts afresh");

    // All five on NEAR: each day is fine alone, the week is not.
    let all_near = fieldsched::Solution {
        routes: [(0, vec![0, 1]), (1, vec![2, 3]), (2, vec![4])]
            .into_iter()
            .map(|(shift, visits)| fieldsched::solution::Route {
                tech: fieldsched::model::TechIdx(0),
                shift,
                stops: visits
                    .into_iter()
                    .map(|v| Stop::Visit(fieldsched::model::VisitIdx(v)))
                    .collect(),
            })
            .collect(),
        ..fieldsched::Solution::default()
    };
    let mut plan = StatedPlan::from_solution(&problem, &all_near).expect("each route feasible");
    plan.cost = None;
    assert_eq!(codes(&problem, &plan), ["weekly_working_time"]);

    // With FAR gone, two of the first week's visits have no room and say why.
    let mut v = capped_week();
    v["technicians"].as_array_mut().expect("list").truncate(1);
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    assert_eq!(solution.unassigned.len(), 2, "{:?}", solution.unassigned);
    for u in &solution.unassigned {
        assert_eq!(u.reason.code(), "no_room");
        assert!(
            u.detail.contains("weekly working-time cap of 5 h 00 min"),
            "{}",
            u.detail
        );
    }
}

/// A and B (hvac 3 and 2) next to the site, C (hvac 4) 20 km away, each paid 40 an hour; a
/// job for two hvac technicians at level 2 or above, one for a level-4 expert, and a lift for
/// any two people.
fn crew_day() -> Value {
    let tech = |id: &str, lat: f64, level: i64| {
        json!({"id": id, "home": {"lat": lat, "lon": 4.80}, "skills": {"hvac": level},
               "shifts": [{"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T17:00:00+01:00"}],
               "cost_per_hour": 40})
    };
    let visit = |id: &str, skills: Value| {
        json!({"id": id, "site": "S1", "kind": "installation", "duration": "PT1H",
               "skills": skills})
    };
    let mut lift = visit("LIFT", json!({}));
    lift["crew_size"] = json!(2);
    json!({
        "skills": ["hvac"],
        "technicians": [tech("A", 45.70, 3), tech("B", 45.70, 2), tech("C", 45.88, 4)],
        "crews": [{"id": "AB", "technicians": ["A", "B"]}],
        "sites": [{"id": "S1", "location": {"lat": 45.701, "lon": 4.80}}],
        "visits": [visit("PAIR", json!({"hvac": [{"level": 2, "count": 2}]})),
                   visit("EXPERT", json!({"hvac": 4})), lift],
        "objective": {"cost_per_km": 0.5}
    })
}

#[test]
fn a_crew_does_the_work_that_needs_several_technicians_together() {
    let problem = read(&crew_day());
    assert_eq!(problem.technicians.len(), 2, "A and B are routed as one");
    let (solution, report) = solve_and_check(&problem, &quick());
    assert!(solution.unassigned.is_empty(), "{:?}", solution.unassigned);
    let (stated, _) = fieldsched::check_solution(&problem, &solution).expect("feasible");
    let file = fieldsched::io::plan::to_dto(&problem, &solution, &stated, &report);
    let by = |visit: &str| {
        let route = file
            .routes
            .iter()
            .find(|r| r.visits.iter().any(|v| v.id == visit))
            .expect("served");
        (route.technician.as_str(), route.crew.clone())
    };
    assert_eq!(by("PAIR"), ("AB", vec!["A".to_string(), "B".to_string()]));
    assert_eq!(by("LIFT").0, "AB");
    assert_eq!(by("EXPERT").0, "C", "the crew's best level is 3");
    assert_eq!(report.kpis.technicians_used, 3);
    // The crew's working time is paid for both: 80 an hour.
    let crew = stated
        .routes
        .iter()
        .find(|r| r.tech.get() == 0)
        .expect("AB");
    let worked = crew.end - crew.start;
    let expert = stated.routes.iter().find(|r| r.tech.get() == 1).expect("C");
    let paid =
        (worked * 80_000 + 1800) / 3600 + ((expert.end - expert.start) * 40_000 + 1800) / 3600;
    assert_eq!(report.kpis.cost.working, paid);

    // C alone cannot do the pair's job.
    let mut plan = StatedPlan::from_solution(&problem, &solution).expect("feasible");
    let pair = problem
        .visits
        .iter()
        .position(|v| v.id == "PAIR")
        .expect("PAIR");
    let alone = fieldsched::Solution {
        routes: vec![fieldsched::solution::Route {
            tech: fieldsched::model::TechIdx(1),
            shift: 0,
            stops: vec![Stop::Visit(fieldsched::model::VisitIdx(pair as u32))],
        }],
        ..fieldsched::Solution::default()
    };
    let mut other = problem.clone();
    other.visits[pair].requires[0].count = 1;
    other.visits[pair].crew_size = 1;
    other.eligibility = fieldsched::model::Eligibility::compute(&other.technicians, &other.visits);
    plan.routes = StatedPlan::from_solution(&other, &alone)
        .expect("feasible")
        .routes;
    plan.cost = None;
    assert!(codes(&problem, &plan).contains(&"eligibility"));
}

#[test]
fn without_a_crew_the_plan_says_who_could_form_one() {
    let mut v = crew_day();
    v["crews"] = json!([]);
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    let reasons: Vec<(&str, &str)> = solution
        .unassigned
        .iter()
        .map(|u| (problem.visit(u.visit).id.as_str(), u.reason.code()))
        .collect();
    assert_eq!(reasons, [("PAIR", "no_crew"), ("LIFT", "no_crew")]);
    let detail = &solution.unassigned[0].detail;
    assert!(
        detail.contains("needs 2 technicians together and the largest crew has 1")
            && detail.contains("3 technicians hold hvac at level 2 (A, B, C)"),
        "{detail}"
    );
    assert!(
        solution.unassigned[1]
            .detail
            .contains("the largest crew has 1"),
        "{}",
        solution.unassigned[1].detail
    );

    // A crew too weak for the pair's job: the best crew and who could join it.
    let mut v = crew_day();
    v["technicians"][1]["skills"]["hvac"] = json!(1);
    let problem = read(&v);
    let (solution, _) = solve_and_check(&problem, &quick());
    let u = &solution.unassigned[0];
    assert_eq!(problem.visit(u.visit).id, "PAIR");
    assert!(
        u.detail.contains("needs 2 technicians with hvac at level 2 together; the best crew, AB, has 1, and 2 technicians hold hvac at level 2 (A, C)"),
        "{}",
        u.detail
    );
}

#[test]
fn bad_crews_are_reported_with_their_place() {
    let error = |change: &dyn Fn(&mut Value)| {
        let mut v = crew_day();
        change(&mut v);
        native::read(&serde_json::to_vec(&v).expect("json"), "crew.json")
            .expect_err("invalid")
            .to_string()
    };
    type Change<'a> = &'a dyn Fn(&mut Value);
    let cases: [(Change<'_>, &str); 5] = [
        (
            &|v| v["crews"][0]["technicians"] = json!(["A"]),
            "fewer than two technicians",
        ),
        (
            &|v| {
                v["crews"] = json!([{"id": "AB", "technicians": ["A", "B"]},
                                     {"id": "AC", "technicians": ["A", "C"]}])
            },
            "`A` is already in crew `AB`",
        ),
        (
            &|v| v["crews"][0]["technicians"][1] = json!("Z"),
            "unknown technician `Z`",
        ),
        (
            &|v| v["technicians"][1]["shifts"][0]["end"] = json!("2026-03-02T16:00:00+01:00"),
            "different shifts",
        ),
        (
            &|v| v["visits"][0]["skills"]["hvac"][0]["count"] = json!(0),
            "count 0 is not from 1",
        ),
    ];
    for (change, expected) in cases {
        let message = error(change);
        assert!(message.contains(expected), "{message}");
    }
    assert!(error(&|v| v["crews"][0]["id"] = json!("C")).contains("E201"));
    // A crew rejected for its empty id keeps its place: the crews after it are named right.
    let message = error(&|v| {
        v["technicians"].as_array_mut().expect("list").push(json!({
            "id": "D", "home": {"lat": 45.7, "lon": 4.8}, "skills": {"hvac": 1},
            "shifts": [{"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T17:00:00+01:00"}]
        }));
        v["crews"] = json!([{"id": "", "technicians": ["A", "B"]},
                            {"id": "CD", "technicians": ["C", "D"]},
                            {"id": "CA", "technicians": ["C", "A"]}]);
    });
    assert!(
        message.contains("E203") && message.contains("`C` is already in crew `CD`"),
        "{message}"
    );
}

/// The checker stopped at a restock stop in a problem without a depot and reported the rest of
/// the route as not served; it now flags the stop and checks the visits after it.
#[test]
fn check_route_goes_on_after_a_restock_stop_without_depot() {
    let problem = read(&base());
    let (_, mut plan, _) = served_by(&base());
    let route = plan
        .routes
        .iter_mut()
        .find(|r| !r.stops.is_empty())
        .expect("a route");
    let mut restock = route.stops[0];
    restock.stop = Stop::Restock;
    route.stops.insert(0, restock);
    let found = codes(&problem, &plan);
    assert!(found.contains(&"depot"), "{found:?}");
    assert!(!found.contains(&"coverage"), "{found:?}");
}

/// The checker speaks the planner's units: skill names and levels, clock times with the day,
/// durations in hours and minutes.
#[test]
fn checker_messages_name_skills_levels_and_clock_times() {
    let mut v = base();
    v["visits"][0]["skills"] = json!({"hvac": 3});
    v["technicians"][0]["skills"] = json!({"hvac": 2});
    let problem = read(&v);
    let (near, mut plan, _) = served_by(&base());
    assert_eq!(near, "NEAR");
    let report = check(&problem, &plan);
    let lacking = &report.violations[0];
    assert_eq!(lacking.code, "eligibility");
    assert_eq!(lacking.message, "NEAR holds hvac 2, visit V1 needs hvac 3");
    plan.routes[0].end = plan.routes[0].stops[0].time.end;
    let report = check(&problem, &plan);
    let home = report
        .violations
        .iter()
        .find(|f| f.code == "travel")
        .expect("a travel finding");
    assert!(
        home.message
            .starts_with("NEAR cannot be home by Mon 2026-03-02 "),
        "{}",
        home.message
    );
}

/// SLA figures of a plan with known times: only visits with a due time count towards
/// compliance; the lateness and slack figures are the ones worked out by hand; the plan file,
/// the CLI summary and the report say the same.
#[test]
fn sla_figures_count_only_visits_with_a_clock() {
    use fieldsched::model::{TechIdx, VisitIdx};
    use fieldsched::solution::{Reason, Route, Unassigned};
    let mut v = base();
    v["technicians"].as_array_mut().expect("list").truncate(1);
    v["sla_tiers"] = json!([{"name": "gold", "response": "PT1H", "penalty_per_minute": 1}]);
    v["sites"][0]["sla"] = json!("gold");
    let visit = |id: &str, requested: bool, window: Option<(&str, &str)>, optional: bool| {
        let mut x = json!({"id": id, "site": "S1", "kind": "repair", "duration": "PT30M",
                           "skills": {"hvac": 1}});
        if requested {
            x["requested_at"] = json!("2026-03-02T08:00:00+01:00");
        }
        if let Some((from, to)) = window {
            x["windows"] = json!([{"start": format!("2026-03-02T{from}:00+01:00"),
                                    "end": format!("2026-03-02T{to}:00+01:00")}]);
        }
        if optional {
            x["optional"] = json!(true);
            x["penalty"] = json!(5);
        }
        x
    };
    v["visits"] = json!([
        visit("ON_TIME", true, None, false),
        visit("NO_CLOCK", false, None, false),
        visit("LATE", true, Some(("10:30", "10:30")), false),
        visit("LEFT_CLOCKED", true, Some(("16:00", "16:00")), true),
        visit("LEFT_UNCLOCKED", false, Some(("16:00", "16:00")), true),
    ]);
    let problem = read(&v);
    let solution = fieldsched::Solution {
        routes: vec![Route {
            tech: TechIdx(0),
            shift: 0,
            stops: [0, 1, 2].map(|k| Stop::Visit(VisitIdx(k))).to_vec(),
        }],
        unassigned: [3, 4]
            .map(|k| Unassigned {
                visit: VisitIdx(k),
                reason: Reason::NotWorthIt,
                detail: String::new(),
            })
            .to_vec(),
        ..fieldsched::Solution::default()
    };
    let (stated, report) = fieldsched::check_solution(&problem, &solution).expect("feasible");
    let gold = &report.kpis.sla["gold"];
    assert_eq!((gold.on_time(), gold.late(), gold.unassigned), (1, 1, 1));
    assert_eq!((gold.unclocked, gold.unclocked_unassigned), (1, 1));
    assert!((gold.compliance() - 1.0 / 3.0).abs() < 1e-12);
    // LATE starts at 10:30, due 09:00: 90 minutes. ON_TIME's slack is its due time (09:00)
    // less its start, which the schedule chose.
    let slack = problem.visits[0].due.expect("a due time") - stated.routes[0].stops[0].time.start;
    assert!((0..3600).contains(&slack), "{slack}");
    assert_eq!(gold.worst_late(), 90 * 60);
    assert_eq!(gold.p90_late(), 90 * 60);
    assert_eq!(gold.mean_late(), 5400.0);
    assert_eq!(gold.least_slack(), slack);
    let dto = fieldsched::io::plan::to_dto(&problem, &solution, &stated, &report);
    let tier = &dto.kpis.as_ref().expect("kpis").sla["gold"];
    assert_eq!((tier.on_time, tier.late, tier.unassigned), (1, 1, 1));
    assert_eq!((tier.no_due_time, tier.no_due_time_unassigned), (1, 1));
    assert_eq!(
        (tier.mean_late, tier.p90_late, tier.worst_late),
        (90.0, 90.0, 90.0)
    );
    assert!((tier.mean_slack - slack as f64 / 60.0).abs() < 0.02);
    // The CLI summary of the same plan file says the same.
    let dir = std::env::temp_dir().join(format!("fieldsched-sla-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (p, plan) = (dir.join("p.json"), dir.join("plan.json"));
    std::fs::write(&p, serde_json::to_vec(&v).unwrap()).unwrap();
    std::fs::write(&plan, serde_json::to_vec(&dto).unwrap()).unwrap();
    let out = crate::helpers::fieldsched(&["check", p.to_str().unwrap(), plan.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "1 on time, 1 late, 1 unassigned of 3 with a due time: compliance 33.3 %; \
             late by 1 h 30 min on average, 90 % within 1 h 30 min, worst 1 h 30 min"
        ),
        "{text}"
    );
    assert!(
        text.contains("without a due time: 1 served, 1 unassigned"),
        "{text}"
    );
    let page = dir.join("r.html");
    let out = crate::helpers::fieldsched(&[
        "report",
        p.to_str().unwrap(),
        plan.to_str().unwrap(),
        "-o",
        page.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let html = std::fs::read_to_string(&page).unwrap();
    for cell in [
        "<td>33.3 %</td>",
        "<td>1 h 30 min</td>",
        "<td>1 served, 1 left out</td>",
    ] {
        assert!(html.contains(cell), "{cell} missing from the report");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
