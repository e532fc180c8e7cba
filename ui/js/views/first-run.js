// The first screen of an empty database: load the built-in sample, go to the import wizard, or
// connect to the department's server, whose first sync brings the state's data and lists.

import { h, fill } from "../dom.js";
import { t, num } from "../i18n.js";

export async function render(view, ctx) {
  const load = h("button", { type: "button", class: "button button-primary", "data-testid": "load-sample" }, t("first.sample.button"));
  load.addEventListener("click", async () => {
    ctx.clearError();
    load.disabled = true;
    load.textContent = t("first.sample.loading");
    try {
      const added = await ctx.call("load_sample");
      ctx.forgetChoices();
      ctx.navigate("#/dashboard", t("first.sample.done", { n: num(added) }));
    } catch (error) {
      ctx.showError(error);
      load.disabled = false;
      load.textContent = t("first.sample.button");
    }
  });
  fill(
    view,
    h("section", { class: "panel first-run", "data-testid": "first-run", "aria-labelledby": "first-run-title" },
      h("h2", { id: "first-run-title" }, t("first.title")),
      h("p", {}, t("first.intro")),
      h("div", { class: "choices" },
        h("div", { class: "choice" },
          h("h3", {}, t("first.sample.title")),
          h("p", {}, t("first.sample.text")),
          load),
        h("div", { class: "choice" },
          h("h3", {}, t("first.import.title")),
          h("p", {}, t("first.import.text")),
          h("a", { class: "button", href: "#/import", "data-testid": "go-import" }, t("first.import.button"))),
        h("div", { class: "choice" },
          h("h3", {}, t("first.server.title")),
          h("p", {}, t("first.server.text")),
          h("a", { class: "button", href: "#/sync", "data-testid": "go-sync" }, t("first.server.button"))),
      ),
    ),
  );
  load.focus();
}
