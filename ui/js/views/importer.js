// The import wizard (choose a file, check it without changing anything, read the report, import
// with progress, read the final report) and the export form. Paths can be picked with the
// system's dialog or typed.

import { h, fill } from "../dom.js";
import { t, num, errorText, problemHeadline, flagReasonText, accountText, when } from "../i18n.js";
import { listen, pickFile, pickSaveFile, BACKUPS } from "../api.js";

/** What sync does with a registry just loaded here: a central desk sends it to every desk, a
 * state desk gives it up for DPIIT's once the server holds one. Nothing for a desk that does
 * not sync. */
async function giFate(ctx) {
  const o = await ctx.call("sync_overview");
  if (!o.account || !o.gi.unsent) return null;
  const key = o.account.role === "central" ? "import.gi_central" : "import.gi_state";
  return h("p", { "data-testid": "import-gi-fate" }, t(key));
}

const LAYOUTS = ["auto", "national", "sellers", "lgd", "gi", "workshops", "stories", "gaps", "actions", "policies"];
// Each kind of record, by the name the app's export command takes, and its label's key.
const EXPORTS = [["product", "products"], ["seller", "sellers"], ["workshop", "workshops"],
  ["story", "stories"], ["gap", "gaps"], ["action", "actions"], ["policy", "policies"]];
const REPORT_ROWS = 300;

export function pathField(testid, label, save, filters) {
  const input = h("input", { type: "text", class: "path-input", "data-testid": testid, spellcheck: "false", autocomplete: "off" });
  const browse = h("button", { type: "button", class: "button", "data-testid": `${testid}-browse` }, t("import.browse"));
  return {
    input,
    element: h("div", { class: "path-field" },
      h("label", {}, h("span", {}, label), input),
      browse),
    bind(ctx) {
      browse.addEventListener("click", async () => {
        try {
          const path = save
            ? await pickSaveFile(input.value || save, filters)
            : await pickFile(filters);
          if (path) input.value = path;
        } catch (error) {
          ctx.showError(error);
        }
      });
    },
  };
}

/** A file to save to, with its browse button, and a button that saves it: `save(path)`
 * writes the file and gives the line to show below (an error shows in words there too).
 * The test ids are `TESTID-path`, `TESTID` (the button) and `TESTID-out`. */
export function saveField(ctx, testid, { label, button, file, save }) {
  const target = pathField(`${testid}-path`, label, file);
  target.input.value = file;
  target.bind(ctx);
  const go = h("button", { type: "button", class: "button", "data-testid": testid }, button);
  const out = h("p", { class: "count", "data-testid": `${testid}-out`, "aria-live": "polite" });
  go.addEventListener("click", async () => {
    const path = target.input.value.trim();
    if (!path) return;
    go.disabled = true;
    try {
      out.textContent = await save(path);
    } catch (error) {
      out.textContent = errorText(error);
    } finally {
      go.disabled = false;
    }
  });
  return { field: target.element, button: go, out };
}

/** The summary and the flagged rows of an import report. */
function report(result, testid) {
  if (result.layout === "lgd") {
    const c = result.counts ?? {};
    return h("div", { class: "report", "data-testid": testid },
      h("div", { class: "stat-row small" },
        stat(t("import.states_read"), result.states_read),
        stat(t("import.districts_read"), result.districts_read),
        stat(t("import.flagged"), result.flagged.length, "report-flagged")),
      h("p", {}, t("import.lgd_counts", {
        states: num((c.states_added ?? 0) + (c.states_changed ?? 0)),
        districts: num((c.districts_added ?? 0) + (c.districts_changed ?? 0)),
      })),
      flaggedTable(result.flagged));
  }
  const s = result.summary;
  const flagged = result.rows.filter((r) => r.fate === "flagged");
  return h("div", { class: "report", "data-testid": testid },
    h("p", { class: "report-source" }, t("import.source", { file: result.source, encoding: result.encoding })),
    h("div", { class: "stat-row small" },
      stat(t("import.rows"), s.rows, "report-rows"),
      stat(result.dry_run ? t("import.would_import") : t("import.imported"), s.imported, "report-imported"),
      stat(t("import.merged"), s.merged, "report-merged"),
      stat(t("import.changed"), s.changed),
      stat(t("import.flagged"), s.flagged, "report-flagged")),
    result.districts_without_primary.length
      ? h("p", { class: "warning" }, t("import.without_primary", { n: num(result.districts_without_primary.length) }),
          " ", result.districts_without_primary.slice(0, 12).join(", "))
      : null,
    registryDropped(result.registry),
    result.duplicates
      ? h("p", { class: "warning", "data-testid": "import-duplicates" },
          t("import.duplicates", { n: num(result.duplicates) }), " ",
          h("a", { href: "#/duplicates" }, t("dup.open")))
      : null,
    flaggedTable(flagged));
}

/** What a GI registry list leaves out of the registry it replaces, said before it is loaded:
 * a partial list would otherwise shrink the registry unseen (and, from a central desk, every
 * desk's). */
function registryDropped(change) {
  if (!change || change.dropped === 0) return null;
  const more = change.dropped - change.dropped_names.length;
  const names = change.dropped_names.join(", ") + (more > 0 ? t("import.registry_more", { n: num(more) }) : "");
  return h("p", { class: "warning", "data-testid": "import-registry-dropped" },
    t("import.registry_dropped", { before: num(change.before), dropped: num(change.dropped) }), " ", names);
}

function stat(label, value, testid) {
  return h("div", { class: "stat-card", "data-testid": testid ?? null },
    h("span", { class: "stat-label" }, label),
    h("strong", { class: "stat-value" }, num(value)));
}

/** How many flagged rows each kind of problem stopped, most first. */
function problemCounts(rows) {
  const counts = new Map();
  for (const r of rows) counts.set(r.code, (counts.get(r.code) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function flaggedTable(rows) {
  if (!rows.length) return h("p", { class: "ok" }, t("import.none_flagged"));
  return h("div", {},
    h("h3", {}, t("import.flagged_rows")),
    h("ul", { class: "problem-counts", "data-testid": "flag-problems" },
      problemCounts(rows).map(([code, n]) => h("li", { "data-code": code },
        h("strong", {}, num(n)), " ", problemHeadline(code) || code))),
    h("div", { class: "table-wrap short" }, h("table", { class: "data-table", "data-testid": "flagged-rows" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col", class: "num" }, t("col.line")),
        h("th", { scope: "col" }, t("col.row")),
        h("th", { scope: "col", class: "cell-name" }, t("col.column")),
        h("th", { scope: "col" }, t("col.problem")),
        h("th", { scope: "col" }, t("col.reason")))),
      h("tbody", {}, rows.slice(0, REPORT_ROWS).map((r) => h("tr", { "data-testid": "flagged-row", "data-code": r.code },
        h("td", { class: "num" }, String(r.line)),
        h("td", {}, r.label),
        h("td", { class: "cell-name" }, r.column ?? ""),
        h("td", { "data-testid": "flag-problem" }, problemHeadline(r.code)),
        h("td", { class: "reason-text", "data-testid": "flag-reason" }, flagReasonText(r))))))),
    rows.length > REPORT_ROWS ? h("p", { class: "more" }, t("dash.more", { n: num(rows.length - REPORT_ROWS) })) : null);
}

/** What a backup holds: when it was taken, whose desk made it, and its records by kind. */
function holdings(info, testid) {
  return h("div", { class: "backup-info", "data-testid": testid },
    h("p", {}, info.taken ? t("backup.taken", { at: when(info.taken) }) : t("backup.taken_unknown")),
    info.account ? h("p", { "data-testid": "backup-account" }, t("backup.made_by", { who: accountText(info.account, info.account_state) })) : null,
    h("div", { class: "stat-row small" },
      stat(t("backup.count.district"), info.districts),
      info.records.map(([kind, n]) => stat(t(`backup.count.${kind}`), n, `backup-${kind}`)),
      stat(t("backup.waiting"), info.waiting, "backup-waiting")));
}

/** Today as YYYY-MM-DD in the reader's time zone, for a backup's proposed name. */
function today() {
  const d = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** Backing the database up to a file, and putting a backup back after a look at what it holds. */
function backupPanel(ctx) {
  const target = pathField("backup-path", t("backup.file"), "odop-backup.sqlite3", BACKUPS);
  target.input.value = `odop-backup-${today()}.sqlite3`;
  const save = h("button", { type: "button", class: "button button-primary", "data-testid": "backup-run" }, t("backup.run"));
  const saved = h("div", { "data-testid": "backup-out", "aria-live": "polite" });
  const source = pathField("restore-path", t("backup.restore_file"), null, BACKUPS);
  const check = h("button", { type: "button", class: "button", "data-testid": "restore-check" }, t("backup.check"));
  const restore = h("button", { type: "button", class: "button button-danger", "data-testid": "restore-run", hidden: true }, t("backup.restore"));
  const checked = h("div", { "data-testid": "restore-out", "aria-live": "polite" });
  target.bind(ctx);
  source.bind(ctx);
  const failed = (out, error, testid) =>
    fill(out, h("p", { class: "form-error", role: "alert", "data-testid": testid }, errorText(error)));

  save.addEventListener("click", async () => {
    const path = target.input.value.trim();
    if (!path) return fill(saved, h("p", { class: "form-error" }, t("import.need_file")));
    save.disabled = true;
    try {
      const info = await ctx.call("backup_save", { path });
      fill(saved, h("p", { class: "ok" }, t("backup.done", { file: info.path })), holdings(info, "backup-saved"));
    } catch (error) {
      failed(saved, error, "backup-error");
    } finally {
      save.disabled = false;
    }
  });

  // A restore replaces everything here, so it is offered only once the backup has been read.
  // Another state's backup is restored only once the person has been told whose work it is.
  let looked = null;
  let takeOver = false;
  source.input.addEventListener("input", () => {
    looked = null;
    restore.hidden = true;
  });
  check.addEventListener("click", async () => {
    const path = source.input.value.trim();
    restore.hidden = true;
    if (!path) return fill(checked, h("p", { class: "form-error" }, t("import.need_file")));
    try {
      // The backup's holdings, with this desk's account and whether restoring takes over.
      const info = await ctx.call("backup_inspect", { path });
      looked = path;
      takeOver = info.takeover;
      fill(checked, holdings(info, "restore-preview"),
        takeOver ? h("p", { class: "warning", "data-testid": "restore-other-account" },
          t("backup.other_account", { theirs: accountText(info.account, info.account_state), mine: accountText(info.desk, info.desk_state) })) : null,
        h("p", { class: "warning", "data-testid": "restore-warning" }, t("backup.warning")));
      restore.textContent = takeOver ? t("backup.take_over") : t("backup.restore");
      restore.hidden = false;
    } catch (error) {
      failed(checked, error, "restore-error");
    }
  });
  restore.addEventListener("click", async () => {
    if (looked === null) return;
    restore.disabled = true;
    check.disabled = true;
    try {
      const done = await ctx.call("backup_restore", { path: looked, takeOver });
      ctx.forgetChoices();
      ctx.refreshStatus();
      fill(checked, h("p", { class: "ok", "data-testid": "restore-done" },
        t("backup.restored", { file: done.from.path, kept: done.kept.path })),
        done.resync ? h("p", { "data-testid": "restore-resync" }, t("backup.resync")) : null);
      restore.hidden = true;
      looked = null;
    } catch (error) {
      failed(checked, error, "restore-error");
    } finally {
      restore.disabled = false;
      check.disabled = false;
    }
  });

  return h("section", { class: "panel wizard backup", "aria-labelledby": "backup-title" },
    h("h2", { id: "backup-title" }, t("backup.title")),
    h("p", { class: "hint" }, t("backup.about")),
    target.element,
    h("div", { class: "wizard-row" }, save),
    saved,
    h("h3", {}, t("backup.restore_title")),
    source.element,
    h("div", { class: "wizard-row" }, check, restore),
    checked);
}

export async function render(view, ctx) {
  const layout = h("select", { "data-testid": "import-layout", id: "import-layout" },
    LAYOUTS.map((l) => h("option", { value: l }, t(`import.layout.${l}`))));
  const file = pathField("import-path", t("import.file"));
  const states = pathField("import-states", t("import.states_file"));
  const districts = pathField("import-districts", t("import.districts_file"));
  const check = h("button", { type: "button", class: "button button-primary", "data-testid": "import-check" }, t("import.check"));
  const run = h("button", { type: "button", class: "button button-primary", "data-testid": "import-run", hidden: true }, t("import.run"));
  const progress = h("progress", { max: 100, value: 0, "data-testid": "import-progress", hidden: true });
  const progressText = h("span", { class: "count", "data-testid": "import-progress-text" });
  const out = h("div", { class: "import-out", "data-testid": "import-out" });
  const steps = h("ol", { class: "steps" },
    ["import.step.choose", "import.step.check", "import.step.import"].map((k, i) => h("li", { "data-step": i + 1 }, t(k))));

  const step = (n) => {
    for (const li of steps.children) li.classList.toggle("current", Number(li.dataset.step) === n);
  };
  const showLayout = () => {
    const lgd = layout.value === "lgd";
    file.element.hidden = lgd;
    states.element.hidden = !lgd;
    districts.element.hidden = !lgd;
    run.hidden = true;
    fill(out);
    step(1);
  };
  const source = () => layout.value === "lgd"
    ? { layout: "lgd", states: states.input.value.trim(), districts: districts.input.value.trim() }
    : { layout: layout.value, path: file.input.value.trim() };

  /** Tells the file's list from its header and shows it chosen; an LGD list goes in its own
   * box, beside the other one's. Gives whether the import can go on. */
  async function recognise() {
    const path = file.input.value.trim();
    if (!path) return true;
    const told = await ctx.call("recognise_file", { path });
    const lgd = { lgd_states: states, lgd_districts: districts }[told];
    layout.value = lgd ? "lgd" : told;
    showLayout();
    if (lgd) {
      lgd.input.value = path;
      fill(out, h("p", { class: "hint", "data-testid": "import-recognised" }, t(`import.recognised.${told}`)));
      return false;
    }
    fill(out, h("p", { class: "hint", "data-testid": "import-recognised", "data-layout": told },
      t("import.recognised", { layout: t(`import.layout.${told}`) })));
    return true;
  }

  async function go(dryRun) {
    ctx.clearError();
    ctx.notice("");
    if (layout.value === "auto") {
      try {
        if (!(await recognise())) return;
      } catch (error) {
        fill(out, h("p", { class: "form-error", role: "alert", "data-testid": "import-error" }, errorText(error)));
        return;
      }
    }
    const told = out.querySelector("[data-testid=import-recognised]");
    const src = source();
    if ((src.path ?? src.states) === "" || src.districts === "") {
      fill(out, h("p", { class: "form-error", role: "alert", "data-testid": "import-missing" }, t("import.need_file")));
      return;
    }
    check.disabled = true;
    run.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = dryRun ? t("import.checking") : t("import.importing");
    const stop = await listen("import-progress", ({ done, total }) => {
      progress.value = total ? Math.round((done / total) * 100) : 0;
      progressText.textContent = t("import.progress", { done: num(done), total: num(total) });
    });
    try {
      const result = await ctx.call("import_file", { source: src, dryRun });
      progress.value = 100;
      progressText.textContent = dryRun ? t("import.checked") : t("import.done");
      // A registry just loaded is read in the GI check, which the dashboard shows no figure of.
      const gi = !dryRun && src.layout === "gi";
      fill(out,
        told,
        h("h3", {}, dryRun ? t("import.preview") : t("import.final")),
        gi ? h("p", {}, h("a", { href: "#/gi", "data-testid": "import-gi-check" }, t("import.gi_check"))) : null,
        gi ? await giFate(ctx) : null,
        report(result, dryRun ? "import-preview" : "import-report"));
      step(dryRun ? 2 : 3);
      run.hidden = !dryRun;
      if (!dryRun) {
        ctx.forgetChoices();
        ctx.notice(gi ? t("import.notice_gi") : t("import.notice"));
      }
    } catch (error) {
      progress.hidden = true;
      progressText.textContent = "";
      fill(out, h("p", { class: "form-error", role: "alert", "data-testid": "import-error" }, errorText(error)));
    } finally {
      stop();
      check.disabled = false;
      run.disabled = false;
    }
  }

  layout.addEventListener("change", showLayout);
  check.addEventListener("click", () => go(true));
  run.addEventListener("click", () => go(false));
  for (const f of [file, states, districts]) f.bind(ctx);

  // Export
  const what = h("select", { "data-testid": "export-what", id: "export-what" },
    EXPORTS.map(([kind, label]) => h("option", { value: kind }, t(`export.${label}`))));
  const target = pathField("export-path", t("export.file"), "odop.xlsx");
  const exportButton = h("button", { type: "button", class: "button button-primary", "data-testid": "export-run" }, t("export.run"));
  const exportOut = h("p", { class: "count", "data-testid": "export-out", "aria-live": "polite" });
  target.bind(ctx);
  exportButton.addEventListener("click", async () => {
    const path = target.input.value.trim();
    if (!path) {
      exportOut.textContent = t("import.need_file");
      return;
    }
    exportButton.disabled = true;
    try {
      const n = await ctx.call("export_file", { what: what.value, path });
      exportOut.textContent = t("export.done", { n: num(n), file: path });
    } catch (error) {
      exportOut.textContent = errorText(error);
    } finally {
      exportButton.disabled = false;
    }
  });

  fill(view,
    h("div", { class: "import-screen", "data-testid": "import" },
      h("section", { class: "panel wizard", "aria-labelledby": "import-title" },
        h("h2", { id: "import-title" }, t("import.title")),
        steps,
        h("div", { class: "wizard-row" },
          h("label", { for: "import-layout" }, t("import.layout")), layout),
        file.element, states.element, districts.element,
        h("div", { class: "wizard-row" }, check, run, progress, progressText),
        out),
      h("section", { class: "panel wizard export", "aria-labelledby": "export-title" },
        h("h2", { id: "export-title" }, t("export.title")),
        h("div", { class: "wizard-row" }, h("label", { for: "export-what" }, t("export.what")), what),
        target.element,
        h("div", { class: "wizard-row" }, exportButton, exportOut)),
      backupPanel(ctx)));
  showLayout();
}
