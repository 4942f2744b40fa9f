//! How a scheduling service uses fieldsched as a library: read a native problem from JSON
//! bytes (as a request body would bring it), solve it on a worker thread with a time limit,
//! watch progress, cancel when the caller gives up, check the plan and answer with the plan
//! file's JSON.
//!
//! ```sh
//! cargo run --release --example service -- instances/city.json 5
//! ```

use std::sync::mpsc;
use std::time::Duration;

use fieldsched::io::{native, plan};
use fieldsched::solver::SolverChoice;
use fieldsched::{Cancel, Progress, SolverConfig, check_solution, solve_with};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "instances/city.json".into());
    let budget: f64 = args.next().map_or(Ok(5.0), |s| s.parse())?;

    // A request body: bad input comes back as an error with codes, paths and hints.
    let body = std::fs::read(&path)?;
    let problem = native::read(&body, &path)?;
    let config = SolverConfig {
        time_limit: Some(budget),
        solver: SolverChoice::Auto,
        threads: 2,
        ..SolverConfig::default()
    };

    // The solve runs on its own thread; progress goes to a channel the service can poll, and
    // the token lets a client's DELETE (here: a deadline twice the budget) stop it early.
    let cancel = Cancel::new();
    let (progress_tx, progress_rx) = mpsc::channel::<Progress>();
    let worker = {
        let (cancel, problem) = (cancel.clone(), problem.clone());
        let progress_tx = std::sync::Mutex::new(progress_tx);
        std::thread::spawn(move || {
            let report = |p: &Progress| {
                let _ = progress_tx.lock().map(|tx| tx.send(*p));
            };
            solve_with(&problem, &config, &report, &cancel)
        })
    };
    let give_up = std::time::Instant::now() + Duration::from_secs_f64(2.0 * budget);
    while !worker.is_finished() {
        if let Ok(p) = progress_rx.recv_timeout(Duration::from_millis(500)) {
            eprintln!(
                "{:5.1} s  best {:.2}  late {}  left out {}",
                p.elapsed, p.cost, p.late, p.unassigned
            );
        }
        if std::time::Instant::now() > give_up {
            cancel.cancel();
        }
    }
    let solution = worker.join().expect("the solver thread does not panic")?;

    // Every answer is checked independently before it leaves the service.
    let (stated, report) = check_solution(&problem, &solution)?;
    let dto = plan::to_dto(&problem, &solution, &stated, &report);
    println!("{}", serde_json::to_string_pretty(&dto)?);
    Ok(())
}
