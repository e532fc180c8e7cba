// Every string of the interface comes from ui/i18n/<lang>.json through `t`. The chosen
// language is remembered in local storage.

const LANGS = ["en", "hi"];
const STORAGE_KEY = "odop.lang";
const dictionaries = {};
let current = "en";
const listeners = [];

export async function loadLanguages() {
  await Promise.all(
    LANGS.map(async (lang) => {
      const response = await fetch(`i18n/${lang}.json`);
      if (!response.ok) throw { code: "ui.i18n", message: `i18n/${lang}.json: ${response.status}` };
      dictionaries[lang] = await response.json();
    }),
  );
  const saved = localStorage.getItem(STORAGE_KEY);
  current = LANGS.includes(saved) ? saved : "en";
}

export function lang() {
  return current;
}

/** The locale for numbers and dates in the current language. */
export function locale() {
  return current === "hi" ? "hi-IN" : "en-IN";
}

/** A string by key, with `{name}` places filled from `vars`. A missing key shows as itself. */
export function t(key, vars) {
  const text = dictionaries[current]?.[key] ?? dictionaries.en?.[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/** A state's name from its LGD code in the current language: the dictionary's name where it has
 * one (Hindi does), else `fallback`, the name the desk holds from the LGD list. */
export function stateName(code, fallback) {
  return tOr(`state.${code}`, fallback ?? String(code));
}

/** The account a desk syncs as, in words: its state's name (`stateKnown`, the LGD list's name,
 * where the interface has none), or every state for a central one. */
export function accountText(account, stateKnown) {
  return account.state == null
    ? t("account.central", { name: account.name })
    : t("account.state", { state: stateName(account.state, stateKnown ?? t("sync.refusal.state.code", { code: account.state })), name: account.name });
}

/** Orders things by their states' names as the current language names and sorts them: in
 * Hindi by the Hindi names, in the Devanagari order. The sort is stable, so what was in order
 * within a state stays so. English keeps the desk's own order, LGD's names sorted. */
export function byStateName(items, codeOf, nameOf) {
  if (current === "en") return items;
  const collator = new Intl.Collator(locale());
  const named = items.map((item) => [stateName(codeOf(item), nameOf(item)), item]);
  named.sort((a, b) => collator.compare(a[0], b[0]));
  return named.map(([, item]) => item);
}

/** A string by key, or `fallback` when no language has the key. */
function tOr(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

/** The headline for an error's code in the current language, or the general one. The core's
 * own message, in English, stays the detail: it names the value and where it is. */
export function errorHeadline(code) {
  return tOr(`error.code.${code}`, t("error.title"));
}

/** Why the server refused a write, in the current language; empty for a code it does not know. */
export function refusalHeadline(code) {
  return tOr(`sync.refusal.${code}`, "");
}

/** A place by its LGD code, with the name this desk knows it by where it knows one: "148
 * (Gorakhpur)". */
export function codeAndName(code, name) {
  return name ? `${code} (${name})` : String(code);
}

/** Why the server refused a write, said from the values it sent (the record's state and the
 * account's, or the field and the rule it broke) in the current language; the server's English
 * reason where it sent none, or where the interface has no words for them. `stateName` gives a
 * state's name from its LGD code, or undefined when this desk does not know it; `districtName`
 * likewise a district's. */
export function refusalReasonText(refusal, stateName, districtName = () => undefined) {
  const d = refusal.detail;
  // A district by its code, with the name this desk knows it by.
  const districtLabel = (code) => codeAndName(code, districtName(code));
  // Titles this desk knows of the records the reason names, by id.
  const named = refusal.named ?? {};
  let text = "";
  if (refusal.code === "forbidden" && d && Number.isInteger(d.row_state) && Number.isInteger(d.account_state)) {
    const name = (code) => stateName(code) ?? t("sync.refusal.state.code", { code });
    const vars = { row_state: name(d.row_state), account_state: name(d.account_state) };
    text = d.moving ? said("sync.refusal.state.moving", vars) : said("sync.refusal.state.held", vars);
  } else if (refusal.code === "missing_reference" && d && typeof d.field === "string") {
    const title = named[d.id];
    text = title
      ? said("sync.refusal.reference.missing_titled", { ...referenceVars(d), title })
      : said("sync.refusal.reference.missing", referenceVars(d));
  } else if (refusal.code === "reference_in_other_state" && d && Number.isInteger(d.row_state)) {
    const name = (code) => stateName(code) ?? t("sync.refusal.state.code", { code });
    const title = named[d.id];
    const vars = { ...referenceVars(d), row_state: name(d.row_state), record_state: name(d.record_state) };
    text = title
      ? said("sync.refusal.reference.other_state_titled", { ...vars, title })
      : said("sync.refusal.reference.other_state", vars);
  } else if (refusal.code === "in_use" || refusal.code === "still_referred") {
    text = usedByText(d, named);
  } else if (refusal.code === "unknown_state" && d && Number.isInteger(d.state)) {
    text = said("sync.refusal.place.unknown_state", { state: d.state });
  } else if (refusal.code === "unknown_district" && d && Number.isInteger(d.district)) {
    text = said("sync.refusal.place.unknown_district", { district: districtLabel(d.district) });
  } else if (refusal.code === "district_in_other_state" && d && Number.isInteger(d.actual)) {
    const name = (code) => stateName(code) ?? t("sync.refusal.state.code", { code });
    const vars = { district: districtLabel(d.district), actual: name(d.actual), claimed: name(d.claimed) };
    text = said("sync.refusal.place.other_state", vars);
  } else if (refusal.code === "invalid" && d && typeof d.problem === "string") {
    text = detailText(d);
  }
  return text || refusal.reason;
}

/** The records that name one a person tried to delete or move, from `detail.used_by` ("kind
 * id" each), in the current language: each kind, then its title where `named` (by id) has it,
 * else the id's last part as lists show it. "" when the detail lists none. */
function usedByText(detail, named = {}) {
  if (!detail || !Array.isArray(detail.used_by) || detail.used_by.length === 0) return "";
  const records = detail.used_by.map((r) => {
    const [kind, id = ""] = String(r).split(" ");
    const title = named[id];
    return `${tOr(`kind.${kind}`, kind)} ${title ? `“${shortened(title)}”` : `…${id.slice(-8)}`}`;
  });
  return said("record.used_by", { records: records.join(", ") });
}

/** A title cut to at most 48 characters as a reader sees them (a Devanagari letter with its
 * marks is one), at a space where there is one, so that a gap's long description does not
 * swamp a sentence. */
function shortened(title) {
  const letters = [...new Intl.Segmenter(locale(), { granularity: "grapheme" }).segment(title)];
  if (letters.length <= 48) return title;
  const head = letters.slice(0, 47).map((l) => l.segment).join("");
  const space = head.lastIndexOf(" ");
  return `${(space > head.length / 2 ? head.slice(0, space) : head).trimEnd()}…`;
}

/** What the core said of an error, in the current language where its detail lets the
 * interface say it (the records naming one a person tried to delete), else the core's own
 * message. */
export function errorMessage(error) {
  const d = error.detail;
  return (error.code === "in_use" && usedByText(d, d?.named ?? {})) || error.message;
}

/** The field and the kind of record a refused reference names, in the current language. */
function referenceVars(d) {
  // A kind of record is a common noun inside a sentence.
  const kind = tOr(`kind.${d.kind}`, d.kind).toLocaleLowerCase(locale());
  return { field: tOr(`field.${d.field}`, d.field), kind };
}

/** What kind of problem stopped an imported row, in the current language; empty for a code the
 * interface does not know, where the core's English reason still says it. */
export function problemHeadline(code) {
  return tOr(`import.problem.${code}`, "");
}

/** An error in a line of its own: the headline, then the core's message. */
export function errorText(error) {
  return `${errorHeadline(error.code)} ${errorMessage(error)}`;
}

/** An error beside a form field, said from its detail (the problem and the rule it broke, as
 * data) in the current language; where the interface has no words for it, the core's message,
 * led in other languages by the headline. */
export function fieldErrorText(error) {
  return detailText(error.detail) || (current === "en" ? error.message : errorText(error));
}

/** The sentence for a field's problem, or "" when a code in it has no string. */
function detailText(detail) {
  if (!detail || typeof detail.problem !== "string") return "";
  const rule = detail.rule ? said(`field.rule.${detail.rule.code}`, detail.rule) : "";
  if (detail.rule && !rule) return "";
  const char = Number.isInteger(detail.code)
    ? `U+${detail.code.toString(16).toUpperCase().padStart(4, "0")}`
    : undefined;
  return said(`field.problem.${detail.problem}`, {
    ...detail,
    len: Number.isInteger(detail.len) ? num(detail.len) : undefined,
    max: Number.isInteger(detail.max) ? num(detail.max) : undefined,
    char,
    rule,
  });
}

/** Why an imported row was flagged: said from its detail in the current language where the
 * interface has the words, else the core's English reason. */
export function flagReasonText(row) {
  const d = row.detail;
  const text = d && typeof d.problem === "string" ? detailText(d)
    : d && typeof d.kind === "string" ? placeText(d)
      : "";
  return text || row.reason;
}

/** A place that disagrees with the LGD list, or "" for a kind with no string. */
function placeText(detail) {
  const hint = Number.isInteger(detail.name_matches)
    ? said("import.place.name_is_code", { code: detail.name_matches })
    : "";
  return said(`import.place.${detail.kind}`, { ...detail, hint }).trim();
}

/** A string by key with the given values filled in, or "" when no language has the key. Values
 * that are absent leave their places as they are. */
function said(key, vars) {
  if (!tOr(key, "")) return "";
  const given = Object.fromEntries(Object.entries(vars).filter(([, v]) => v !== undefined && v !== null));
  return t(key, given);
}

/** One number format per language: making one costs far more than using it, and a dashboard
 * with every state side by side writes hundreds of numbers. */
const numberFormats = new Map();

/** A number in the current language's way of writing numbers. */
export function num(n) {
  const lang = locale();
  let format = numberFormats.get(lang);
  if (!format) {
    format = new Intl.NumberFormat(lang);
    numberFormats.set(lang, format);
  }
  return format.format(n);
}

/** Time formats by language and style, made once as number formats are. */
const timeFormats = new Map();

/** A time ("2025-07-07T10:20:30Z") in the reader's words; an empty one as "", one that is not
 * a time as it is. */
export function when(stamp, style = { dateStyle: "medium", timeStyle: "short" }) {
  const date = new Date(stamp);
  if (!stamp || Number.isNaN(date.getTime())) return stamp || "";
  const key = `${locale()} ${JSON.stringify(style)}`;
  if (!timeFormats.has(key)) timeFormats.set(key, new Intl.DateTimeFormat(locale(), style));
  return timeFormats.get(key).format(date);
}

/** A count in words: `key.one` for exactly one where the language has it, else `key`. */
export function count(key, n) {
  const one = n === 1 ? tOr(`${key}.one`, null) : null;
  return (one ?? t(key)).replace("{n}", num(n));
}

/** A word of a fixed list (sector, rank, seller kind...) in the current language. */
export function word(group, value) {
  if (value === null || value === undefined || value === "") return "";
  return tOr(`${group}.${value}`, String(value));
}

/** Translates the static page: text, placeholders and labels marked with data-i18n*. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.setAttribute("placeholder", t(el.dataset.i18nPlaceholder));
  }
  for (const el of root.querySelectorAll("[data-i18n-aria]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAria));
  }
  document.documentElement.lang = current;
  document.title = t("app.title");
}

export function setLang(next) {
  if (!LANGS.includes(next) || next === current) return;
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  applyStatic();
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.push(fn);
}
