//! The HTTP service: solve jobs with a bounded queue, progress, cancellation and checked plans,
//! problem validation, bearer-token access and an OpenAPI document (`openapi.json`).
//!
//! `POST /v1/plans` takes `{"problem": <native problem>, "config": <SolverConfig>?}` and queues
//! a job (`503` when the queue is full); `?wait=SECS` answers with the plan when it is ready
//! within that time. `GET /v1/plans/{id}` gives the status, the latest progress and, once done,
//! the plan; `DELETE` cancels (a running job stops soon and keeps its best plan so far). `POST /v1/validate` checks a
//! problem. Errors are JSON with the CLI's codes. Finished jobs are kept up to a count, the
//! oldest forgotten first.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::error::Error;
use crate::io::{native, plan};
use crate::solution::check::check_solution;
use crate::solver::{Cancel, Progress, SolverConfig, solve_with};

/// The OpenAPI document of this service.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// How the service runs.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Required as `Authorization: Bearer <token>` on every route but `/health`, when set.
    pub token: Option<String>,
    /// Jobs solved at once.
    pub workers: usize,
    /// Jobs that may wait for a worker; more are refused with 503.
    pub queue: usize,
    /// Largest request body, in bytes.
    pub max_body: usize,
    /// Longest time limit of a job, in seconds (also the limit of jobs that give none).
    pub max_time_limit: f64,
    /// Most threads one job may use.
    pub max_threads: usize,
    /// Finished jobs kept for `GET`.
    pub keep_finished: usize,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            token: None,
            workers: 1,
            queue: 16,
            max_body: 16 << 20,
            max_time_limit: 60.0,
            max_threads: 2,
            keep_finished: 1000,
        }
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Queued,
    Running,
    Done,
    Cancelled,
    Failed,
}

impl Status {
    fn finished(self) -> bool {
        matches!(self, Status::Done | Status::Cancelled | Status::Failed)
    }
}

struct Job {
    status: Status,
    progress: Option<Progress>,
    plan: Option<Value>,
    error: Option<Value>,
    cancel: Cancel,
    finished: Option<Instant>,
}

struct Service {
    config: ServeConfig,
    jobs: Mutex<BTreeMap<u64, Job>>,
    next_id: AtomicU64,
    workers: Semaphore,
}

impl Service {
    fn jobs(&self) -> MutexGuard<'_, BTreeMap<u64, Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Updates job `id`, if it is still kept.
    fn update(&self, id: u64, change: impl FnOnce(&mut Job)) {
        if let Some(job) = self.jobs().get_mut(&id) {
            change(job);
        }
    }
}

/// An error answer: the HTTP status and a JSON body with a stable code.
struct Failure(StatusCode, Value);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

fn failure(status: StatusCode, code: &str, message: impl Into<String>) -> Failure {
    Failure(status, json!({ "code": code, "message": message.into() }))
}

/// The library's errors with the codes and exit codes of the CLI.
fn error_body(e: &Error) -> Value {
    let kind = match e {
        Error::Invalid { .. } => "invalid_input",
        Error::Io { .. } => "io",
        Error::Usage(_) => "usage",
        Error::Solver(_) => "solver",
    };
    let issues = match e {
        Error::Invalid { issues, .. } => json!(issues),
        _ => json!([]),
    };
    json!({ "code": kind, "exit_code": e.exit_code(), "message": e.to_string(), "issues": issues })
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let status = match e {
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Usage(_) => StatusCode::BAD_REQUEST,
            Error::Io { .. } | Error::Solver(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Failure(status, error_body(&e))
    }
}

/// The routes of the service.
pub fn router(config: ServeConfig) -> Router {
    let max_body = config.max_body;
    let service = Arc::new(Service {
        workers: Semaphore::new(config.workers.max(1)),
        config,
        jobs: Mutex::new(BTreeMap::new()),
        next_id: AtomicU64::new(1),
    });
    let guarded = Router::new()
        .route("/v1/plans", post(create))
        .route("/v1/plans/{id}", get(status).delete(cancel))
        .route("/v1/validate", post(validate))
        .route("/openapi.json", get(openapi))
        .route_layer(middleware::from_fn_with_state(service.clone(), authorise));
    Router::new()
        .route("/health", get(health))
        .merge(guarded)
        .fallback(|| async { failure(StatusCode::NOT_FOUND, "not_found", "no such route") })
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(service)
}

/// Serves on `addr` until Ctrl-C; refuses an address beyond loopback without a token. Calls
/// `bound` with the address actually bound (the port may have been 0).
pub async fn serve(
    addr: SocketAddr,
    config: ServeConfig,
    bound: impl FnOnce(SocketAddr),
) -> crate::Result<()> {
    if !addr.ip().is_loopback() && config.token.is_none() {
        return Err(Error::Usage(format!(
            "{addr} is reachable beyond this machine: set a token (FIELDSCHED_TOKEN or \
             --token-file) or listen on 127.0.0.1"
        )));
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {addr}: {e}")))?;
    let local = listener.local_addr().map_err(|e| Error::Io {
        path: addr.to_string(),
        message: e.to_string(),
    })?;
    bound(local);
    axum::serve(listener, router(config))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Error::Io {
            path: local.to_string(),
            message: e.to_string(),
        })
}

async fn authorise(
    State(service): State<Arc<Service>>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    if let Some(token) = &service.config.token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if given != Some(token.as_str()) {
            return failure(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send Authorization: Bearer <token>",
            )
            .into_response();
        }
    }
    next.run(request).await
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn validate(body: axum::body::Bytes) -> Result<Json<Value>, Failure> {
    let problem = native::read(&body, "request")?;
    Ok(Json(json!({
        "valid": true,
        "technicians": problem.technicians.len(),
        "visits": problem.visits.len(),
        "sites": problem.sites.len(),
        "tiers": problem.tiers.len(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanRequest {
    problem: Box<serde_json::value::RawValue>,
    #[serde(default)]
    config: Option<SolverConfig>,
}

#[derive(Deserialize)]
struct Wait {
    wait: Option<f64>,
}

/// Longest synchronous wait, in seconds.
const MAX_WAIT: f64 = 300.0;

async fn create(
    State(service): State<Arc<Service>>,
    Query(wait): Query<Wait>,
    body: axum::body::Bytes,
) -> Result<Response, Failure> {
    let request: PlanRequest =
        serde_json::from_slice(&body).map_err(|e| Error::Usage(format!("request body: {e}")))?;
    let problem = native::read(request.problem.get().as_bytes(), "problem")?;
    let limits = &service.config;
    let mut config = request.config.unwrap_or_default();
    config.validate()?;
    config.time_limit = Some(
        config
            .time_limit
            .map_or(limits.max_time_limit, |t| t.min(limits.max_time_limit)),
    );
    config.threads = config.threads.min(limits.max_threads.max(1));
    let cancel = Cancel::new();
    let id = {
        let mut jobs = service.jobs();
        let waiting = jobs.values().filter(|j| !j.status.finished()).count();
        if waiting >= limits.workers.max(1) + limits.queue {
            return Err(failure(
                StatusCode::SERVICE_UNAVAILABLE,
                "queue_full",
                "too many jobs queued; retry later",
            ));
        }
        forget_old(&mut jobs, limits.keep_finished);
        let id = service.next_id.fetch_add(1, Ordering::Relaxed);
        jobs.insert(
            id,
            Job {
                status: Status::Queued,
                progress: None,
                plan: None,
                error: None,
                cancel: cancel.clone(),
                finished: None,
            },
        );
        id
    };
    tokio::spawn(run(service.clone(), id, problem, config, cancel));
    if let Some(seconds) = wait.wait.filter(|s| s.is_finite() && *s > 0.0) {
        let until = Instant::now() + Duration::from_secs_f64(seconds.min(MAX_WAIT));
        while Instant::now() < until {
            if service.jobs().get(&id).is_some_and(|j| j.status.finished()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let (code, body) = describe(&service, id);
    Ok((code, Json(body)).into_response())
}

/// Drops the oldest finished jobs beyond `keep`.
fn forget_old(jobs: &mut BTreeMap<u64, Job>, keep: usize) {
    let mut finished: Vec<(Instant, u64)> = jobs
        .iter()
        .filter_map(|(&id, j)| j.finished.map(|at| (at, id)))
        .collect();
    if finished.len() >= keep {
        finished.sort_unstable();
        for (_, id) in &finished[..finished.len() + 1 - keep.max(1)] {
            jobs.remove(id);
        }
    }
}

/// Waits for a worker, solves, checks and keeps the plan.
async fn run(
    service: Arc<Service>,
    id: u64,
    problem: crate::Problem,
    config: SolverConfig,
    cancel: Cancel,
) {
    let Ok(_permit) = service.workers.acquire().await else {
        return;
    };
    if cancel.is_cancelled() {
        return;
    }
    service.update(id, |job| job.status = Status::Running);
    let progress_service = service.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let report = |p: &Progress| progress_service.update(id, |job| job.progress = Some(*p));
        let solution = solve_with(&problem, &config, &report, &cancel)?;
        let (stated, checked) = check_solution(&problem, &solution)?;
        let dto = plan::to_dto(&problem, &solution, &stated, &checked);
        serde_json::to_value(dto).map_err(|e| Error::Solver(e.to_string()))
    })
    .await;
    service.update(id, |job| {
        job.finished = Some(Instant::now());
        match outcome {
            Ok(Ok(plan)) => {
                job.plan = Some(plan);
                job.status = match job.cancel.is_cancelled() {
                    true => Status::Cancelled,
                    false => Status::Done,
                };
            }
            Ok(Err(e)) => {
                job.error = Some(error_body(&e));
                job.status = Status::Failed;
            }
            Err(e) => {
                job.error = Some(json!({ "code": "internal", "message": e.to_string() }));
                job.status = Status::Failed;
            }
        }
    });
}

/// The status code and body describing job `id`.
fn describe(service: &Service, id: u64) -> (StatusCode, Value) {
    let jobs = service.jobs();
    let Some(job) = jobs.get(&id) else {
        return (
            StatusCode::NOT_FOUND,
            json!({ "error": { "code": "not_found", "message": format!("no job {id}") } }),
        );
    };
    let code = match job.status {
        Status::Done | Status::Cancelled | Status::Failed => StatusCode::OK,
        Status::Queued | Status::Running => StatusCode::ACCEPTED,
    };
    let mut body = json!({ "id": id.to_string(), "status": job.status, "progress": job.progress });
    if let Some(plan) = &job.plan {
        body["plan"] = plan.clone();
    }
    if let Some(error) = &job.error {
        body["error"] = error.clone();
    }
    (code, body)
}

fn job_id(text: &str) -> Result<u64, Failure> {
    text.parse()
        .map_err(|_| failure(StatusCode::NOT_FOUND, "not_found", format!("no job {text}")))
}

async fn status(State(service): State<Arc<Service>>, Path(id): Path<String>) -> Response {
    match job_id(&id) {
        Ok(id) => {
            let (code, body) = describe(&service, id);
            (code, Json(body)).into_response()
        }
        Err(f) => f.into_response(),
    }
}

async fn cancel(State(service): State<Arc<Service>>, Path(id): Path<String>) -> Response {
    let id = match job_id(&id) {
        Ok(id) => id,
        Err(f) => return f.into_response(),
    };
    // A queued job ends at once; a running one stops soon with its best plan so far.
    service.update(id, |job| {
        job.cancel.cancel();
        if job.status == Status::Queued {
            job.status = Status::Cancelled;
            job.finished = Some(Instant::now());
        }
    });
    let (code, body) = describe(&service, id);
    (code, Json(body)).into_response()
}
