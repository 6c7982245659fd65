//! End to end in headless Chromium (through chromedriver): open the dashboard, change a
//! lever, run, wait for the charts, check that the numbers shown are the run's summary.json,
//! show an invalid scenario's precise error, and keep screenshots in
//! `target/test-artifacts/`.
//!
//! Needs Debian's `chromium` and `chromium-driver` (`scripts/test-all` installs them); fails,
//! never skips, without them.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{TempDir, server};
use fantoccini::{Client, ClientBuilder, Locator};
use seedbed_server::Limits;
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// chromedriver, killed when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start_driver() -> (Driver, u16) {
    for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
        assert!(
            Path::new(path).is_file(),
            "{path} is missing: the browser tests need Debian's `{package}` package \
             (apt-get install chromium chromium-driver; scripts/test-all installs them)"
        );
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(30), "chromedriver did not listen on port {port}");
        std::thread::sleep(Duration::from_millis(100));
    }
    (driver, port)
}

async fn browser(driver_port: u16, profile: &Path) -> Client {
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1500,2200",
                format!("--user-data-dir={}", profile.display()),
            ],
        },
    });
    let Value::Object(caps) = caps else { unreachable!() };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("a chromedriver session")
}

/// Where test artifacts go: `<target dir>/test-artifacts`.
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("create test-artifacts");
    dir
}

/// A number as the page shows it (`1,234`, `12.35`, `4.10%`).
fn parse_shown(s: &str) -> f64 {
    let t = s.trim().replace(',', "");
    match t.strip_suffix('%') {
        Some(p) => p.parse::<f64>().unwrap() / 100.0,
        None => t.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")),
    }
}

async fn set(c: &Client, css: &str, value: &str) {
    let e = c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

async fn session(c: &Client, addr: SocketAddr, root: &Path) {
    c.goto(&format!("http://{addr}/")).await.unwrap();
    let lever = "#lever-policy-compute_vouchers-rate";
    c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css("body[data-ready='true']")).await.unwrap();
    c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(lever)).await.unwrap();
    // Change a lever and run a small city.
    set(c, lever, "0.45").await;
    set(c, "#months", "14").await;
    set(c, "#scale", "0.005").await;
    set(c, "#seed", "7").await;
    c.find(Locator::Css("#run")).await.unwrap().click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(240))
        .for_element(Locator::Css("#pane-main[data-loaded='true'] .chart .uplot"))
        .await
        .expect("the charts of the run");
    let charts = c.find_all(Locator::Css("#pane-main .chart .uplot")).await.unwrap();
    assert!(charts.len() >= 8, "{} charts", charts.len());
    let status = c.find(Locator::Css("#status")).await.unwrap().text().await.unwrap();
    assert_eq!(status, "done");

    // The run went into the root; the numbers shown are its summary.json.
    let dirs: Vec<PathBuf> =
        std::fs::read_dir(root).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    let summary: Value = serde_json::from_str(&std::fs::read_to_string(dirs[0].join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["seed"], 7);
    assert!(std::fs::read_to_string(dirs[0].join("scenario.toml")).unwrap().contains("rate = 0.45"), "lever applied");
    let mut checked = 0;
    for figure in [
        "frontier_firms",
        "unicorns",
        "high_tech",
        "firms",
        "jobs",
        "births",
        "deaths",
        "vc_invested_bn",
        "gf_approved_bn",
        "policy_spend_bn",
    ] {
        let css = format!("#pane-main tr[data-figure='{figure}'] td.value");
        let shown = c.find(Locator::Css(&css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).text().await.unwrap();
        let want = summary["final"][figure].as_f64().unwrap();
        let got = parse_shown(&shown);
        assert!(
            (got - want).abs() <= 0.0051f64.max(want.abs() * 5e-4),
            "{figure}: page shows {shown}, summary.json has {want}"
        );
        checked += 1;
    }
    assert_eq!(checked, 10);
    // The catalog lists the run; its files can be downloaded.
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#catalog tbody tr")).await.unwrap();
    let links = c.find_all(Locator::Css("#pane-main a.file-link")).await.unwrap();
    assert!(links.len() >= 8, "{} file links", links.len());
    let png = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join("dashboard.png"), &png).unwrap();

    // A result from the catalog beside the current one.
    c.find(Locator::Css("#side-by-side")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#catalog button.view-run")).await.unwrap().click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css("#pane-side[data-loaded='true'] .chart .uplot"))
        .await
        .expect("the catalogued run beside the first");
    let side = c.find(Locator::Css("#pane-side tr[data-figure='firms'] td.value")).await.unwrap().text().await.unwrap();
    assert_eq!(parse_shown(&side), summary["final"]["firms"].as_f64().unwrap());

    // An invalid scenario shows the same precise error in the page.
    c.find(Locator::Css("#toml-box summary")).await.unwrap().click().await.unwrap();
    let bad = "base = \"no-policy\"\n[policy.compute_vouchers]\nrate = 1.5\n";
    c.execute("document.getElementById('toml').value = arguments[0];", vec![json!(bad)]).await.unwrap();
    c.find(Locator::Css("#use-toml")).await.unwrap().click().await.unwrap();
    let error =
        c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#error:not([hidden])")).await.unwrap();
    let text = error.text().await.unwrap();
    assert!(text.contains("scenario.toml:3:8") && text.contains("policy.compute_vouchers.rate"), "{text}");
    assert!(text.contains("allowed 0 to 1"), "{text}");
    let png = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join("dashboard-error.png"), &png).unwrap();
}

#[test]
fn dashboard_in_headless_chromium() {
    let tmp = TempDir::new("browser");
    let root = tmp.path().join("runs");
    let s = server(&root, Limits::default());
    let (_driver, port) = start_driver();
    let profile = tmp.path().join("profile");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let addr = s.addr();
    rt.block_on(async move {
        let c = browser(port, &profile).await;
        let c2 = c.clone();
        // A failed check still ends the browser session (and so Chromium) before the panic goes on.
        let result = tokio::spawn(async move { session(&c2, addr, &root).await }).await;
        let _ = c.close().await;
        if let Err(e) = result {
            std::panic::resume_unwind(e.into_panic());
        }
    });
}
