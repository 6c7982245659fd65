// Seedbed dashboard: scenario and levers, jobs with live progress (server-sent events),
// charts (uPlot), the headline table, the run catalog and downloads. No external requests.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
const state = { scenario: null, toml: null, limits: null };

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

async function api(method, url, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(url, opts);
  const text = await res.text();
  let data;
  try { data = JSON.parse(text); } catch (_) { data = { error: text || res.statusText }; }
  if (!res.ok) {
    const err = new Error(data.error || res.statusText);
    err.body = data;
    err.status = res.status;
    throw err;
  }
  return data;
}

function showError(e) {
  const box = $("#error");
  if (!e) { box.hidden = true; box.textContent = ""; return; }
  const body = e.body || {};
  let text = body.report && body.report.trim() ? body.report : (body.error || String(e.message || e));
  if (body.problems && body.problems.length && !(body.report && body.report.trim())) {
    text += "\n" + body.problems.map(p => `${p.line ? `line ${p.line}, column ${p.column}: ` : ""}${p.path}: ${p.message}`).join("\n");
  }
  box.textContent = text;
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}

function leverId(path) { return "lever-" + path.replace(/\*/g, "all").replace(/\./g, "-"); }

function renderLevers(levers) {
  const box = $("#levers");
  box.textContent = "";
  const groups = new Map();
  for (const l of levers) {
    if (!groups.has(l.group)) groups.set(l.group, el("fieldset", {}, el("legend", { text: l.group })));
    const shown = String(Number(l.value.toPrecision(12)));
    const input = el("input", {
      type: "number", step: "any", id: leverId(l.path), "data-path": l.path,
      "data-original": shown, value: shown, min: l.min, max: l.max,
    });
    const label = el("label", { class: "lever", title: l.doc || "" }, l.label + " ", input, el("span", { class: "unit", text: " " + (l.unit || "") }));
    input.addEventListener("input", () => label.classList.toggle("changed", input.value !== input.dataset.original));
    groups.get(l.group).append(label);
  }
  for (const g of groups.values()) box.append(g);
}

function changedLevers() {
  const out = {};
  for (const input of document.querySelectorAll("#levers input[data-path]")) {
    if (input.value !== input.dataset.original && input.value !== "") out[input.dataset.path] = Number(input.value);
  }
  return out;
}

async function loadScenario(name) {
  showError(null);
  const s = await api("GET", "/api/scenarios/" + encodeURIComponent(name));
  state.scenario = name;
  state.toml = null;
  $("#toml").value = s.toml;
  $("#toml-state").textContent = "";
  renderLevers(s.levers);
}

async function useToml() {
  const text = $("#toml").value;
  try {
    const s = await api("POST", "/api/levers", { toml: text });
    state.toml = text;
    renderLevers(s.levers);
    $("#toml-state").textContent = `Using the scenario text (${s.name}).`;
    showError(null);
  } catch (e) { showError(e); }
}

function request() {
  const kind = $("#kind").value;
  const body = {
    kind,
    levers: changedLevers(),
    seed: Number($("#seed").value),
    months: Number($("#months").value),
    scale: Number($("#scale").value),
  };
  if (state.toml !== null) body.toml = state.toml; else body.scenario = state.scenario;
  if (kind !== "run") body.runs = Number($("#runs").value);
  if (kind === "compare") body.against = { scenario: $("#against").value };
  return body;
}

async function run() {
  showError(null);
  const button = $("#run");
  button.disabled = true;
  let job;
  try {
    job = await api("POST", "/api/jobs", request());
  } catch (e) {
    showError(e);
    button.disabled = false;
    return;
  }
  $("#progress-box").hidden = false;
  $("#progress").value = 0;
  $("#status").textContent = "queued";
  const source = new EventSource(job.events);
  const update = (ev) => {
    const s = JSON.parse(ev.data);
    if (s.state === "running") {
      $("#progress").max = s.total || 1;
      $("#progress").value = s.done;
      $("#status").textContent = `${s.done} of ${s.total} ${s.what}`;
    } else if (s.state === "queued") {
      $("#status").textContent = "queued";
    } else if (s.state === "done") {
      source.close();
      $("#progress").value = $("#progress").max;
      $("#status").textContent = "done";
      button.disabled = false;
      loadResult(s.result, "main");
      loadCatalog();
    } else if (s.state === "failed") {
      source.close();
      $("#status").textContent = "failed";
      showError({ message: s.error });
      button.disabled = false;
      loadCatalog();
    }
  };
  for (const name of ["queued", "running", "done", "failed"]) source.addEventListener(name, update);
  source.onerror = () => { if (button.disabled) $("#status").textContent += " (connection lost, retrying)"; };
}

function chart(c, years, width) {
  const data = [years];
  const series = [{ label: "year", value: (u, v) => v == null ? "" : String(v) }];
  const bands = [];
  c.lines.forEach((l, i) => {
    const colour = COLOURS[i % COLOURS.length];
    data.push(l.values);
    series.push({ label: l.label, stroke: colour, width: 2, points: { show: true } });
    if (l.low && l.high) {
      const hi = data.length;
      data.push(l.high);
      series.push({ label: l.label + " 95%", stroke: colour + "55", width: 1, dash: [4, 4] });
      data.push(l.low);
      series.push({ label: l.label + " 5%", stroke: colour + "55", width: 1, dash: [4, 4] });
      bands.push({ series: [hi, hi + 1], fill: colour + "22" });
    }
  });
  const opts = {
    width, height: 240, series, bands,
    scales: { x: { time: false } },
    axes: [{ values: (u, vals) => vals.map(v => Number.isInteger(v) ? String(v) : "") }, { size: 60 }],
    legend: { live: true },
  };
  const box = el("div", { class: "chart", id: "chart-" + c.id }, el("h3", { text: `${c.title}${c.unit ? " (" + c.unit + ")" : ""}` }));
  const plot = new uPlot(opts, data, box);
  box.dataset.series = String(c.lines.length);
  return [box, plot];
}

async function loadResult(rid, where) {
  const pane = where === "side" ? $("#pane-side") : $("#pane-main");
  let d;
  try {
    d = await api("GET", "/api/results/" + encodeURIComponent(rid));
  } catch (e) { showError(e); return; }
  pane.textContent = "";
  pane.hidden = false;
  pane.dataset.result = rid;
  $(".panes").classList.toggle("two", !$("#pane-side").hidden);
  pane.append(el("h2", { class: "result-title", text: d.title }));
  const facts = el("p", { class: "hint" }, d.facts.map(([k, v]) => `${k}: ${v}`).join(" · "));
  pane.append(facts);
  const links = el("p", { class: "files" }, el("a", { href: d.report, target: "_blank", class: "report-link", text: "HTML report" }), " Files: ");
  for (const f of d.files) links.append(el("a", { href: f.url, download: f.name, class: "file-link", text: f.name }));
  pane.append(links);
  const t = d.table;
  const table = el("table", { class: "headline" });
  table.append(el("caption", { text: `Headline results for ${t.year}` }));
  table.append(el("tr", {}, el("th", { text: "figure" }), ...t.columns.map(c => el("th", { text: c })), el("th", { text: "unit" })));
  for (const r of t.rows) {
    table.append(el("tr", { "data-figure": r.figure }, el("td", { text: r.label }),
      ...r.shown.map((s, i) => el("td", { class: "value", "data-column": t.columns[i], text: s })),
      el("td", { class: "unit", text: r.unit })));
  }
  pane.append(table);
  const charts = el("div", { class: "charts" });
  pane.append(charts);
  const two = $(".panes").classList.contains("two");
  const paneWidth = pane.clientWidth || 900;
  const width = Math.max(300, Math.min(620, two ? paneWidth - 30 : paneWidth / 2 - 30));
  for (const c of d.charts) {
    const [box] = chart(c, d.years, width);
    charts.append(box);
  }
  for (const s of d.scenarios) {
    pane.append(el("details", {}, el("summary", { text: "Scenario " + s.label }), el("pre", { class: "scenario", text: s.toml })));
  }
  pane.dataset.loaded = "true";
  // The main result is drawn again at the width it has beside the other.
  const main = $("#pane-main").dataset.result;
  if (where === "side" && main) loadResult(main, "main");
}

async function loadCatalog() {
  let rows;
  try { rows = await api("GET", "/api/runs"); } catch (e) { showError(e); return; }
  const body = $("#catalog tbody");
  body.textContent = "";
  const seen = new Set();
  for (const r of rows) {
    const actions = el("td");
    const open = (rid) => () => loadResult(rid, $("#side-by-side").checked ? "side" : "main");
    if (r.experiment && !seen.has(r.experiment)) {
      seen.add(r.experiment);
      actions.append(el("button", { type: "button", class: "view-experiment", onclick: open(r.experiment), text: r.kind }));
    }
    if (r.result) actions.append(el("button", { type: "button", class: "view-run", onclick: open(r.result), text: "run" }));
    body.append(el("tr", { "data-id": r.id, title: r.error || "" },
      el("td", { text: String(r.id) }), el("td", { text: r.kind + (r.member ? " " + r.member : "") }),
      el("td", { text: r.status }), el("td", { text: r.scenario }), el("td", { text: r.seed }),
      el("td", { text: r.started }), el("td", { text: r.duration_s == null ? "" : r.duration_s.toFixed(1) }), actions));
  }
}

async function init() {
  try {
    const [limits, scenarios] = await Promise.all([api("GET", "/api/config"), api("GET", "/api/scenarios")]);
    state.limits = limits;
    $("#limits").textContent = `Limits of this server: scale up to ${limits.max_scale}, up to ${limits.max_months} months, ${limits.max_runs} runs a request, ${limits.max_concurrent} job(s) at once.`;
    $("#scale").max = limits.max_scale;
    $("#months").max = limits.max_months;
    $("#runs").max = limits.max_runs;
    for (const s of scenarios) {
      $("#scenario").append(el("option", { value: s.name, title: s.description, text: s.name }));
      $("#against").append(el("option", { value: s.name, title: s.description, text: s.name }));
    }
    $("#against").value = scenarios.some(s => s.name === "no-policy") ? "no-policy" : scenarios[0].name;
    const describe = () => { $("#scenario-description").textContent = (scenarios.find(s => s.name === $("#scenario").value) || {}).description || ""; };
    $("#scenario").addEventListener("change", () => { describe(); loadScenario($("#scenario").value).catch(showError); });
    describe();
    await loadScenario(scenarios[0].name);
  } catch (e) { showError(e); }
  $("#kind").addEventListener("change", () => {
    $("#against-box").hidden = $("#kind").value !== "compare";
    if ($("#kind").value !== "run" && $("#seed").value === "42") $("#seed").value = "1";
  });
  $("#upload").addEventListener("change", (ev) => {
    const file = ev.target.files[0];
    if (!file) return;
    if (state.limits && file.size > state.limits.max_body) { showError({ message: `${file.name} is larger than this server takes (${state.limits.max_body} bytes)` }); return; }
    const reader = new FileReader();
    reader.onload = () => { $("#toml").value = reader.result; useToml(); };
    reader.readAsText(file);
  });
  $("#use-toml").addEventListener("click", useToml);
  $("#clear-toml").addEventListener("click", () => loadScenario($("#scenario").value).catch(showError));
  $("#side-by-side").addEventListener("change", () => {
    if (!$("#side-by-side").checked) {
      $("#pane-side").hidden = true;
      $(".panes").classList.remove("two");
      if ($("#pane-main").dataset.result) loadResult($("#pane-main").dataset.result, "main");
    }
  });
  $("#run").addEventListener("click", run);
  document.body.dataset.ready = "true";
  loadCatalog();
}

init();
