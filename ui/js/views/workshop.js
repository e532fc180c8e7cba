// One Sampark workshop and what came of it: the sellers met there, each gap in market linkage
// heard there, and the actions taken on each.

import { h, fill, arrowKeys, linkRow } from "../dom.js";
import { t, num, word, stateName } from "../i18n.js";
import { openForm } from "./form.js";
import { syncBadge } from "../badges.js";
import { today, date, due } from "./records.js";
import { card } from "./dashboard.js";

export async function render(view, id, ctx) {
  const gen = ctx.generation();
  const o = await ctx.call("workshop_outcome", { id, today: today() });
  if (!ctx.current(gen)) return;
  const again = () => render(view, id, ctx).catch(ctx.showError);
  const w = o.workshop;

  const edit = h("button", { type: "button", class: "button", "data-testid": "workshop-edit" }, t("workshop.edit"));
  edit.addEventListener("click", () => openForm(ctx, "workshop", w.id, null, again));
  // The report as it stands today, to send on or take to the next review.
  const print = h("a", { class: "button", href: `#/brochure/workshop/${w.id}`, "data-testid": "workshop-print" }, t("workshop.print"));
  const addGap = h("button", { type: "button", class: "button button-primary", "data-testid": "workshop-add-gap" }, t("workshop.add_gap"));
  addGap.addEventListener("click", () =>
    openForm(ctx, "gap", null, { workshop: w.id, district: String(w.fields.district) }, again));

  const sellerBody = h("tbody", { "data-testid": "workshop-sellers" },
    o.sellers_met.map((s) => linkRow(
      h("tr", { "data-testid": "workshop-seller", "data-id": s.id },
        h("td", {}, s.name, syncBadge(s.sync)),
        h("td", {}, word("seller_kind", s.kind)),
        h("td", {}, s.district_name ?? ""),
        h("td", {}, s.onboarded.map((p) => word("platform", p)).join(", "))),
      () => openForm(ctx, "seller", s.id, null, again))));
  arrowKeys(sellerBody, "tr");

  const actions = o.gaps.flatMap((g) => g.actions);
  const open = o.gaps.filter((g) => g.gap.fields.open).length;
  const overdue = actions.filter((a) => a.overdue).length;
  const gapBlocks = o.gaps.map((g) => {
    const addAction = h("button", { type: "button", class: "button button-small", "data-testid": "add-action-for-gap" }, t("gap.add_action"));
    addAction.addEventListener("click", () => openForm(ctx, "action", null, { gap: g.gap.id, kind: g.gap.fields.kind }, again));
    const editGap = h("button", { type: "button", class: "button button-small", "data-testid": "workshop-gap-edit" }, t("action.edit"));
    editGap.addEventListener("click", () => openForm(ctx, "gap", g.gap.id, null, again));
    const rows = g.actions.map((a) => linkRow(
      h("tr", { "data-testid": "workshop-action", "data-id": a.id },
        h("td", {}, a.fields.owner ?? "", syncBadge(a.sync)),
        h("td", {}, word("action_status", a.fields.status)),
        h("td", {}, due(a)),
        h("td", {}, a.fields.note ?? "")),
      () => openForm(ctx, "action", a.id, null, again)));
    return h("article", { class: "outcome-gap", "data-testid": "workshop-gap", "data-id": g.gap.id },
      h("div", { class: "section-head" },
        h("span", { class: `badge ${g.gap.fields.open ? "badge-open" : "badge-closed"}` }, t(g.gap.fields.open ? "gap.open" : "gap.closed")),
        h("span", { class: "badge" }, word("action_kind", g.gap.fields.kind)),
        syncBadge(g.gap.sync),
        h("span", { class: "spacer" }),
        editGap, addAction),
      h("p", { class: "outcome-text" }, g.gap.title),
      rows.length
        ? h("table", { class: "data-table outcome-actions" },
          h("thead", {}, h("tr", {},
            h("th", { scope: "col" }, t("col.owner")),
            h("th", { scope: "col" }, t("col.status")),
            h("th", { scope: "col" }, t("col.due")),
            h("th", { scope: "col" }, t("field.note")))),
          h("tbody", {}, rows))
        : h("p", { class: "empty", "data-testid": "workshop-no-action" }, t("workshop.no_action")));
  });

  const media = w.fields.media ?? [];
  const place = [w.district_name, stateName(w.fields.state, w.state_name)].filter(Boolean).join(", ");
  fill(view,
    h("section", { class: "panel detail", "data-testid": "workshop-page" },
      h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") },
        h("a", { href: "#/workshops" }, t("nav.workshops")), " › ", place),
      h("div", { class: "detail-head" },
        h("h2", { "data-testid": "workshop-title" }, w.fields.venue ?? w.title),
        syncBadge(w.sync),
        h("span", { class: "spacer" }),
        print, edit, addGap),
      h("p", { class: "outcome-when" }, date(w.fields.date), ` · ${place}`),
      h("div", { class: "stat-row small" },
        card("workshop-attendance", t("col.attendance"), num(w.fields.attendance ?? 0)),
        card("workshop-met", t("workshop.sellers_met"), num(o.sellers_met.length)),
        card("workshop-gaps", t("workshop.gaps_heard"), num(o.gaps.length), t("workshop.open", { n: num(open) })),
        card("workshop-actions", t("nav.actions"), num(actions.length), t("workshop.overdue", { n: num(overdue) })),
        card("workshop-media", t("workshop.media"), num(media.length))),
      h("h3", {}, t("workshop.gaps_heard")),
      gapBlocks.length ? h("div", { class: "outcome-gaps" }, gapBlocks) : h("p", { class: "empty", "data-testid": "workshop-no-gaps" }, t("workshop.no_gaps")),
      h("h3", {}, t("workshop.sellers_met")),
      o.sellers_met.length
        ? h("div", { class: "table-wrap short" }, h("table", { class: "data-table" },
          h("thead", {}, h("tr", {},
            h("th", { scope: "col" }, t("col.name")),
            h("th", { scope: "col" }, t("col.kind")),
            h("th", { scope: "col" }, t("col.district")),
            h("th", { scope: "col" }, t("col.onboarded")))),
          sellerBody))
        : h("p", { class: "empty" }, t("workshop.no_sellers")),
      media.length
        ? [h("h3", {}, t("workshop.media")),
          h("ul", { class: "plain-list", "data-testid": "workshop-media-list" }, media.map((m) =>
            h("li", {}, m.outlet, ` (${word("lang", m.lang)})`, m.link ? [" · ", h("span", { class: "code" }, m.link)] : null)))]
        : null));
}
