//! The HTTP service: solve jobs with a bounded queue, progress, cancellation and checked plans,
//! problem validation, bearer-token access and an OpenAPI document (`openapi.json`).
//!
//! `POST /v1/plans` takes `{"problem": <native problem>, "config": <SolverConfig>?}` (or a bare
//! problem) and queues a job under a random id (`503` when the queue is full); `?wait=SECS`
//! answers with the plan when it is ready within that time. `GET /v1/plans/{id}` gives the
//! status, the latest progress and, once done, the plan; `DELETE` cancels (a running job stops
//! soon and keeps its best plan so far). `POST /v1/validate` checks a problem in either body.
//! Every error is JSON `{"error": {code, message, exit_code, issues}}` with the CLI's codes.
//! Reading a problem and building its travel matrix run on the blocking pool, after the queue
//! check, and a problem whose matrix would pass `max_matrix` bytes is refused. Finished jobs
//! are kept up to a count, the oldest forgotten first.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

use crate::error::Error;
use crate::io::{native, plan};
use crate::model::Problem;
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
    /// Largest travel matrix a job may need, in bytes.
    pub max_matrix: usize,
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
            max_matrix: native::LARGE_MATRIX,
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
    jobs: Mutex<BTreeMap<String, Job>>,
    workers: Semaphore,
}

impl Service {
    fn jobs(&self) -> MutexGuard<'_, BTreeMap<String, Job>> {
        self.jobs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Updates job `id`, if it is still kept.
    fn update(&self, id: &str, change: impl FnOnce(&mut Job)) {
        if let Some(job) = self.jobs().get_mut(id) {
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

/// An error of the request itself (not of its problem): exit code 1 like a usage error.
fn failure(status: StatusCode, code: &str, message: impl Into<String>) -> Failure {
    Failure(
        status,
        json!({ "code": code, "message": message.into(), "exit_code": 1, "issues": [] }),
    )
}

/// The library's errors with the codes and exit codes of the CLI.
fn error_body(e: &Error) -> Value {
    let kind = match e {
        Error::Invalid { .. } => "invalid_input",
        Error::Io { .. } => "io",
        Error::Usage(_) => "usage",
        Error::Solver(_) => "solver",
        Error::Internal(_) => "internal",
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
            Error::Io { .. } | Error::Solver(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
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
        .layer(middleware::from_fn(json_errors))
        .with_state(service)
}

/// Gives the errors axum answers by itself (413, 405, a bad query string or body) the JSON
/// body every other error has.
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (code, message) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is larger than the server takes (--max-body-mib)".to_string(),
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this route does not take that method (see /openapi.json)".to_string(),
        ),
        _ => {
            let bytes = axum::body::to_bytes(response.into_body(), 64 << 10)
                .await
                .unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            let mut answer = failure(status, "bad_request", text).into_response();
            *answer.status_mut() = status;
            return answer;
        }
    };
    let mut answer = failure(status, code, message).into_response();
    if let Some(allow) = response.headers().get(header::ALLOW) {
        answer.headers_mut().insert(header::ALLOW, allow.clone());
    }
    answer
}

/// Serves on `addr` until Ctrl-C; refuses an address beyond loopback without a token. Calls
/// `bound` with the address actually bound (the port may have been 0).
pub async fn serve(
    addr: SocketAddr,
    config: ServeConfig,
    bound: impl FnOnce(SocketAddr),
) -> crate::Result<()> {
    if config.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(Error::Usage(
            "the token is empty: set a token or none (loopback only)".into(),
        ));
    }
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
            .and_then(|v| bearer(v.as_bytes()));
        if !given.is_some_and(|g| same_bytes(g, token.as_bytes())) {
            let mut answer = failure(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send Authorization: Bearer <token>",
            )
            .into_response();
            answer.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"fieldsched\""),
            );
            return answer;
        }
    }
    next.run(request).await
}

/// The credentials of an `Authorization` header of the Bearer scheme (named in any case).
fn bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(6)?;
    (scheme.eq_ignore_ascii_case(b"bearer") && rest.first() == Some(&b' '))
        .then(|| rest.trim_ascii())
}

/// Whether two byte strings are equal, in time that depends on their lengths only.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let differ = a
        .iter()
        .zip(b)
        .fold(a.len() ^ b.len(), |acc, (x, y)| acc | usize::from(x ^ y));
    std::hint::black_box(differ) == 0
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// A request body: `{"problem": …, "config": …}`, or a bare native problem.
struct Body {
    problem: Box<serde_json::value::RawValue>,
    config: Option<SolverConfig>,
}

/// The body's fields, read once and left unparsed: a bare problem when it has no `problem`.
fn request_body(body: &[u8]) -> Result<Body, Failure> {
    let usage = |e: String| Failure::from(Error::Usage(format!("request body: {e}")));
    let mut fields: BTreeMap<String, Box<serde_json::value::RawValue>> =
        serde_json::from_slice(body).map_err(|e| usage(e.to_string()))?;
    let Some(problem) = fields.remove("problem") else {
        let problem =
            serde_json::value::RawValue::from_string(String::from_utf8_lossy(body).into_owned())
                .map_err(|e| usage(e.to_string()))?;
        return Ok(Body {
            problem,
            config: None,
        });
    };
    let config = match fields.remove("config") {
        Some(raw) => serde_json::from_str::<Option<SolverConfig>>(raw.get())
            .map_err(|e| usage(format!("config: {e}")))?,
        None => None,
    };
    if let Some(key) = fields.keys().next() {
        return Err(usage(format!(
            "unknown field `{key}`, expected `problem` or `config`"
        )));
    }
    Ok(Body { problem, config })
}

/// Reads the problem on the blocking pool, refusing one whose travel matrix would pass
/// `max_matrix` bytes before building it.
async fn read_problem(
    raw: Box<serde_json::value::RawValue>,
    max_matrix: usize,
) -> Result<(Problem, Vec<String>), Failure> {
    let outcome = tokio::task::spawn_blocking(move || {
        let bytes = raw.get().as_bytes();
        let dto = native::parse(bytes, "problem")?;
        let needed = native::matrix_bytes(&dto);
        if needed > max_matrix {
            return Err(Error::Usage(format!(
                "the problem needs a travel matrix of about {} MiB, more than this server's \
                 {} MiB (--max-matrix-mib): split it or ask for a larger cap",
                needed >> 20,
                max_matrix >> 20
            )));
        }
        let problem = native::to_problem(&dto, "problem")?;
        let warnings = native::warnings(&problem)
            .iter()
            .map(ToString::to_string)
            .collect();
        Ok((problem, warnings))
    })
    .await
    .map_err(|e| Failure::from(Error::Internal(e.to_string())))?;
    Ok(outcome?)
}

async fn validate(
    State(service): State<Arc<Service>>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, Failure> {
    let request = request_body(&body)?;
    let (problem, warnings) = read_problem(request.problem, service.config.max_matrix).await?;
    Ok(Json(json!({
        "valid": true,
        "technicians": problem.technicians.len(),
        "visits": problem.visits.len(),
        "sites": problem.sites.len(),
        "tiers": problem.tiers.len(),
        "warnings": warnings,
    })))
}

#[derive(Deserialize)]
struct Wait {
    wait: Option<f64>,
}

/// Longest synchronous wait, in seconds.
const MAX_WAIT: f64 = 300.0;

/// The job's configuration within the server's limits, and a sentence per value capped.
fn capped(
    config: Option<SolverConfig>,
    limits: &ServeConfig,
) -> Result<(SolverConfig, Vec<String>), Error> {
    let mut config = config.unwrap_or_default();
    config.validate()?;
    let mut warnings = Vec::new();
    match config.time_limit {
        Some(t) if t > limits.max_time_limit => warnings.push(format!(
            "time_limit {t} s capped at the server's {} s",
            limits.max_time_limit
        )),
        None => warnings.push(format!(
            "no time_limit given: the server's {} s applies",
            limits.max_time_limit
        )),
        Some(_) => {}
    }
    config.time_limit = Some(
        config
            .time_limit
            .map_or(limits.max_time_limit, |t| t.min(limits.max_time_limit)),
    );
    let max_threads = limits.max_threads.max(1);
    if config.threads > max_threads {
        warnings.push(format!(
            "threads {} capped at the server's {max_threads}",
            config.threads
        ));
        config.threads = max_threads;
    }
    Ok((config, warnings))
}

async fn create(
    State(service): State<Arc<Service>>,
    Query(wait): Query<Wait>,
    body: axum::body::Bytes,
) -> Result<Response, Failure> {
    let request = request_body(&body)?;
    let limits = &service.config;
    let (config, mut warnings) = capped(request.config, limits)?;
    let queue_full = || {
        failure(
            StatusCode::SERVICE_UNAVAILABLE,
            "queue_full",
            "too many jobs queued; retry later",
        )
    };
    let busy = |jobs: &BTreeMap<String, Job>| {
        jobs.values().filter(|j| !j.status.finished()).count()
            >= limits.workers.max(1) + limits.queue
    };
    if busy(&service.jobs()) {
        return Err(queue_full());
    }
    let (problem, problem_warnings) = read_problem(request.problem, limits.max_matrix).await?;
    warnings.extend(problem_warnings);
    let cancel = Cancel::new();
    let id = uuid::Uuid::new_v4().to_string();
    {
        let mut jobs = service.jobs();
        if busy(&jobs) {
            return Err(queue_full());
        }
        forget_old(&mut jobs, limits.keep_finished);
        jobs.insert(
            id.clone(),
            Job {
                status: Status::Queued,
                progress: None,
                plan: None,
                error: None,
                cancel: cancel.clone(),
                finished: None,
            },
        );
    }
    tokio::spawn(run(service.clone(), id.clone(), problem, config, cancel));
    if let Some(seconds) = wait.wait.filter(|s| s.is_finite() && *s > 0.0) {
        let until = Instant::now() + Duration::from_secs_f64(seconds.min(MAX_WAIT));
        while Instant::now() < until {
            if service.jobs().get(&id).is_some_and(|j| j.status.finished()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let (code, mut body) = describe(&service, &id);
    body["warnings"] = json!(warnings);
    Ok((code, Json(body)).into_response())
}

/// Drops the oldest finished jobs beyond `keep`.
fn forget_old(jobs: &mut BTreeMap<String, Job>, keep: usize) {
    let mut finished: Vec<(Instant, String)> = jobs
        .iter()
        .filter_map(|(id, j)| j.finished.map(|at| (at, id.clone())))
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
    id: String,
    problem: Problem,
    config: SolverConfig,
    cancel: Cancel,
) {
    let Ok(_permit) = service.workers.acquire().await else {
        return;
    };
    if cancel.is_cancelled() {
        return;
    }
    service.update(&id, |job| job.status = Status::Running);
    let progress_service = service.clone();
    let progress_id = id.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let report = |p: &Progress| {
            progress_service.update(&progress_id, |job| job.progress = Some(*p));
        };
        let solution = solve_with(&problem, &config, &report, &cancel)?;
        let (stated, checked) = check_solution(&problem, &solution)?;
        let dto = plan::to_dto(&problem, &solution, &stated, &checked);
        serde_json::to_value(dto).map_err(|e| Error::Internal(e.to_string()))
    })
    .await;
    service.update(&id, |job| {
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
                job.error = Some(error_body(&Error::Internal(e.to_string())));
                job.status = Status::Failed;
            }
        }
    });
}

/// The status code and body describing job `id`.
fn describe(service: &Service, id: &str) -> (StatusCode, Value) {
    let jobs = service.jobs();
    let Some(job) = jobs.get(id) else {
        let Failure(code, body) = no_job(id);
        return (code, json!({ "error": body }));
    };
    let code = match job.status {
        Status::Done | Status::Cancelled | Status::Failed => StatusCode::OK,
        Status::Queued | Status::Running => StatusCode::ACCEPTED,
    };
    let mut body = json!({ "id": id, "status": job.status, "progress": job.progress });
    if let Some(plan) = &job.plan {
        body["plan"] = plan.clone();
    }
    if let Some(error) = &job.error {
        body["error"] = error.clone();
    }
    (code, body)
}

fn no_job(id: &str) -> Failure {
    failure(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no job {id} (finished jobs are kept up to a count)"),
    )
}

async fn status(State(service): State<Arc<Service>>, Path(id): Path<String>) -> Response {
    let (code, body) = describe(&service, &id);
    (code, Json(body)).into_response()
}

async fn cancel(State(service): State<Arc<Service>>, Path(id): Path<String>) -> Response {
    // A queued job ends at once; a running one stops soon with its best plan so far.
    service.update(&id, |job| {
        job.cancel.cancel();
        if job.status == Status::Queued {
            job.status = Status::Cancelled;
            job.finished = Some(Instant::now());
        }
    });
    let (code, body) = describe(&service, &id);
    (code, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_tokens_compare_whole() {
        assert_eq!(bearer(b"Bearer abc"), Some(&b"abc"[..]));
        assert_eq!(bearer(b"bearer abc"), Some(&b"abc"[..]));
        assert_eq!(bearer(b"BEARER  abc "), Some(&b"abc"[..]));
        assert_eq!(bearer(b"Basic abc"), None);
        assert_eq!(bearer(b"Bearerabc"), None);
        assert!(same_bytes(b"secret", b"secret"));
        assert!(!same_bytes(b"secret", b"secreT"));
        assert!(!same_bytes(b"secret", b"secret2"));
        assert!(!same_bytes(b"", b"x"));
    }
}
