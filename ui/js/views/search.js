// Search everywhere, as you type, in any script. Each keystroke asks the store; an answer to an
// older keystroke is dropped when a newer one has been asked.

import { h, fill, snippet, arrowKeys } from "../dom.js";
import { t, word, num } from "../i18n.js";
import { openForm } from "./form.js";

const LIMIT = 40;
/** The latest keystroke-to-results times in milliseconds, for the latency measurement. */
window.__odopSearchTimings ??= [];

export async function render(view, ctx, box) {
  const results = h("ul", { class: "search-results", "data-testid": "search-results", "aria-live": "polite" });
  const status = h("p", { class: "count", "data-testid": "search-status" });
  let asked = 0;

  function open(hit) {
    if (hit.kind === "product") ctx.navigate(`#/product/${hit.id}`);
    else openForm(ctx, hit.kind, hit.id, null, () => run());
  }

  async function run() {
    const started = performance.now();
    const ticket = ++asked;
    const query = box.value.trim();
    if (!query) {
      results.replaceChildren();
      status.textContent = t("search.hint");
      return;
    }
    const hits = await ctx.call("search", { query, limit: LIMIT });
    if (ticket !== asked) return;
    results.replaceChildren(...hits.map((hit) => {
      const li = h("li", { class: "hit", tabindex: 0, "data-testid": "search-hit", "data-kind": hit.kind },
        h("span", { class: `kind-tag kind-${hit.kind}` }, word("kind", hit.kind)),
        h("strong", { class: "hit-title" }, hit.title),
        h("span", { class: "hit-snippet" }, snippet(hit.snippet)));
      li.addEventListener("click", () => open(hit));
      li.addEventListener("keydown", (event) => {
        if (event.key === "Enter") open(hit);
      });
      return li;
    }));
    status.textContent = hits.length ? t("search.count", { n: num(hits.length) }) : t("search.none", { q: query });
    const ms = performance.now() - started;
    window.__odopSearchTimings.push(ms);
    results.dataset.query = query;
  }

  const onInput = () => run().catch(ctx.showError);
  const onKey = (event) => {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      results.querySelector(".hit")?.focus();
    }
  };
  box.addEventListener("input", onInput);
  box.addEventListener("keydown", onKey);
  // The header box serves every screen; this screen listens only while shown.
  const stop = () => {
    box.removeEventListener("input", onInput);
    box.removeEventListener("keydown", onKey);
    window.removeEventListener("hashchange", stop);
  };
  window.addEventListener("hashchange", stop);
  arrowKeys(results, ".hit");
  fill(view,
    h("section", { class: "panel list-screen search-screen", "data-testid": "search" },
      h("div", { class: "toolbar" }, h("h2", {}, t("search.title")), status),
      h("div", { class: "table-wrap" }, results)));
  await run();
  box.focus();
}
