// ODOP Desk: the main window. Talks to the Rust side only through the
// app's commands (district_summaries, load_sample, is_empty) and renders
// every data string as text, never as HTML.

const $ = (id) => document.getElementById(id);

const ui = {
  loading: $("loading"),
  firstRun: $("first-run"),
  loadSample: $("load-sample"),
  checkAgain: $("check-again"),
  districts: $("districts"),
  filter: $("district-filter"),
  count: $("district-count"),
  rows: $("district-rows"),
  noMatch: $("no-match"),
  errorBanner: $("error-banner"),
  errorMessage: $("error-message"),
  errorCode: $("error-code"),
  errorDismiss: $("error-dismiss"),
  notice: $("notice"),
};

/** The rendered rows, each with the lower-cased text the filter searches. */
let rendered = [];

/** Calls a command; rejects with `{ code, message }` whatever went wrong. */
async function call(command, args) {
  const invoke = window.__TAURI__?.core?.invoke;
  if (typeof invoke !== "function") {
    throw { code: "ui.no_backend", message: "This page only works inside the ODOP Desk app." };
  }
  try {
    return await invoke(command, args);
  } catch (error) {
    throw asCommandError(error);
  }
}

/** Commands reject with `{ code, message }`; Tauri itself may reject with a string. */
function asCommandError(error) {
  if (error && typeof error === "object" && typeof error.message === "string") {
    return { code: typeof error.code === "string" ? error.code : "", message: error.message };
  }
  return { code: "", message: String(error) };
}

function showError(error) {
  const { code, message } = asCommandError(error);
  ui.errorMessage.textContent = message;
  ui.errorCode.textContent = code;
  ui.errorCode.hidden = code === "";
  ui.errorBanner.hidden = false;
}

function clearError() {
  ui.errorBanner.hidden = true;
  ui.errorMessage.textContent = "";
  ui.errorCode.textContent = "";
}

function showNotice(text) {
  ui.notice.textContent = text;
  ui.notice.hidden = text === "";
}

/** Shows exactly one of the loading line, the first-run panel and the table. */
function showView(view) {
  ui.loading.hidden = view !== "loading";
  ui.firstRun.hidden = view !== "first-run";
  ui.districts.hidden = view !== "districts";
}

function cell(text, className) {
  const td = document.createElement("td");
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

const byStateThenDistrict = (a, b) =>
  a.state_name.localeCompare(b.state_name, "en-IN") || a.name.localeCompare(b.name, "en-IN");

function renderDistricts(summaries) {
  const sorted = [...summaries].sort(byStateThenDistrict);
  rendered = sorted.map((d) => {
    const tr = document.createElement("tr");
    tr.dataset.testid = "district-row";
    tr.dataset.code = String(d.code);
    tr.append(
      cell(d.state_name),
      cell(d.name),
      cell(String(d.code), "num code"),
      cell(String(d.products), "num"),
      d.primary ? cell(d.primary) : cell("—", "none"),
    );
    const text = [d.state_name, d.name, String(d.code), d.primary ?? ""].join("\n").toLowerCase();
    return { tr, text };
  });
  ui.rows.replaceChildren(...rendered.map((r) => r.tr));
  applyFilter();
}

/** Client-side, as-you-type: every word typed must appear in the row. */
function applyFilter() {
  const words = ui.filter.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const { tr, text } of rendered) {
    const match = words.every((w) => text.includes(w));
    tr.hidden = !match;
    if (match) shown += 1;
  }
  const total = rendered.length;
  const noun = total === 1 ? "district" : "districts";
  ui.count.textContent = words.length ? `${shown} of ${total} ${noun}` : `${total} ${noun}`;
  ui.noMatch.hidden = shown > 0 || total === 0;
}

/** Decides between the first-run panel and the table, and fills the table. */
async function refresh() {
  if (await call("is_empty")) {
    showView("first-run");
    return;
  }
  renderDistricts(await call("district_summaries"));
  showView("districts");
}

async function loadSample() {
  clearError();
  showNotice("");
  ui.loadSample.disabled = true;
  const label = ui.loadSample.textContent;
  ui.loadSample.textContent = "Loading sample data…";
  try {
    const added = await call("load_sample");
    await refresh();
    showNotice(`Sample data loaded: ${added} ${added === 1 ? "row" : "rows"} added.`);
  } catch (error) {
    showError(error);
  } finally {
    ui.loadSample.disabled = false;
    ui.loadSample.textContent = label;
  }
}

async function checkAgain() {
  clearError();
  try {
    await refresh();
  } catch (error) {
    showError(error);
  }
}

async function start() {
  ui.loadSample.addEventListener("click", loadSample);
  ui.checkAgain.addEventListener("click", checkAgain);
  ui.filter.addEventListener("input", applyFilter);
  ui.errorDismiss.addEventListener("click", clearError);
  showView("loading");
  try {
    await refresh();
  } catch (error) {
    ui.loading.textContent = "The data could not be read.";
    showError(error);
  }
}

start();
