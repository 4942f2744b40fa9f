//! The HTTP service end to end: `fieldsched serve` on a loopback port, driven by a real HTTP
//! client; every plan it answers with passes the checker.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fieldsched::io::{ObjectiveChoice, plan};
use serde_json::{Value, json};

use crate::helpers::{read, root};

/// A server process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str], token: Option<&str>) -> Server {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldsched"));
    command
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .env_remove("FIELDSCHED_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(token) = token {
        command.env("FIELDSCHED_TOKEN", token);
    }
    let mut child = command.spawn().expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();
    Server { child, base }
}

/// A client that reports every status as a response instead of an error.
fn client() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

fn body(response: ureq::http::Response<ureq::Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.into_body().read_to_string().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn get(agent: &ureq::Agent, url: &str, token: Option<&str>) -> (u16, Value) {
    let mut request = agent.get(url);
    if let Some(t) = token {
        request = request.header("Authorization", &format!("Bearer {t}"));
    }
    body(request.call().unwrap())
}

fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    token: Option<&str>,
    payload: &Value,
) -> (u16, Value) {
    let text = serde_json::to_string(payload).unwrap();
    let mut request = ureq::http::Request::builder()
        .method(method)
        .uri(url)
        .header("Content-Type", "application/json");
    if let Some(t) = token {
        request = request.header("Authorization", format!("Bearer {t}"));
    }
    body(agent.run(request.body(text).unwrap()).unwrap())
}

/// Gets `url` every 100 ms until `done` says so of the answer, failing past `until`.
fn poll(
    agent: &ureq::Agent,
    url: &str,
    until: Instant,
    done: impl Fn(u16, &Value) -> bool,
) -> Value {
    loop {
        let (status, job) = get(agent, url, None);
        if done(status, &job) {
            return job;
        }
        assert!(Instant::now() < until, "{url} not there in time: {job}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn problem(name: &str) -> Value {
    serde_json::from_slice(&std::fs::read(root().join("instances").join(name)).unwrap()).unwrap()
}

/// The plan in a job answer passes the checker.
fn assert_checked(name: &str, job: &Value) {
    let problem = read(
        &root().join("instances").join(name),
        ObjectiveChoice::Native,
    );
    let bytes = serde_json::to_vec(&job["plan"]).unwrap();
    let stated = plan::read(&bytes, "answer", &problem).expect("a readable plan");
    let report = fieldsched::check(&problem, &stated);
    assert!(report.is_feasible(), "{:?}", report.violations);
}

#[test]
fn plans_are_solved_waited_for_polled_cancelled_and_checked() {
    let server = start(&["--workers", "1", "--queue", "1"], None);
    let agent = client();
    let base = &server.base;
    assert_eq!(
        get(&agent, &format!("{base}/health"), None),
        (200, json!({"status": "ok"}))
    );

    // Synchronous: a small problem answered within the wait, with a checked plan.
    let request = json!({"problem": problem("tiny.json"), "config": {"time_limit": 1, "seed": 3}});
    let (status, job) = send(
        &agent,
        "POST",
        &format!("{base}/v1/plans?wait=60"),
        None,
        &request,
    );
    assert_eq!(status, 200, "{job}");
    assert_eq!(job["status"], "done");
    assert_checked("tiny.json", &job);

    // Asynchronous: queued, running with progress, cancelled, best plan kept and checked.
    let long = json!({"problem": problem("city.json"), "config": {"time_limit": 60}});
    let (status, job) = send(&agent, "POST", &format!("{base}/v1/plans"), None, &long);
    assert_eq!(status, 202, "{job}");
    let url = format!("{base}/v1/plans/{}", job["id"].as_str().unwrap());
    let started = Instant::now();
    let running = poll(
        &agent,
        &url,
        started + Duration::from_secs(30),
        |status, job| {
            assert_eq!(status, 202, "{job}");
            !job["progress"].is_null()
        },
    );
    assert_eq!(running["status"], "running");
    assert!(running["progress"]["cost"].as_f64().unwrap() > 0.0);

    // One worker busy, one job queued: a third is refused.
    let (status, queued) = send(&agent, "POST", &format!("{base}/v1/plans"), None, &long);
    assert_eq!(status, 202, "{queued}");
    let (status, refused) = send(&agent, "POST", &format!("{base}/v1/plans"), None, &long);
    assert_eq!(status, 503, "{refused}");
    assert_eq!(refused["error"]["code"], "queue_full");
    let queued_url = format!("{base}/v1/plans/{}", queued["id"].as_str().unwrap());
    let (status, gone) = send(&agent, "DELETE", &queued_url, None, &json!(null));
    assert_eq!((status, gone["status"].as_str()), (200, Some("cancelled")));

    send(&agent, "DELETE", &url, None, &json!(null));
    let cancelled = poll(
        &agent,
        &url,
        started + Duration::from_secs(50),
        |status, _| status == 200,
    );
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled["plan"]["solver"]["elapsed"].as_f64().unwrap() < 50.0);
    assert_checked("city.json", &cancelled);

    let (status, missing) = get(&agent, &format!("{base}/v1/plans/999"), None);
    assert_eq!(
        (status, missing["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

#[test]
fn bad_requests_get_json_errors_with_the_cli_codes() {
    let server = start(&["--max-body-mib", "1"], None);
    let agent = client();
    let base = &server.base;
    let mut broken = problem("tiny.json");
    broken["visits"][0]["site"] = json!("nowhere");
    let (status, error) = send(
        &agent,
        "POST",
        &format!("{base}/v1/validate"),
        None,
        &broken,
    );
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["error"]["exit_code"], 2);
    let codes: Vec<&str> = error["error"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.iter().all(|c| c.starts_with('E')) && !codes.is_empty(),
        "{codes:?}"
    );
    let (status, valid) = send(
        &agent,
        "POST",
        &format!("{base}/v1/validate"),
        None,
        &problem("tiny.json"),
    );
    assert_eq!((status, valid["valid"].as_bool()), (200, Some(true)));
    let (status, error) = send(
        &agent,
        "POST",
        &format!("{base}/v1/plans"),
        None,
        &json!({"problem": broken}),
    );
    assert_eq!(status, 422, "{error}");
    let bad_config = json!({"problem": problem("tiny.json"), "config": {"threads": 0}});
    let (status, error) = send(
        &agent,
        "POST",
        &format!("{base}/v1/plans"),
        None,
        &bad_config,
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("usage"))
    );
    // A body over the limit is refused: 413, or the connection closed once the limit is read.
    let huge = serde_json::to_string(&json!({"problem": "x".repeat(2 << 20)})).unwrap();
    let sent = agent
        .post(format!("{base}/v1/validate"))
        .header("Content-Type", "application/json")
        .send(huge.as_str());
    if let Ok(response) = sent {
        let (status, error) = body(response);
        assert_eq!(status, 413);
        assert_eq!(error["error"]["code"], "payload_too_large", "{error}");
        assert_eq!(error["error"]["exit_code"], 1);
    }
    // Every other error a client can meet is the same JSON (a new client: the server may
    // have closed the connection the huge body came on).
    let agent = client();
    let (status, error) = send(
        &agent,
        "PUT",
        &format!("{base}/v1/validate"),
        None,
        &json!({}),
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
    let (status, error) = get(&agent, &format!("{base}/v1/nowhere"), None);
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, error) = send(
        &agent,
        "POST",
        &format!("{base}/v1/plans?wait=soon"),
        None,
        &json!({"problem": problem("tiny.json")}),
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("bad_request")),
        "{error}"
    );
    assert!(error["error"]["issues"].is_array());
    // Validate takes the body of /v1/plans too; capped values are listed.
    let wrapped = json!({"problem": problem("tiny.json"), "config": {"threads": 8, "time_limit": 1e6, "iterations": 50}});
    let (status, valid) = send(
        &agent,
        "POST",
        &format!("{base}/v1/validate"),
        None,
        &wrapped,
    );
    assert_eq!(
        (status, valid["valid"].as_bool()),
        (200, Some(true)),
        "{valid}"
    );
    let (status, job) = send(&agent, "POST", &format!("{base}/v1/plans"), None, &wrapped);
    assert_eq!(status, 202, "{job}");
    let warnings = job["warnings"].to_string();
    assert!(
        warnings.contains("threads 8 capped") && warnings.contains("time_limit"),
        "{warnings}"
    );
    let id = job["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    assert_eq!(get(&agent, &format!("{base}/health"), None).0, 200);
    let (status, document) = get(&agent, &format!("{base}/openapi.json"), None);
    assert_eq!(status, 200);
    let kept: Value =
        serde_json::from_slice(&std::fs::read(root().join("openapi.json")).unwrap()).unwrap();
    assert_eq!(document, kept);
}

#[test]
fn a_token_guards_every_route_but_health_and_is_needed_beyond_loopback() {
    let server = start(&[], Some("s3cret"));
    let agent = client();
    let base = &server.base;
    assert_eq!(get(&agent, &format!("{base}/health"), None).0, 200);
    let tiny = problem("tiny.json");
    for token in [None, Some("wrong")] {
        let (status, error) = send(&agent, "POST", &format!("{base}/v1/validate"), token, &tiny);
        assert_eq!(
            (status, error["error"]["code"].as_str()),
            (401, Some("unauthorized"))
        );
        assert_eq!(get(&agent, &format!("{base}/openapi.json"), token).0, 401);
    }
    let answer = agent.get(format!("{base}/openapi.json")).call().unwrap();
    assert!(
        answer
            .headers()
            .get("www-authenticate")
            .is_some_and(|v| v.to_str().unwrap().starts_with("Bearer")),
        "401 names its scheme"
    );
    let lower = agent
        .get(format!("{base}/openapi.json"))
        .header("Authorization", "bearer s3cret")
        .call()
        .unwrap();
    assert_eq!(
        lower.status().as_u16(),
        200,
        "the scheme is case-insensitive"
    );
    let empty = std::env::temp_dir().join(format!("fieldsched-token-{}", std::process::id()));
    std::fs::write(&empty, "\n").unwrap();
    let refused = Command::new(env!("CARGO_BIN_EXE_fieldsched"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--token-file",
            empty.to_str().unwrap(),
        ])
        .output()
        .expect("runs");
    std::fs::remove_file(&empty).unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("token file is empty"));
    assert_eq!(
        send(
            &agent,
            "POST",
            &format!("{base}/v1/validate"),
            Some("s3cret"),
            &tiny
        )
        .0,
        200
    );

    let open = Command::new(env!("CARGO_BIN_EXE_fieldsched"))
        .args(["serve", "--addr", "0.0.0.0:0"])
        .env_remove("FIELDSCHED_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(open.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&open.stderr).contains("token"));
}
