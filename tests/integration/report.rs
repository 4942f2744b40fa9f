//! The HTML report: written by `solve --report` and by `report` alike, structured as the plan
//! says, and rendered by a real headless browser (Debian's chromium) when one is installed.

use std::path::Path;
use std::process::Command;

use crate::helpers::{fieldsched, root};

/// Runs headless chromium on `page` with `args`; `None` (and a notice) when it is not installed.
fn chromium(page: &Path, args: &[&str]) -> Option<std::process::Output> {
    if Command::new("chromium").arg("--version").output().is_err() {
        eprintln!("notice: chromium is not installed; the report is not rendered in a browser");
        return None;
    }
    let out = Command::new("timeout")
        .args([
            "120",
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out)
}

#[test]
fn the_city_report_shows_every_route_in_the_gantt_and_the_map() {
    let dir = std::env::temp_dir().join(format!("fieldsched-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (plan, page, again) = (
        dir.join("plan.json"),
        dir.join("plan.html"),
        dir.join("again.html"),
    );
    let city = root().join("instances/city.json");
    let city = city.to_str().unwrap();
    let solved = fieldsched(&[
        "solve",
        city,
        "-o",
        plan.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
        "--iterations",
        "200",
    ]);
    assert!(
        solved.status.success(),
        "{}",
        String::from_utf8_lossy(&solved.stderr)
    );
    let checked = fieldsched(&["check", city, plan.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0));
    let made = fieldsched(&[
        "report",
        city,
        plan.to_str().unwrap(),
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(
        html,
        std::fs::read_to_string(&again).unwrap(),
        "solve and report differ"
    );

    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let routes = doc["routes"].as_array().unwrap();
    let served: usize = routes
        .iter()
        .map(|r| r["visits"].as_array().unwrap().len())
        .sum();
    let late: u64 = doc["kpis"]["sla"]
        .as_object()
        .unwrap()
        .values()
        .map(|t| t["late"].as_u64().unwrap())
        .sum();
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    // In the browser's own parse of the page: one Gantt row and one map line per route, a
    // service bar per visit (outlined when late), a point per visit.
    let dom = match chromium(&page, &["--dump-dom"]) {
        Some(out) => String::from_utf8(out.stdout).unwrap(),
        None => html.clone(),
    };
    let gantt = &dom[dom.find("<svg id=\"gantt\"").expect("a Gantt chart")..];
    let gantt = &gantt[..gantt.find("</svg>").unwrap()];
    let map = &dom[dom.find("<svg id=\"map\"").expect("a map")..];
    let map = &map[..map.find("</svg>").unwrap()];
    let kinds = ["installation", "inspection", "maintenance", "repair"];
    let bars: usize = kinds
        .iter()
        .map(|k| gantt.matches(&format!("<rect class=\"{k}")).count())
        .sum();
    assert_eq!(bars, served);
    assert_eq!(gantt.matches(" late late-t").count() as u64, late);
    // Outlined in the colour of their tier (tiers in input order).
    let input: serde_json::Value = serde_json::from_slice(&std::fs::read(city).unwrap()).unwrap();
    for (k, tier) in input["sla_tiers"].as_array().unwrap().iter().enumerate() {
        let name = tier["name"].as_str().unwrap();
        let late = doc["kpis"]["sla"][name]["late"].as_u64().unwrap();
        assert_eq!(
            gantt.matches(&format!("late-t{k}\"")).count() as u64,
            late,
            "{name}"
        );
    }
    assert_eq!(
        gantt.matches("fill=\"none\" stroke=\"#ccc\"").count(),
        routes.len()
    );
    assert_eq!(map.matches("<polyline").count(), routes.len());
    assert_eq!(map.matches("<circle").count(), served);
    assert!(dom.contains("<th>SLA tier</th>") && dom.contains("<h2>Technicians</h2>"));
    // A screenshot to look at (target/report-city.png); a blank page would be a few kB.
    let shot = root().join("target/report-city.png");
    let arg = format!("--screenshot={}", shot.display());
    if chromium(
        &page,
        &[&arg, "--hide-scrollbars", "--window-size=1100,2400"],
    )
    .is_some()
    {
        let size = std::fs::metadata(&shot).expect("a screenshot").len();
        assert!(
            size > 50_000,
            "the screenshot is nearly blank ({size} bytes)"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Breaks show in the Gantt: one bar per break the plan takes.
#[test]
fn the_gantt_shows_every_break_taken() {
    let dir = std::env::temp_dir().join(format!("fieldsched-breaks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (plan, page) = (dir.join("plan.json"), dir.join("plan.html"));
    let rules = root().join("instances/rules.json");
    let solved = fieldsched(&[
        "solve",
        rules.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "--report",
        page.to_str().unwrap(),
        "--iterations",
        "200",
    ]);
    assert!(
        solved.status.success(),
        "{}",
        String::from_utf8_lossy(&solved.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let breaks = doc["routes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("break").is_some())
        .count();
    assert!(breaks > 0, "the rules instance owes breaks");
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<rect class=\"break\"").count(), breaks);
    std::fs::remove_dir_all(&dir).ok();
}
