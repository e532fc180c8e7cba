// Lists of workshops, success stories, gaps, actions and state policies, with add, edit and
// delete.

import { h, fill, arrowKeys } from "../dom.js";
import { t, num, word, stateName, byStateName } from "../i18n.js";
import { openForm, confirmDelete, ACTION_KINDS } from "./form.js";
import { syncBadge } from "../badges.js";
import { stateSelect, stateArg, chosenState } from "../places.js";

const STEP = 200;

/** Each kind's columns: a heading key and how to show a row's value. */
const COLUMNS = {
  workshop: [
    ["col.date", (r) => date(r.fields.date)],
    ["col.venue", (r) => r.fields.venue],
    ["col.district", (r) => r.district_name ?? ""],
    ["col.attendance", (r) => num(r.fields.attendance ?? 0)],
    ["col.sellers_met", (r) => num((r.fields.sellers_met ?? []).length)],
  ],
  story: [
    ["col.title", (r) => r.title],
    ["col.district", (r) => r.district_name ?? ""],
    ["col.languages", (r) => (r.fields.texts ?? []).map((x) => word("lang", x.lang)).join(", ")],
  ],
  gap: [
    ["col.description", (r) => r.title],
    ["col.kind", (r) => word("action_kind", r.fields.kind)],
    ["col.district", (r) => r.district_name ?? ""],
    ["col.open", (r) => (r.fields.open ? t("gap.open") : t("gap.closed"))],
    ["col.actions", (r) => tally(r.actions)],
    // The workshop it was heard at opens that workshop's page, not the gap's form.
    ["field.workshop", (r) => (r.workshop
      ? h("a", { href: `#/workshop/${r.fields.workshop}`, "data-testid": "gap-workshop", on: { click: (event) => event.stopPropagation() } }, r.workshop)
      : "")],
  ],
  action: [
    ["col.gap", (r) => r.gap ?? ""],
    ["col.kind", (r) => word("action_kind", r.fields.kind)],
    ["col.owner", (r) => r.fields.owner],
    ["col.status", (r) => word("action_status", r.fields.status)],
    ["col.due", (r) => due(r)],
    ["col.state", (r) => (r.state_name ? stateName(r.fields.state, r.state_name) : "")],
  ],
  policy: [
    ["col.state", (r) => stateName(r.fields.state, r.state_name ?? String(r.fields.state))],
    ["col.status", (r) => word("policy_status", r.fields.status)],
    ["col.reference", (r) => r.fields.reference ?? ""],
    ["col.notified_on", (r) => date(r.fields.notified_on)],
  ],
};

/** A gap's actions: how many, and how many are still to do. */
function tally(actions) {
  if (!actions || actions.all === 0) return t("gap.no_actions");
  return t("gap.actions", { all: num(actions.all), to_do: num(actions.to_do) });
}

/** A date, kept on one line. */
export function date(value) {
  return value ? h("time", { datetime: value }, value) : "";
}

/** An action's due date, marked when it has passed with work still to do. */
export function due(r) {
  if (!r.overdue) return date(r.fields.due);
  return [date(r.fields.due), " ", h("span", { class: "badge badge-overdue", "data-testid": "overdue" }, t("list.overdue"))];
}

/** The reader's own date, which says what is overdue. */
export function today() {
  const d = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** Each kind's filter: its choices (a label key and the query they make), the first showing all. */
const FILTERS = {
  gap: [
    ["filter.all", {}],
    ["gap.open", { open: true }],
    ["gap.closed", { open: false }],
  ],
  action: [
    ["filter.all", {}],
    ["list.overdue", { overdue: true }],
    ...["open", "in_progress", "done", "dropped"].map((s) => [`action_status.${s}`, { status: s }]),
  ],
};

/** The filter chosen for each kind, kept while the app runs. */
const kept = {};
/** The kind of gap or action chosen for each list ("" for all), kept likewise. */
const keptKind = {};
/** What a list prints for the state chosen in it. */
const PRINTS = {
  action: { document: "actions", label: "action.review" },
  story: { document: "stories", label: "story.print" },
};

/** The state chosen for each list ("" for all), kept likewise. */
const keptState = {};
/** The owner whose actions are listed ("" for all), by a name it is written as. */
let keptOwner = "";

/** Opens the action list on its overdue actions, of one state when `state` is given. */
export function openOverdueActions(ctx, state = null) {
  kept.action = FILTERS.action.findIndex(([label]) => label === "list.overdue");
  keptKind.action = "";
  keptState.action = state == null ? "" : String(state);
  keptOwner = "";
  ctx.navigate("#/actions");
}

const TITLES = {
  workshop: "nav.workshops", story: "nav.stories", gap: "nav.gaps", action: "nav.actions", policy: "nav.policies",
};

/** A list of one kind of record; for gaps, `#/gaps/open/KIND` lists the open gaps of that kind
 * (the dashboard's bars), and `…/state/CODE` after it (or alone, for any kind) those of one
 * state (a state's dashboard). */
export async function render(view, kind, ctx, arg = "") {
  const gen = ctx.generation();
  const { rest, state: argState } = stateArg(arg);
  const [, gapKind] = rest.match(/^open\/(\w+)$/) ?? [];
  if (kind === "gap" && ACTION_KINDS.includes(gapKind)) {
    kept.gap = FILTERS.gap.findIndex(([label]) => label === "gap.open");
    keptKind.gap = gapKind;
    keptState.gap = argState == null ? "" : String(argState);
  } else if (argState != null) {
    keptState[kind] = String(argState);
  }
  const choices = await ctx.choices();
  if (!ctx.current(gen)) return;
  let limit = STEP;
  // Policies are one per state, each row naming its state: a filter would hide nothing.
  const stateFilter = kind === "policy"
    ? null
    : stateSelect(choices.states, keptState[kind] ? Number(keptState[kind]) : null, `${kind}-state-filter`);
  // An owner's actions (a District Industries Centre's, an export council's), each owner
  // offered once however its actions write it, with its actions still to do.
  const ownerFilter = kind === "action"
    ? h("select", { "data-testid": "action-owner-filter", "aria-label": t("col.owner") })
    : null;
  const offerOwners = async () => {
    const owners = await ctx.call("action_owners", { state: chosenState(stateFilter) });
    if (!ctx.current(gen)) return;
    if (!owners.some((o) => o.name === keptOwner)) keptOwner = "";
    ownerFilter.replaceChildren(
      h("option", { value: "" }, t("filter.any_owner")),
      ...owners.map((o) => h("option", { value: o.name, selected: o.name === keptOwner },
        t("filter.owner", { owner: o.name, n: num(o.to_do) }))));
  };
  ownerFilter?.addEventListener("change", () => {
    keptOwner = ownerFilter.value;
    limit = STEP;
    reload();
  });
  stateFilter?.addEventListener("change", () => {
    keptState[kind] = stateFilter.value;
    limit = STEP;
    reload();
  });
  const body = h("tbody", { "data-testid": `${kind}-rows` });
  const count = h("span", { class: "count", "data-testid": `${kind}-count`, "aria-live": "polite" });
  const more = h("button", { type: "button", class: "button", hidden: true, "data-testid": "show-more" }, t("list.more"));
  const empty = h("p", { class: "empty", hidden: true, "data-testid": `${kind}-empty` }, t("list.none"));
  const add = h("button", { type: "button", class: "button button-primary", "data-testid": `add-${kind}` }, t(`form.new.${kind}`));
  // The chosen state's actions still to do (by owner, for their review) or its success
  // stories, printed.
  const printed = PRINTS[kind];
  const print = printed
    ? h("button", { type: "button", class: "button", "data-testid": `${kind}-print` }, t(printed.label))
    : null;
  print?.addEventListener("click", async () => {
    try {
      // With none chosen, a desk prints the state it works on; a central desk, or one holding
      // several states' records, must choose.
      const state = chosenState(stateFilter) ?? await ctx.call("desk_state");
      if (state == null) {
        ctx.notice(t("list.print_needs_state"));
        stateFilter.focus();
        return;
      }
      // With an owner chosen, that owner's actions alone: its own page for its review.
      const owner = kind === "action" && keptOwner ? `/owner/${encodeURIComponent(keptOwner)}` : "";
      ctx.navigate(`#/brochure/${printed.document}/${state}${owner}`);
    } catch (error) {
      ctx.showError(error);
    }
  });
  // The owners offered are the chosen state's, and those of actions just saved; an owner no
  // longer offered is let go.
  const reload = () => (ownerFilter ? offerOwners() : Promise.resolve()).then(load).catch(ctx.showError);

  const filter = FILTERS[kind]
    ? h("select", { "data-testid": `${kind}-filter`, "aria-label": t(kind === "gap" ? "col.open" : "col.status") },
      FILTERS[kind].map(([label], i) => h("option", { value: i, selected: i === (kept[kind] ?? 0) }, t(label))))
    : null;
  filter?.addEventListener("change", () => {
    kept[kind] = Number(filter.value);
    limit = STEP;
    reload();
  });
  // Gaps and actions by what kind of market linkage they are about.
  const kindFilter = kind === "gap" || kind === "action"
    ? h("select", { "data-testid": `${kind}-kind-filter`, "aria-label": t("col.kind") },
      h("option", { value: "" }, t("filter.any")),
      ACTION_KINDS.map((k) => h("option", { value: k, selected: k === (keptKind[kind] ?? "") }, word("action_kind", k))))
    : null;
  kindFilter?.addEventListener("change", () => {
    keptKind[kind] = kindFilter.value;
    limit = STEP;
    reload();
  });

  async function load() {
    const chosen = FILTERS[kind]?.[kept[kind] ?? 0]?.[1] ?? {};
    const query = {
      ...chosen, gap_kind: keptKind[kind] || null, state: stateFilter ? chosenState(stateFilter) : null,
      owner: kind === "action" ? keptOwner || null : null, today: today(), limit,
    };
    const page = await ctx.call("record_page", { kind, query });
    if (!ctx.current(gen)) return;
    count.textContent = t("list.count", { n: num(page.total) });
    more.hidden = page.rows.length >= page.total;
    empty.hidden = page.total > 0;
    // Policies, one per state, come in the order the reader's language names the states.
    const rows = kind === "policy" ? byStateName(page.rows, (r) => r.fields.state, (r) => r.state_name ?? "") : page.rows;
    body.replaceChildren(...rows.map((r) => {
      const edit = () => openForm(ctx, kind, r.id, null, reload);
      const del = h("button", { type: "button", class: "button button-small button-danger", "data-testid": "row-delete" }, t("action.delete"));
      del.addEventListener("click", (event) => {
        event.stopPropagation();
        confirmDelete(ctx, kind, r.id, r.title, reload);
      });
      // A row's own button does its own thing, not the row's (opening the form).
      const own = (run) => (event) => {
        event.stopPropagation();
        run?.();
      };
      const extra = kind === "gap"
        ? h("button", {
          type: "button", class: "button button-small", "data-testid": "add-action-for-gap",
          on: { click: own(() => openForm(ctx, "action", null, { gap: r.id, kind: r.fields.kind }, () => "#/actions")) },
        }, t("gap.add_action"))
        : kind === "workshop"
          ? h("a", { class: "button button-small", href: `#/workshop/${r.id}`, "data-testid": "workshop-outcome", on: { click: own() } }, t("workshop.outcome"))
          : null;
      const tr = h("tr", { "data-testid": `${kind}-row`, "data-id": r.id, tabindex: 0, class: "link-row" },
        COLUMNS[kind].map(([, show], i) => h("td", {}, show(r) ?? "", i === 0 ? syncBadge(r.sync) : null)),
        h("td", { class: "row-buttons" }, extra, del));
      tr.addEventListener("click", edit);
      tr.addEventListener("keydown", (event) => {
        if (event.target !== tr) return;
        if (event.key === "Enter") edit();
        else if (event.key === "Delete") confirmDelete(ctx, kind, r.id, r.title, reload);
      });
      return tr;
    }));
  }

  more.addEventListener("click", () => {
    limit += STEP;
    reload();
  });
  add.addEventListener("click", () => openForm(ctx, kind, null, {}, reload));
  arrowKeys(body, "tr");
  fill(view,
    h("section", { class: "panel list-screen", "data-testid": `${kind}-list`, "aria-labelledby": "records-title" },
      h("div", { class: "toolbar" },
        h("h2", { id: "records-title" }, t(TITLES[kind])),
        stateFilter, filter, kindFilter, ownerFilter, count, print, add),
      h("div", { class: "table-wrap" },
        h("table", { class: "data-table" },
          h("thead", {}, h("tr", {},
            COLUMNS[kind].map(([key]) => h("th", { scope: "col" }, t(key))),
            h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("col.buttons"))))),
          body),
        empty, more)));
  if (ownerFilter) await offerOwners();
  await load();
}
