// The dashboard: coverage, products by sector, GI share, onboarding per platform, open gaps by
// kind, the states' ODOP policies and the latest changes.

import { h, fill } from "../dom.js";
import { t, num, word, locale, stateName } from "../i18n.js";
import { barChart, donut } from "../charts.js";
import { today, openOverdueActions } from "./records.js";

function card(testid, label, value, detail) {
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

/** A history time ("2025-07-07T10:20:30Z") in the reader's words. */
export function when(at) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return at;
  return date.toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
}

export async function render(view, ctx) {
  const gen = ctx.generation();
  const [stats, activity, choices, overdue] = await Promise.all([
    ctx.call("stats"),
    ctx.call("recent_activity", { limit: 12 }),
    ctx.choices(),
    ctx.call("record_page", { kind: "action", query: { overdue: true, today: today(), limit: 0 } }),
  ]);
  if (!ctx.current(gen)) return;
  const sectors = stats.products_by_sector.map((c) => ({ label: word("sector", sectorSlug(c.key)), count: c.count, href: `#/districts/sector/${sectorSlug(c.key)}` }));
  const platforms = stats.sellers_onboarded.map((c) => ({ label: word("platform", c.key), count: c.count, href: `#/sellers/onboarded/${c.key}` }));
  const gaps = stats.open_gaps_by_kind.map((c) => ({ label: word("action_kind", c.key), count: c.count, href: `#/gaps/open/${c.key}` }));
  const policies = (status) => stats.policies.find((c) => c.key === status)?.count ?? 0;
  const states = stats.policies.reduce((all, c) => all + c.count, 0);

  const stateOf = new Map(choices.districts.map((d) => [d.code, d.state]));
  const without = stats.without_primary.slice(0, 8).map((d) =>
    h("li", {}, h("a", { href: `#/district/${d.code}` }, `${d.name}, ${stateName(stateOf.get(d.code), d.state)}`)));
  const more = stats.without_primary.length - without.length;

  const recent = activity.map((e) =>
    h("li", { class: "activity", "data-testid": "activity-row" },
      h("span", { class: `op op-${e.op}` }, t(`op.${e.op}`)),
      h("span", { class: "activity-kind" }, word("kind", e.entity)),
      h("span", { class: "activity-title" }, e.title),
      h("span", { class: "activity-meta" }, `${e.who} · ${when(e.at)}`)));

  fill(
    view,
    h("div", { class: "dashboard", "data-testid": "dashboard" },
      h("h2", { class: "screen-title" }, t("dash.title")),
      h("div", { class: "stat-row" },
        card("stat-covered", t("dash.covered"), num(stats.districts_covered), t("dash.covered.of", { n: num(stats.districts) })),
        card("stat-without-primary", t("dash.without_primary"), num(stats.without_primary.length), t("dash.without_products", { n: num(stats.without_products) })),
        card("stat-products", t("dash.products"), num(stats.products)),
        card("stat-sellers", t("dash.sellers"), num(stats.sellers)),
        card("stat-workshops", t("dash.workshops"), num(stats.workshops), t("dash.stories", { n: num(stats.stories) })),
        card("stat-overdue", t("dash.overdue"), num(overdue.total),
          overdue.total > 0
            ? h("a", { href: "#/actions", "data-testid": "see-overdue", on: { click: (event) => { event.preventDefault(); openOverdueActions(ctx); } } }, t("dash.overdue.see"))
            : t("dash.overdue.none")),
        card("stat-policy", t("dash.policy"), num(policies("notified")),
          h("a", { href: "#/policies" }, t("dash.policy.of", { n: num(states), drafting: num(policies("drafting")) }))),
      ),
      h("div", { class: "dash-grid" },
        chartPanel("chart-sectors", t("dash.by_sector"), sectors, t("dash.none")),
        h("section", { class: "panel chart-panel gi-panel", "data-testid": "chart-gi" },
          h("h3", {}, t("dash.gi_share")),
          h("div", { class: "gi-body" },
            donut(stats.gi_share, t("dash.gi_share")),
            h("p", {}, t("dash.gi_count", { gi: num(stats.gi_products), all: num(stats.products) }))),
          h("a", { href: "#/gi", class: "panel-link", "data-testid": "gi-check-link" }, t("dash.gi_check"))),
        chartPanel("chart-platforms", t("dash.onboarded"), platforms, t("dash.none")),
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
  if (!window.__odopReadyAt) window.__odopReadyAt = performance.timeOrigin + performance.now();
  document.body.dataset.ready = "true";
}

/** The store reports sectors by label; the translations are keyed by slug. */
function sectorSlug(label) {
  return String(label).toLowerCase().replace(/\s+/g, "-");
}
