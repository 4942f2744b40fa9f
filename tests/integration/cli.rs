//! The command line end to end: exit codes, files written or not.

use std::path::PathBuf;

use crate::helpers::{fieldsched, root};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fieldsched-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn solve_writes_a_plan_that_check_accepts() {
    let dir = scratch("solve");
    let plan = dir.join("plan.json");
    let tiny = root().join("instances/tiny.json");
    let out = fieldsched(&[
        "solve",
        tiny.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "--seed",
        "3",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("visits"));
    let checked = fieldsched(&["check", tiny.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(
        checked.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&checked.stdout)
    );
    // Tamper: claim a cheaper plan than the routes give.
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    doc["kpis"]["cost"] = serde_json::json!(1.0);
    std::fs::write(&plan, serde_json::to_vec(&doc).unwrap()).unwrap();
    let tampered = fieldsched(&["check", tiny.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(tampered.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&tampered.stdout).contains("[cost]"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn invalid_input_exits_2_and_writes_nothing() {
    let dir = scratch("invalid");
    let input = dir.join("bad.json");
    std::fs::write(&input, b"{\"skills\": [\"hvac\"], \"technicians\": []").unwrap();
    let plan = dir.join("plan.json");
    let out = fieldsched(&[
        "solve",
        input.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("E102"));
    assert!(!plan.exists());
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file is left"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    assert_eq!(fieldsched(&["solve"]).status.code(), Some(1));
    assert_eq!(fieldsched(&["frobnicate"]).status.code(), Some(1));
    let tiny = root().join("instances/tiny.json");
    assert_eq!(
        fieldsched(&["solve", tiny.to_str().unwrap(), "--threads", "0"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        fieldsched(&["solve", tiny.to_str().unwrap(), "--objective", "duration"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(fieldsched(&["--help"]).status.code(), Some(0));
}

#[test]
fn generate_is_deterministic_and_valid() {
    let dir = scratch("generate");
    let (a, b) = (dir.join("a.json"), dir.join("b.json"));
    for path in [&a, &b] {
        let out = fieldsched(&[
            "generate",
            "--visits",
            "30",
            "--technicians",
            "4",
            "--days",
            "2",
            "--seed",
            "9",
            "-o",
            path.to_str().unwrap(),
        ]);
        assert!(out.status.success());
        // It says how much lateness no plan can avoid.
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("due times no technician can meet"), "{said}");
    }
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let valid = fieldsched(&["validate", a.to_str().unwrap()]);
    assert!(
        valid.status.success(),
        "{}",
        String::from_utf8_lossy(&valid.stderr)
    );
    let said = String::from_utf8_lossy(&valid.stdout);
    assert!(
        said.contains("due times no technician can meet: "),
        "{said}"
    );
    // SLA clocks count in business hours: every tier names the calendar.
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&a).unwrap()).unwrap();
    for tier in doc["sla_tiers"].as_array().unwrap() {
        assert_eq!(tier["calendar"], "business", "{tier}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn schema_describes_the_native_format() {
    let out = fieldsched(&["schema"]);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let props = &schema["properties"];
    for key in [
        "skills",
        "technicians",
        "sites",
        "visits",
        "sla_tiers",
        "travel",
        "objective",
    ] {
        assert!(props.get(key).is_some(), "schema lacks {key}");
    }
}

#[test]
fn same_seed_threads_and_iterations_give_byte_identical_plans() {
    let dir = scratch("determinism");
    let small = root().join("instances/small.json");
    let mut plans = Vec::new();
    for threads in ["1", "1", "2", "2", "4", "4"] {
        let plan = dir.join(format!("plan{}.json", plans.len()));
        let out = fieldsched(&[
            "solve",
            small.to_str().unwrap(),
            "-o",
            plan.to_str().unwrap(),
            "--seed",
            "5",
            "--threads",
            threads,
            "--iterations",
            "1200",
        ]);
        assert!(out.status.success());
        let mut doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
        // The one field that may differ: the time it took.
        doc["solver"]["elapsed"] = serde_json::json!(0);
        plans.push(serde_json::to_vec_pretty(&doc).unwrap());
    }
    // Same seed, thread count and iteration limit (past two exchanges among islands): the same
    // plan, byte for byte.
    assert_eq!(plans[0], plans[1]);
    assert_eq!(plans[2], plans[3]);
    assert_eq!(plans[4], plans[5]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bench_writes_one_checked_row_per_instance_and_seed() {
    let Some(solomon) = crate::helpers::shared("solomon") else {
        return;
    };
    let dir = scratch("bench");
    let csv = dir.join("results.csv");
    let bks = solomon.join("bks_distance_only.csv");
    let out = fieldsched(&[
        "bench",
        solomon.join("C101.txt").to_str().unwrap(),
        solomon.join("R202.txt").to_str().unwrap(),
        "--objective",
        "distance",
        "--iterations",
        "50",
        "--seeds",
        "2",
        "--bks",
        bks.to_str().unwrap(),
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len(), 4, "{text}");
    for row in &rows {
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields[16], "true", "feasible: {row}");
        let gap: f64 = fields[14].parse().unwrap();
        assert!(gap >= -1e-9, "better than the best known: {row}");
    }
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("| C1 | 1 | 2 | 2/2 |"), "{summary}");
    assert!(summary.contains("| all | 2 | 4 | 4/4 |"), "{summary}");
    // A file that is not an instance is an input error, and no CSV is written.
    let bad = dir.join("bad.csv");
    let readme = solomon.join("bks.csv");
    let failed = fieldsched(&[
        "bench",
        readme.to_str().unwrap(),
        "--out",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(!bad.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn csv_and_geojson_describe_the_same_plan() {
    let dir = scratch("exports");
    let (plan, csv, geo) = (
        dir.join("plan.json"),
        dir.join("plan.csv"),
        dir.join("plan.geojson"),
    );
    let city = root().join("instances/city.json");
    let out = fieldsched(&[
        "solve",
        city.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "--csv",
        csv.to_str().unwrap(),
        "--geojson",
        geo.to_str().unwrap(),
        "--iterations",
        "100",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked = fieldsched(&["check", city.to_str().unwrap(), plan.to_str().unwrap()]);
    assert_eq!(checked.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    let routes = doc["routes"].as_array().unwrap();
    let served: Vec<&str> = routes
        .iter()
        .flat_map(|r| r["visits"].as_array().unwrap())
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    let left = doc["unassigned"].as_array().unwrap().len();

    // CSV: a header, one row per stop in plan order, one per visit left out.
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let visit_col = header.iter().position(|&c| c == "visit").unwrap();
    let start_col = header.iter().position(|&c| c == "start").unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(rows.iter().all(|r| r.len() == header.len()));
    assert_eq!(rows.len(), served.len() + left);
    let csv_served: Vec<&str> = rows[..served.len()].iter().map(|r| r[visit_col]).collect();
    assert_eq!(csv_served, served);
    let first = &routes[0]["visits"][0];
    assert_eq!(rows[0][start_col], first["start"].as_str().unwrap());
    // Counting rows per tier gives the plan's SLA figures: only rows with a due time count.
    let col = |name: &str| header.iter().position(|&c| c == name).unwrap();
    let (tier_col, due_col, late_col) = (col("tier"), col("due"), col("late"));
    for (tier, figures) in doc["kpis"]["sla"].as_object().unwrap() {
        let of_tier = || rows[..served.len()].iter().filter(|r| r[tier_col] == tier);
        let clocked = || of_tier().filter(|r| !r[due_col].is_empty());
        let late = clocked().filter(|r| r[late_col] != "0").count();
        assert_eq!(late as u64, figures["late"].as_u64().unwrap(), "{tier}");
        assert_eq!(
            (clocked().count() - late) as u64,
            figures["on_time"].as_u64().unwrap(),
            "{tier}"
        );
        assert_eq!(
            (of_tier().count() - clocked().count()) as u64,
            figures["no_due_time"].as_u64().unwrap(),
            "{tier}"
        );
    }

    // GeoJSON: a line per route from and back to the home, a point per visit and per home.
    let geo: serde_json::Value = serde_json::from_slice(&std::fs::read(&geo).unwrap()).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let features = geo["features"].as_array().unwrap();
    let of_kind = |k: &'static str| {
        features
            .iter()
            .filter(move |f| f["properties"]["kind"] == k)
    };
    assert_eq!(of_kind("route").count(), routes.len());
    assert_eq!(of_kind("visit").count(), served.len());
    assert_eq!(of_kind("unassigned").count(), left);
    let input: serde_json::Value = serde_json::from_slice(&std::fs::read(&city).unwrap()).unwrap();
    assert_eq!(
        of_kind("home").count(),
        input["technicians"].as_array().unwrap().len()
    );
    for line in of_kind("route") {
        let points = line["geometry"]["coordinates"].as_array().unwrap();
        assert_eq!(
            points.len(),
            line["properties"]["stops"].as_u64().unwrap() as usize + 2
        );
        let tech = line["properties"]["technician"].as_str().unwrap();
        let home = of_kind("home")
            .find(|h| h["properties"]["technician"] == tech)
            .unwrap();
        assert_eq!(points[0], home["geometry"]["coordinates"]);
        for p in points {
            let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
            assert!(lon.abs() <= 180.0 && lat.abs() <= 90.0, "{p}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn geojson_of_planar_coordinates_is_refused_before_solving() {
    let Some(solomon) = crate::helpers::shared("solomon") else {
        return;
    };
    let dir = scratch("planar");
    let (plan, geo) = (dir.join("plan.json"), dir.join("plan.geojson"));
    let out = fieldsched(&[
        "solve",
        solomon.join("C101.txt").to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
        "--geojson",
        geo.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("latitude and longitude"));
    assert!(!plan.exists() && !geo.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An output path that cannot be written fails before the solve, naming it, and leaves no plan.
#[test]
fn unwritable_outputs_fail_before_solving() {
    let dir = scratch("unwritable");
    let plan = dir.join("ok.json");
    let tiny = root().join("instances/tiny.json");
    for flag in ["--report", "--csv", "--geojson"] {
        let out = fieldsched(&[
            "solve",
            tiny.to_str().unwrap(),
            "-o",
            plan.to_str().unwrap(),
            flag,
            "/no/such/dir/out",
        ]);
        assert_eq!(out.status.code(), Some(1), "{flag}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot write /no/such/dir/out"), "{err}");
        assert!(!plan.exists(), "{flag}: a plan was written");
    }
    let out = fieldsched(&[
        "generate",
        "--visits",
        "5",
        "--technicians",
        "1",
        "--seed",
        "1",
        "-o",
        "/no/such/dir/p.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}
