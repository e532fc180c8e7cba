// The record form: one dialog for adding and editing every kind of record. The store parses and
// checks each value; a refusal comes back naming the field's key and is shown beside that input.

import { h, fill } from "../dom.js";
import { pickPhoto } from "../api.js";
import { t, word, lang, locale, num, stateName, byStateName, fieldErrorText, errorText, codeAndName } from "../i18n.js";

const LANGS = ["en", "hi", "bn", "gu", "ta", "te", "mr", "kn", "ml", "pa", "or", "as", "ur"];
const PLATFORMS = ["gem", "ondc", "amazon", "flipkart", "meesho", "own_website", "other_marketplace"];
const ONBOARDING = ["not_started", "in_progress", "onboarded", "suspended"];
const SELLER_KINDS = ["artisan", "weaver", "farmer", "fpo", "shg", "msme", "cooperative", "exporter"];
const PACKAGING = ["not_assessed", "needed", "in_progress", "done"];
/** What kind of market linkage a gap lacks, and an action works on. */
export const ACTION_KINDS = ["ecommerce_onboarding", "state_policy", "packaging", "seller_connection", "buyer_connection", "other"];
const ACTION_STATUS = ["open", "in_progress", "done", "dropped"];
const POLICY_STATUS = ["none", "drafting", "notified"];

const words = (group, list) => list.map((v) => [v, word(group, v)]);

/** Each kind's inputs: key (as the store reads it), type, and for lists their options. */
const SCHEMAS = {
  product: [
    { key: "district", type: "district", required: true },
    { key: "name", type: "text", required: true },
    { key: "local_name.text", type: "text" },
    { key: "local_name.lang", type: "select", options: () => words("lang", LANGS), blank: true },
    { key: "rank", type: "select", required: true, options: () => words("rank", ["primary", "secondary", "tertiary"]) },
    { key: "sector", type: "select", required: true, options: (c) => c.sectors.map(([slug]) => [slug, word("sector", slug)]) },
    { key: "description", type: "textarea" },
    // A file the brochures print, or a link, which they note and leave out.
    { key: "photo", type: "text", browse: pickPhoto },
    { key: "gi.registered", type: "check" },
    // Suggests the GI registry's names for the chosen district's state.
    { key: "gi.registry_name", type: "text", suggest: "gi" },
    { key: "ministry", type: "text" },
  ],
  seller: [
    { key: "district", type: "district", required: true },
    { key: "name", type: "text", required: true },
    { key: "kind", type: "select", required: true, options: () => words("seller_kind", SELLER_KINDS) },
    { key: "products", type: "picks", of: "product" },
    { key: "contact.person", type: "text" },
    { key: "contact.phone", type: "text", inputmode: "tel" },
    { key: "contact.email", type: "text", inputmode: "email" },
    { key: "contact.address", type: "text" },
    { key: "gstin", type: "text" },
    { key: "udyam", type: "text" },
    { key: "packaging", type: "select", options: () => words("packaging", PACKAGING) },
    ...PLATFORMS.map((p) => ({ key: `onboarding.${p}`, label: () => word("platform", p), type: "select", blank: true, options: () => words("onboarding", ONBOARDING) })),
  ],
  workshop: [
    { key: "district", type: "district", required: true },
    { key: "date", type: "date", required: true },
    { key: "venue", type: "text", required: true },
    { key: "attendance", type: "number" },
    { key: "sellers_met", type: "picks", of: "seller" },
    { key: "media", type: "media" },
    { key: "notes", type: "textarea" },
  ],
  story: [
    { key: "district", type: "district", required: true },
    { key: "product", type: "product", blank: true },
    { key: "seller", type: "seller", blank: true },
    { key: "title", type: "text", required: true },
    { key: "text.en", type: "textarea", lang: "en" },
    { key: "text.hi", type: "textarea", lang: "hi" },
  ],
  gap: [
    { key: "district", type: "district", required: true },
    { key: "kind", type: "select", required: true, options: () => words("action_kind", ACTION_KINDS) },
    { key: "description", type: "textarea", required: true },
    { key: "open", type: "check" },
    { key: "workshop", type: "records", of: "workshop", blank: true, inState: true },
    { key: "product", type: "product", blank: true },
    { key: "seller", type: "seller", blank: true },
  ],
  action: [
    { key: "gap", type: "records", of: "gap", required: true },
    { key: "kind", type: "select", required: true, options: () => words("action_kind", ACTION_KINDS) },
    { key: "owner", type: "text", required: true },
    { key: "status", type: "select", options: () => words("action_status", ACTION_STATUS) },
    { key: "due", type: "date" },
    { key: "note", type: "textarea" },
  ],
  policy: [
    // A policy's id follows from its state, so a saved policy keeps its state.
    { key: "state", type: "state", required: true, fixed: true },
    { key: "status", type: "select", required: true, options: () => words("policy_status", POLICY_STATUS) },
    { key: "reference", type: "text" },
    { key: "notified_on", type: "date" },
    { key: "note", type: "textarea" },
  ],
};

/** A stored record's fields as the form's flat keys and text values. */
export function flatten(fields) {
  const out = {};
  for (const [key, value] of Object.entries(fields ?? {})) {
    if (key === "onboarding" && Array.isArray(value)) {
      for (const o of value) out[`onboarding.${o.platform}`] = o.status;
    } else if (key === "texts" && Array.isArray(value)) {
      for (const x of value) out[`text.${x.lang}`] = x.text;
    } else if (Array.isArray(value)) {
      // Products sold, sellers met, media coverage: their inputs take the list itself.
      out[key] = value;
    } else if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) {
        out[`${key}.${inner}`] = typeof v === "boolean" ? (v ? "yes" : "no") : String(v ?? "");
      }
    } else if (typeof value === "boolean") {
      out[key] = value ? "yes" : "no";
    } else if (value !== null && typeof value !== "object") {
      out[key] = String(value);
    }
  }
  return out;
}

function options(list, value, blank) {
  return [
    blank ? h("option", { value: "" }, t("form.none")) : null,
    ...list.map(([v, text]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, text)),
  ];
}

function districtOptions(choices, value) {
  const byState = new Map();
  for (const d of choices.districts) {
    if (!byState.has(d.state)) byState.set(d.state, []);
    byState.get(d.state).push(d);
  }
  const known = [...choices.states].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const groups = byStateName(known, (s) => s.code, (s) => s.name)
    .filter((s) => byState.has(s.code))
    .map((s) => [stateName(s.code, s.name), byState.get(s.code)]);
  // A district whose state the choices lack still gets a group, named by the code.
  for (const [code, districts] of byState) {
    if (!known.some((s) => s.code === code)) groups.push([String(code), districts]);
  }
  return [
    h("option", { value: "" }, t("form.choose")),
    ...groups.map(([label, districts]) =>
      h("optgroup", { label },
        districts.map((d) => h("option", { value: d.code, selected: String(d.code) === String(value ?? "") },
          d.unlisted ? t("form.place.unlisted", { name: d.name }) : d.name)))),
  ];
}

async function control(ctx, spec, value, choices, editing) {
  const id = `field-${spec.key.replace(/\W/g, "-")}`;
  const common = { id, name: spec.key, "data-testid": id, "aria-describedby": `${id}-error`, disabled: editing && spec.fixed };
  switch (spec.type) {
    case "textarea":
      // The language lets the system pick the script's font and shaping.
      return h("textarea", { ...common, rows: 3, lang: spec.lang ?? null }, value ?? "");
    case "check":
      return h("input", { ...common, type: "checkbox", checked: value === "yes" || (value === undefined && spec.key === "open") });
    case "select":
      return h("select", common, options(spec.options(choices), value, spec.blank));
    case "district":
      return h("select", common, districtOptions(choices, value));
    case "state": {
      const states = byStateName(choices.states, (s) => s.code, (s) => s.name)
        .map((s) => [s.code, s.unlisted ? t("form.place.unlisted", { name: stateName(s.code, s.name) }) : stateName(s.code, s.name)]);
      return h("select", common, h("option", { value: "" }, t("form.choose")), options(states, value, false));
    }
    case "records": {
      // Filled from the chosen district's state (see `inStateFor`).
      if (spec.inState) return h("select", { ...common, "data-value": value ?? "", "data-of": spec.of }, options([], value, true));
      const page = await ctx.call("record_page", { kind: spec.of, query: { limit: OFFERED } });
      const list = await keepChosen(ctx, spec.of, page.rows.map((r) => [r.id, r.title]), value, {});
      return h("select", common, options(list, value, !spec.required || value === undefined));
    }
    case "product":
    case "seller":
      // Filled from the chosen district's products or sellers (see `offeredFor`).
      return h("select", { ...common, "data-value": value ?? "", "data-in-district": spec.type }, options([], value, true));
    case "picks":
      // Ticks for the chosen district's products or sellers, filled by `picksFor`; what was
      // chosen elsewhere stays listed.
      return h("fieldset", { ...common, class: "picks", "data-of": spec.of, "data-chosen": JSON.stringify(value ?? []) },
        spec.of === "seller" ? pickFinder() : null,
        h("div", { class: "pick-list" }));
    case "media":
      return mediaControl(common, value);
    default: {
      const input = h("input", {
        ...common,
        type: spec.type === "number" ? "number" : spec.type === "date" ? "date" : "text",
        inputmode: spec.inputmode ?? null,
        min: spec.type === "number" ? 0 : null,
        value: value ?? "",
        autocomplete: "off",
        list: spec.suggest ? `${id}-suggestions` : null,
        "data-suggest": spec.suggest ?? null,
      });
      // Filled from the chosen district's state (see `suggestedFor`).
      return spec.suggest ? [input, h("datalist", { id: `${id}-suggestions`, "data-testid": `${id}-suggestions` })] : input;
    }
  }
}

/** At most this many of a district's sellers are offered at once; the finder reaches the rest. */
const OFFERED = 500;
/** A district with more sellers than this offers a box to find them by name. */
const FIND_FROM = 40;

/** The products or sellers of a district, as (id, name) pairs, with how many there are in all;
 * only sellers with `name` in theirs, when given. */
async function inDistrict(ctx, kind, district, name = "") {
  if (kind === "product") {
    const d = await ctx.call("district_detail", { code: district });
    const list = d.products.map((p) => [p.id, p.name]);
    return { list, total: list.length };
  }
  const query = { district, name: name || null, offset: 0, limit: OFFERED };
  const page = await ctx.call("seller_page", { query });
  return { list: page.rows.map((r) => [r.id, r.name]), total: page.total };
}

/** A box to find a seller among a district's many by a part of the name, with how many match;
 * hidden until `showFinder` finds the list long. */
function pickFinder() {
  return h("div", { class: "pick-find", hidden: true },
    h("input", { type: "search", class: "pick-filter", placeholder: t("form.picks.find"), "aria-label": t("form.picks.find"), autocomplete: "off", "data-testid": "pick-filter" }),
    h("span", { class: "pick-count", "data-testid": "pick-count" }));
}

/** Offers the products or sellers of the district chosen in the form, keeping the one chosen
 * even where the list leaves it out; for `only`, that select alone (its finder's text changed). */
async function offeredFor(ctx, form, only = null) {
  const district = form.querySelector('select[name="district"]')?.value;
  for (const select of only ? [only] : form.querySelectorAll("select[data-in-district]")) {
    const want = select.value || select.dataset.value;
    const finder = select.parentElement.querySelector(".pick-find");
    const name = finder?.querySelector(".pick-filter").value.trim() ?? "";
    const asked = String(Number(select.dataset.asked ?? 0) + 1);
    select.dataset.asked = asked;
    const found = district ? await inDistrict(ctx, select.dataset.inDistrict, Number(district), name) : { list: [], total: 0 };
    // Past the first page, or not matching the finder: still the choice while it lies in the
    // district. One of another district is dropped, as the district changed.
    const list = district ? await keepChosen(ctx, select.dataset.inDistrict, found.list, want, { district: Number(district) }) : [];
    if (select.dataset.asked !== asked) continue;
    fill(select, options(list, want, true));
    if (finder) showFinder(finder, name, found.total, () => offeredFor(ctx, form, select).catch(ctx.showError));
  }
}

/** Shows a finder when the list is long or text is in it, says how many are listed or found,
 * and asks `find` again as the text changes. */
function showFinder(finder, name, total, find) {
  finder.hidden = !name && total <= FIND_FROM;
  finder.querySelector(".pick-count").textContent = name ? t("form.picks.found", { n: num(total) })
    : total > OFFERED ? t("form.picks.first", { shown: num(OFFERED), total: num(total) })
      : "";
  const filter = finder.querySelector(".pick-filter");
  if (filter.dataset.wired) return;
  filter.dataset.wired = "yes";
  let typing;
  filter.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(find, 200);
  });
  // Enter finds at once rather than saving the form.
  filter.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    clearTimeout(typing);
    find();
  });
}

/** What a person calls a record chosen earlier that the district does not offer. */
async function titleOf(ctx, kind, id) {
  try {
    const fields = await ctx.call("record_fields", { kind, id });
    return fields.name ?? fields.title ?? id;
  } catch {
    return `…${id.slice(-8)}`;
  }
}

/** Ticks for the chosen district's products or sellers, keeping what is ticked; for `only`, that
 * box alone (its finder's text changed). */
async function picksFor(ctx, form, only = null) {
  const district = form.querySelector('select[name="district"]')?.value;
  for (const box of only ? [only] : form.querySelectorAll("fieldset.picks")) {
    const chosen = new Set(JSON.parse(box.dataset.chosen));
    for (const tick of box.querySelectorAll("input[type=checkbox]")) {
      if (tick.checked) chosen.add(tick.value);
      else chosen.delete(tick.value);
    }
    box.dataset.chosen = JSON.stringify([...chosen]);
    const finder = box.querySelector(".pick-find");
    const name = finder?.querySelector(".pick-filter").value.trim() ?? "";
    // Answers to earlier text may come after later ones; only the last asked is shown.
    const asked = String(Number(box.dataset.asked ?? 0) + 1);
    box.dataset.asked = asked;
    const { list, total } = district ? await inDistrict(ctx, box.dataset.of, Number(district), name) : { list: [], total: 0 };
    if (box.dataset.asked !== asked) continue;
    // Ticked ones the list leaves out (past its first page, or not matching) come first, so a
    // long list does not hide them.
    const listed = new Set(list.map(([id]) => id));
    const kept = [];
    for (const id of chosen) {
      if (!listed.has(id)) kept.push([id, await titleOf(ctx, box.dataset.of, id)]);
    }
    list.unshift(...kept);
    if (finder) showFinder(finder, name, total, () => picksFor(ctx, form, box).catch(ctx.showError));
    fill(box.querySelector(".pick-list"), list.length
      ? list.map(([id, name]) => h("label", { class: "check pick" },
        h("input", { type: "checkbox", value: id, checked: chosen.has(id), "data-testid": "pick" }), h("span", {}, name)))
      : h("p", { class: "empty" }, t(!district ? "form.picks.district_first" : name ? "form.picks.no_match" : "form.picks.none")));
  }
}

/** Media coverage: a row per outlet, with its language and a link. */
function mediaControl(common, value) {
  const rows = h("div", { class: "media-rows" });
  const add = h("button", { type: "button", class: "button button-small", "data-testid": "media-add" }, t("form.media.add"));
  const row = (m) => {
    const remove = h("button", { type: "button", class: "button button-small", "data-testid": "media-remove" }, t("form.media.remove"));
    const line = h("div", { class: "media-row", "data-testid": "media-row" },
      h("input", { type: "text", class: "media-outlet", "aria-label": t("form.media.outlet"), placeholder: t("form.media.outlet"), value: m.outlet ?? "", autocomplete: "off" }),
      h("select", { class: "media-lang", "aria-label": t("lang.label") }, options(words("lang", LANGS), m.lang ?? lang(), false)),
      h("input", { type: "text", class: "media-url", "aria-label": t("form.media.url"), placeholder: t("form.media.url"), value: m.url ?? "", inputmode: "url", autocomplete: "off" }),
      remove);
    remove.addEventListener("click", () => line.remove());
    return line;
  };
  for (const m of value ?? []) rows.append(row(m));
  add.addEventListener("click", () => {
    const line = row({});
    rows.append(line);
    line.querySelector("input").focus();
  });
  return h("fieldset", { ...common, class: "media" }, rows, add);
}

/** The box for a story's text in `lang`. */
function storyText(lang) {
  return { key: `text.${lang}`, type: "textarea", lang, label: () => t("field.text.in", { lang: word("lang", lang) }) };
}

/** Adds a box for the story in a language it is not yet told in, before the adder itself. */
function languageAdder(schema, field) {
  const untold = () => LANGS.filter((l) => !schema.some((s) => s.key === `text.${l}`));
  const choice = h("select", { id: "story-language", "data-testid": "story-language" });
  const add = h("button", { type: "button", class: "button", "data-testid": "story-language-add" }, t("form.text.add_button"));
  const offer = () => {
    fill(choice, options(words("lang", untold()), "", false));
    adder.hidden = untold().length === 0;
  };
  const adder = h("div", { class: "form-field form-textarea language-adder" },
    h("label", { for: "story-language" }, t("form.text.add")),
    h("div", { class: "with-browse" }, choice, add));
  add.addEventListener("click", async () => {
    const spec = storyText(choice.value);
    schema.push(spec);
    const box = await field(spec);
    adder.before(box);
    box.querySelector("textarea").focus();
    offer();
  });
  offer();
  return adder;
}

/** A button that fills `input` with a path picked in the system's dialog. */
function browseButton(ctx, input, pick) {
  const button = h("button", { type: "button", class: "button", "data-testid": `${input.id}-browse` }, t("import.browse"));
  button.addEventListener("click", async () => {
    try {
      const path = await pick();
      if (path) {
        input.value = path;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    } catch (error) {
      ctx.showError(error);
    }
  });
  return button;
}

/** A field's value as the store reads it: lists as JSON, ticks as yes or no, the rest as typed. */
function valueOf(spec, input) {
  if (spec.type === "picks") {
    return JSON.stringify([...input.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value));
  }
  if (spec.type === "media") {
    const media = [...input.querySelectorAll(".media-row")].map((r) => ({
      outlet: r.querySelector(".media-outlet").value.trim(),
      lang: r.querySelector(".media-lang").value,
      url: r.querySelector(".media-url").value.trim() || undefined,
    })).filter((m) => m.outlet || m.url);
    return JSON.stringify(media);
  }
  return input.type === "checkbox" ? (input.checked ? "yes" : "no") : input.value;
}

/** Offers the records of the chosen district's state, the only ones a record there may name. */
async function inStateFor(ctx, form, choices) {
  const district = form.querySelector('select[name="district"]')?.value;
  const state = choices.districts.find((d) => String(d.code) === district)?.state;
  for (const select of form.querySelectorAll("select[data-of]")) {
    const want = select.value || select.dataset.value;
    let list = [];
    if (state != null) {
      const page = await ctx.call("record_page", { kind: select.dataset.of, query: { state, limit: OFFERED } });
      list = await keepChosen(ctx, select.dataset.of, page.rows.map((r) => [r.id, r.title]), want, { state });
    }
    fill(select, options(list, want, true));
  }
}

/** Suggests the GI registry's names of the chosen district's state to an input that asks. */
async function suggestedFor(ctx, form, choices) {
  const district = form.querySelector('select[name="district"]')?.value;
  const state = choices.districts.find((d) => String(d.code) === district)?.state;
  for (const input of form.querySelectorAll("input[data-suggest=gi]")) {
    const names = state != null ? await ctx.call("gi_names", { state }) : [];
    fill(form.querySelector(`#${input.getAttribute("list")}`), names.map((name) => h("option", { value: name })));
  }
}

/** Keeps the record chosen in a select listed, first, where the list's first page leaves it
 * out, as long as it still matches `query` (its state): a select that lacked it would save
 * another record, or none, in its place. */
async function keepChosen(ctx, kind, list, want, query) {
  if (!want || list.some(([v]) => v === want)) return list;
  const page = await ctx.call("record_page", { kind, query: { ...query, id: want, limit: 1 } }).catch(() => null);
  const row = page?.rows[0];
  return row ? [[row.id, row.title], ...list] : list;
}

function showFieldError(form, key, message) {
  const input = form.querySelector(`[name="${CSS.escape(key)}"]`) ??
    form.querySelector(`[name^="${CSS.escape(key)}."]`);
  if (!input) return false;
  const slot = form.querySelector(`#${input.id}-error`);
  slot.textContent = message;
  slot.hidden = false;
  input.setAttribute("aria-invalid", "true");
  input.closest(".form-field")?.classList.add("has-error");
  return input;
}

function clearFieldErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) {
    slot.textContent = "";
    slot.hidden = true;
  }
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const f of form.querySelectorAll(".has-error")) f.classList.remove("has-error");
}

/** After a save: `next` is a screen to go to (a hash) or anything else to stay. */
function arrive(ctx, next, notice) {
  if (typeof next === "string") ctx.navigate(next, notice);
  else ctx.notice(notice);
}

/**
 * Opens the form for a new record (`id` null, `preset` giving starting values) or for editing
 * one; calls `after(saved)` once the store has accepted it, which may return the hash of the
 * screen to go to.
 */
export async function openForm(ctx, kind, id, preset, after) {
  const dialog = document.getElementById("record-dialog");
  const choices = await ctx.choices();
  const current = id ? flatten(await ctx.call("record_fields", { kind, id })) : { ...(preset ?? {}) };
  // A story told in more languages than English and Hindi gets a box for each.
  const schema = [...SCHEMAS[kind]];
  if (kind === "story") {
    const told = Object.keys(current).filter((k) => k.startsWith("text.")).map((k) => k.slice(5));
    schema.push(...told.filter((l) => !schema.some((s) => s.key === `text.${l}`)).map(storyText));
  }
  const field = async (spec) => {
    const input = await control(ctx, spec, current[spec.key], choices, id != null);
    const errorId = `${input.id}-error`;
    const label = spec.label ? spec.label() : t(`field.${spec.key}`);
    // A group of inputs is named by its label for those who hear the form.
    if (input.tagName === "FIELDSET") input.setAttribute("aria-label", label);
    return h("div", { class: `form-field form-${spec.type}` },
      spec.type === "check"
        ? h("label", { for: input.id, class: "check" }, input, h("span", {}, label))
        : [h("label", { for: input.id }, label, spec.required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null),
          spec.browse ? h("div", { class: "with-browse" }, input, browseButton(ctx, input, spec.browse))
            : spec.type === "seller" ? h("div", { class: "with-finder" }, pickFinder(), input)
              : input],
      h("span", { id: errorId, class: "field-error", role: "alert", "data-testid": errorId, hidden: true }));
  };
  const fields = [];
  for (const spec of schema) fields.push(await field(spec));
  if (kind === "story") fields.push(languageAdder(schema, field));
  const formError = h("p", { class: "form-error", role: "alert", "data-testid": "form-error", hidden: true });
  const save = h("button", { type: "submit", class: "button button-primary", "data-testid": "form-save" }, t("action.save"));
  const cancel = h("button", { type: "button", class: "button", "data-testid": "form-cancel" }, t("action.cancel"));
  const form = h("form", { class: "record-form", "data-testid": `form-${kind}`, novalidate: true },
    h("h2", {}, t(id ? `form.edit.${kind}` : `form.new.${kind}`)),
    h("div", { class: "form-grid" }, fields),
    formError,
    h("div", { class: "form-buttons" }, cancel, save));
  fill(dialog, form);
  cancel.addEventListener("click", () => dialog.close());
  form.addEventListener("input", (event) => {
    const slot = form.querySelector(`#${event.target.id}-error`);
    if (slot && !slot.hidden) {
      slot.hidden = true;
      event.target.removeAttribute("aria-invalid");
      event.target.closest(".form-field")?.classList.remove("has-error");
    }
  });
  const fromDistrict = () => Promise.all([offeredFor(ctx, form), picksFor(ctx, form), inStateFor(ctx, form, choices),
    suggestedFor(ctx, form, choices)]);
  form.querySelector('select[name="district"]')?.addEventListener("change", () => fromDistrict().catch(ctx.showError));
  await fromDistrict();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    formError.hidden = true;
    const values = {};
    let firstMissing = null;
    for (const spec of schema) {
      values[spec.key] = valueOf(spec, form.elements.namedItem(spec.key));
      if (spec.required && !values[spec.key].trim()) {
        const el = showFieldError(form, spec.key, t("form.required"));
        firstMissing ??= el;
      }
    }
    if (firstMissing) {
      firstMissing.focus();
      return;
    }
    save.disabled = true;
    try {
      const saved = await ctx.call("save_record", { kind, id, fields: values });
      dialog.close();
      arrive(ctx, after?.(saved), [t(`form.saved.${saved.outcome}`), ...(saved.shares ?? []).map((set) =>
        t(`dup.saved.${set.mark}`, {
          names: set.sellers.filter((s) => s.id !== saved.id).map((s) => s.name).join(", "),
        }))].join(" "));
    } catch (error) {
      const input = error.field ? showFieldError(form, error.field, fieldErrorText(named(error, choices))) : null;
      if (input) input.focus();
      else {
        formError.textContent = errorText(error);
        formError.hidden = false;
      }
    } finally {
      save.disabled = false;
    }
  });
  dialog.showModal();
  form.querySelector("input, select, textarea")?.focus();
}

/** A refusal whose detail names places by code, with the names this desk knows them by: "148
 * (Gorakhpur)", as the sync screen says them. */
function named(error, choices) {
  const d = error.detail;
  if (!d || typeof d.problem !== "string" || !d.problem.startsWith("server_")) return error;
  const district = choices.districts.find((c) => c.code === d.district);
  const stateOf = (code) => {
    const known = choices.states.find((c) => c.code === code);
    return known ? stateName(code, known.name) : null;
  };
  const detail = { ...d };
  if (Number.isInteger(d.district)) detail.district = codeAndName(d.district, district?.name);
  if (Number.isInteger(d.state)) detail.state = codeAndName(d.state, stateOf(d.state));
  // The state the server's list puts a district in, by its name where this desk knows it.
  if (Number.isInteger(d.actual)) detail.actual = stateOf(d.actual) ?? String(d.actual);
  return { ...error, detail };
}

/** Asks before deleting; calls `after` once deleted. */
export function confirmDelete(ctx, kind, id, title, after) {
  // Mid-sentence the kind is a common noun: "Delete this product?"
  confirmAction({
    name: "delete",
    title: t("delete.title", { what: word("kind", kind).toLocaleLowerCase(locale()) }),
    text: t("delete.text", { title }),
    yes: t("action.delete"),
    run: async () => {
      await ctx.call("delete_record", { kind, id });
      return () => arrive(ctx, after?.(), t("delete.done"));
    },
  });
}

/**
 * Asks before an action that cannot be taken back: `run` does it and gives what to do once
 * the dialog has closed; a refusal is said in the dialog. Test ids are `confirm-NAME`,
 * `cancel-NAME` and `NAME-error`.
 */
export function confirmAction({ name, title, text, yes: yesLabel, run }) {
  const dialog = document.getElementById("record-dialog");
  const message = h("p", { class: "form-error", role: "alert", hidden: true, "data-testid": `${name}-error` });
  const yes = h("button", { type: "button", class: "button button-danger", "data-testid": `confirm-${name}` }, yesLabel);
  const no = h("button", { type: "button", class: "button", "data-testid": `cancel-${name}` }, t("action.cancel"));
  fill(dialog, h("div", { class: "record-form confirm" },
    h("h2", {}, title),
    h("p", {}, text),
    message,
    h("div", { class: "form-buttons" }, no, yes)));
  no.addEventListener("click", () => dialog.close());
  yes.addEventListener("click", async () => {
    yes.disabled = true;
    try {
      const then = await run();
      dialog.close();
      then?.();
    } catch (error) {
      yes.disabled = false;
      message.textContent = errorText(error);
      message.hidden = false;
    }
  });
  dialog.showModal();
  no.focus();
}
