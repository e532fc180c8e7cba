// A brochure of a product, a district or a state, a Sampark workshop's report, a state's
// actions to review, its success stories, or a progress report of one state's figures or
// every state's: typeset by the core, shown page by page, saved as PDF or printed. The pages
// printed are the pages shown.

import { h, fill } from "../dom.js";
import { t, num, lang, errorText } from "../i18n.js";
import { pickSaveFile } from "../api.js";
import { today } from "./records.js";

const KINDS = ["product", "district", "state", "workshop", "actions", "stories", "figures"];
const LANGUAGES = ["en", "hi", "both"];
/** Pixels per point: sharp on screen and good enough for an office printer. */
const SCALE = 2;
const PDF = [{ name: "PDF", extensions: ["pdf"] }];

/** The brochure language last chosen; the interface's language until then. */
let chosen = null;

/** A page of the proof as a blob URL. */
async function pageImage(ctx, proof, page) {
  const bytes = await ctx.call("brochure_page", { proof, page, scale: SCALE });
  return URL.createObjectURL(new Blob([bytes], { type: "image/png" }));
}

function pageCount(n) {
  return n === 1 ? t("brochure.one_page") : t("brochure.pages", { n: num(n) });
}

function back(kind, id) {
  if (kind === "product") return `#/product/${id}`;
  if (kind === "district") return `#/district/${id}`;
  if (kind === "workshop") return `#/workshop/${id}`;
  if (kind === "actions") return `#/actions/state/${id}`;
  if (kind === "stories") return `#/stories/state/${id}`;
  if (kind === "figures") return id === "all" ? "#/dashboard" : `#/dashboard/${id}`;
  return "#/districts";
}

/** `#/brochure/KIND/ID`; a state's actions of one owner are `#/brochure/actions/CODE/owner/NAME`,
 * the name as a URI component, and every state's progress report is `#/brochure/figures/all`. */
export async function render(view, arg, ctx) {
  const gen = ctx.generation();
  const [kind, ...rest] = arg.split("/");
  let id = rest.join("/");
  let owner = null;
  const ofOwner = kind === "actions" ? id.match(/^(\d+)\/owner\/(.+)$/) : null;
  if (ofOwner) {
    id = ofOwner[1];
    try {
      owner = decodeURIComponent(ofOwner[2]);
    } catch {
      throw { code: "ui.bad_route", message: t("brochure.bad_route") };
    }
  }
  if (!KINDS.includes(kind) || !id) {
    throw { code: "ui.bad_route", message: t("brochure.bad_route") };
  }
  const byId = kind === "product" || kind === "workshop";
  const everyState = kind === "figures" && id === "all";
  if (!byId && !everyState && !/^\d+$/.test(id)) {
    throw { code: "ui.bad_route", message: t("brochure.bad_route") };
  }
  const of = { kind, id: byId ? id : everyState ? null : Number(id) };
  const language = h("select", { id: "brochure-lang", "data-testid": "brochure-lang" },
    LANGUAGES.map((l) => h("option", { value: l }, t(`brochure.lang_${l}`))));
  language.value = chosen ?? lang();
  const status = h("p", { class: "count", "data-testid": "brochure-status", "aria-live": "polite" });
  const notes = h("ul", { class: "brochure-notes", "data-testid": "brochure-notes", hidden: true });
  const pathInput = h("input", { type: "text", class: "path-input", id: "brochure-path", "data-testid": "brochure-path", spellcheck: "false", autocomplete: "off" });
  const browse = h("button", { type: "button", class: "button", "data-testid": "brochure-browse" }, t("import.browse"));
  const save = h("button", { type: "button", class: "button button-primary", "data-testid": "brochure-save" }, t("brochure.save"));
  const print = h("button", { type: "button", class: "button", "data-testid": "brochure-print" }, t("brochure.print"));
  const saved = h("p", { class: "count brochure-saved", "data-testid": "brochure-saved", "aria-live": "polite" });
  // The system's PDF viewer prints the saved file at full quality.
  const openPdf = h("button", { type: "button", class: "button", "data-testid": "brochure-open", hidden: true }, t("brochure.open"));
  const pages = h("div", { class: "brochure-pages", "data-testid": "brochure-pages" });
  const title = h("h2", { "data-testid": "brochure-title" }, t("brochure.title"));

  fill(view,
    h("section", { class: "panel detail brochure", "data-testid": "brochure" },
      h("nav", { class: "crumbs", "aria-label": t("nav.crumbs") },
        h("a", { href: back(kind, id), "data-testid": "brochure-back" }, t("brochure.back"))),
      h("div", { class: "detail-head" }, title),
      h("div", { class: "brochure-bar" },
        h("label", { for: "brochure-lang" }, t("brochure.language")), language,
        h("span", { class: "spacer" }),
        print),
      h("div", { class: "path-field" },
        h("label", { for: "brochure-path" }, h("span", {}, t("brochure.save_to")), pathInput),
        browse, save),
      h("div", { class: "brochure-saved-line" }, saved, openPdf), status, notes, pages));

  // The proof on screen; replaced when the language changes.
  let proof = null;
  let observer = null;
  const urls = [];
  const images = [];

  function forget() {
    observer?.disconnect();
    for (const u of urls.splice(0)) URL.revokeObjectURL(u);
    images.length = 0;
  }

  /** Each page's drawing, so that a page is drawn once and later calls wait for it. */
  const drawing = new WeakMap();

  function load(img) {
    if (drawing.has(img)) return drawing.get(img);
    const promise = (async () => {
      const current = proof;
      const url = await pageImage(ctx, current.proof, Number(img.dataset.page));
      if (proof !== current) {
        URL.revokeObjectURL(url);
        return;
      }
      urls.push(url);
      await new Promise((resolve, reject) => {
        img.onload = resolve;
        img.onerror = () => reject({ code: "ui.page_image", message: img.alt });
        img.src = url;
      });
      img.dataset.state = "ready";
    })().catch((error) => {
      drawing.delete(img);
      throw error;
    });
    drawing.set(img, promise);
    return promise;
  }

  async function typeset() {
    forget();
    proof = null;
    save.disabled = print.disabled = true;
    language.disabled = true;
    notes.hidden = true;
    fill(pages);
    status.textContent = t("brochure.typesetting");
    view.dataset.busy = "true";
    try {
      const p = await ctx.call("brochure_proof", { of, lang: language.value, today: today(), owner });
      if (!ctx.current(gen)) return;
      proof = p;
      title.textContent = p.title;
      if (!pathInput.value || pathInput.dataset.suggested === pathInput.value) {
        pathInput.value = p.suggested_path;
        pathInput.dataset.suggested = p.suggested_path;
      }
      status.textContent = pageCount(p.pages);
      fill(notes, p.notes.map((n) => h("li", {}, n)));
      notes.hidden = p.notes.length === 0;
      observer = new IntersectionObserver((entries) => {
        for (const e of entries) {
          if (e.isIntersecting) load(e.target).catch(ctx.showError);
        }
      }, { rootMargin: "600px 0px" });
      for (let n = 1; n <= p.pages; n += 1) {
        const img = h("img", { class: "brochure-page", "data-testid": "brochure-page", "data-page": n,
          alt: t("brochure.page", { n: num(n), total: num(p.pages) }), width: 595 * SCALE, height: 842 * SCALE });
        images.push(img);
        pages.append(h("figure", {}, img,
          h("figcaption", {}, t("brochure.page", { n: num(n), total: num(p.pages) }))));
        observer.observe(img);
      }
      save.disabled = print.disabled = false;
    } catch (error) {
      if (ctx.current(gen)) {
        status.textContent = errorText(error);
        ctx.showError(error);
      }
    } finally {
      language.disabled = false;
      delete view.dataset.busy;
    }
  }

  language.addEventListener("change", () => {
    chosen = language.value;
    saved.textContent = "";
    openPdf.hidden = true;
    typeset();
  });

  browse.addEventListener("click", async () => {
    try {
      const path = await pickSaveFile(pathInput.value, PDF);
      if (path) pathInput.value = path;
    } catch (error) {
      ctx.showError(error);
    }
  });

  save.addEventListener("click", async () => {
    const path = pathInput.value.trim();
    if (!path) {
      saved.textContent = t("import.need_file");
      pathInput.focus();
      return;
    }
    save.disabled = true;
    saved.textContent = "";
    openPdf.hidden = true;
    try {
      const s = await ctx.call("brochure_save", { proof: proof.proof, path });
      saved.textContent = t("brochure.saved", { file: s.path, kb: num(Math.ceil(s.bytes / 1024)) });
      openPdf.hidden = false;
    } catch (error) {
      saved.textContent = errorText(error);
    } finally {
      save.disabled = false;
    }
  });

  openPdf.addEventListener("click", async () => {
    ctx.clearError();
    try {
      await ctx.call("brochure_open");
    } catch (error) {
      ctx.showError(error);
    }
  });

  // The window prints what it shows: every page must be drawn before the print dialog opens.
  print.addEventListener("click", async () => {
    print.disabled = true;
    try {
      for (const [i, img] of images.entries()) {
        if (img.dataset.state === "ready") continue;
        status.textContent = t("brochure.preparing", { n: num(i + 1), total: num(images.length) });
        await load(img);
      }
      status.textContent = pageCount(images.length);
      window.print();
    } catch (error) {
      ctx.showError(error);
    } finally {
      print.disabled = false;
    }
  });

  window.addEventListener("hashchange", forget, { once: true });
  await typeset();
}
