//! A corpus of malformed inputs across formats: each gives its stable error code, none panics.

use fieldsched::Error;
use fieldsched::io::{self, ObjectiveChoice, ReadOptions, native, solomon, strsp, trsp};
use fieldsched::model::ObjectiveKind;
use serde_json::{Value, json};

fn base() -> Value {
    json!({
        "skills": ["hvac", "electrical"],
        "sla_tiers": [{"name": "gold", "response": "PT8H", "penalty_per_minute": 1, "breach_penalty": 10}],
        "technicians": [{
            "id": "T1", "home": {"lat": 45.70, "lon": 4.80}, "skills": {"hvac": 3},
            "shifts": [{"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T17:00:00+01:00"}],
            "cost_per_hour": 40
        }],
        "sites": [{"id": "S1", "location": {"lat": 45.75, "lon": 4.85}, "sla": "gold"}],
        "visits": [{
            "id": "V1", "site": "S1", "kind": "repair", "duration": "PT1H", "skills": {"hvac": 2},
            "requested_at": "2026-03-02T07:00:00+01:00",
            "windows": [{"start": "2026-03-02T09:00:00+01:00", "end": "2026-03-02T12:00:00+01:00"}]
        }]
    })
}

/// The base problem with the value at a JSON pointer replaced.
fn with(pointer: &str, value: Value) -> Vec<u8> {
    let mut doc = base();
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    let target = doc.pointer_mut(parent).expect("parent exists");
    match target {
        Value::Object(m) => {
            m.insert(key.to_string(), value);
        }
        Value::Array(a) => a[key.parse::<usize>().expect("index")] = value,
        _ => panic!("bad pointer"),
    }
    serde_json::to_vec(&doc).expect("serialises")
}

fn codes(result: Result<fieldsched::Problem, Error>) -> Vec<&'static str> {
    match result {
        Err(Error::Invalid { issues, .. }) => issues.iter().map(|i| i.code).collect(),
        Err(e) => panic!("expected invalid input, got {e}"),
        Ok(_) => panic!("expected invalid input, got a problem"),
    }
}

fn native_codes(bytes: &[u8]) -> Vec<&'static str> {
    codes(native::read(bytes, "case.json"))
}

#[test]
fn the_base_problem_is_valid() {
    let p = native::read(&serde_json::to_vec(&base()).unwrap(), "base.json").expect("valid");
    assert_eq!(p.visits[0].due, Some(-3600 + 8 * 3600));
}

#[test]
fn malformed_native_inputs_get_their_codes() {
    let deep = "[".repeat(100_000);
    let mut overlapping = base();
    overlapping["technicians"][0]["shifts"] = json!([
        {"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T17:00:00+01:00"},
        {"start": "2026-03-02T16:00:00+01:00", "end": "2026-03-02T20:00:00+01:00"}]);
    let mut duplicate = base();
    let copy = duplicate["technicians"][0].clone();
    duplicate["technicians"].as_array_mut().unwrap().push(copy);
    let mut no_keys = base();
    no_keys.as_object_mut().unwrap().remove("visits");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", b"".to_vec(), "E102"),
        ("truncated", b"{\"skills\": [\"hvac\"".to_vec(), "E102"),
        ("invalid utf-8", b"{\"skills\": [\"hv\xff\xfe\"]}".to_vec(), "E101"),
        ("deep nesting", deep.into_bytes(), "E103"),
        ("not an object", b"[1, 2]".to_vec(), "E104"),
        ("unknown field", with("/colour", json!("blue")), "E105"),
        ("wrong type", with("/technicians", json!("many")), "E106"),
        ("level as text", with("/technicians/0/skills", json!({"hvac": "expert"})), "E106"),
        ("missing section", serde_json::to_vec(&no_keys).unwrap(), "E107"),
        ("overflowing number", b"{\"skills\": [], \"technicians\": [], \"sites\": [], \"visits\": [], \"objective\": {\"cost_per_km\": 1e400}}".to_vec(), "E101"),
        ("duplicate id", serde_json::to_vec(&duplicate).unwrap(), "E201"),
        ("dangling site", with("/visits/0/site", json!("S9")), "E202"),
        ("unknown skill", with("/visits/0/skills", json!({"welding": 2})), "E202"),
        ("unknown tier", with("/sites/0/sla", json!("diamond")), "E202"),
        ("empty id", with("/sites/0/id", json!("")), "E203"),
        ("bad timestamp", with("/visits/0/requested_at", json!("yesterday")), "E301"),
        ("bad duration", with("/visits/0/duration", json!("1 hour")), "E302"),
        ("negative duration", with("/visits/0/duration", json!("-PT1H")), "E302"),
        ("window reversed", with("/visits/0/windows/0", json!({"start": "2026-03-02T12:00:00+01:00", "end": "2026-03-02T09:00:00+01:00"})), "E303"),
        ("shift reversed", with("/technicians/0/shifts/0", json!({"start": "2026-03-02T17:00:00+01:00", "end": "2026-03-02T08:00:00+01:00"})), "E303"),
        ("negative cost", with("/technicians/0/cost_per_hour", json!(-5)), "E304"),
        ("zero priority", with("/visits/0/priority", json!(0)), "E304"),
        ("zero speed", with("/travel", json!({"speed_kmh": 0})), "E304"),
        ("level out of range", with("/technicians/0/skills", json!({"hvac": 7})), "E305"),
        ("no shifts", with("/technicians/0/shifts", json!([])), "E306"),
        ("overlapping shifts", serde_json::to_vec(&overlapping).unwrap(), "E307"),
        ("latitude out of range", with("/sites/0/location", json!({"lat": 95.0, "lon": 4.8})), "E308"),
        ("mixed coordinates", with("/sites/0/location", json!({"x": 1.0, "y": 2.0})), "E308"),
        ("no technicians", with("/technicians", json!([])), "E309"),
        ("optional without penalty", with("/visits/0/optional", json!(true)), "E310"),
        ("matrix shape", with("/travel", json!({"mode": "matrix", "locations": ["T1", "S1"], "durations": [[0, 1]]})), "E401"),
        ("matrix missing location", with("/travel", json!({"mode": "matrix", "locations": ["T1"], "durations": [[0]]})), "E402"),
    ];
    assert!(cases.len() >= 30);
    for (label, bytes, code) in cases {
        let found = native_codes(&bytes);
        assert!(
            found.contains(&code),
            "{label}: expected {code}, got {found:?}"
        );
    }
}

#[test]
fn every_issue_is_reported_at_once() {
    let mut doc = base();
    doc["visits"][0]["site"] = json!("nowhere");
    doc["technicians"][0]["skills"] = json!({"hvac": 9});
    doc["sites"][0]["sla"] = json!("diamond");
    doc["technicians"][0]["shifts"][0]["start"] = json!("soon");
    let found = native_codes(&serde_json::to_vec(&doc).unwrap());
    for code in ["E202", "E305", "E301"] {
        assert!(found.contains(&code), "{found:?}");
    }
    assert!(found.len() >= 4, "{found:?}");
}

/// A type error in one visit no longer hides the mistakes in the others: one pass reports
/// them all, each at its place in the file, with "did you mean" for near names and the missing
/// offset of a local time.
#[test]
fn a_type_error_does_not_hide_the_other_mistakes() {
    let mut doc = base();
    let visit = doc["visits"][0].clone();
    let mut visits = vec![];
    for (k, (field, value)) in [
        ("kind", json!("breakdown")),
        ("skills", json!({"hvca": 2})),
        ("requested_at", json!("2026-03-02T08:00:00")),
        ("duration", json!("45 minutes")),
        ("site", json!("S9")),
        ("preferred_technicians", json!(["T9"])),
        ("sla", json!("glod")),
    ]
    .into_iter()
    .enumerate()
    {
        let mut v = visit.clone();
        v["id"] = json!(format!("V{k}"));
        v[field] = value;
        visits.push(v);
    }
    doc["visits"] = json!(visits);
    let Err(Error::Invalid { issues, .. }) = native::read(&serde_json::to_vec(&doc).unwrap(), "t")
    else {
        panic!("invalid");
    };
    let found: Vec<(&str, &str)> = issues
        .iter()
        .map(|i| (i.code, i.location.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("E106", "$.visits[0].kind"),
            ("E202", "$.visits[1].skills.hvca"),
            ("E301", "$.visits[2].requested_at"),
            ("E302", "$.visits[3].duration"),
            ("E202", "$.visits[4].site"),
            ("E202", "$.visits[5].preferred_technicians[0]"),
            ("E202", "$.visits[6].sla"),
        ]
    );
    assert!(
        issues[1].hint.contains("did you mean `hvac`?"),
        "{}",
        issues[1]
    );
    assert!(issues[2].message.contains("no UTC offset"), "{}", issues[2]);
    assert!(issues[2].message.contains("2026-03-02T08:00:00+01:00"));
    assert!(
        issues[6].hint.contains("did you mean `gold`?"),
        "{}",
        issues[6]
    );
    // A broken site is reported once, not again by every visit that names it.
    let mut doc = base();
    doc["sites"][0]["location"] = json!("here");
    let codes = native_codes(&serde_json::to_vec(&doc).unwrap());
    assert_eq!(codes, ["E106"]);
    // Enum values suggest the near one.
    let mut doc = base();
    doc["visits"][0]["kind"] = json!("repiar");
    let Err(Error::Invalid { issues, .. }) = native::read(&serde_json::to_vec(&doc).unwrap(), "t")
    else {
        panic!("invalid");
    };
    assert!(
        issues[0].hint.contains("did you mean `repair`?"),
        "{}",
        issues[0]
    );
}

/// Warnings (exit 0): a window no shift reaches, a visit longer than every shift, a request
/// after the last window, a site no one can reach (latitude and longitude swapped), a preferred
/// technician who may not do the visit.
#[test]
fn warnings_name_what_a_planner_surely_did_not_mean() {
    let warned = |doc: &Value| -> Vec<&'static str> {
        let problem = native::read(&serde_json::to_vec(doc).unwrap(), "t").expect("valid");
        native::warnings(&problem).iter().map(|w| w.code).collect()
    };
    assert!(warned(&base()).is_empty());
    let mut doc = base();
    doc["visits"][0]["windows"] =
        json!([{"start": "2026-03-03T09:00:00+01:00", "end": "2026-03-03T12:00:00+01:00"}]);
    assert_eq!(warned(&doc), ["W101"]);
    let mut doc = base();
    doc["visits"][0]["duration"] = json!("PT10H");
    doc["visits"][0]["windows"] = json!([]);
    assert_eq!(warned(&doc), ["W102"]);
    let mut doc = base();
    doc["visits"][0]["requested_at"] = json!("2026-03-02T13:00:00+01:00");
    assert_eq!(warned(&doc), ["W103"]);
    let mut doc = base();
    doc["sites"][0]["location"] = json!({"lat": 4.85, "lon": 45.75});
    assert_eq!(warned(&doc), ["W104"]);
    let mut doc = base();
    doc["technicians"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "T2", "home": {"lat": 45.70, "lon": 4.80}, "skills": {"electrical": 3},
                     "shifts": [{"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T17:00:00+01:00"}]}));
    doc["visits"][0]["preferred_technicians"] = json!(["T2"]);
    assert_eq!(warned(&doc), ["W105"]);
    let path = std::env::temp_dir().join(format!("fieldsched-warn-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let out = crate::helpers::fieldsched(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("warning: W105"), "{text}");
    assert!(text.contains("prefers T2, who may not do it"), "{text}");
    std::fs::remove_file(&path).unwrap();
}

const SOLOMON: &str = "T1\n\nVEHICLE\nNUMBER     CAPACITY\n  2         50\n\nCUSTOMER\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n    0      40         50          0          0       1236          0\n    1      45         68         10        100        967         10\n    2      45         70         30        80        870         10\n";

fn solomon_codes(text: &str) -> Vec<&'static str> {
    codes(solomon::read(
        text.as_bytes(),
        "case.txt",
        ObjectiveKind::Distance,
    ))
}

#[test]
fn malformed_solomon_inputs_get_their_codes() {
    assert!(solomon::read(SOLOMON.as_bytes(), "ok.txt", ObjectiveKind::Distance).is_ok());
    let cut = &SOLOMON[..SOLOMON.find("CUSTOMER").unwrap()];
    let cases = [
        ("truncated", cut.to_string(), "E111"),
        (
            "short row",
            SOLOMON.replace(
                "    2      45         70         30        80        870         10",
                "2 45 70 30 80 870",
            ),
            "E112",
        ),
        (
            "not a number",
            SOLOMON.replace("45         68", "4x         68"),
            "E113",
        ),
        (
            "due before ready",
            SOLOMON.replace("100        967", "967        100"),
            "E303",
        ),
        (
            "depot not first",
            SOLOMON.replace("    0      40", "    7      40"),
            "E114",
        ),
        (
            "duplicate customer",
            SOLOMON.replace("    2      45", "    1      45"),
            "E201",
        ),
        (
            "negative capacity",
            SOLOMON.replace("  2         50", "  2         -50"),
            "E304",
        ),
        (
            "nan coordinate",
            SOLOMON.replace("45         68", "NaN         68"),
            "E113",
        ),
    ];
    for (label, text, code) in cases {
        let found = solomon_codes(&text);
        assert!(
            found.contains(&code),
            "{label}: expected {code}, got {found:?}"
        );
    }
}

const TRSP: &str = "X\n\nINFO\nCREW COUNT  SKILLS  TOOLS   SPARE PARTS\n1 2 2 2\n\nDEPOT TECHNICIANS AND REQUESTS\nID X Y TWS TWE Serv SKILLS TOOLS SPARE PARTS\n0 40 50 0 1236 0 [] [] []\n1 9 6 0 1236 0 [0,1] [1] [1,1]\n2 45 68 100 967 10 [1] [0] [1,0]\n";

#[test]
fn malformed_trsp_inputs_get_their_codes() {
    let ok = trsp::read(TRSP.as_bytes(), "ok.txt", ObjectiveKind::Duration).expect("valid");
    assert!(ok.depot.is_some());
    let cases = [
        ("bad list", TRSP.replace("[0,1] [1]", "[0,a] [1]"), "E113"),
        (
            "tool out of range",
            TRSP.replace("[1] [0] [1,0]", "[1] [5] [1,0]"),
            "E202",
        ),
        ("no info", TRSP.replace("INFO", "NOTES"), "E111"),
        (
            "wrong parts length",
            TRSP.replace("[1] [0] [1,0]", "[1] [0] [1]"),
            "E112",
        ),
        (
            "rows out of order",
            TRSP.replace("2 45 68", "5 45 68"),
            "E114",
        ),
    ];
    for (label, text, code) in cases {
        let found = codes(trsp::read(
            text.as_bytes(),
            "case.txt",
            ObjectiveKind::Duration,
        ));
        assert!(
            found.contains(&code),
            "{label}: expected {code}, got {found:?}"
        );
    }
}

const TASKS: &str = "Capacity: 200\r\nCustomer: 2\r\n\r\nCUST NO. X Y DEMAND READY DUE SERVICE cost d11 d12 d21 d22\r\n1\t40\t50\t0\t0\t1236\t0\t0\t0\t0\t0\t0\r\n2\t45\t68\t10\t100\t967\t90\t100\t1\t1\t0\t0\r\n";
const CREW: &str = "Technicians\r\nNumber of Technicians: 2\r\ndomains: 2\r\nproficiency level: 2\r\n\r\n\r\nID\tdomain1\tdomain2\r\n1\t2\t0\r\n2\t1\t2\r\n";

#[test]
fn malformed_strsp_inputs_get_their_codes() {
    let ok = strsp::read(TASKS.as_bytes(), "t.txt", CREW.as_bytes(), "c.txt").expect("valid");
    assert_eq!(ok.visits[0].requires[0].level, 2);
    // Two technicians in domain 1, one of them at level 2: both make one crew.
    let team = TASKS.replace("100\t1\t1\t0\t0", "100\t2\t1\t0\t0");
    let alone = strsp::read(team.as_bytes(), "t.txt", CREW.as_bytes(), "c.txt").expect("valid");
    assert_eq!(alone.visits[0].crew_size, 2);
    // The reader leaves them alone; crews are formed when solving starts.
    assert!(alone.needs_crews());
    let crewed = fieldsched::solver::crews::with_crews(alone);
    assert_eq!(crewed.technicians.len(), 1);
    assert_eq!(crewed.technicians[0].size(), 2);
    let crowd = TASKS.replace("100\t1\t1\t0\t0", "100\t51\t1\t0\t0");
    assert!(
        codes(strsp::read(
            crowd.as_bytes(),
            "t.txt",
            CREW.as_bytes(),
            "c.txt"
        ))
        .contains(&"E304")
    );
    let short_crew = CREW.replace("Technicians: 2", "Technicians: 3");
    assert!(
        codes(strsp::read(
            TASKS.as_bytes(),
            "t.txt",
            short_crew.as_bytes(),
            "c.txt"
        ))
        .contains(&"E111")
    );
    let wide = CREW.replace("domains: 2", "domains: 3");
    assert!(
        codes(strsp::read(
            TASKS.as_bytes(),
            "t.txt",
            wide.as_bytes(),
            "c.txt"
        ))
        .contains(&"E112")
    );
}

#[test]
fn unknown_formats_and_missing_files_are_reported() {
    let dir = std::env::temp_dir().join(format!("fieldsched-unknown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notes.txt");
    std::fs::write(&path, "hello\n").unwrap();
    let found = codes(io::read_problem(&path, &ReadOptions::default()));
    assert_eq!(found, ["E109"]);
    let missing = io::read_problem(&dir.join("absent.json"), &ReadOptions::default());
    assert!(matches!(missing, Err(Error::Io { .. })));
    let wrong = io::read_problem(
        &path,
        &ReadOptions {
            format: io::Format::Json,
            objective: ObjectiveChoice::Duration,
            technicians: None,
        },
    );
    assert!(matches!(wrong, Err(Error::Usage(_))));
    std::fs::remove_dir_all(&dir).unwrap();
}
