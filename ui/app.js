// ODOP Desk: the main window. A hash router shows one screen at a time in #view; each screen is
// a module in js/views/ that talks to the Rust side only through the app's commands.

import { call, asCommandError } from "./js/api.js";
import { h, fill } from "./js/dom.js";
import { loadLanguages, applyStatic, setLang, onLangChange, lang, t, errorHeadline, errorMessage } from "./js/i18n.js";
import * as dashboard from "./js/views/dashboard.js";
import * as districts from "./js/views/districts.js";
import * as district from "./js/views/district.js";
import * as product from "./js/views/product.js";
import * as sellers from "./js/views/sellers.js";
import * as records from "./js/views/records.js";
import * as search from "./js/views/search.js";
import * as importer from "./js/views/importer.js";
import * as firstRun from "./js/views/first-run.js";
import * as sync from "./js/views/sync.js";
import * as brochure from "./js/views/brochure.js";
import * as gi from "./js/views/gi.js";
import * as duplicates from "./js/views/duplicates.js";
import * as workshop from "./js/views/workshop.js";

const $ = (id) => document.getElementById(id);
const view = $("view");

/** Screens by route name; a route is `#/name` or `#/name/argument`. */
const ROUTES = {
  dashboard: (arg, ctx) => dashboard.render(view, ctx, arg),
  districts: (arg, ctx) => districts.render(view, ctx, arg),
  district: (arg, ctx) => district.render(view, Number(arg), ctx),
  product: (arg, ctx) => product.render(view, arg, ctx),
  sellers: (arg, ctx) => sellers.render(view, ctx, arg),
  workshops: (arg, ctx) => records.render(view, "workshop", ctx, arg),
  workshop: (arg, ctx) => workshop.render(view, arg, ctx),
  stories: (arg, ctx) => records.render(view, "story", ctx, arg),
  gaps: (arg, ctx) => records.render(view, "gap", ctx, arg),
  actions: (arg, ctx) => records.render(view, "action", ctx, arg),
  policies: (arg, ctx) => records.render(view, "policy", ctx, arg),
  search: (arg, ctx) => search.render(view, ctx, $("global-search")),
  import: (arg, ctx) => importer.render(view, ctx),
  welcome: (arg, ctx) => firstRun.render(view, ctx),
  sync: (arg, ctx) => sync.render(view, ctx),
  brochure: (arg, ctx) => brochure.render(view, arg, ctx),
  gi: (arg, ctx) => gi.render(view, ctx, arg),
  duplicates: (arg, ctx) => duplicates.render(view, ctx, arg),
};
const NAV_ORDER = ["dashboard", "districts", "sellers", "workshops", "stories", "gaps", "actions", "search", "import"];

let choicesCache = null;
let placesTag;
/** Brings the header's sync status up to date; set once the header has it. */
let refreshSync = null;
/** Bumped on each navigation, so a slow screen does not draw over a newer one. */
let generation = 0;

const ctx = {
  call,
  showError,
  clearError,
  notice: showNotice,
  /** Opens a screen, with a notice to show there. */
  navigate: (hash, notice) => {
    arrivalNotice = notice ?? null;
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  /** Sectors, states and districts, loaded once and again after an import. */
  async choices() {
    choicesCache ??= await call("choices");
    return choicesCache;
  },
  forgetChoices() {
    choicesCache = null;
  },
  /** Notes the tag of the server's LGD lists the desk holds, as an overview says it: other lists
   * than last seen change which places the choices mark as the server's list lacks. */
  notePlaces(tag) {
    if (placesTag !== undefined && tag !== placesTag) choicesCache = null;
    placesTag = tag;
  },
  /** Brings the header's sync status up to date now rather than at its next tick. */
  refreshStatus: () => refreshSync?.(),
  /** True while the screen drawn for `gen` is still the current one. */
  current: (gen) => gen === generation,
  generation: () => generation,
};

// The error on show, so a change of language can say it again.
let shownError = null;

function showError(error) {
  shownError = asCommandError(error);
  const { code } = shownError;
  $("error-headline").textContent = errorHeadline(code);
  $("error-message").textContent = errorMessage(shownError);
  $("error-code").textContent = code;
  $("error-code").hidden = code === "";
  $("error-banner").hidden = false;
}

function clearError() {
  shownError = null;
  $("error-banner").hidden = true;
  $("error-message").textContent = "";
  $("error-code").textContent = "";
}

function showNotice(text) {
  $("notice").textContent = text ?? "";
  $("notice").hidden = !text;
}

/** A notice to show on the screen being navigated to; any other goes at the next screen. */
let arrivalNotice = null;

function parseHash() {
  const [, name = "dashboard", arg = ""] = location.hash.match(/^#\/([\w-]+)(?:\/(.*))?$/) ?? [];
  return { name: ROUTES[name] ? name : "dashboard", arg: decodeURIComponent(arg) };
}

/** The side menu's entry a screen belongs to: a workshop's report to the workshops, a review of
 * actions to the actions, a booklet of stories to the stories, a progress report to the
 * dashboard. */
function section(name, arg) {
  if (name === "brochure") {
    const of = arg.split("/")[0];
    return { workshop: "workshops", actions: "actions", stories: "stories", figures: "dashboard" }[of] ?? "districts";
  }
  return { district: "districts", product: "districts", duplicates: "sellers", workshop: "workshops" }[name] ?? name;
}

async function route() {
  generation += 1;
  showNotice(arrivalNotice ?? "");
  arrivalNotice = null;
  const { name, arg } = parseHash();
  const here = section(name, arg);
  for (const a of document.querySelectorAll(".side-nav a")) {
    if (a.dataset.route === here) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.body.dataset.route = name;
  view.dataset.route = name;
  view.dataset.state = "loading";
  try {
    await ROUTES[name](arg, ctx);
  } catch (error) {
    showError(error);
    fill(view, h("p", { class: "loading" }, t("app.unreadable")));
  }
  view.dataset.state = "ready";
  // A screen drawn afresh often follows a change or a sync round: the header says so at once.
  ctx.refreshStatus();
}

function keyboard(event) {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement;
  if (event.altKey && /^[1-9]$/.test(event.key)) {
    event.preventDefault();
    ctx.navigate(`#/${NAV_ORDER[Number(event.key) - 1]}`);
  } else if ((event.key === "/" && !typing) || (event.ctrlKey && event.key.toLowerCase() === "k")) {
    event.preventDefault();
    $("global-search").focus();
    $("global-search").select();
  }
}

function showLang() {
  for (const b of document.querySelectorAll(".lang-button")) {
    b.setAttribute("aria-pressed", String(b.dataset.lang === lang()));
  }
}

async function start() {
  $("error-dismiss").addEventListener("click", clearError);
  document.addEventListener("keydown", keyboard);
  try {
    await loadLanguages();
  } catch (error) {
    showError(error);
  }
  applyStatic();
  showLang();
  for (const b of document.querySelectorAll(".lang-button")) {
    b.addEventListener("click", () => setLang(b.dataset.lang));
  }
  onLangChange(() => {
    showLang();
    if (shownError) {
      $("error-headline").textContent = errorHeadline(shownError.code);
      $("error-message").textContent = errorMessage(shownError);
    }
    route();
  });
  const searchBox = $("global-search");
  searchBox.addEventListener("input", () => {
    if (parseHash().name !== "search") ctx.navigate("#/search");
  });
  window.addEventListener("hashchange", route);
  try {
    if (await call("is_empty")) {
      if (parseHash().name === "dashboard") history.replaceState(null, "", "#/welcome");
    }
  } catch (error) {
    showError(error);
  }
  await route();
  refreshSync = sync.mountStatus($("sync-slot"), ctx);
  onLangChange(refreshSync);
  // The first screen is drawn: the start-up measurement reads this.
  window.__odopFirstScreenAt ??= performance.timeOrigin + performance.now();
}

start();
