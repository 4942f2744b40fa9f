//! Travel over a road network: fastest paths, one-way streets, off-network legs, files beside
//! the problem, and every network mistake reported.

use fieldsched::io::{self, ReadOptions, native};
use fieldsched::model::LocIdx;
use serde_json::{Value, json};

use crate::helpers::{quick, solve_and_check};

/// Home `H` at node `a`, site `S` at node `c`; a–b–c is 1 km each way at 36 km/h (100 s per
/// link) but b→c is one-way, so c gets back to a by the 3-km detour c–d–a at 36 km/h.
fn problem() -> Value {
    let node = |id: &str, lon: f64| json!({"id": id, "lat": 45.0, "lon": lon});
    let edge = |from: &str, to: &str, m: f64, two_way: bool| json!({"from": from, "to": to, "length_m": m, "speed_kmh": 36.0, "two_way": two_way});
    json!({
        "skills": ["hvac"],
        "technicians": [{"id": "H", "home": {"lat": 45.0, "lon": 4.0}, "skills": {"hvac": 1},
            "shifts": [{"start": "2026-03-02T08:00:00+01:00", "end": "2026-03-02T17:00:00+01:00"}]}],
        "sites": [{"id": "S", "location": {"lat": 45.0, "lon": 4.02}}],
        "visits": [{"id": "V", "site": "S", "kind": "repair", "duration": "PT30M"}],
        "travel": {"mode": "road", "network": {
            "nodes": [node("a", 4.0), node("b", 4.01), node("c", 4.02), node("d", 4.03)],
            "edges": [edge("a", "b", 1000.0, true), edge("b", "c", 1000.0, false),
                      edge("c", "d", 1000.0, false), edge("d", "a", 2000.0, false)]}}
    })
}

fn read(v: &Value) -> fieldsched::Result<fieldsched::Problem> {
    native::read(&serde_json::to_vec(v).expect("json"), "roads.json")
}

#[test]
fn travel_follows_the_fastest_path_and_one_way_streets() {
    let p = read(&problem()).expect("valid");
    let (home, site) = (LocIdx(0), LocIdx(1));
    assert_eq!(p.travel.time(home, site), 200);
    assert_eq!(p.travel.distance(home, site), 2000);
    assert_eq!(p.travel.time(site, home), 300, "back by the detour");
    assert_eq!(p.travel.distance(site, home), 3000);
    let (_, report) = solve_and_check(&p, &quick());
    assert_eq!(report.kpis.distance, 5000);
}

#[test]
fn locations_off_the_network_drive_straight_to_the_nearest_node() {
    let mut v = problem();
    // 0.001° of latitude north of node a: about 111 m, × the detour factor, at 40 km/h.
    v["technicians"][0]["home"] = json!({"lat": 45.001, "lon": 4.0});
    let p = read(&v).expect("valid");
    let access = 111.2 * 1.3;
    let d = p.travel.distance(LocIdx(0), LocIdx(1));
    assert!((d - 2000 - access as i64).abs() <= 2, "{d}");
    let t = p.travel.time(LocIdx(0), LocIdx(1));
    assert!((t - 200 - (access / (40.0 / 3.6)) as i64).abs() <= 2, "{t}");
}

#[test]
fn network_mistakes_are_reported_with_their_place() {
    let mut v = problem();
    v["travel"]["network"]["edges"][3]["to"] = json!("z");
    v["travel"]["network"]["edges"][0]["speed_kmh"] = json!(0);
    let err = read(&v).unwrap_err().to_string();
    assert!(
        err.contains("E202") && err.contains("$.travel.network.edges[3].to"),
        "{err}"
    );
    assert!(
        err.contains("E304") && err.contains("$.travel.network.edges[0].speed_kmh"),
        "{err}"
    );
    // Without the way back, the site cannot reach home.
    let mut v = problem();
    v["travel"]["network"]["edges"]
        .as_array_mut()
        .expect("list")
        .truncate(3);
    let err = read(&v).unwrap_err().to_string();
    assert!(
        err.contains("E403") && err.contains("`S` cannot reach `H`"),
        "{err}"
    );
    // A network file needs a problem file to sit beside.
    let mut v = problem();
    v["travel"]["network_file"] = json!("net.json");
    v["travel"]
        .as_object_mut()
        .expect("object")
        .remove("network");
    let err = read(&v).unwrap_err().to_string();
    assert!(err.contains("E404"), "{err}");
}

#[test]
fn a_network_file_is_read_beside_the_problem() {
    let dir = std::env::temp_dir().join(format!("fieldsched-roads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut v = problem();
    let network = v["travel"]["network"].take();
    v["travel"]["network_file"] = json!("net.json");
    v["travel"]
        .as_object_mut()
        .expect("object")
        .remove("network");
    std::fs::write(dir.join("net.json"), network.to_string()).expect("write");
    std::fs::write(dir.join("p.json"), v.to_string()).expect("write");
    let p = io::read_problem(&dir.join("p.json"), &ReadOptions::default()).expect("valid");
    assert_eq!(p.travel.time(LocIdx(1), LocIdx(0)), 300);
    std::fs::write(dir.join("net.json"), "{\"nodes\": [").expect("write");
    let err = io::read_problem(&dir.join("p.json"), &ReadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("net.json"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
