//! The HTTP API: pages and assets, scenarios and levers, precise scenario errors, limits,
//! jobs with server-sent events, results that match the runs' files, the catalog, downloads.

mod common;

use std::fs;
use std::path::PathBuf;

use common::{TempDir, get, post, request, run_job, server};
use seedbed_server::Limits;
use serde_json::{Value, json};

/// Small and fast: a 0.5% city for 14 months.
fn small(mut v: Value) -> Value {
    v["scale"] = json!(0.005);
    v["months"] = json!(14);
    v
}

#[test]
fn page_assets_and_scenarios() {
    let tmp = TempDir::new("assets");
    let s = server(tmp.path(), Limits::default());
    let a = s.addr();
    assert!(a.ip().is_loopback(), "binds to 127.0.0.1 by default");
    let page = get(a, "/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("/assets/uPlot.iife.min.js") && page.text().contains("/assets/app.js"));
    assert!(!page.text().contains("http://") && !page.text().contains("https://"), "nothing fetched from the network");
    let uplot = get(a, "/assets/uPlot.iife.min.js");
    assert_eq!(uplot.status, 200);
    assert!(uplot.text().contains("uPlot") && uplot.body.len() > 40_000);
    assert_eq!(get(a, "/assets/uPlot.min.css").status, 200);
    assert_eq!(get(a, "/assets/secret.txt").status, 404);
    assert_eq!(get(a, "/assets/..%2FCargo.toml").status, 404);

    let list = get(a, "/api/scenarios").json();
    assert!(list.as_array().unwrap().iter().any(|s| s["name"] == "hangzhou-2025"));
    let s = get(a, "/api/scenarios/no-policy").json();
    assert!(s["toml"].as_str().unwrap().contains("[policy.compute_vouchers]"));
    let levers = s["levers"].as_array().unwrap();
    for path in [
        "government.packages.science-education-talent.budget_m_per_year",
        "policy.founder_insurance.months",
        "policy.founder_insurance.replacement_rate",
        "policy.compute_vouchers.rate",
        "policy.compute_vouchers.cap_m_per_firm_year",
        "policy.guidance_fund.size_m",
        "policy.guidance_fund.share_cap",
        "policy.platform_openness.openness",
        "industries.*.pilot_slots_per_year",
        "policy.drone_infrastructure.sites_added_by_year",
        "policy.drone_infrastructure.routes_added_by_year",
        "policy.talent_subsidies.subsidy_m_per_graduate",
    ] {
        assert!(levers.iter().any(|l| l["path"] == path), "lever {path} missing");
    }
    assert_eq!(get(a, "/api/scenarios/nope").status, 404);
    let limits = get(a, "/api/config").json();
    assert_eq!(limits["max_scale"], 0.1);
}

#[test]
fn invalid_input_gives_precise_errors_and_limits_hold() {
    let tmp = TempDir::new("errors");
    let limits = Limits { max_body: 4096, max_runs: 4, max_scale: 0.02, max_months: 36, ..Limits::default() };
    let s = server(tmp.path(), limits);
    let a = s.addr();
    // An invalid scenario text: file, line, column, parameter path and allowed range.
    let toml = "base = \"no-policy\"\n[policy.compute_vouchers]\nrate = 1.5\n";
    let r = post(a, "/api/jobs", &small(json!({"toml": toml})));
    assert_eq!(r.status, 400);
    let e = r.json();
    let msg = e["error"].as_str().unwrap();
    assert!(msg.contains("scenario.toml:3:8") && msg.contains("policy.compute_vouchers.rate"), "{msg}");
    assert!(msg.contains("allowed 0 to 1"), "{msg}");
    assert!(e["report"].as_str().unwrap().contains("rate = 1.5"), "the report shows the source line: {e}");
    assert_eq!(e["problems"][0]["line"], 3);
    let good = "base = \"no-policy\"\n[policy.compute_vouchers]\nrate = 0.2\n";
    let r = post(a, "/api/levers", &json!({"toml": good}));
    assert_eq!(r.status, 200, "{}", r.text());
    let levers = r.json()["levers"].as_array().unwrap().clone();
    let rate = levers.iter().find(|l| l["path"] == "policy.compute_vouchers.rate").unwrap();
    assert_eq!(rate["value"], 0.2, "the levers of the uploaded text");
    assert_eq!(post(a, "/api/check", &small(json!({"toml": good}))).status, 200);
    let budgets = json!({"government.packages.livelihood.budget_m_per_year": 0.0, "government.packages.consumption.budget_m_per_year": 9000.0});
    assert_eq!(
        post(a, "/api/check", &small(json!({"toml": good, "levers": budgets}))).status,
        200,
        "package budgets keep shares valid"
    );
    let r = post(a, "/api/levers", &json!({"toml": "[labour\n"}));
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("scenario.toml:1:"), "{}", r.text());
    // A lever out of range, an unknown lever, an unknown scenario.
    let r = post(
        a,
        "/api/check",
        &small(json!({"scenario": "no-policy", "levers": {"policy.founder_insurance.months": 999}})),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.text().contains("policy.founder_insurance.months") && r.text().contains("allowed 0 to 240"),
        "{}",
        r.text()
    );
    let r = post(a, "/api/check", &small(json!({"scenario": "no-policy", "levers": {"run.seed": 1}})));
    assert!(r.status == 400 && r.text().contains("not a lever"), "{}", r.text());
    let r = post(a, "/api/check", &small(json!({"scenario": "../../etc/passwd"})));
    assert!(r.status == 400 && r.text().contains("unknown scenario"), "no file paths: {}", r.text());
    // Limits: scale, months, runs, body size; kinds.
    let r = post(a, "/api/check", &json!({"scenario": "no-policy", "scale": 0.05, "months": 12}));
    assert!(r.status == 400 && r.text().contains("--max-scale"), "{}", r.text());
    let r = post(a, "/api/check", &json!({"scenario": "no-policy", "scale": 0.01, "months": 48}));
    assert!(r.status == 400 && r.text().contains("--max-months"), "{}", r.text());
    let r = post(a, "/api/check", &json!({"scenario": "no-policy", "scale": 0.01, "months": 0}));
    assert!(r.status == 400 && r.text().contains("run.months"), "{}", r.text());
    let r = post(a, "/api/check", &small(json!({"scenario": "no-policy", "kind": "ensemble", "runs": 5})));
    assert!(r.status == 400 && r.text().contains("--max-runs"), "{}", r.text());
    let r = post(
        a,
        "/api/check",
        &small(json!({"scenario": "no-policy", "kind": "compare", "runs": 3, "against": {"scenario": "no-policy"}})),
    );
    assert!(r.status == 400 && r.text().contains("6 runs"), "a comparison counts both scenarios: {}", r.text());
    let r = post(a, "/api/check", &small(json!({"scenario": "no-policy", "kind": "sweep"})));
    assert!(r.status == 400 && r.text().contains("unknown kind"), "{}", r.text());
    assert_eq!(post(a, "/api/check", &small(json!({"scenario": "no-policy"}))).status, 200);
    let big = json!({"toml": "#".repeat(10_000)}).to_string();
    assert_eq!(request(a, "POST", "/api/jobs", Some(big.as_bytes())).status, 413);
    // Unknown jobs and results, and no path in a result id or file name.
    assert_eq!(get(a, "/api/jobs/99").status, 404);
    assert_eq!(get(a, "/api/jobs/x/events").status, 404);
    assert_eq!(get(a, "/api/results/r1").status, 404);
    assert_eq!(get(a, "/api/results/..%2F..").status, 404);
}

#[test]
fn a_run_and_an_ensemble_end_to_end() {
    let tmp = TempDir::new("jobs");
    let s = server(tmp.path(), Limits::default());
    let a = s.addr();
    // One run with a changed lever, followed by server-sent events.
    let body = small(json!({"scenario": "hangzhou-2025", "seed": 5, "levers": {"policy.compute_vouchers.rate": 0.45}}));
    let (events, last) = run_job(a, &body);
    assert!(events.contains("event: running") && events.contains("event: done"), "{events}");
    assert!(events.contains("\"what\":\"months\""), "{events}");
    let rid = last["result"].as_str().unwrap().to_string();
    assert!(rid.starts_with('r'), "{last}");
    let d = get(a, &format!("/api/results/{rid}")).json();
    assert_eq!(d["kind"], "run");
    // The table shows the run's summary.json; the run is in the catalog under the root.
    let catalog = get(a, "/api/runs").json();
    let row = catalog.as_array().unwrap().iter().find(|r| r["result"] == rid).expect("catalogued").clone();
    assert_eq!(
        (row["kind"].as_str(), row["status"].as_str(), row["seed"].as_str()),
        (Some("run"), Some("done"), Some("5"))
    );
    let dir: PathBuf = fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.path()).find(|p| p.is_dir()).unwrap();
    let summary: Value = serde_json::from_str(&fs::read_to_string(dir.join("summary.json")).unwrap()).unwrap();
    assert_eq!(d["summary"], summary);
    for r in d["table"]["rows"].as_array().unwrap() {
        let f = r["figure"].as_str().unwrap();
        assert_eq!(r["values"][0], summary["final"][f], "{f}");
    }
    assert!(fs::read_to_string(dir.join("scenario.toml")).unwrap().contains("rate = 0.45"), "the lever was applied");
    let ids: Vec<&str> = d["charts"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    for id in [
        "frontier_firms",
        "unicorns",
        "high_tech",
        "births_deaths",
        "jobs",
        "vc_invested",
        "guidance_fund",
        "spend_by_package",
    ] {
        assert!(ids.contains(&id), "chart {id}: {ids:?}");
    }
    // Downloads: by name from the listing only.
    let files: Vec<&str> = d["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(files.contains(&"summary.json") && files.contains(&"firms.parquet"), "{files:?}");
    let dl = get(a, &format!("/api/results/{rid}/files/summary.json"));
    assert_eq!(dl.status, 200);
    assert_eq!(dl.body, fs::read(dir.join("summary.json")).unwrap());
    assert!(dl.header("content-disposition").unwrap().contains("summary.json"));
    assert_eq!(get(a, &format!("/api/results/{rid}/files/..%2F..%2Fcatalog.sqlite")).status, 400);
    assert_eq!(get(a, &format!("/api/results/{rid}/files/nothing.txt")).status, 404);
    let report = get(a, &format!("/api/results/{rid}/report"));
    assert_eq!(report.status, 200);
    assert!(report.text().contains("<svg") && !report.text().contains("<script"));

    // An ensemble of two runs: progress in runs, bands in the charts.
    let body = small(json!({"scenario": "no-policy", "kind": "ensemble", "runs": 2, "seed": 1}));
    let (events, last) = run_job(a, &body);
    assert!(events.contains("\"what\":\"runs\"") && events.contains("event: done"), "{events}");
    let rid = last["result"].as_str().unwrap();
    assert!(rid.starts_with('e'), "{last}");
    let d = get(a, &format!("/api/results/{rid}")).json();
    assert_eq!(d["kind"], "ensemble");
    assert_eq!(d["table"]["columns"], json!(["median", "5%", "95%"]));
    assert!(d["charts"][0]["lines"][0]["low"].is_array(), "bands");
    let files: Vec<&str> = d["files"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert!(files.contains(&"summary.parquet") && files.contains(&"experiment.json"), "{files:?}");
    let catalog = get(a, "/api/runs").json();
    assert_eq!(catalog.as_array().unwrap().iter().filter(|r| r["experiment"] == rid).count(), 2);
}

#[test]
fn comparison_and_a_full_queue() {
    let tmp = TempDir::new("queue");
    let s = server(tmp.path(), Limits { max_queue: 1, ..Limits::default() });
    let a = s.addr();
    let body = small(
        json!({"scenario": "hangzhou-2025", "kind": "compare", "runs": 1, "seed": 2, "against": {"scenario": "no-policy"}}),
    );
    let first = post(a, "/api/jobs", &body);
    assert_eq!(first.status, 202, "{}", first.text());
    let second = post(a, "/api/jobs", &body);
    assert_eq!(second.status, 429, "the queue holds one job: {}", second.text());
    let id = first.json()["id"].as_u64().unwrap();
    let sse = get(a, &format!("/api/jobs/{id}/events")).text();
    assert!(sse.contains("event: done"), "{sse}");
    let state = get(a, &format!("/api/jobs/{id}")).json();
    let rid = state["result"].as_str().unwrap();
    let d = get(a, &format!("/api/results/{rid}")).json();
    assert_eq!(d["kind"], "compare");
    assert_eq!(d["scenarios"].as_array().unwrap().len(), 2);
    let labels: Vec<&str> =
        d["charts"][0]["lines"].as_array().unwrap().iter().map(|l| l["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["A", "B"]);
    // The queue has room again.
    assert_eq!(post(a, "/api/check", &body).status, 200);
}
