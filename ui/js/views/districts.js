// The district list: filtered by sector, rank and GI in the store, by text as you type here.

import { h, fill, arrowKeys, linkRow } from "../dom.js";
import { t, num, word, stateName, byStateName } from "../i18n.js";
import { stateSelect, stateArg, chosenState } from "../places.js";

/** Filters survive leaving the screen and coming back. */
const kept = { state: "", sector: "", rank: "", gi: "", text: "" };

function select(testid, label, value, options) {
  return h("label", { class: "field-inline" },
    h("span", {}, label),
    h("select", { "data-testid": testid },
      options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))));
}

/** The district list; `#/districts/sector/SLUG` lists the districts with a product of that
 * sector (the dashboard's bars), every other filter cleared, and `…/state/CODE` after it those
 * of one state (a state's dashboard). */
export async function render(view, ctx, arg = "") {
  const gen = ctx.generation();
  const choices = await ctx.choices();
  if (!ctx.current(gen)) return;
  const { rest, state: argState } = stateArg(arg);
  const wanted = rest.startsWith("sector/") ? rest.slice("sector/".length) : "";
  const ofState = argState == null ? "" : String(argState);
  if (choices.sectors.some(([slug]) => slug === wanted)) Object.assign(kept, { state: ofState, sector: wanted, rank: "", gi: "", text: "" });
  else if (argState != null) Object.assign(kept, { state: ofState, sector: "", rank: "", gi: "", text: "" });
  const stateFilter = stateSelect(choices.states, kept.state ? Number(kept.state) : null, "filter-state");
  const sector = select("filter-sector", t("districts.sector"), kept.sector,
    [["", t("filter.any")], ...choices.sectors.map(([slug]) => [slug, word("sector", slug)])]);
  const rank = select("filter-rank", t("districts.rank"), kept.rank,
    [["", t("filter.any")], ...["primary", "secondary", "tertiary"].map((r) => [r, word("rank", r)])]);
  const gi = select("filter-gi", t("districts.gi"), kept.gi,
    [["", t("filter.any")], ["true", t("filter.gi_yes")], ["false", t("filter.gi_no")]]);
  const text = h("input", {
    type: "search", "data-testid": "district-filter", placeholder: t("districts.filter"),
    autocomplete: "off", spellcheck: "false", "aria-label": t("districts.filter"), value: kept.text,
  });
  const count = h("span", { class: "count", "data-testid": "district-count", "aria-live": "polite" });
  const body = h("tbody", { "data-testid": "district-rows" });
  const noMatch = h("p", { class: "no-match", "data-testid": "no-match", hidden: true }, t("districts.no_match"));
  let rows = [];

  const applyText = () => {
    kept.text = text.value;
    const words = text.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const { tr, hay } of rows) {
      const match = words.every((w) => hay.includes(w));
      tr.hidden = !match;
      if (match) shown += 1;
    }
    count.textContent = words.length
      ? t("districts.count_of", { shown: num(shown), total: num(rows.length) })
      : t("districts.count", { total: num(rows.length) });
    noMatch.hidden = shown > 0;
  };

  const load = async () => {
    kept.state = stateFilter.value;
    kept.sector = sector.querySelector("select").value;
    kept.rank = rank.querySelector("select").value;
    kept.gi = gi.querySelector("select").value;
    const query = {
      state: chosenState(stateFilter),
      sector: kept.sector || null,
      rank: kept.rank || null,
      gi: kept.gi === "" ? null : kept.gi === "true",
    };
    const list = await ctx.call("district_rows", { query });
    if (!ctx.current(gen)) return;
    rows = byStateName(list, (d) => d.state_code, (d) => d.state_name).map((d) => {
      const tr = linkRow(h("tr", { "data-testid": "district-row", "data-code": d.code },
        h("td", {}, stateName(d.state_code, d.state_name)),
        h("td", {}, d.name),
        h("td", { class: "num code" }, String(d.code)),
        h("td", { class: "num" }, num(d.products)),
        d.primary ? h("td", {}, d.primary) : h("td", { class: "none" }, "—"),
        h("td", {}, d.sectors.map((s) => word("sector", s)).join(", "))),
      () => ctx.navigate(`#/district/${d.code}`));
      const hay = [d.state_name, stateName(d.state_code, d.state_name), d.name, String(d.code), d.primary ?? ""].join("\n").toLowerCase();
      return { tr, hay };
    });
    body.replaceChildren(...rows.map((r) => r.tr));
    applyText();
  };

  for (const s of [sector, rank, gi]) s.querySelector("select").addEventListener("change", () => load().catch(ctx.showError));
  stateFilter.addEventListener("change", () => load().catch(ctx.showError));
  text.addEventListener("input", applyText);
  const table = h("table", { class: "data-table districts-table", "data-testid": "district-table" },
    h("caption", { class: "visually-hidden" }, t("districts.title")),
    h("thead", {}, h("tr", {},
      h("th", { scope: "col" }, t("col.state")),
      h("th", { scope: "col" }, t("col.district")),
      h("th", { scope: "col", class: "num" }, t("col.lgd")),
      h("th", { scope: "col", class: "num" }, t("col.products")),
      h("th", { scope: "col" }, t("col.primary")),
      h("th", { scope: "col" }, t("col.sectors")))),
    body);
  arrowKeys(body, "tr");
  fill(view,
    h("section", { class: "panel list-screen", "data-testid": "districts", "aria-labelledby": "districts-title" },
      h("div", { class: "toolbar" },
        h("h2", { id: "districts-title" }, t("districts.title")),
        h("label", { class: "filter" }, text),
        stateFilter,
        sector, rank, gi, count),
      h("div", { class: "table-wrap" }, table, noMatch)));
  await load();
}
