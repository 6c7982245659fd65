//! Seedbed's web dashboard (`seedbed serve`).
//!
//! One page (embedded in the binary with uPlot, so it works offline) to pick a built-in
//! scenario or upload and edit a TOML file, set the main policy levers, run one run, an
//! ensemble or a comparison with live progress (server-sent events), look at the headline
//! charts (with 5-95% bands for experiments) and table, browse the run catalog and download
//! each run's files or its self-contained HTML report.
//!
//! Safe by default: it binds to 127.0.0.1 unless told otherwise; request bodies, scale, months
//! and runs per request are limited ([`Limits`]); jobs wait in a queue of bounded length with
//! a cap on concurrent runs; clients never name files by path: results are addressed by their
//! run catalog id (`r<id>` a run, `e<id>` an experiment by its first run) and files by their
//! name in that directory's listing.
//!
//! Runs go through the same code as the command line into the same output root, so they are
//! listed by `seedbed runs`.
//!
//! HTTP API (JSON unless stated):
//!
//! | method and path | what |
//! |---|---|
//! | `GET /` | the page |
//! | `GET /assets/{name}` | its script, style and uPlot |
//! | `GET /api/config` | the server's limits |
//! | `GET /api/scenarios` | built-in scenarios: name, description |
//! | `GET /api/scenarios/{name}` | a built-in scenario: TOML text and levers |
//! | `POST /api/levers` | `{toml}`: the levers of a scenario text, or its errors |
//! | `POST /api/check` | a job request checked without running it |
//! | `POST /api/jobs` | queue a job: `{kind: run, ensemble or compare; scenario or toml; levers; against (A of a comparison); seed, months, scale, runs}`; 202 with its id |
//! | `GET /api/jobs/{id}` | a job's state |
//! | `GET /api/jobs/{id}/events` | its state as server-sent events until it ends |
//! | `GET /api/runs` | the run catalog |
//! | `GET /api/results/{rid}` | a result's series, table and scenarios, and its files |
//! | `GET /api/results/{rid}/files/{name}` | download a file |
//! | `GET /api/results/{rid}/report` | the HTML report |

mod api;
mod error;
pub mod jobs;
pub mod levers;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::thread::JoinHandle;

pub use api::router;
pub use error::ApiError;

/// What a client may ask for.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest `run.scale` of a request.
    pub max_scale: f64,
    /// Largest `run.months` of a request.
    pub max_months: u32,
    /// Most runs in one request (an ensemble's runs; a comparison's runs of A and B together).
    pub max_runs: usize,
    /// Jobs running at once.
    pub max_concurrent: usize,
    /// Jobs queued or running; more are refused (HTTP 429).
    pub max_queue: usize,
    /// Largest request body (an uploaded scenario included), in bytes.
    pub max_body: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_scale: 0.1, max_months: 120, max_runs: 20, max_concurrent: 1, max_queue: 8, max_body: 1 << 20 }
    }
}

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// The output root: runs are written there and recorded in its `catalog.sqlite`.
    pub root: PathBuf,
    pub limits: Limits,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            root: PathBuf::from("runs"),
            limits: Limits::default(),
        }
    }
}

/// A running server (on its own threads); stopped when dropped.
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), String>>>,
}

impl Server {
    /// Binds `config.bind:config.port` and serves in the background.
    pub fn start(config: Config) -> Result<Server, String> {
        let listener = std::net::TcpListener::bind((config.bind, config.port))
            .map_err(|e| format!("cannot listen on {}:{}: {e}", config.bind, config.port))?;
        listener.set_nonblocking(true).map_err(|e| e.to_string())?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&config.root)
            .map_err(|e| format!("cannot create the output root {}: {e}", config.root.display()))?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("seedbed-server".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| e.to_string())?;
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
                    let app = router(config);
                    axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stopped.await;
                        })
                        .await
                        .map_err(|e| e.to_string())
                })
            })
            .map_err(|e| e.to_string())?;
        Ok(Server { addr, stop: Some(stop), thread: Some(thread) })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the server fails (it does not stop by itself).
    pub fn wait(mut self) -> Result<(), String> {
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| "the server thread panicked".to_string())?,
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
