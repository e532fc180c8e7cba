// Sellers recorded twice: records of one state that share a GSTIN, PAN, Udyam number or phone
// number, side by side, and the merge that makes two of them one.

import { h, fill } from "../dom.js";
import { t, num, word } from "../i18n.js";
import { syncBadge } from "../badges.js";
import { openForm, confirmAction } from "./form.js";
import { statePicker, routeState } from "../places.js";

/** One set of records sharing a mark; the record to keep is chosen with the radio buttons,
 * and each other record has a button that merges it into that one. */
function group(ctx, d, index) {
  let keep = d.sellers[0];
  const merges = [];
  const rows = d.sellers.map((s, i) => {
    const radio = h("input", {
      type: "radio", name: `keep-${index}`, value: s.id, checked: i === 0,
      "aria-label": t("dup.keep_this", { name: s.name }), "data-testid": "dup-keep",
    });
    const merge = h("button", { type: "button", class: "button button-small", "data-testid": "dup-merge", hidden: i === 0 },
      t("dup.merge"));
    merges.push([s, merge]);
    radio.addEventListener("change", () => {
      keep = s;
      for (const [other, button] of merges) button.hidden = other === keep;
    });
    merge.addEventListener("click", () => confirmMerge(ctx, s, keep));
    const name = h("button", { type: "button", class: "link-button", "data-testid": "dup-open" }, s.name);
    name.addEventListener("click", () => openForm(ctx, "seller", s.id, null, () => ctx.navigate(location.hash)));
    return h("tr", { "data-testid": "dup-seller", "data-id": s.id },
      h("td", { class: "dup-keep" }, radio),
      h("td", {}, name, syncBadge(s.sync)),
      h("td", { class: "nowrap" }, word("seller_kind", s.kind)),
      h("td", {}, s.district_name ?? String(s.district)),
      h("td", { class: "nowrap" }, s.phone ?? ""),
      h("td", {}, s.onboarded.map((o) => word("platform", o)).join(", ")),
      h("td", { class: "row-buttons" }, merge));
  });
  return h("section", { class: "gi-section", "data-testid": "dup-group", "data-mark": d.mark },
    h("h3", {}, t(`dup.mark.${d.mark}`, { value: d.value, n: num(d.sellers.length) })),
    h("div", { class: "table-wrap" }, h("table", { class: "data-table dup-table" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("dup.keep")),
        h("th", { scope: "col" }, t("col.name")),
        h("th", { scope: "col" }, t("col.kind")),
        h("th", { scope: "col" }, t("col.district")),
        h("th", { scope: "col" }, t("col.phone")),
        h("th", { scope: "col" }, t("col.onboarded")),
        h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("dup.merge"))))),
      h("tbody", {}, rows))));
}

/** Asks before merging `gone` into `keep`, saying what the merge does. */
function confirmMerge(ctx, gone, keep) {
  confirmAction({
    name: "merge",
    title: t("dup.confirm_title"),
    text: t("dup.confirm_text", { gone: gone.name, keep: keep.name }),
    yes: t("dup.merge"),
    run: async () => {
      const merged = await ctx.call("merge_sellers", { gone: gone.id, keep: keep.id });
      // Said only when records named the merged one.
      const renamed = merged.renamed.length;
      return () => ctx.navigate(location.hash, t(renamed ? "dup.merged_renamed" : "dup.merged", {
        gone: gone.name, keep: keep.name, n: num(renamed),
      }));
    },
  });
}

/** `#/duplicates` lists every state's sets; `#/duplicates/CODE` one state's. */
export async function render(view, ctx, arg = "") {
  const gen = ctx.generation();
  const state = routeState(arg);
  const [choices, found] = await Promise.all([ctx.choices(), ctx.call("duplicate_sellers", { state })]);
  if (!ctx.current(gen)) return;

  const pick = statePicker(ctx, choices.states, state, "duplicates", "dup-state");
  fill(view, h("section", { class: "panel detail", "data-testid": "duplicates" },
    h("div", { class: "detail-head" },
      h("h2", {}, t("dup.title")),
      h("span", { class: "spacer" }),
      h("label", { class: "field-inline" }, h("span", {}, t("col.state")), pick)),
    h("p", { class: "hint" }, t("dup.about")),
    found.length
      ? [h("p", { class: "count", "data-testid": "dup-count" }, t("dup.count", { n: num(found.length) })),
          found.map((d, i) => group(ctx, d, i))]
      : h("p", { class: "empty", "data-testid": "dup-none" }, t("dup.none"))));
}
