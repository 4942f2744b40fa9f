//! Load test of `fieldsched serve` on loopback: many clients holding small solve requests open
//! at once (`?wait`) beside a stream of validations, for a while; then the count of answers by
//! status, latency percentiles, and the server's resident memory over the run.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example load -- [SECONDS] [SOLVERS] [VALIDATORS] [QUEUE]   # 60 50 4 64
//! ```
//!
//! The server runs as `target/release/fieldsched serve --workers 2 --queue QUEUE`. Each solve asks
//! for `instances/tiny.json` with 300 iterations; each validation sends `instances/small.json`.
//! Every plan answered is checked by the independent checker. Exits non-zero on any failed
//! request other than a `503` (the documented answer of a full queue), on a plan the checker
//! rejects, or when the memory of the last tenth of the run exceeds that of the second tenth
//! by more than a quarter plus 16 MiB.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fieldsched::io::{native, plan};
use serde_json::{Value, json};

/// What one request came to.
struct Outcome {
    status: u16,
    latency: Duration,
    /// Why the answer is wrong although its status is not an error.
    wrong: Option<String>,
}

/// The server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| {
            a.parse()
                .expect("SECONDS SOLVERS VALIDATORS QUEUE are whole numbers")
        })
        .collect();
    let seconds = args.first().copied().unwrap_or(60);
    let solvers = args.get(1).copied().unwrap_or(50) as usize;
    let validators = args.get(2).copied().unwrap_or(4) as usize;
    let queue = args.get(3).copied().unwrap_or(64).to_string();

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = root.join("target/release/fieldsched");
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo build --release` first",
        binary.display()
    );
    let mut child = Command::new(&binary)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--workers",
            "2",
            "--queue",
            &queue,
        ])
        .env_remove("FIELDSCHED_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the server prints its address");
    let pid = child.id();
    let _server = Server(child);
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {line}"))
        .to_string();

    let tiny = std::fs::read(root.join("instances/tiny.json")).expect("tiny.json");
    let small = std::fs::read(root.join("instances/small.json")).expect("small.json");
    let problem = native::read(&tiny, "tiny.json").expect("tiny.json reads");
    let tiny: Value = serde_json::from_slice(&tiny).expect("JSON");
    let solve_body = json!({"problem": tiny, "config": {"iterations": 300}}).to_string();
    let validate_body = String::from_utf8(small).expect("UTF-8");

    let until = Instant::now() + Duration::from_secs(seconds);
    let memory = Arc::new(Mutex::new(Vec::new()));
    let sampler = {
        let memory = memory.clone();
        std::thread::spawn(move || {
            while Instant::now() < until {
                if let Some(kib) = resident_kib(pid) {
                    memory.lock().expect("samples").push(kib);
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    let solve_url = format!("{base}/v1/plans?wait=120");
    let validate_url = format!("{base}/v1/validate");
    let clients = |count: usize, url: &str, body: &str, check: bool| {
        (0..count)
            .map(|_| {
                let (url, body, problem) = (url.to_string(), body.to_string(), problem.clone());
                std::thread::spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build()
                        .into();
                    let mut outcomes = Vec::new();
                    while Instant::now() < until {
                        let sent = Instant::now();
                        let answer = agent
                            .post(&url)
                            .header("Content-Type", "application/json")
                            .send(body.as_str());
                        outcomes.push(match answer {
                            Ok(response) => {
                                let status = response.status().as_u16();
                                let text =
                                    response.into_body().read_to_string().unwrap_or_default();
                                let latency = sent.elapsed();
                                let wrong = (check && status == 200)
                                    .then(|| checked(&problem, &text).err())
                                    .flatten();
                                Outcome {
                                    status,
                                    latency,
                                    wrong,
                                }
                            }
                            Err(e) => Outcome {
                                status: 0,
                                latency: sent.elapsed(),
                                wrong: Some(e.to_string()),
                            },
                        });
                    }
                    outcomes
                })
            })
            .collect::<Vec<_>>()
    };
    let solving = clients(solvers, &solve_url, &solve_body, true);
    let validating = clients(validators, &validate_url, &validate_body, false);
    let gather = |threads: Vec<std::thread::JoinHandle<Vec<Outcome>>>| -> Vec<Outcome> {
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("a client thread"))
            .collect()
    };
    let solves = gather(solving);
    let validations = gather(validating);
    sampler.join().expect("the sampler");

    println!(
        "fieldsched serve --workers 2 --queue {queue} on loopback, {seconds} s, {solvers} solving clients (tiny.json, 300 iterations, ?wait), {validators} validating clients (small.json), {} cores\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| requests | answered | 200 | 503 | failed | p50 (ms) | p99 (ms) | max (ms) |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut failed = 0;
    for (name, outcomes) in [("solve", &solves), ("validate", &validations)] {
        failed += report(name, outcomes);
    }
    let samples = memory.lock().expect("samples").clone();
    let tenth = (samples.len() / 10).max(1);
    let mean = |s: &[u64]| s.iter().sum::<u64>() as f64 / s.len().max(1) as f64 / 1024.0;
    let early = mean(samples.get(tenth..2 * tenth).unwrap_or(&samples));
    let late = mean(&samples[samples.len().saturating_sub(tenth)..]);
    let peak = samples.iter().max().copied().unwrap_or(0) as f64 / 1024.0;
    let grew = late > early * 1.25 + 16.0;
    println!(
        "\nserver memory (resident): {early:.1} MiB in the second tenth of the run, {late:.1} MiB in the last tenth, peak {peak:.1} MiB ({} samples){}",
        samples.len(),
        if grew { " — GREW" } else { "" }
    );
    if failed > 0 || grew || solves.is_empty() {
        std::process::exit(1);
    }
}

/// Prints one table row; returns the failed requests (503 is not a failure).
fn report(name: &str, outcomes: &[Outcome]) -> usize {
    let count = |f: &dyn Fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let ok = count(&|o| o.status == 200 && o.wrong.is_none());
    let busy = count(&|o| o.status == 503);
    let failed = outcomes.len() - ok - busy;
    for o in outcomes
        .iter()
        .filter(|o| !(o.status == 200 && o.wrong.is_none()) && o.status != 503)
        .take(3)
    {
        eprintln!(
            "{name}: status {} {}",
            o.status,
            o.wrong.as_deref().unwrap_or("")
        );
    }
    let mut ms: Vec<f64> = outcomes
        .iter()
        .filter(|o| o.status == 200)
        .map(|o| o.latency.as_secs_f64() * 1000.0)
        .collect();
    ms.sort_by(f64::total_cmp);
    let at = |q: f64| {
        ms.get(((ms.len() as f64 * q).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    println!(
        "| {name} | {} | {ok} | {busy} | {failed} | {:.0} | {:.0} | {:.0} |",
        outcomes.len(),
        at(0.5),
        at(0.99),
        ms.last().copied().unwrap_or(0.0)
    );
    failed
}

/// Whether a job answer holds a finished plan the checker accepts.
fn checked(problem: &fieldsched::Problem, text: &str) -> Result<(), String> {
    let job: Value = serde_json::from_str(text).map_err(|e| format!("answer: {e}"))?;
    if job["status"] != "done" {
        return Err(format!("job not done: {}", job["status"]));
    }
    let bytes = serde_json::to_vec(&job["plan"]).map_err(|e| e.to_string())?;
    let stated = plan::read(&bytes, "answer", problem).map_err(|e| e.to_string())?;
    let report = fieldsched::check(problem, &stated);
    if report.is_feasible() {
        Ok(())
    } else {
        Err(format!("{:?}", report.violations))
    }
}

/// The resident memory of process `pid` in KiB (Linux).
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
