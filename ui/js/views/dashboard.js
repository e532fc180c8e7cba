// The dashboard: coverage, products by sector, GI share, onboarding per platform, packaging, open gaps by
// kind, the states' ODOP policies and the latest changes; for every state in the database, each
// state's figures side by side, or for one state (`#/dashboard/CODE`), each district's.

import { h, fill, arrowKeys, linkRow } from "../dom.js";
import { t, num, word, stateName, byStateName, when } from "../i18n.js";
import { barChart, donut } from "../charts.js";
import { today, openOverdueActions } from "./records.js";
import { statePicker, routeState } from "../places.js";
import { saveField } from "./importer.js";

/** The states table's columns: key, heading, the figure it sorts by, the cell it shows, and
 * its class when not a plain figure. */
const COLUMNS = [
  ["covered", "dash.col.covered", (r) => (r.districts ? r.districts_covered / r.districts : 0), (r) => t("dash.cell.of", { n: num(r.districts_covered), all: num(r.districts) })],
  ["without_primary", "dash.col.without_primary", (r) => r.without_primary, (r) => num(r.without_primary)],
  ["products", "dash.products", (r) => r.products, (r) => num(r.products)],
  ["gi", "dash.col.gi", (r) => r.gi_products, (r) => num(r.gi_products)],
  ["sellers", "dash.sellers", (r) => r.sellers, (r) => num(r.sellers)],
  ["onboarded", "dash.col.onboarded", (r) => r.sellers_onboarded, (r) => num(r.sellers_onboarded)],
  ["packaging", "dash.col.packaging", (r) => r.packaging_needed, (r) => num(r.packaging_needed)],
  ["workshops", "dash.workshops", (r) => r.workshops, (r) => num(r.workshops)],
  ["open_gaps", "dash.col.open_gaps", (r) => r.open_gaps, (r) => num(r.open_gaps)],
  ["overdue", "dash.col.overdue", (r) => r.overdue_actions, (r) => num(r.overdue_actions), (r) => (r.overdue_actions > 0 ? "num late" : "num")],
  ["policy", "dash.col.policy", (r) => ["none", "drafting", "notified"].indexOf(r.policy), (r) => word("policy_status", r.policy), (r) => `policy policy-${r.policy}`],
];

/** A state's districts table's columns, as the states table's. */
const DISTRICT_COLUMNS = [
  ["products", "dash.products", (r) => r.products, (r) => num(r.products)],
  // A district with products but none primary is the one to act on.
  ["primary", "dash.col.primary", (r) => (r.has_primary ? 2 : r.products > 0 ? 0 : 1),
    (r) => t(r.has_primary ? "dash.primary.yes" : "dash.primary.none"),
    (r) => (!r.has_primary && r.products > 0 ? "late" : "")],
  ...COLUMNS.filter(([key]) => ["gi", "sellers", "onboarded", "packaging", "workshops", "open_gaps", "overdue"].includes(key)),
];

/** Columns of words rather than figures: to the left, and sorted from the start of their
 * order on a first click. */
const WORD_COLUMNS = new Set(["policy", "primary"]);

/** The tables' order survives leaving the dashboard and coming back. */
const order = { key: "state", descending: false };
const districtOrder = { key: "name", descending: false };

/** Places side by side, each heading sorting by its column and each row opening its place.
 * `rows` come in the order of their names; `ids` name the test ids of rows and sort buttons. */
function figureTable({ rows, columns, sort, nameHead, name, open, ids, attrs, foot, labelledBy }) {
  const body = h("tbody", { "data-testid": `${ids.row}s` });
  const heads = new Map();
  const draw = () => {
    let sorted = rows;
    const column = columns.find(([key]) => key === sort.key);
    if (column) {
      const figure = column[2];
      // Ties keep the order of the names.
      sorted = [...rows].sort((a, b) => (sort.descending ? figure(b) - figure(a) : figure(a) - figure(b)));
    } else if (sort.descending) {
      sorted = [...rows].reverse();
    }
    fill(body, sorted.map((r) => linkRow(
      h("tr", { "data-testid": ids.row, ...attrs(r) },
        h("th", { scope: "row" }, name(r)),
        columns.map(([key, , , cell, cls]) => h("td", { class: cls ? cls(r) : "num", "data-column": key }, cell(r)))),
      () => open(r))));
    for (const [key, th] of heads) {
      th.setAttribute("aria-sort", key === sort.key ? (sort.descending ? "descending" : "ascending") : "none");
    }
  };
  const heading = (key, label, numeric) => {
    const button = h("button", { type: "button", class: "sort", "data-testid": `${ids.sort}${key}` }, label);
    button.addEventListener("click", () => {
      // A figure's first click puts the largest first; a name starts from A.
      if (sort.key === key) sort.descending = !sort.descending;
      else Object.assign(sort, { key, descending: numeric });
      draw();
    });
    const th = h("th", { scope: "col", class: numeric ? "num" : "" }, button);
    heads.set(key, th);
    return th;
  };
  const table = h("table", { class: "data-table states-table", "aria-labelledby": labelledBy },
    h("thead", {}, h("tr", {},
      heading(nameHead[0], nameHead[1], false),
      columns.map(([key, label]) => heading(key, t(label), !WORD_COLUMNS.has(key))))),
    body,
    foot ? h("tfoot", {}, foot) : null);
  draw();
  arrowKeys(body, "tr");
  return table;
}

/** Every state's figures side by side, with a line of totals; each row opens that state's
 * dashboard. */
function statesPanel(ctx, rows) {
  const sum = (f) => rows.reduce((all, r) => all + f(r), 0);
  const total = h("tr", { class: "total", "data-testid": "state-total" },
    h("th", { scope: "row" }, t("dash.states.total", { n: num(rows.length) })),
    h("td", { class: "num" }, t("dash.cell.of", { n: num(sum((r) => r.districts_covered)), all: num(sum((r) => r.districts)) })),
    ...[(r) => r.without_primary, (r) => r.products, (r) => r.gi_products, (r) => r.sellers, (r) => r.sellers_onboarded,
      (r) => r.packaging_needed, (r) => r.workshops, (r) => r.open_gaps, (r) => r.overdue_actions].map((f) => h("td", { class: "num" }, num(sum(f)))),
    h("td", {}, t("dash.states.notified", { n: num(rows.filter((r) => r.policy === "notified").length) })));
  const table = figureTable({
    rows: byStateName(rows, (r) => r.state, (r) => r.name),
    columns: COLUMNS,
    sort: order,
    nameHead: ["state", t("col.state")],
    name: (r) => stateName(r.state, r.name),
    open: (r) => ctx.navigate(`#/dashboard/${r.state}`),
    ids: { row: "state-row", sort: "sort-" },
    attrs: (r) => ({ "data-state": r.state }),
    foot: total,
    labelledBy: "states-title",
  });
  // The same rows as a spreadsheet, to pass on; in an XLSX the figures add up.
  const exported = saveField(ctx, "states-export", {
    label: t("gi.export_file"),
    button: t("dash.states.save"),
    file: "odop-states.xlsx",
    save: async (path) =>
      t("dash.states.saved", { n: num(await ctx.call("export_state_figures", { today: today(), path })), file: path }),
  });
  return h("section", { class: "panel states-panel", "data-testid": "dash-states" },
    h("h3", { id: "states-title" }, t("dash.states")),
    h("p", { class: "hint" }, t("dash.states.hint")),
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "states-export" }, exported.field, exported.button, exported.out));
}

/** A figure with its label, and a line beneath it when there is one. */
export function card(testid, label, value, detail) {
  return h("div", { class: "stat-card", "data-testid": testid },
    h("span", { class: "stat-label" }, label),
    h("strong", { class: "stat-value" }, value),
    detail ? h("span", { class: "stat-detail" }, detail) : null);
}

function chartPanel(testid, title, items, empty) {
  return h("section", { class: "panel chart-panel", "data-testid": testid },
    h("h3", {}, title),
    items.length ? barChart(items, title) : h("p", { class: "empty" }, empty));
}


/** One state's districts side by side, every district of the LGD list; each row opens the
 * district. */
function districtsPanel(ctx, state, rows) {
  const table = figureTable({
    rows,
    columns: DISTRICT_COLUMNS,
    sort: districtOrder,
    nameHead: ["name", t("col.district")],
    name: (r) => r.name,
    open: (r) => ctx.navigate(`#/district/${r.district}`),
    ids: { row: "district-figures-row", sort: "district-sort-" },
    attrs: (r) => ({ "data-district": r.district }),
    labelledBy: "districts-title",
  });
  const exported = saveField(ctx, "districts-export", {
    label: t("gi.export_file"),
    button: t("dash.states.save"),
    file: `odop-districts-${state}.xlsx`,
    save: async (path) =>
      t("dash.districts.saved", { n: num(await ctx.call("export_district_figures", { state, today: today(), path })), file: path }),
  });
  return h("section", { class: "panel states-panel", "data-testid": "dash-districts" },
    h("h3", { id: "districts-title" }, t("dash.districts")),
    h("p", { class: "hint" }, t("dash.districts.hint")),
    h("div", { class: "table-wrap" }, table),
    h("div", { class: "states-export" }, exported.field, exported.button, exported.out));
}

export async function render(view, ctx, arg = "") {
  const gen = ctx.generation();
  const state = routeState(arg);
  // When each part of the dashboard arrived, from the start of its drawing: the start-up
  // measurement reads them to say where the time goes.
  const started = performance.now();
  const times = { before: started };
  const timed = (name, call) => call.then((value) => {
    times[name] = performance.now() - started;
    return value;
  });
  const [stats, activity, choices, overdue] = await Promise.all([
    timed("stats", ctx.call("stats", { state })),
    timed("recent", ctx.call("recent_activity", { limit: 12, state })),
    timed("choices", ctx.choices()),
    timed("overdue", ctx.call("record_page", { kind: "action", query: { overdue: true, today: today(), state, limit: 0 } })),
  ]);
  if (!ctx.current(gen)) return;
  // The states side by side, only where there is more than one: a state desk, holding its own
  // state alone, does not pay for reading every table once more as it opens.
  const many = stats.policies.reduce((all, c) => all + c.count, 0) > 1;
  // A state's districts side by side: those of its own dashboard, or of the desk's one state.
  const districtsOf = state ?? (many ? null : await ctx.call("desk_state"));
  const [figures, districts] = await Promise.all([
    state == null && many ? timed("states", ctx.call("state_figures", { today: today() })) : [],
    districtsOf == null ? [] : timed("districts", ctx.call("district_figures", { state: districtsOf, today: today() })),
  ]);
  if (!ctx.current(gen)) return;
  // A state's bars open lists of that state alone.
  const link = (href) => (state == null ? href : `${href}/state/${state}`);
  const sectors = stats.products_by_sector.map((c) => ({ label: word("sector", sectorSlug(c.key)), count: c.count, href: link(`#/districts/sector/${sectorSlug(c.key)}`) }));
  const platforms = stats.sellers_onboarded.map((c) => ({ label: word("platform", c.key), count: c.count, href: link(`#/sellers/onboarded/${c.key}`) }));
  const packaging = stats.sellers_packaging.map((c) => ({ label: word("packaging", c.key), count: c.count, href: link(`#/sellers/packaging/${c.key}`) }));
  const gaps = stats.open_gaps_by_kind.map((c) => ({ label: word("action_kind", c.key), count: c.count, href: link(`#/gaps/open/${c.key}`) }));
  const known = choices.states.find((s) => s.code === state);
  const stateTitle = state == null ? "" : stateName(state, known?.name ?? String(state));
  // The picker offers the states that hold records; a state's own dashboard, every state.
  const pickable = state == null ? figures.map((r) => ({ code: r.state, name: r.name })) : choices.states;
  const picker = pickable.length > 1 ? statePicker(ctx, pickable, state, "dashboard", "dash-state") : null;
  // The figures on paper: this state's, the desk's own state's, or every state's.
  const print = h("button", { type: "button", class: "button", "data-testid": "dash-print" }, t("dash.print"));
  print.addEventListener("click", async () => {
    try {
      const of = state ?? await ctx.call("desk_state");
      ctx.navigate(`#/brochure/figures/${of ?? "all"}`);
    } catch (error) {
      ctx.showError(error);
    }
  });
  const policies = (status) => stats.policies.find((c) => c.key === status)?.count ?? 0;
  const states = stats.policies.reduce((all, c) => all + c.count, 0);

  const stateOf = new Map(choices.districts.map((d) => [d.code, d.state]));
  const without = stats.without_primary.slice(0, 8).map((d) =>
    h("li", {}, h("a", { href: `#/district/${d.code}` }, `${d.name}, ${stateName(stateOf.get(d.code), d.state)}`)));
  const more = stats.without_primary.length - without.length;

  const recent = activity.map((e) =>
    h("li", { class: "activity", "data-testid": "activity-row", "data-state": e.state ?? "" },
      h("span", { class: `op op-${e.op}` }, t(`op.${e.op}`)),
      h("span", { class: "activity-kind" }, word("kind", e.entity)),
      h("span", { class: "activity-title" }, e.title),
      h("span", { class: "activity-meta" }, `${e.who} · ${when(e.at)}`)));

  fill(
    view,
    h("div", { class: "dashboard", "data-testid": "dashboard" },
      h("div", { class: "detail-head dash-head" },
        h("h2", { class: "screen-title", "data-testid": "dash-title" }, state == null ? t("dash.title") : t("dash.title_state", { state: stateTitle })),
        h("span", { class: "spacer" }),
        picker ? h("label", { class: "field-inline" }, h("span", {}, t("col.state")), picker) : null,
        print),
      h("div", { class: "stat-row" },
        card("stat-covered", t("dash.covered"), num(stats.districts_covered), t("dash.covered.of", { n: num(stats.districts) })),
        card("stat-without-primary", t("dash.without_primary"), num(stats.without_primary.length), t("dash.without_products", { n: num(stats.without_products) })),
        card("stat-products", t("dash.products"), num(stats.products)),
        card("stat-sellers", t("dash.sellers"), num(stats.sellers)),
        card("stat-workshops", t("dash.workshops"), num(stats.workshops), t("dash.stories", { n: num(stats.stories) })),
        card("stat-overdue", t("dash.overdue"), num(overdue.total),
          overdue.total > 0
            ? h("a", { href: "#/actions", "data-testid": "see-overdue", on: { click: (event) => { event.preventDefault(); openOverdueActions(ctx, state); } } }, t("dash.overdue.see"))
            : t("dash.overdue.none")),
        state == null
          ? card("stat-policy", t("dash.policy"), num(policies("notified")),
            h("a", { href: "#/policies" }, t("dash.policy.of", { n: num(states), drafting: num(policies("drafting")) })))
          : card("stat-policy", t("dash.policy.state"), word("policy_status", stats.policies[0]?.key ?? "none"),
            h("a", { href: "#/policies" }, t("dash.policy.see"))),
      ),
      state == null && figures.length > 1 ? statesPanel(ctx, figures) : null,
      districts.length ? districtsPanel(ctx, districtsOf, districts) : null,
      h("div", { class: "dash-grid" },
        chartPanel("chart-sectors", t("dash.by_sector"), sectors, t("dash.none")),
        h("section", { class: "panel chart-panel gi-panel", "data-testid": "chart-gi" },
          h("h3", {}, t("dash.gi_share")),
          h("div", { class: "gi-body" },
            donut(stats.gi_share, t("dash.gi_share")),
            h("p", {}, t("dash.gi_count", { gi: num(stats.gi_products), all: num(stats.products) }))),
          h("a", { href: state == null ? "#/gi" : `#/gi/${state}`, class: "panel-link", "data-testid": "gi-check-link" }, t("dash.gi_check"))),
        chartPanel("chart-platforms", t("dash.onboarded"), platforms, t("dash.none")),
        chartPanel("chart-packaging", t("dash.packaging"), packaging, t("dash.none")),
        chartPanel("chart-gaps", t("dash.open_gaps"), gaps, t("dash.none")),
        h("section", { class: "panel list-panel", "data-testid": "without-primary" },
          h("h3", {}, t("dash.without_primary")),
          without.length ? h("ul", { class: "plain-list" }, without) : h("p", { class: "empty" }, t("dash.all_have_primary")),
          more > 0 ? h("p", { class: "more" }, t("dash.more", { n: num(more) })) : null),
        h("section", { class: "panel list-panel activity-panel", "data-testid": "recent-activity" },
          h("h3", {}, t("dash.recent")),
          recent.length ? h("ul", { class: "plain-list" }, recent) : h("p", { class: "empty" }, t("dash.no_activity"))),
      ),
    ),
  );
  // Marks the moment the dashboard can be used, for the start-up measurement.
  if (!window.__odopReadyAt) {
    window.__odopReadyAt = performance.timeOrigin + performance.now();
    window.__odopDashboardTimes = { ...times, drawn: performance.now() - started };
  }
  document.body.dataset.ready = "true";
}

/** The store reports sectors by label; the translations are keyed by slug. */
function sectorSlug(label) {
  return String(label).toLowerCase().replace(/\s+/g, "-");
}
