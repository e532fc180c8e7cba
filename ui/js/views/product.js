// One product: what it is, who sells it and the stories told about it.

import { h, fill, arrowKeys } from "../dom.js";
import { t, num, word, stateName } from "../i18n.js";
import { openForm, confirmDelete } from "./form.js";

function fact(label, value, testid) {
  if (value === null || value === undefined || value === "") return null;
  return [h("dt", {}, label), h("dd", { "data-testid": testid ?? null }, value)];
}

/** The product's photo as its brochures print it; nothing when it has none. The image is data
 * from this computer, shown by a blob URL the page lets go of when it is replaced. */
function photoOf(p, bytes) {
  const data = new Uint8Array(bytes ?? []);
  if (data.length === 0) return null;
  const url = URL.createObjectURL(new Blob([data]));
  const img = h("img", { class: "product-photo", src: url, alt: t("product.photo", { name: p.name }), "data-testid": "product-photo" });
  img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
  img.addEventListener("error", () => URL.revokeObjectURL(url), { once: true });
  return h("figure", { class: "photo-slot" }, img);
}

/** What the GI registry says of the product's GI status, with a button to take each entry
 * that fits it as its registry name (an ordinary edit, which syncs); nothing when all is well. */
function giNote(ctx, p, finding) {
  if (!finding) return null;
  const take = (c) => {
    const use = h("button", { type: "button", class: "button", "data-testid": "gi-take", "data-name": c.name },
      p.gi?.registered ? t("gi.take") : t("gi.take_registered"));
    use.addEventListener("click", async () => {
      use.disabled = true;
      try {
        await ctx.call("save_record", {
          kind: "product",
          id: p.id,
          fields: { "gi.registered": "yes", "gi.registry_name": c.name },
        });
        ctx.navigate(`#/product/${p.id}`, t("gi.taken", { name: c.name }));
      } catch (error) {
        use.disabled = false;
        ctx.showError(error);
      }
    });
    return h("li", { "data-testid": "gi-candidate" },
      h("span", { class: "gi-name" }, c.name), " ",
      h("span", { class: "count" }, t("gi.fit", { n: Math.round(c.score * 100) })), " ", use);
  };
  const said = {
    unnamed: t("gi.unnamed"),
    not_in_registry: t("gi.not_in_registry", { name: finding.registry_name ?? "" }),
    no_entry: t("gi.no_entry"),
    maybe_registered: t("gi.maybe_registered"),
  }[finding.issue];
  return h("aside", { class: "gi-note", "data-testid": "gi-note", "data-issue": finding.issue },
    h("p", {}, said),
    finding.candidates.length
      ? h("ul", { class: "gi-candidates" }, finding.candidates.slice(0, 3).map(take))
      : null);
}

export async function render(view, id, ctx) {
  const gen = ctx.generation();
  const [detail, sellers, stories, sync, photo, gi] = await Promise.all([
    ctx.call("product_detail", { id }),
    ctx.call("seller_page", { query: { product: id, limit: 200 } }),
    ctx.call("record_page", { kind: "story", query: { product: id, limit: 50 } }),
    ctx.call("sync_state", { kind: "product", id }),
    ctx.call("product_photo", { id }),
    ctx.call("product_gi", { id }),
  ]);
  if (!ctx.current(gen)) return;
  const p = detail.product;
  const edit = h("button", { type: "button", class: "button", "data-testid": "edit-product" }, t("action.edit"));
  edit.addEventListener("click", () => openForm(ctx, "product", p.id, null, () => `#/product/${p.id}`));
  const remove = h("button", { type: "button", class: "button button-danger", "data-testid": "delete-product" }, t("action.delete"));
  remove.addEventListener("click", () =>
    confirmDelete(ctx, "product", p.id, p.name, () => `#/district/${p.district}`));
  const addStory = h("button", { type: "button", class: "button", "data-testid": "add-story" }, t("story.add"));
  addStory.addEventListener("click", () =>
    openForm(ctx, "story", null, { district: String(p.district), product: p.id }, () => `#/product/${p.id}`));

  const sellerRows = h("tbody", {}, sellers.rows.map((s) =>
    h("tr", { "data-testid": "product-seller", tabindex: 0 },
      h("td", {}, s.name),
      h("td", {}, word("seller_kind", s.kind)),
      h("td", {}, s.phone ?? ""),
      h("td", {}, s.onboarded.map((o) => word("platform", o)).join(", ")))));
  arrowKeys(sellerRows, "tr");

  fill(view,
    h("section", { class: "panel detail", "data-testid": "product-page" },
      h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") },
        h("a", { href: "#/districts" }, t("districts.title")), " › ",
        h("a", { href: `#/district/${p.district}` }, `${detail.district_name}, ${stateName(p.state, detail.state_name)}`)),
      h("div", { class: "detail-head" },
        h("h2", { "data-testid": "product-name" }, p.name),
        p.local_name ? h("span", { class: "local-name", lang: p.local_name.lang }, p.local_name.text) : null,
        h("span", { class: `badge rank-${p.rank}` }, word("rank", p.rank)),
        p.gi?.registered ? h("span", { class: "badge badge-gi" }, t("product.gi")) : null,
        sync === "synced" ? null
          : h("span", { class: `badge sync-${sync}`, "data-testid": "product-sync", "data-state": sync }, t(`record_sync.${sync}`)),
        h("span", { class: "spacer" }),
        edit, remove),
      h("div", { class: "detail-grid" },
        h("div", {},
          h("dl", { class: "facts" },
            fact(t("col.sector"), word("sector", p.sector)),
            fact(t("col.district"), `${detail.district_name} (${p.district})`),
            fact(t("product.description"), p.description, "product-description"),
            fact(t("product.gi_name"), p.gi?.registry_name, "product-gi-name"),
            fact(t("product.ministry"), p.ministry)),
          giNote(ctx, p, gi)),
        h("div", { class: "detail-side" },
          photoOf(p, photo),
          h("div", { class: "brochure-slot", "data-testid": "brochure-slot" },
            h("a", { class: "button", href: `#/brochure/product/${p.id}`, "data-testid": "product-brochure" }, t("brochure.product")),
            h("a", { class: "button", href: `#/brochure/district/${p.district}`, "data-testid": "district-brochure" }, t("brochure.district"))))),
      h("div", { class: "section-head" }, h("h3", {}, t("product.sellers", { n: num(sellers.total) })),
        sellers.total ? h("a", { class: "button", href: `#/sellers/product/${p.id}`, "data-testid": "product-all-sellers" }, t("product.all_sellers")) : null),
      sellers.rows.length
        ? h("div", { class: "table-wrap short" }, h("table", { class: "data-table" },
            h("thead", {}, h("tr", {},
              h("th", { scope: "col" }, t("col.name")),
              h("th", { scope: "col" }, t("col.kind")),
              h("th", { scope: "col" }, t("col.phone")),
              h("th", { scope: "col" }, t("col.onboarded")))),
            sellerRows))
        : h("p", { class: "empty" }, t("product.no_sellers")),
      h("div", { class: "section-head" }, h("h3", {}, t("product.stories", { n: num(stories.total) })), addStory),
      stories.rows.length
        ? h("ul", { class: "story-list", "data-testid": "product-stories" }, stories.rows.map((s) =>
            h("li", {},
              h("strong", {}, s.title),
              (s.fields.texts ?? []).map((x) => h("p", { lang: x.lang }, x.text)))))
        : h("p", { class: "empty" }, t("product.no_stories"))));
}
