// The jobfakes dashboard: reads the control plane (/__admin/...) of the server that serves it.
// No framework and nothing from a CDN. Text from the server always goes in as textContent.
"use strict";

const TOKEN_KEY = "jobfakes.adminToken";
const PAGE_SIZE = 50;
const LIVE_EVERY_MS = 1500;
const SVG = "http://www.w3.org/2000/svg";
const state = { fakes: [], tokenFakes: [], view: "world", journal: { before: null, stack: [] },
  minted: [], faults: false, scenarios: false, asked: { journal: 0, chart: 0 } };

// A live poll may still be under way when the filters change: only the newest answer is drawn.
function ask(kind) {
  const ticket = ++state.asked[kind];
  return () => ticket === state.asked[kind];
}

class AuthNeeded extends Error {}

// ---- small helpers -------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function say(id, text, error) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("error", Boolean(error));
}

function mask(secret) {
  return "•".repeat(8) + secret.slice(-4);
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = "Bearer " + token;
  const init = { method, headers, cache: "no-store", credentials: "omit" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    showLogin(token ? "That token was refused." : "");
    throw new AuthNeeded();
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = text; }
  if (!response.ok) {
    const message = data && data.message ? data.message : response.status + " " + response.statusText;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return { data, headers: response.headers, status: response.status };
}

function failed(id) {
  return (error) => { if (!(error instanceof AuthNeeded)) say(id, error.message, true); };
}

// ---- login ---------------------------------------------------------------------------------
function showLogin(message) {
  $("login").hidden = false;
  for (const view of document.querySelectorAll(".view")) view.hidden = true;
  say("login-msg", message || "", Boolean(message));
}

$("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $("login-token").value);
  $("login-token").value = "";
  start();
});

// ---- views ---------------------------------------------------------------------------------
function show(view) {
  state.view = view;
  $("login").hidden = true;
  for (const button of document.querySelectorAll("#tabs button")) {
    button.classList.toggle("active", button.dataset.view === view);
  }
  for (const section of document.querySelectorAll(".view")) {
    section.hidden = section.id !== "view-" + view;
  }
  refresh();
}

const VIEWS = ["world", "traffic", "access", "faults"];

function hashView() {
  const wanted = location.hash.slice(1);
  return VIEWS.includes(wanted) ? wanted : "world";
}

for (const button of document.querySelectorAll("#tabs button")) {
  button.addEventListener("click", () => {
    if (location.hash.slice(1) === button.dataset.view) show(button.dataset.view);
    else location.hash = button.dataset.view;  // the hashchange shows it: links to a view work
  });
}

window.addEventListener("hashchange", () => { if (state.fakes.length) show(hashView()); });

function refresh() {
  const views = { world: loadWorld, traffic: loadTraffic, access: loadAccess, faults: loadFaults };
  return views[state.view]().catch(failed(state.view === "traffic" ? "journal-msg" : "clock-msg"));
}

// ---- the world -----------------------------------------------------------------------------
async function loadWorld() {
  const { data } = await api("GET", "/__admin/world?days=14");
  showClock(data.now, data.mode);
  const today = data.history[data.history.length - 1];
  $("count-total").textContent = data.ads;
  for (const name of ["active", "published", "stopped", "expired"]) {
    $("count-" + name).textContent = today[name];
  }
  const jobfeed = data.summaries.jobfeed;
  $("jobfeed-size").textContent = jobfeed
    ? `${jobfeed.jobs} jobs, ${jobfeed.postings} postings`
    : "not served by this server";
  drawAdsChart(data.history);
}

function showClock(now, mode) {
  state.mode = mode;
  $("clock-now").textContent = now;
  $("header-now").textContent = now;
  $("clock-mode").textContent = mode;
  $("header-mode").textContent = mode;
  const next = mode === "running" ? "frozen" : "running";  // the switch offers the other mode
  $("clock-switch").dataset.mode = next;
  $("clock-switch").textContent = next === "frozen" ? "Freeze the clock" : "Let the clock run";
}

$("clock-switch").addEventListener("click", () => {
  const mode = $("clock-switch").dataset.mode;
  say("clock-msg", "switching the clock to " + mode + "…");
  api("POST", "/__admin/clock", { mode })
    .then(({ data }) => { say("clock-msg", `clock ${data.mode} at ${data.now}`); showClock(data.now, data.mode); })
    .catch(failed("clock-msg"));
});

function drawAdsChart(points) {
  const series = ["active", "published", "stopped", "expired"];
  const width = 720, height = 220, left = 48, bottom = 24, top = 10;
  const top_value = Math.max(1, ...points.flatMap((p) => series.map((s) => p[s])));
  const x = (i) => left + (i * (width - left - 10)) / Math.max(1, points.length - 1);
  const y = (v) => top + (height - top - bottom) * (1 - v / top_value);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": "ads by status per day" });
  for (const fraction of [0, 0.5, 1]) {
    const value = Math.round(top_value * fraction);
    chart.append(svg("line", { x1: left, x2: width - 10, y1: y(value), y2: y(value), stroke: "#e3e6ec" }));
    chart.append(svg("text", { x: left - 6, y: y(value) + 3, "text-anchor": "end" }, String(value)));
  }
  points.forEach((p, i) => {
    if (i % Math.ceil(points.length / 7) === 0 || i === points.length - 1) {
      chart.append(svg("text", { x: x(i), y: height - 6, "text-anchor": "middle" }, p.day.slice(5)));
    }
  });
  const colours = getComputedStyle(document.documentElement);
  for (const name of series) {
    const colour = colours.getPropertyValue("--" + name).trim();
    const line = points.map((p, i) => `${x(i)},${y(p[name])}`).join(" ");
    chart.append(svg("polyline", { points: line, fill: "none", stroke: colour, "stroke-width": 2,
      class: "series-" + name }));
    points.forEach((p, i) => {
      chart.append(svg("circle", { cx: x(i), cy: y(p[name]), r: 2.5, fill: colour },
        svg("title", {}, `${p.day} ${name}: ${p[name]}`)));
    });
  }
  const legend = el("div", { class: "legend" },
    ...series.map((s) => el("span", {}, el("i", { class: "key " + s }), s === "published" ? "published that day" : s)));
  $("ads-chart").replaceChildren(chart, legend);
}

$("advance").addEventListener("click", () => {
  const by = $("advance-custom").value.trim() || $("advance-by").value;
  say("clock-msg", "moving the clock by " + by + "…");
  api("POST", "/__admin/clock", { advance: by })
    .then(({ data }) => { say("clock-msg", "moved by " + by + " to " + data.now); return loadWorld(); })
    .catch(failed("clock-msg"));
});

$("lookup-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("lookup-id").value.trim();
  api("GET", "/__admin/lookup/" + encodeURIComponent(id)).then(({ data }) => {
    const parts = Object.entries(data.fakes).map(([fake, body]) => el("div", { class: "lookup-fake", "data-fake": fake },
      el("h3", { text: fake }),
      body === null ? el("p", { class: "msg", text: "not served by this fake" })
        : el("pre", { text: JSON.stringify(body, null, 2) })));
    $("lookup-result").replaceChildren(...parts);
  }).catch((error) => {
    if (!(error instanceof AuthNeeded)) $("lookup-result").replaceChildren(el("p", { class: "msg error", text: error.message }));
  });
});

// ---- the traffic ---------------------------------------------------------------------------
function filterParams() {
  const params = new URLSearchParams();
  for (const [name, id] of [["fake", "f-fake"], ["method", "f-method"], ["path", "f-path"], ["status", "f-status"]]) {
    const value = $(id).value.trim();
    if (value) params.set(name, value);
  }
  return params;
}

async function loadTraffic() {
  await Promise.all([loadJournal(), loadTrafficChart(), loadLimits()]);
}

async function loadJournal() {
  const params = filterParams();
  params.set("order", "desc");
  params.set("limit", String(PAGE_SIZE));
  params.set("redact", "true");
  if (state.journal.before !== null) params.set("before", String(state.journal.before));
  const newest = ask("journal");
  const { data, headers } = await api("GET", "/__admin/requests?" + params);
  if (!newest()) return;
  say("journal-msg", "");
  const total = Number(headers.get("X-Total-Count") || data.length);
  $("journal-total").textContent = `${total} matching request${total === 1 ? "" : "s"}`;
  const withFaults = data.some((entry) => "fault" in entry);
  for (const cell of document.querySelectorAll(".fault-col")) cell.hidden = !withFaults;
  const rows = data.map((entry) => {
    const path = entry.path + (entry.query ? "?" + entry.query : "");
    const row = el("tr", { "data-seq": entry.seq },
      el("td", { class: "num", text: entry.seq }), el("td", { text: entry.time }),
      el("td", { text: entry.fake || "—" }), el("td", { text: entry.method }),
      el("td", { class: "path", text: path }),
      el("td", { class: "num status-" + String(entry.status)[0], text: entry.status }),
      el("td", { class: "num", text: entry.latency_ms }));
    if (withFaults) row.append(el("td", { text: entry.fault == null ? "" : JSON.stringify(entry.fault) }));
    return row;
  });
  $("journal").tBodies[0].replaceChildren(...rows);
  $("page-newer").disabled = state.journal.stack.length === 0;
  $("page-older").disabled = data.length < PAGE_SIZE;
  state.journal.oldest = data.length ? data[data.length - 1].seq : null;
}

$("filters").addEventListener("submit", (event) => {
  event.preventDefault();
  state.journal = { before: null, stack: [] };
  loadTraffic().catch(failed("journal-msg"));
});

$("page-older").addEventListener("click", () => {
  state.journal.stack.push(state.journal.before);
  state.journal.before = state.journal.oldest;
  loadJournal().catch(failed("journal-msg"));
});

$("page-newer").addEventListener("click", () => {
  state.journal.before = state.journal.stack.pop() ?? null;
  loadJournal().catch(failed("journal-msg"));
});

async function loadTrafficChart() {
  const params = filterParams();
  params.set("buckets", "24");
  const newest = ask("chart");
  const { data } = await api("GET", "/__admin/requests/chart?" + params);
  if (!newest()) return;
  $("traffic-span").textContent = data.bucket_seconds
    ? `world time ${data.from} to ${data.to}, ${data.bucket_seconds} s a bar`
    : "no requests yet";
  const colours = getComputedStyle(document.documentElement);
  const charts = Object.entries(data.fakes).map(([fake, lines]) => {
    const classes = Object.keys(lines).sort();
    const buckets = lines[classes[0]].length;
    const totals = Array.from({ length: buckets }, (_, i) => classes.reduce((sum, c) => sum + lines[c][i], 0));
    const highest = Math.max(1, ...totals);
    const width = 360, height = 120, bottom = 14, bar = width / buckets;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "requests of " + fake });
    for (let i = 0; i < buckets; i++) {
      let base = height - bottom;
      for (const c of classes) {
        const h = ((height - bottom - 4) * lines[c][i]) / highest;
        if (h > 0) {
          chart.append(svg("rect", { x: i * bar + 1, y: base - h, width: Math.max(1, bar - 2), height: h,
            fill: colours.getPropertyValue("--s" + c[0]).trim() || "#999" },
          svg("title", {}, `${c}: ${lines[c][i]}`)));
        }
        base -= h;
      }
    }
    chart.append(svg("text", { x: 2, y: height - 2 }, data.from.slice(0, 16)));
    chart.append(svg("text", { x: width - 2, y: height - 2, "text-anchor": "end" }, data.to.slice(0, 16)));
    const counts = classes.map((c) => `${c}: ${lines[c].reduce((a, b) => a + b, 0)}`).join(", ");
    return el("div", { class: "fake-chart", "data-fake": fake }, el("h3", { text: `${fake} (${counts})` }), chart);
  });
  $("traffic-charts").replaceChildren(...charts);
}

async function loadLimits() {
  const parts = [];
  if (state.fakes.includes("parsebot")) {
    const { data } = await api("GET", "/__admin/parsebot/keys");
    parts.push(el("h3", { text: "parse.bot keys" }), table(["key", "tier", "this minute", "credits used", "credits left"],
      data.map((k) => [k.fingerprint, k.tier, `${k.minute_used} / ${k.per_minute}`,
        `${k.credits_used} / ${k.credits}`, String(Math.max(0, k.credits - k.credits_used))]), "limits-parsebot"));
  }
  if (state.fakes.includes("jobfeed")) {
    const { data } = await api("GET", "/__admin/jobfeed/accounts");
    parts.push(el("h3", { text: "Jobfeed accounts" }), table(["user", "window", "used", "left"],
      data.flatMap((a) => (a.windows.length ? a.windows : [{ rate: "unlimited", used: "", remaining: "" }])
        .map((w) => [a.user, w.rate, String(w.used), String(w.remaining)])), "limits-jobfeed"));
  }
  $("limits").replaceChildren(...(parts.length ? parts : [el("p", { class: "msg", text: "no fake here counts rate limits" })]));
}

function table(headings, rows, id) {
  return el("table", { class: "list", id },
    el("thead", {}, el("tr", {}, ...headings.map((h) => el("th", { text: h })))),
    el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", { text: c }))))));
}

// ---- tokens and keys -----------------------------------------------------------------------
function showSecret(label, secret) {
  $("secret-label").textContent = label;
  $("secret-value").textContent = secret;
  $("secret-box").hidden = false;
}

function hideSecret() {
  $("secret-value").textContent = "";
  $("secret-box").hidden = true;
}

$("secret-hide").addEventListener("click", hideSecret);

function randomSecret(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function loadAccess() {
  $("keys-card").hidden = !state.fakes.includes("parsebot");
  $("accounts-card").hidden = !state.fakes.includes("jobfeed");
  $("tokens-card").hidden = state.tokenFakes.length === 0;
  drawTokens();
  const work = [];
  if (state.fakes.includes("parsebot")) work.push(loadKeys());
  if (state.fakes.includes("jobfeed")) work.push(loadAccounts());
  await Promise.all(work);
}

function drawTokens() {
  const rows = state.minted.map((item) => el("tr", {},
    el("td", { text: item.fake }), el("td", { text: item.subject }),
    el("td", {}, el("code", { class: "masked", text: item.revoked ? "revoked" : mask(item.token) })),
    el("td", {}, item.revoked ? "" : el("button", { type: "button", class: "revoke", text: "Revoke",
      onclick: () => revokeToken(item.fake, item.token).then(() => { item.revoked = true; drawTokens(); }) }))));
  $("tokens").tBodies[0].replaceChildren(...rows);
}

function revokeToken(fake, token) {
  return api("POST", "/__admin/tokens/revoke", { fake, token })
    .then(() => say("token-msg", `token revoked on ${fake}`))
    .catch(failed("token-msg"));
}

$("token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const body = { fake: $("token-fake").value };
  if ($("token-subject").value.trim()) body.subject = $("token-subject").value.trim();
  if ($("token-expires").value.trim()) body.expires = $("token-expires").value.trim();
  api("POST", "/__admin/tokens", body).then(({ data }) => {
    state.minted.unshift({ fake: data.fake, subject: data.subject, token: data.token });
    showSecret(`${data.fake} token for ${data.subject}`, data.token);
    say("token-msg", "");
    drawTokens();
  }).catch(failed("token-msg"));
});

$("revoke-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const token = $("revoke-token").value.trim();
  $("revoke-token").value = "";
  revokeToken($("revoke-fake").value, token);
});

async function loadKeys() {
  const { data } = await api("GET", "/__admin/parsebot/keys");
  const rows = data.map((k) => el("tr", {},
    el("td", {}, el("code", { class: "masked", text: k.fingerprint })), el("td", { text: k.tier }),
    el("td", { text: `${k.minute_used} / ${k.per_minute}` }),
    el("td", { text: String(Math.max(0, k.credits - k.credits_used)) }),
    el("td", {}, el("button", { type: "button", class: "revoke", text: "Revoke", onclick: () =>
      api("DELETE", "/__admin/parsebot/keys/" + encodeURIComponent(k.fingerprint))
        .then(() => { say("key-msg", "key revoked"); return loadKeys(); }).catch(failed("key-msg")) }))));
  $("keys").tBodies[0].replaceChildren(...rows);
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const key = randomSecret("pb_");
  const tier = $("key-tier").value;
  api("POST", "/__admin/parsebot/keys", { key, tier }).then(() => {
    showSecret(`parse.bot ${tier} key (send it as X-API-Key)`, key);
    say("key-msg", "");
    return loadKeys();
  }).catch(failed("key-msg"));
});

async function loadAccounts() {
  const { data } = await api("GET", "/__admin/jobfeed/accounts");
  const rows = data.map((a) => el("tr", {},
    el("td", { text: a.user }), el("td", {}, el("code", { class: "masked", text: a.fingerprint })),
    el("td", { text: a.windows.map((w) => `${w.rate}: ${w.remaining} left`).join(", ") || "unlimited" }),
    el("td", {}, el("button", { type: "button", class: "revoke", text: "Remove", onclick: () =>
      api("DELETE", "/__admin/jobfeed/accounts/" + encodeURIComponent(a.user))
        .then(() => { say("account-msg", `account ${a.user} removed`); return loadAccounts(); })
        .catch(failed("account-msg")) }))));
  $("accounts").tBodies[0].replaceChildren(...rows);
}

$("account-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const user = $("account-user").value.trim();
  const password = randomSecret("");
  const body = { user, password };
  if ($("account-limits").value.trim()) body.limits = $("account-limits").value.trim();
  api("POST", "/__admin/jobfeed/accounts", body).then(() => {
    showSecret(`Jobfeed password for ${user} (HTTP basic auth)`, password);
    say("account-msg", "");
    return loadAccounts();
  }).catch(failed("account-msg"));
});

// ---- faults and scenarios (shown when the server has them) ---------------------------------
async function probe(path) {
  try {
    return (await api("GET", path)).data;
  } catch (error) {
    if (error instanceof AuthNeeded) throw error;
    return undefined;
  }
}

function render(data) {
  const items = Array.isArray(data) ? data : data && Array.isArray(data.faults) ? data.faults : null;
  if (items && items.every((item) => item && typeof item === "object" && !Array.isArray(item))) {
    if (!items.length) return el("p", { class: "msg", text: "none" });
    const keys = [...new Set(items.flatMap((item) => Object.keys(item)))];
    return table(keys, items.map((item) => keys.map((k) =>
      item[k] === undefined ? "" : typeof item[k] === "object" ? JSON.stringify(item[k]) : String(item[k]))));
  }
  return el("pre", { text: JSON.stringify(data, null, 2) });
}

async function loadFaults() {
  const [faults, scenario, clock] = await Promise.all([probe("/__admin/faults"), probe("/__admin/scenario"),
    probe("/__admin/clock")]);  // a scenario moves the clock: the header follows
  if (clock) showClock(clock.now, clock.mode);
  $("faults").replaceChildren(faults === undefined ? el("p", { class: "msg", text: "not available" }) : render(faults));
  $("scenarios-card").hidden = scenario === undefined;
  if (scenario !== undefined) {
    if (scenario.progress) drawProgress(scenario.progress);
    else $("scenario-progress").replaceChildren(el("p", { class: "msg", text: "no scenario has run on this world" }));
    if (scenario.report) drawReport(scenario.report);
    else $("scenario-report").replaceChildren(el("p", { class: "msg", text: "no verification has run on this world" }));
  }
}

function drawProgress(p) {
  const where = p.state === "finished" ? `all ${p.steps} steps done`
    : p.step === 0 ? `starting (${p.steps} steps)` : `step ${p.step} of ${p.steps}` + (p.action ? `: ${p.action}` : "");
  const parts = [
    el("p", {}, el("strong", { id: "scenario-name", text: p.name }), " ",
      el("span", { id: "scenario-state", class: "badge state-" + p.state, text: p.state }), " ",
      el("span", { id: "scenario-step", text: where })),
    el("progress", { id: "scenario-bar", max: String(Math.max(1, p.total || p.steps)),
      value: String(p.total ? p.done : p.step) }),
    el("span", { class: "msg", text: p.total ? ` ${p.done} of ${p.total} actions` : "" }),
  ];
  if (p.line) parts.push(el("p", { id: "scenario-line", class: "msg", text: "last: " + p.line }));
  if (p.error) parts.push(el("p", { id: "scenario-error", class: "msg error", text: p.error }));
  parts.push(el("p", { class: "msg", text: "reported at world time " + p.at }));
  $("scenario-progress").replaceChildren(...parts);
}

function drawReport(r) {
  const findings = r.findings.length
    ? table(["finding", "count", "examples"], r.findings.map((f) =>
      [f.kind, String(f.count), (f.examples || []).slice(0, 5).join(", ") + ((f.examples || []).length > 5 ? ", …" : "")]),
    "report-findings")
    : el("p", { id: "report-findings", class: "msg", text: "no findings" });
  const cost = table(["cost of the consumer's calls", "count"], Object.entries(r.cost).map(([k, v]) =>
    [k, typeof v === "object" ? JSON.stringify(v) : String(v)]), "report-cost");
  $("scenario-report").replaceChildren(
    el("p", {}, el("strong", { id: "report-verdict", class: "verdict " + r.verdict.toLowerCase(), text: r.verdict }),
      " scenario ", el("strong", { id: "report-scenario", text: r.scenario }),
      el("span", { class: "msg", text: ` (world time ${r.at})` })),
    findings, cost);
}

// ---- start ---------------------------------------------------------------------------------
async function start() {
  try {
    const { data } = await api("GET", "/__admin/world?days=14");
    state.fakes = data.fakes;
    state.tokenFakes = data.token_fakes || [];
    showClock(data.now, data.mode);
  } catch (error) {
    if (!(error instanceof AuthNeeded)) say("clock-msg", error.message, true);
    return;
  }
  const fakeFilter = $("f-fake");
  fakeFilter.replaceChildren(el("option", { value: "", text: "every fake" }),
    ...state.fakes.map((f) => el("option", { value: f, text: f })));
  for (const id of ["token-fake", "revoke-fake"]) {
    $(id).replaceChildren(...state.tokenFakes.map((f) => el("option", { value: f, text: f })));
  }
  const [faults, scenario] = await Promise.all([probe("/__admin/faults"), probe("/__admin/scenario")]);
  state.faults = faults !== undefined || scenario !== undefined;
  document.querySelector('#tabs button[data-view="faults"]').hidden = !state.faults;
  show(hashView());
}

setInterval(() => {  // a running clock ticks on the page too
  if (state.mode === "running" && !document.hidden && $("login").hidden) {
    api("GET", "/__admin/clock").then(({ data }) => showClock(data.now, data.mode)).catch(() => {});
  }
}, LIVE_EVERY_MS);

setInterval(() => {  // a scenario's progress and faults' counts change while one looks
  if (state.view === "faults" && !document.hidden && $("login").hidden) loadFaults().catch(failed("clock-msg"));
}, LIVE_EVERY_MS);

setInterval(() => {
  if (state.view === "traffic" && $("live").checked && state.journal.before === null && !document.hidden && $("login").hidden) {
    loadTraffic().catch(failed("journal-msg"));
  }
}, LIVE_EVERY_MS);

start();
