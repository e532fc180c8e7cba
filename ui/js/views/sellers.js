// The seller list. It may hold 100,000 rows, so only the rows in view are drawn, and rows are
// fetched from the store a page at a time as the list scrolls.

import { h, fill } from "../dom.js";
import { t, num, word } from "../i18n.js";
import { openForm, confirmDelete } from "./form.js";
import { syncBadge } from "../badges.js";
import { stateSelect, stateArg, chosenState } from "../places.js";
import { saveField } from "./importer.js";

const ROW = 36;
const PAGE = 100;
const OVERSCAN = 6;
const KINDS = ["artisan", "weaver", "farmer", "fpo", "shg", "msme", "cooperative", "exporter"];
const PLATFORMS = ["gem", "ondc", "amazon", "flipkart", "meesho", "own_website", "other_marketplace"];
// The work first, as the dashboard counts it.
const PACKAGING = ["needed", "in_progress", "done", "not_assessed"];

const kept = { state: "", district: "", kind: "", onboarding: "", packaging: "" };

/** The seller list; `#/sellers/product/ID` lists that product's sellers only,
 * `#/sellers/onboarded/PLATFORM` those onboarded on a platform and `#/sellers/packaging/STATUS`
 * those whose packaging is at that stage (the dashboard's bars), with `…/state/CODE` after
 * either those of one state (a state's dashboard); `#/sellers/district/CODE` those of a
 * district (its page). */
export async function render(view, ctx, arg = "") {
  const gen = ctx.generation();
  const { rest, state: argState } = stateArg(arg);
  const productId = rest.startsWith("product/") ? rest.slice("product/".length) : "";
  const platform = rest.startsWith("onboarded/") ? rest.slice("onboarded/".length) : "";
  const packed = rest.startsWith("packaging/") ? rest.slice("packaging/".length) : "";
  const ofState = argState == null ? "" : String(argState);
  const cleared = { state: ofState, district: "", kind: "", onboarding: "", packaging: "" };
  if (PLATFORMS.includes(platform)) Object.assign(kept, cleared, { onboarding: `${platform}:on` });
  else if (PACKAGING.includes(packed)) Object.assign(kept, cleared, { packaging: packed });
  else if (argState != null) Object.assign(kept, cleared);
  const [choices, product] = await Promise.all([
    ctx.choices(),
    productId ? ctx.call("product_detail", { id: productId }) : null,
  ]);
  if (!ctx.current(gen)) return;
  // A district's sellers: its state and the district chosen, the other filters cleared.
  const ofDistrict = rest.startsWith("district/")
    ? choices.districts.find((d) => String(d.code) === rest.slice("district/".length))
    : null;
  if (ofDistrict) Object.assign(kept, cleared, { state: String(ofDistrict.state), district: String(ofDistrict.code) });
  let total = 0;
  let pages = new Map();
  let selected = -1;
  let query = {};

  const count = h("span", { class: "count", "data-testid": "seller-count", "aria-live": "polite" });
  const spacer = h("div", { class: "vlist-spacer" });
  const rowsBox = h("div", { class: "vlist-rows", role: "rowgroup" });
  const viewport = h("div", {
    class: "vlist", tabindex: 0, role: "grid", "aria-label": t("sellers.title"),
    "data-testid": "seller-list", "aria-rowcount": 0,
  }, spacer, rowsBox);
  const empty = h("p", { class: "empty", hidden: true, "data-testid": "seller-empty" }, t("sellers.none"));

  const stateFilter = stateSelect(choices.states, kept.state ? Number(kept.state) : null, "seller-state");
  const district = h("select", { "data-testid": "seller-district", "aria-label": t("col.district") });
  // The districts offered are the chosen state's; a district of another state is let go.
  const offerDistricts = () => {
    const state = chosenState(stateFilter);
    const offered = choices.districts.filter((d) => state == null || d.state === state);
    if (!offered.some((d) => String(d.code) === kept.district)) kept.district = "";
    district.replaceChildren(
      h("option", { value: "" }, t("filter.all_districts")),
      ...offered.map((d) => h("option", { value: d.code, selected: String(d.code) === kept.district }, d.name)));
  };
  offerDistricts();
  const kind = h("select", { "data-testid": "seller-kind", "aria-label": t("col.kind") },
    h("option", { value: "" }, t("filter.any")),
    KINDS.map((k) => h("option", { value: k, selected: k === kept.kind }, word("seller_kind", k))));
  // An onboarding drive's lists: who is on a platform, and who is not yet.
  const onboarding = h("select", { "data-testid": "seller-onboarding", "aria-label": t("col.onboarded") },
    h("option", { value: "" }, t("filter.any_platform")),
    PLATFORMS.flatMap((p) => [true, false].map((on) => {
      const value = `${p}:${on ? "on" : "off"}`;
      return h("option", { value, selected: value === kept.onboarding },
        t(on ? "filter.on_platform" : "filter.not_on_platform", { platform: word("platform", p) }));
    })));
  // A packaging drive's lists: who needs help, whose work is under way.
  const packaging = h("select", { "data-testid": "seller-packaging", "aria-label": t("col.packaging") },
    h("option", { value: "" }, t("filter.any_packaging")),
    PACKAGING.map((p) => h("option", { value: p, selected: p === kept.packaging }, t("filter.packaging", { status: word("packaging", p) }))));
  const add = h("button", { type: "button", class: "button button-primary", "data-testid": "add-seller" }, t("sellers.add"));

  /** Rows already fetched, by page index. */
  const loaded = new Map();

  /** Fetches a page once; a page of an earlier filter is dropped when it arrives. */
  const page = (index) => {
    if (!pages.has(index)) {
      const mine = pages;
      // Later pages bring the first page's total rather than have the store count again.
      const known = index > 0 && loaded.has(0) ? total : null;
      const request = ctx.call("seller_page", { query: { ...query, offset: index * PAGE, limit: PAGE, known_total: known } })
        .then((p) => {
          if (pages !== mine) return;
          total = p.total;
          loaded.set(index, p.rows);
          draw();
        }, (error) => {
          mine.delete(index);
          ctx.showError(error);
        });
      pages.set(index, request);
    }
    return pages.get(index);
  };

  function rowAt(i) {
    const pageRows = loaded.get(Math.floor(i / PAGE));
    return pageRows ? pageRows[i % PAGE] : null;
  }

  function draw() {
    if (!ctx.current(gen)) return;
    spacer.style.height = `${total * ROW}px`;
    viewport.setAttribute("aria-rowcount", String(total));
    count.textContent = t("sellers.count", { n: num(total) });
    empty.hidden = total > 0;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
    const last = Math.min(total - 1, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW) + OVERSCAN);
    const cells = [];
    for (let i = first; i <= last; i += 1) {
      const index = Math.floor(i / PAGE);
      if (!loaded.has(index)) page(index);
      const s = rowAt(i);
      const tr = h("div", {
        class: `vlist-row${i === selected ? " selected" : ""}`, role: "row", "aria-rowindex": i + 1,
        "aria-selected": String(i === selected), "data-testid": "seller-row", "data-index": i,
      },
      s
        ? [
            h("span", { role: "gridcell", class: "c-name" }, h("span", { class: "name" }, s.name), syncBadge(s.sync)),
            h("span", { role: "gridcell" }, word("seller_kind", s.kind)),
            h("span", { role: "gridcell" }, s.district_name ?? String(s.district)),
            h("span", { role: "gridcell" }, s.phone ?? ""),
            h("span", { role: "gridcell" }, s.onboarded.map((o) => word("platform", o)).join(", ")),
            h("span", { role: "gridcell" }, word("packaging", s.packaging)),
          ]
        : h("span", { role: "gridcell", class: "c-loading" }, "…"));
      tr.style.transform = `translateY(${i * ROW}px)`;
      cells.push(tr);
    }
    rowsBox.replaceChildren(...cells);
  }

  async function reload() {
    kept.state = stateFilter.value;
    kept.district = district.value;
    kept.kind = kind.value;
    kept.onboarding = onboarding.value;
    kept.packaging = packaging.value;
    const [platform, on] = onboarding.value.split(":");
    query = {
      product: productId || null,
      state: chosenState(stateFilter),
      district: district.value ? Number(district.value) : null,
      kind: kind.value || null,
      platform: platform || null,
      onboarded: platform ? on === "on" : null,
      packaging: packaging.value || null,
    };
    pages = new Map();
    loaded.clear();
    selected = -1;
    viewport.scrollTop = 0;
    await page(0);
  }

  function open(i) {
    const s = rowAt(i);
    if (s) openForm(ctx, "seller", s.id, null, () => reload().catch(ctx.showError));
  }

  function select(i) {
    selected = Math.max(0, Math.min(total - 1, i));
    const top = selected * ROW;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + ROW > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW - viewport.clientHeight;
    draw();
  }

  let frame = 0;
  viewport.addEventListener("scroll", () => {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  });
  viewport.addEventListener("click", (event) => {
    const row = event.target.closest(".vlist-row");
    if (row) {
      select(Number(row.dataset.index));
      open(selected);
    }
  });
  viewport.addEventListener("keydown", (event) => {
    const visible = Math.max(1, Math.floor(viewport.clientHeight / ROW) - 1);
    const moves = { ArrowDown: 1, ArrowUp: -1, PageDown: visible, PageUp: -visible };
    if (event.key in moves) select((selected < 0 ? -1 : selected) + moves[event.key]);
    else if (event.key === "Home") select(0);
    else if (event.key === "End") select(total - 1);
    else if (event.key === "Enter" && selected >= 0) open(selected);
    else if (event.key === "Delete" && selected >= 0) {
      const s = rowAt(selected);
      if (s) confirmDelete(ctx, "seller", s.id, s.name, () => reload().catch(ctx.showError));
    } else return;
    event.preventDefault();
  });
  stateFilter.addEventListener("change", () => {
    offerDistricts();
    reload().catch(ctx.showError);
  });
  district.addEventListener("change", () => reload().catch(ctx.showError));
  kind.addEventListener("change", () => reload().catch(ctx.showError));
  onboarding.addEventListener("change", () => reload().catch(ctx.showError));
  packaging.addEventListener("change", () => reload().catch(ctx.showError));
  // A seller added to a product's list sells it, in its district, unless the form says otherwise.
  const preset = () => (product
    ? { district: String(product.product.district), products: [productId] }
    : { district: district.value });
  add.addEventListener("click", () => openForm(ctx, "seller", null, preset(), () => reload().catch(ctx.showError)));

  // The list as it is filtered, as a sheet to hand on (the GeM cell's onboarding drive, a
  // packaging institute's) that imports back once filled in.
  const saved = saveField(ctx, "seller-list-save", {
    label: t("gi.export_file"),
    button: t("sellers.save"),
    file: "odop-sellers.xlsx",
    save: async (path) => {
      const n = await ctx.call("export_seller_list", { query, path });
      return t(n === 1 ? "sellers.saved.one" : "sellers.saved", { n: num(n), file: path });
    },
  });
  // Which product's sellers these are, with the way back to all of them.
  const ofProduct = product && h("span", { class: "chip", "data-testid": "seller-product" },
    t("sellers.of_product", { product: product.product.name }),
    h("a", { href: "#/sellers", class: "chip-clear", "aria-label": t("sellers.all"), "data-testid": "seller-product-clear" }, "×"));
  fill(view,
    h("section", { class: "panel list-screen", "data-testid": "sellers", "aria-labelledby": "sellers-title" },
      // Five filters and a product's chip do not share a row with the title at 1280 pixels:
      // they have a row of their own beneath it, the count and "Add seller" staying on top.
      h("div", { class: "toolbar" },
        h("h2", { id: "sellers-title" }, t("sellers.title")),
        count, add,
        h("div", { class: "toolbar-row" }, ofProduct, stateFilter, district, kind, onboarding, packaging)),
      h("div", { class: "vlist-head", role: "row" },
        h("span", { role: "columnheader" }, t("col.name")),
        h("span", { role: "columnheader" }, t("col.kind")),
        h("span", { role: "columnheader" }, t("col.district")),
        h("span", { role: "columnheader" }, t("col.phone")),
        h("span", { role: "columnheader" }, t("col.onboarded")),
        h("span", { role: "columnheader" }, t("col.packaging"))),
      viewport, empty,
      h("div", { class: "list-save" }, saved.field, saved.button, saved.out),
      // Below the list, where the toolbar's filters leave it room in every language.
      h("p", { class: "hint list-foot" }, t("sellers.keys"),
        h("a", { href: "#/duplicates", "data-testid": "seller-duplicates" }, t("dup.open")))));
  await reload();
}
