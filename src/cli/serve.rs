//! `fieldsched serve`: the HTTP API until Ctrl-C.

use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::io;
use crate::serve;

#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: std::net::SocketAddr,
    /// File holding the bearer token (default: the FIELDSCHED_TOKEN environment variable).
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// Jobs solved at once.
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Jobs that may wait for a worker (more get 503).
    #[arg(long, default_value_t = 16)]
    queue: usize,
    /// Largest request body in MiB.
    #[arg(long, default_value_t = 16)]
    max_body_mib: usize,
    /// Longest time limit of a job in seconds.
    #[arg(long, default_value_t = 60.0)]
    max_time_limit: f64,
    /// Largest travel matrix a job may need, in MiB (a problem that needs more is refused).
    #[arg(long, default_value_t = 2048)]
    max_matrix_mib: usize,
}

/// The bearer token: from the file when given (an empty one is refused), else from
/// `FIELDSCHED_TOKEN` (empty meaning none).
fn token(file: Option<&PathBuf>) -> Result<Option<String>> {
    let Some(path) = file else {
        return Ok(std::env::var("FIELDSCHED_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty()));
    };
    let text = String::from_utf8(io::read_bytes(path)?)
        .map_err(|_| Error::Usage(format!("{}: the token is not UTF-8", path.display())))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the token file is empty; write the token into it (serving without a token \
             would let anyone in)",
            path.display()
        )));
    }
    Ok(Some(token.to_string()))
}

pub(super) fn run(args: Args) -> Result<i32> {
    let token = token(args.token_file.as_ref())?;
    if args.workers == 0 || !(args.max_time_limit.is_finite() && args.max_time_limit > 0.0) {
        return Err(Error::Usage(
            "workers and the time limit must be positive".into(),
        ));
    }
    let config = serve::ServeConfig {
        token,
        workers: args.workers,
        queue: args.queue,
        max_body: args.max_body_mib.saturating_mul(1 << 20),
        max_time_limit: args.max_time_limit,
        max_matrix: args.max_matrix_mib.saturating_mul(1 << 20),
        ..serve::ServeConfig::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server runtime: {e}")))?;
    runtime.block_on(serve::serve(args.addr, config, |at| {
        println!("listening on http://{at}");
        let _ = std::io::stdout().flush();
    }))?;
    Ok(0)
}
