// One district: its products, and how much else is recorded there.

import { h, fill, arrowKeys, linkRow } from "../dom.js";
import { t, num, word, stateName } from "../i18n.js";
import { openForm } from "./form.js";
import { syncBadge } from "../badges.js";
import { card } from "./dashboard.js";

export async function render(view, code, ctx) {
  const gen = ctx.generation();
  const d = await ctx.call("district_detail", { code });
  if (!ctx.current(gen)) return;
  const add = h("button", { type: "button", class: "button button-primary", "data-testid": "add-product" }, t("product.add"));
  add.addEventListener("click", () =>
    openForm(ctx, "product", null, { district: String(d.code) }, (saved) => `#/product/${saved.id}`));
  const body = h("tbody", { "data-testid": "product-rows" },
    d.products.map((p) => linkRow(
      h("tr", { "data-testid": "product-row", "data-id": p.id },
        h("td", {}, p.name, syncBadge(p.sync)),
        h("td", { lang: p.local_name?.lang ?? null }, p.local_name?.text ?? ""),
        h("td", {}, word("rank", p.rank)),
        h("td", {}, word("sector", p.sector)),
        h("td", {}, p.gi?.registered ? t("yes") : t("no"))),
      () => ctx.navigate(`#/product/${p.id}`))));
  arrowKeys(body, "tr");
  fill(view,
    h("section", { class: "panel detail", "data-testid": "district-page" },
      h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") },
        h("a", { href: "#/districts" }, t("districts.title")), " › ", stateName(d.state_code, d.state_name)),
      h("div", { class: "detail-head" },
        h("h2", { "data-testid": "district-name" }, d.name),
        h("span", { class: "badge" }, t("district.lgd", { code: d.code })),
        h("span", { class: "spacer" }),
        d.products.length
          ? h("a", { class: "button", href: `#/brochure/district/${d.code}`, "data-testid": "district-brochure" }, t("brochure.district"))
          : null,
        h("a", { class: "button", href: `#/brochure/state/${d.state_code}`, "data-testid": "state-brochure" }, t("brochure.state", { state: stateName(d.state_code, d.state_name) })),
        add),
      // The district's sellers open in the seller list, filtered to it, where an onboarding
      // or packaging drive's filters narrow them further.
      h("div", { class: "stat-row small" },
        card(null, t("dash.products"), num(d.products.length)),
        card("district-sellers", t("dash.sellers"), num(d.sellers),
          h("a", { href: `#/sellers/district/${d.code}`, "data-testid": "district-sellers-link" }, t("district.sellers.see"))),
        card("district-onboarded", t("dash.col.onboarded"), num(d.sellers_onboarded)),
        card("district-packaging", t("dash.col.packaging"), num(d.packaging_needed)),
        card(null, t("dash.workshops"), num(d.workshops)),
        card(null, t("nav.stories"), num(d.stories)),
        card(null, t("district.open_gaps"), num(d.open_gaps))),
      h("h3", {}, t("district.products")),
      d.products.length
        ? h("div", { class: "table-wrap" }, h("table", { class: "data-table" },
            h("thead", {}, h("tr", {},
              h("th", { scope: "col" }, t("col.product")),
              h("th", { scope: "col" }, t("col.local_name")),
              h("th", { scope: "col" }, t("col.rank")),
              h("th", { scope: "col" }, t("col.sector")),
              h("th", { scope: "col" }, t("col.gi")))),
            body))
        : h("p", { class: "empty" }, t("district.no_products"))));
}
