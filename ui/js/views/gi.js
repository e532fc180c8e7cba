// Every product checked against the GI registry: what the registry makes of each one's GI
// status, for one state or all, with the clear names taken in one step.

import { h, fill, arrowKeys } from "../dom.js";
import { t, num, stateName, when } from "../i18n.js";
import { saveField } from "./importer.js";
import { statePicker, routeState } from "../places.js";

/** The findings' kinds, in the order a department works through them. */
const ISSUES = ["unnamed", "not_in_registry", "maybe_registered", "no_entry"];

function fits(f) {
  if (!f.candidates.length) return t("gi.none_fits");
  return f.candidates.slice(0, 3)
    .map((c) => `${c.name} (${t("gi.fit", { n: Math.round(c.score * 100) })})`)
    .join("; ");
}

function table(findings) {
  const body = h("tbody", {}, findings.map((f) =>
    h("tr", { "data-testid": "gi-finding", "data-issue": f.issue, "data-product": f.product, tabindex: 0 },
      h("td", {}, h("a", { href: `#/product/${f.product}` }, f.name)),
      h("td", {}, f.district_name),
      h("td", {}, f.registry_name ?? ""),
      // Only an unnamed product's clear fit is taken by the button above the lists.
      h("td", { class: "gi-fits" }, fits(f),
        f.clear && f.issue === "unnamed" ? h("span", { class: "badge badge-gi" }, t("gi.clear")) : null))));
  arrowKeys(body, "tr");
  return h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("col.name")),
      h("th", { scope: "col" }, t("col.district")),
      h("th", { scope: "col" }, t("product.gi_name")),
      h("th", { scope: "col" }, t("gi.fits")))),
    body));
}

/** Each state's counts, for the check of every state, each row opening that state's check. */
function byState(counts) {
  const cols = ["entries", "products", "named", "unnamed", "clear", "not_in_registry", "no_entry", "maybe_registered"];
  const body = h("tbody", {}, counts.map((c) =>
    h("tr", { "data-testid": "gi-state-row", "data-state": c.state },
      h("td", {}, h("a", { href: `#/gi/${c.state}` }, stateName(c.state, c.name))),
      cols.map((k) => h("td", { class: "num" }, num(c[k]))))));
  return h("section", { class: "gi-section" },
    h("h3", {}, t("gi.by_state")),
    h("div", { class: "table-wrap" }, h("table", { class: "data-table", "data-testid": "gi-states" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("col.state")),
        cols.map((k) => h("th", { scope: "col", class: "num" }, t(`gi.col.${k}`))))),
      body)));
}

/** Which registry the products are checked against: DPIIT's from the server, one loaded on
 * this desk, or the sample's few entries; and since when. */
function heldLine(held) {
  if (!held?.source) return null;
  return h("p", { class: "hint", "data-testid": "gi-held" },
    t(`gi.source.${held.source}`, { when: held.since ? when(held.since) : "" }));
}

/** `#/gi` checks every state's products; `#/gi/CODE` one state's. */
export async function render(view, ctx, arg = "") {
  const gen = ctx.generation();
  const state = routeState(arg);
  const [choices, check] = await Promise.all([ctx.choices(), ctx.call("gi_check", { state })]);
  if (!ctx.current(gen)) return;

  const pick = statePicker(ctx, choices.states, state, "gi", "gi-state");

  const head = h("div", { class: "detail-head" },
    h("h2", {}, t("gi.title")),
    h("span", { class: "spacer" }),
    h("label", { class: "field-inline" }, h("span", {}, t("col.state")), pick));
  if (!check.registry_loaded) {
    fill(view, h("section", { class: "panel detail", "data-testid": "gi-check" }, head,
      h("p", { class: "empty", "data-testid": "gi-no-registry" }, t("gi.no_registry"), " ",
        h("a", { href: "#/import" }, t("nav.import")), t("gi.no_registry_or"), " ",
        h("a", { href: "#/sync" }, t("nav.sync")), t("gi.no_registry_end"))));
    return;
  }

  const clear = check.findings.filter((f) => f.issue === "unnamed" && f.clear).length;
  const nameThem = h("button", { type: "button", class: "button button-primary", "data-testid": "gi-name-them", hidden: clear === 0 },
    t("gi.name_them", { n: num(clear) }));
  nameThem.addEventListener("click", async () => {
    nameThem.disabled = true;
    try {
      const named = await ctx.call("gi_name_them", { state });
      ctx.navigate(location.hash, t("gi.named", { n: num(named.length) }));
    } catch (error) {
      nameThem.disabled = false;
      ctx.showError(error);
    }
  });

  // The findings as a worklist file, which imports back once its GI names are filled in.
  const exported = saveField(ctx, "gi-export", {
    label: t("gi.export_file"),
    button: t("gi.export"),
    file: state ? `gi-check-${state}.xlsx` : "gi-check.xlsx",
    save: async (path) => t("gi.exported", { n: num(await ctx.call("gi_export", { state, path })), file: path }),
  });

  const sections = ISSUES.map((issue) => {
    const found = check.findings.filter((f) => f.issue === issue);
    if (!found.length) return null;
    return h("section", { class: "gi-section", "data-testid": `gi-${issue}` },
      h("h3", {}, t(`gi.section.${issue}`, { n: num(found.length) })),
      table(found));
  });
  fill(view, h("section", { class: "panel detail", "data-testid": "gi-check" },
    head,
    h("p", { class: "hint" }, t("gi.about")),
    h("div", { class: "wizard-row" },
      h("p", { class: "count", "data-testid": "gi-summary" }, t("gi.summary", {
        entries: num(check.entries), products: num(check.products), named: num(check.named),
      })),
      nameThem),
    heldLine(check.held),
    state === null && check.states.length > 1 ? byState(check.states) : null,
    check.findings.length ? sections : h("p", { class: "empty" }, t("gi.all_well")),
    check.findings.length
      ? h("div", { class: "gi-export" }, h("h3", {}, t("gi.export_title")), h("p", { class: "hint" }, t("gi.export_about")),
        exported.field, h("div", { class: "wizard-row" }, exported.button, exported.out))
      : null));
}
