//! The HTTP routes.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use seedbed_experiments::Catalog;
use seedbed_experiments::catalog::process_alive;
use seedbed_scenario::{builtin, builtin_names, to_toml};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::jobs::{Jobs, Work};
use crate::levers::{ScenarioSpec, levers};
use crate::{Config, Limits};

/// The server's state.
struct App {
    root: PathBuf,
    limits: Limits,
    jobs: Jobs,
}

type Shared = State<Arc<App>>;
type ApiResult<T> = Result<T, ApiError>;

/// The routes of the dashboard and its API, with the body size limit of `config`.
pub fn router(config: Config) -> Router {
    let jobs = Jobs::new(config.root.clone(), config.limits.max_concurrent, config.limits.max_queue);
    let max_body = config.limits.max_body;
    let app = Arc::new(App { root: config.root, limits: config.limits, jobs });
    Router::new()
        .route("/", get(index))
        .route("/assets/{name}", get(asset))
        .route("/api/config", get(limits))
        .route("/api/scenarios", get(scenarios))
        .route("/api/scenarios/{name}", get(scenario))
        .route("/api/levers", post(levers_of_text))
        .route("/api/check", post(check))
        .route("/api/jobs", post(submit))
        .route("/api/jobs/{id}", get(job))
        .route("/api/jobs/{id}/events", get(events))
        .route("/api/runs", get(runs))
        .route("/api/results/{rid}", get(result))
        .route("/api/results/{rid}/files/{name}", get(download))
        .route("/api/results/{rid}/report", get(report))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(app)
}

const INDEX: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const UPLOT_JS: &str = include_str!("../assets/vendor/uplot/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../assets/vendor/uplot/uPlot.min.css");

async fn index() -> Html<&'static str> {
    Html(INDEX)
}

async fn asset(Path(name): Path<String>) -> ApiResult<Response> {
    let (body, kind) = match name.as_str() {
        "app.js" => (APP_JS, "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS, "text/css; charset=utf-8"),
        "uPlot.iife.min.js" => (UPLOT_JS, "text/javascript; charset=utf-8"),
        "uPlot.min.css" => (UPLOT_CSS, "text/css; charset=utf-8"),
        _ => return Err(ApiError::not_found(format!("no asset `{name}`"))),
    };
    Ok(([(header::CONTENT_TYPE, kind)], body).into_response())
}

async fn limits(State(app): Shared) -> Json<Value> {
    let l = &app.limits;
    Json(json!({
        "max_scale": l.max_scale, "max_months": l.max_months, "max_runs": l.max_runs,
        "max_concurrent": l.max_concurrent, "max_queue": l.max_queue, "max_body": l.max_body,
    }))
}

async fn scenarios() -> Json<Value> {
    let list: Vec<Value> = builtin_names().iter().map(|(n, d)| json!({"name": n, "description": d})).collect();
    Json(Value::Array(list))
}

async fn scenario(Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let s = builtin(&name).ok_or_else(|| ApiError::not_found(format!("no built-in scenario `{name}`")))?;
    Ok(Json(
        json!({"name": name, "toml": to_toml(&s), "levers": levers(&s), "months": s.run.months, "scale": s.run.scale}),
    ))
}

#[derive(Deserialize)]
struct TextBody {
    toml: String,
}

async fn levers_of_text(Json(body): Json<TextBody>) -> ApiResult<Json<Value>> {
    let spec = ScenarioSpec { toml: Some(body.toml), ..ScenarioSpec::default() };
    let (s, _) = spec.base()?;
    Ok(Json(json!({"name": s.run.name, "levers": levers(&s), "months": s.run.months, "scale": s.run.scale})))
}

/// A job request.
#[derive(Deserialize)]
struct JobRequest {
    /// `run` (default), `ensemble` or `compare`.
    #[serde(default)]
    kind: Option<String>,
    /// The scenario (B of a comparison).
    #[serde(flatten)]
    scenario: ScenarioSpec,
    /// A comparison's reference scenario A.
    #[serde(default)]
    against: Option<ScenarioSpec>,
    #[serde(default)]
    seed: Option<u64>,
    #[serde(default)]
    months: Option<i64>,
    #[serde(default)]
    scale: Option<f64>,
    #[serde(default)]
    runs: Option<usize>,
}

/// The work of a request, checked against the schema and the limits.
fn work_of(req: JobRequest, limits: &Limits) -> ApiResult<Work> {
    let s = req.scenario.build(req.months, req.scale, limits)?;
    let seed = req.seed.unwrap_or(if req.kind.as_deref() == Some("run") || req.kind.is_none() { 42 } else { 1 });
    let runs = req.runs.unwrap_or(3);
    let check_runs = |total: usize| {
        if runs == 0 {
            Err(ApiError::bad_request("runs must be at least 1"))
        } else if total > limits.max_runs {
            Err(ApiError::bad_request(format!(
                "{total} runs in one request is above this server's limit of {} (seedbed serve --max-runs)",
                limits.max_runs
            )))
        } else {
            Ok(())
        }
    };
    match req.kind.as_deref().unwrap_or("run") {
        "run" => Ok(Work::Run { scenario: Box::new(s), seed }),
        "ensemble" => {
            check_runs(runs)?;
            Work::ensemble(s, seed, runs).map_err(ApiError::bad_request)
        }
        "compare" => {
            check_runs(runs.saturating_mul(2))?;
            let a = req.against.ok_or_else(|| ApiError::bad_request("a comparison needs `against`: scenario A"))?;
            let a = a.build(req.months, req.scale, limits)?;
            Work::compare(a, s, seed, runs).map_err(ApiError::bad_request)
        }
        other => Err(ApiError::bad_request(format!("unknown kind `{other}`: expected run, ensemble or compare"))),
    }
}

async fn check(State(app): Shared, Json(req): Json<JobRequest>) -> ApiResult<Json<Value>> {
    work_of(req, &app.limits)?;
    Ok(Json(json!({"ok": true})))
}

async fn submit(State(app): Shared, Json(req): Json<JobRequest>) -> ApiResult<(StatusCode, Json<Value>)> {
    let work = work_of(req, &app.limits)?;
    let id = app.jobs.submit(work).ok_or_else(|| {
        ApiError::busy(format!(
            "{} jobs are queued or running, the most this server takes (seedbed serve --max-queue); try again later",
            app.limits.max_queue
        ))
    })?;
    Ok((StatusCode::ACCEPTED, Json(json!({"id": id, "events": format!("/api/jobs/{id}/events")}))))
}

fn job_id(id: &str) -> ApiResult<u64> {
    id.parse().map_err(|_| ApiError::not_found(format!("no job `{id}`")))
}

async fn job(State(app): Shared, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let rx = app.jobs.watch(job_id(&id)?).ok_or_else(|| ApiError::not_found(format!("no job `{id}`")))?;
    let state = rx.borrow().to_json();
    Ok(Json(state))
}

async fn events(
    State(app): Shared,
    Path(id): Path<String>,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    let rx = app.jobs.watch(job_id(&id)?).ok_or_else(|| ApiError::not_found(format!("no job `{id}`")))?;
    let stream = futures_util::stream::unfold((rx, false, true), |(mut rx, ended, first)| async move {
        if ended {
            return None;
        }
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let state = rx.borrow_and_update().clone();
        let name = match state.to_json()["state"].as_str() {
            Some(s) => s.to_string(),
            None => "state".into(),
        };
        let event = SseEvent::default().event(name).data(state.to_json().to_string());
        Some((Ok(event), (rx, state.is_final(), false)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The catalog's rows, newest first (at most 500), with the ids to view them by.
async fn runs(State(app): Shared) -> ApiResult<Json<Value>> {
    let root = app.root.clone();
    let rows = tokio::task::spawn_blocking(move || -> Result<Vec<Value>, String> {
        let Some(catalog) = Catalog::open_existing(&root).map_err(|e| e.to_string())? else {
            return Ok(vec![]);
        };
        let rows = catalog.list(None, None).map_err(|e| e.to_string())?;
        let mut first: BTreeMap<&str, i64> = BTreeMap::new();
        for r in &rows {
            if let Some(e) = &r.experiment {
                first.entry(e.as_str()).or_insert(r.id);
            }
        }
        Ok(rows
            .iter()
            .rev()
            .take(500)
            .map(|r| {
                let status = match (r.status.as_str(), r.reused_from) {
                    ("running", _) if !process_alive(r.pid) => "interrupted".to_string(),
                    ("done", Some(from)) => format!("reused #{from}"),
                    (s, _) => s.to_string(),
                };
                json!({
                    "id": r.id, "kind": r.kind, "status": status, "scenario": r.scenario, "seed": r.seed.to_string(),
                    "member": r.member, "started": r.started, "duration_s": r.duration_s, "error": r.error,
                    "hash": r.scenario_hash.chars().take(12).collect::<String>(), "version": r.version,
                    "result": if r.status == "done" { Some(format!("r{}", r.id)) } else { None },
                    "experiment": r.experiment.as_deref().and_then(|e| first.get(e)).map(|id| format!("e{id}")),
                })
            })
            .collect())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;
    Ok(Json(Value::Array(rows)))
}

/// The directory of result `rid`: `r<id>` the output directory of catalog row `id`, `e<id>`
/// the experiment directory of that row. Only directories recorded in the catalog are served.
fn result_dir(root: &std::path::Path, rid: &str) -> ApiResult<PathBuf> {
    let not_found = || ApiError::not_found(format!("no result `{rid}`"));
    let (kind, id) = rid.split_at_checked(1).ok_or_else(not_found)?;
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let catalog = Catalog::open_existing(root).map_err(ApiError::internal)?.ok_or_else(not_found)?;
    let rows = catalog.list(None, None).map_err(ApiError::internal)?;
    let row = rows.into_iter().find(|r| r.id == id).ok_or_else(not_found)?;
    let dir = match kind {
        "r" if row.status == "done" => PathBuf::from(row.outputs),
        "e" => PathBuf::from(row.experiment.ok_or_else(not_found)?),
        _ => return Err(not_found()),
    };
    if !dir.is_dir() {
        return Err(ApiError::not_found(format!("the files of `{rid}` are gone")));
    }
    Ok(dir)
}

/// The downloadable files of a result directory: regular, visible files at its top.
fn list_files(dir: &std::path::Path) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if let Ok(m) = e.metadata()
                && m.is_file()
            {
                out.push((name, m.len()));
            }
        }
    }
    out.sort();
    out
}

async fn result(State(app): Shared, Path(rid): Path<String>) -> ApiResult<Json<Value>> {
    let root = app.root.clone();
    tokio::task::spawn_blocking(move || {
        let dir = result_dir(&root, &rid)?;
        let data = seedbed_report::load(&dir).map_err(|e| ApiError::internal(e.to_string()))?;
        let mut v = data.to_json();
        v["id"] = json!(rid);
        v["files"] = Value::Array(
            list_files(&dir)
                .into_iter()
                .map(|(n, size)| json!({"name": n, "size": size, "url": format!("/api/results/{rid}/files/{n}")}))
                .collect(),
        );
        v["report"] = json!(format!("/api/results/{rid}/report"));
        if let Ok(text) = std::fs::read_to_string(dir.join("summary.json"))
            && let Ok(summary) = serde_json::from_str::<Value>(&text)
        {
            v["summary"] = summary;
        }
        Ok(Json(v))
    })
    .await
    .map_err(ApiError::internal)?
}

async fn download(State(app): Shared, Path((rid, name)): Path<(String, String)>) -> ApiResult<Response> {
    if name.is_empty() || name.contains(['/', '\\']) || name.contains("..") || name.starts_with('.') {
        return Err(ApiError::bad_request(format!("`{name}` is not a file name")));
    }
    let root = app.root.clone();
    let (bytes, name) = tokio::task::spawn_blocking(move || {
        let dir = result_dir(&root, &rid)?;
        if !list_files(&dir).iter().any(|(n, _)| *n == name) {
            return Err(ApiError::not_found(format!("no file `{name}` in `{rid}`")));
        }
        let bytes = std::fs::read(dir.join(&name)).map_err(ApiError::internal)?;
        Ok((bytes, name))
    })
    .await
    .map_err(ApiError::internal)??;
    let kind = match name.rsplit('.').next() {
        Some("json") => "application/json",
        Some("toml") | Some("csv") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(kind)), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response())
}

async fn report(State(app): Shared, Path(rid): Path<String>) -> ApiResult<Html<String>> {
    let root = app.root.clone();
    tokio::task::spawn_blocking(move || {
        let dir = result_dir(&root, &rid)?;
        let data = seedbed_report::load(&dir).map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(Html(seedbed_report::html(&data)))
    })
    .await
    .map_err(ApiError::internal)?
}
