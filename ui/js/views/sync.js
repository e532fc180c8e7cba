// Sync: the server and login, the interval, "sync now" with progress, conflicts side by side
// (base, mine, theirs) settled field by field, and refused writes with the server's reason.

import { h, fill } from "../dom.js";
import { t, num, count, word, stateName, refusalHeadline, refusalReasonText, accountText, when } from "../i18n.js";

/** A value as a person reads it: text as is, anything else as compact JSON. */
function shown(value) {
  if (value === null || value === undefined) return t("sync.none");
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function describe(report) {
  if (!report) return t("sync.never");
  if (report.error) return t("sync.failed", { when: when(report.finished || report.started), error: report.error });
  const line = t("sync.last", {
    when: when(report.finished),
    pushed: num(report.pushed),
    pulled: num(report.pulled),
    conflicts: num(report.conflicts),
    refused: num(report.refused),
  });
  // A round that compared everything with the server says why, since it moves more than usual,
  // and what it sent again or removed, when anything.
  const said = [line];
  if (report.resync) {
    said.push(t(`sync.resync.${report.resync}`));
    if (report.requeued > 0) said.push(t("sync.requeued", { n: num(report.requeued) }));
    if (report.resync !== "restored" && report.removed > 0) said.push(t("sync.removed", { n: num(report.removed) }));
  }
  if (report.learnt_places > 0) said.push(t("sync.learnt_places", { n: num(report.learnt_places) }));
  // The GI registry, sent from here or taken from the server, is said as well.
  for (const gi of report.gi ?? []) {
    said.push(gi.reason === undefined ? count(`sync.gi.did.${gi.did}`, gi.entries ?? 0)
      : t(`sync.gi.did.${gi.did}`, { reason: gi.reason }));
  }
  return said.reduce((line, why) => t("sync.last_then", { line, why }));
}

/** Follows a sync round until it reports (its finish time differs from `before`), showing its
 * progress in `state`; false if the person left the screen meanwhile. Gives up waiting after
 * about 150 s, when the screen is shown afresh with whatever the round has done. */
async function followRound(ctx, gen, before, state) {
  for (let i = 0; i < 600; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (!ctx.current(gen)) return false;
    const o = await ctx.call("sync_overview");
    const p = o.live?.progress;
    if (p) state.textContent = progressText(p);
    const finished = o.live?.last?.finished ?? o.last?.finished ?? "";
    if (!o.live?.running && finished !== before) break;
  }
  return ctx.current(gen);
}

/** Keeps the screen true to rounds it did not start (the periodic ones): shows their progress
 * and draws the screen afresh when one has finished. If the person has typed on the screen, only
 * the summary is brought up to date, so that nothing they typed is thrown away. */
async function watch(ctx, gen, screen) {
  let seen = screen.finished;
  while (ctx.current(gen)) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (!ctx.current(gen) || screen.following) continue;
    let o;
    try {
      o = await ctx.call("sync_overview");
    } catch {
      continue;
    }
    if (!ctx.current(gen) || screen.following) continue;
    const p = o.live?.progress;
    if (o.live?.running) {
      screen.state.textContent = p ? progressText(p) : t("sync.running");
      continue;
    }
    screen.state.textContent = describe(o.last);
    const finished = o.last?.finished ?? "";
    if (finished === seen) continue;
    seen = finished;
    if (!screen.typed) {
      ctx.navigate("#/sync");
      return;
    }
    ctx.refreshStatus();
    screen.pending.textContent = num(o.counts.pending);
    screen.conflicts.textContent = num(o.counts.conflicts);
    screen.refused.textContent = num(o.counts.refused);
  }
}

function progressText(p) {
  return p.phase === "pushing" ? t("sync.pushing", { sent: num(p.sent), waiting: num(p.waiting) }) : t("sync.pulling", { received: num(p.received) });
}

export async function render(view, ctx) {
  const gen = ctx.generation();
  const overview = await ctx.call("sync_overview");
  ctx.notePlaces(overview.server_places.tag);
  const [conflicts, refusals, choices] = await Promise.all([
    ctx.call("sync_conflicts"), ctx.call("sync_refusals"), ctx.choices(),
  ]);
  if (!ctx.current(gen)) return;
  const screen = { finished: overview.last?.finished ?? "", following: false, typed: false };

  const server = h("input", { id: "sync-server", type: "url", required: true, value: overview.server ?? "", placeholder: "https://", "data-testid": "sync-server" });
  const token = h("input", { id: "sync-token", type: "password", autocomplete: "off", "data-testid": "sync-token" });
  const login = h("button", { type: "submit", class: "button button-primary", "data-testid": "sync-login" }, t("sync.login"));
  // Changes waiting for another state's account go up under the new one, and a desk's work
  // moves to another server, only when the person, told so, asks for it.
  const warned = h("p", { class: "warning", "data-testid": "sync-login-warning", hidden: true }, t("sync.other_account"));
  const takeOverButton = h("button", { type: "button", class: "button button-danger", "data-testid": "sync-login-take-over", hidden: true }, t("sync.take_over"));
  let takeOver = false;
  const unwarn = () => {
    warned.hidden = true;
    takeOverButton.hidden = true;
  };
  server.addEventListener("input", unwarn);
  token.addEventListener("input", unwarn);
  const loginForm = h("form", { class: "form sync-login", "data-testid": "sync-login-form" },
    h("label", { for: "sync-server" }, t("sync.server")), server,
    h("label", { for: "sync-token" }, t("sync.token")), token,
    login, warned, takeOverButton);
  takeOverButton.addEventListener("click", () => {
    takeOver = true;
    loginForm.requestSubmit();
  });
  loginForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    ctx.clearError();
    login.disabled = true;
    screen.following = true;
    try {
      const before = overview.last?.finished ?? "";
      const who = await ctx.call("sync_login", { server: server.value, token: token.value, takeOver });
      token.value = "";
      // Logging in starts a round: follow it, so the screen shows what it sent and refused.
      state.textContent = t("sync.running");
      if (!(await followRound(ctx, gen, before, state))) return;
      // Said on the screen drawn afresh: a notice set before navigating is cleared by it.
      ctx.navigate("#/sync", t(who.starts_over ? "sync.logged_in_anew" : "sync.logged_in", { name: who.name }));
    } catch (error) {
      if ((error.code === "other_account" || error.code === "other_server") && !takeOver) {
        const server = error.code === "other_server";
        warned.textContent = t(server ? "sync.other_server" : "sync.other_account");
        takeOverButton.textContent = t(server ? "sync.move_here" : "sync.take_over");
        warned.hidden = false;
        takeOverButton.hidden = false;
      } else {
        ctx.showError(error);
      }
    } finally {
      takeOver = false;
      login.disabled = false;
      screen.following = false;
    }
  });

  const interval = h("input", { id: "sync-interval", type: "number", min: 1, max: 1440, value: overview.interval_minutes ?? 15, "data-testid": "sync-interval" });
  const saveInterval = h("button", { type: "button", class: "button" }, t("sync.interval.save"));
  saveInterval.addEventListener("click", async () => {
    ctx.clearError();
    try {
      await ctx.call("sync_set_interval", { minutes: Number(interval.value) });
      ctx.notice(t("sync.interval.saved"));
    } catch (error) {
      ctx.showError(error);
    }
  });

  const state = h("p", { class: "sync-state", "data-testid": "sync-state", role: "status" }, describe(overview.last));
  // What the watcher of periodic rounds needs to know about this drawing of the screen.
  screen.state = state;
  const now = h("button", { type: "button", class: "button button-primary", "data-testid": "sync-now", disabled: !overview.server }, t("sync.now"));
  now.addEventListener("click", async () => {
    ctx.clearError();
    now.disabled = true;
    screen.following = true;
    try {
      const before = overview.last?.finished ?? "";
      await ctx.call("sync_now");
      state.textContent = t("sync.running");
      if (!(await followRound(ctx, gen, before, state))) return;
      ctx.navigate("#/sync");
    } catch (error) {
      ctx.showError(error);
      now.disabled = false;
    } finally {
      screen.following = false;
    }
  });

  const counts = overview.counts;
  screen.pending = h("dd", { "data-testid": "sync-pending" }, num(counts.pending));
  screen.conflicts = h("dd", { "data-testid": "sync-conflict-count" }, num(counts.conflicts));
  screen.refused = h("dd", { "data-testid": "sync-refused-count" }, num(counts.refused));
  const panels = [
    h("section", { class: "panel sync sync-panel", "data-testid": "sync-screen", "aria-labelledby": "sync-title" },
      h("h2", { id: "sync-title" }, t("sync.title")),
      h("dl", { class: "sync-counts" },
        h("dt", {}, t("sync.pending")), screen.pending,
        h("dt", {}, t("sync.conflicts")), screen.conflicts,
        h("dt", {}, t("sync.refused")), screen.refused),
      state,
      h("div", { class: "actions" }, now),
      h("h3", {}, t("sync.settings")),
      overview.server ? h("p", {}, t("sync.connected", { server: overview.server })) : h("p", {}, t("sync.not_connected")),
      overview.account ? h("p", { "data-testid": "sync-account" }, t("sync.account", { who: accountText(overview.account, overview.account_state) })) : null,
      overview.server ? placesLine(overview.server_places) : null,
      overview.server ? giLine(overview) : null,
      loginForm,
      h("div", { class: "form-row" }, h("label", { for: "sync-interval" }, t("sync.interval")), interval, saveInterval),
    ),
    conflictsPanel(conflicts, placeNames(choices), ctx),
    refusalsPanel(refusals, placeNames(choices), ctx),
  ];
  for (const panel of panels) panel.addEventListener("input", () => { screen.typed = true; });
  fill(view, ...panels);
  watch(ctx, gen, screen);
}

/** What this desk holds of the server's LGD lists, which its forms check new places against. */
function placesLine(places) {
  const text = places.tag === null ? t("sync.places.unknown")
    : places.tag === "none" ? t("sync.places.none")
      : t("sync.places.held", { states: num(places.states), districts: num(places.districts) });
  return h("p", { "data-testid": "sync-places" }, text);
}

/** The GI registry this desk holds: DPIIT's from the server, or one loaded here that a
 * central desk sends at its next sync (or that the server would not take). */
function giLine(overview) {
  const gi = overview.gi;
  const central = overview.account?.role === "central";
  const text = gi.entries === 0 ? t("sync.gi.none")
    : gi.refused ? t("sync.gi.refused", { n: num(gi.entries), reason: gi.refused })
      : gi.unsent && central ? t("sync.gi.unsent", { n: num(gi.entries) })
        : count("sync.gi.held", gi.entries);
  return h("p", { "data-testid": "sync-gi" }, text, " ", h("a", { href: "#/gi" }, t("sync.gi.check")));
}

/** A record id (a UUID), shown by its last characters as the record column shows a row. */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The word group that names a field's values, for a record of `kind`. */
function valueGroup(kind, key) {
  switch (key) {
    case "rank": return "rank";
    case "sector": return "sector";
    case "packaging": return "packaging";
    case "kind": return kind === "seller" ? "seller_kind" : "action_kind";
    case "status": return kind === "policy" ? "policy_status" : "action_status";
    default: return null;
  }
}

/** A field's value as a person reads it: places by name, words in the interface's language,
 * texts without their wrappers; never JSON. */
function readable(kind, key, value, places) {
  if (value === null || value === undefined || value === "") return t("sync.none");
  if (key === "district" && places.district.has(value)) return places.district.get(value);
  if (key === "state" && places.state.has(value)) return places.state.get(value);
  if (typeof value === "boolean") return value ? t("yes") : t("no");
  if (typeof value === "string" && ID.test(value)) return value.slice(-8);
  if (typeof value === "string" || typeof value === "number") {
    const group = valueGroup(kind, key);
    return group ? word(group, value) : String(value);
  }
  if (Array.isArray(value)) return value.map((v) => readable(kind, key, v, places)).join("; ");
  if (typeof value.text === "string") return value.lang ? `${value.text} (${value.lang})` : value.text;
  if (typeof value.platform === "string") {
    return `${word("platform", value.platform)}: ${word("onboarding", value.status)}`;
  }
  return Object.entries(value)
    .map(([k, v]) => `${word("field", `${key}.${k}`)}: ${readable(kind, k, v, places)}`).join(", ");
}

/** A conflict's side: a field's value, or for a whole row its fields one per line. */
function conflictSide(c, value, places) {
  if (c.field !== "*" || value === null || typeof value !== "object" || Array.isArray(value)) {
    return readable(c.kind, c.field, value, places);
  }
  return h("dl", { class: "conflict-fields" },
    Object.entries(value).filter(([k]) => k !== "id").flatMap(([k, v]) => [
      h("dt", {}, word("field", k)), h("dd", {}, readable(c.kind, k, v, places))]));
}

function conflictsPanel(conflicts, places, ctx) {
  if (conflicts.length === 0) {
    return h("section", { class: "panel sync-panel", "data-testid": "sync-conflicts" }, h("h3", {}, t("sync.conflicts")), h("p", {}, t("sync.no_conflicts")));
  }
  const rows = conflicts.map((view) => {
    const c = view.conflict;
    const merged = h("input", { type: "text", value: typeof view.mine === "string" ? view.mine : shown(view.mine), "aria-label": t("sync.merged"), "data-testid": "conflict-merged" });
    const settle = async (choice, value) => {
      ctx.clearError();
      try {
        await ctx.call("sync_resolve", { id: c.id, choice, value });
        ctx.navigate("#/sync", t("sync.settled"));
      } catch (error) {
        ctx.showError(error);
      }
    };
    const whole = c.field === "*";
    return h("tr", { "data-testid": "conflict-row", dataset: { id: c.id } },
      h("td", {}, `${word("kind", c.kind)} · ${view.title || c.row.slice(-8)}`),
      h("td", { "data-testid": "conflict-field" }, whole ? t("sync.whole_row") : word("field", c.field)),
      h("td", { class: "conflict-base" }, conflictSide(c, view.base, places)),
      h("td", { class: "conflict-mine" }, conflictSide(c, view.mine, places)),
      h("td", { class: "conflict-theirs" }, conflictSide(c, view.theirs, places)),
      h("td", { class: "conflict-actions" },
        h("button", { type: "button", class: "button", "data-testid": "keep-mine", on: { click: () => settle("mine") } }, t("sync.keep_mine")),
        h("button", { type: "button", class: "button", "data-testid": "take-theirs", on: { click: () => settle("theirs") } }, t("sync.take_theirs")),
        whole ? null : merged,
        whole ? null : h("button", { type: "button", class: "button", "data-testid": "use-merged", on: { click: () => settle("value", merged.value) } }, t("sync.use_merged"))));
  });
  return h("section", { class: "panel sync-panel", "data-testid": "sync-conflicts" },
    h("h3", {}, t("sync.conflicts")),
    h("table", { class: "table conflicts" },
      h("thead", {}, h("tr", {},
        h("th", {}, t("sync.record")), h("th", {}, t("sync.field")), h("th", {}, t("sync.base")),
        h("th", {}, t("sync.mine")), h("th", {}, t("sync.theirs")), h("th", {}, t("sync.settle")))),
      h("tbody", {}, rows)));
}

/** Names of the places this desk knows, by code, for saying a refusal's places. */
function placeNames(choices) {
  return {
    state: new Map(choices.states.map((s) => [s.code, stateName(s.code, s.name)])),
    district: new Map(choices.districts.map((d) => [d.code, d.name])),
  };
}

function refusalsPanel(refusals, places, ctx) {
  const stateName = (code) => places.state.get(code);
  const districtName = (code) => places.district.get(code);
  // Either one changes what waits and what is refused, so the screen is drawn afresh.
  const act = (command, r) => async () => {
    ctx.clearError();
    try {
      await ctx.call(command, { seq: r.seq });
      ctx.navigate("#/sync");
    } catch (error) {
      ctx.showError(error);
    }
  };
  const rows = refusals.map((r) => h("tr", { "data-testid": "refusal-row" },
    h("td", {}, `${word("op", r.op)} · ${word("kind", r.kind)} · ${r.title || r.row.slice(-8)}`),
    h("td", {}, h("strong", { "data-testid": "refusal-headline" }, refusalHeadline(r.code)), " ",
      h("span", { "data-testid": "refusal-reason" }, refusalReasonText(r, stateName, districtName))),
    h("td", {},
      h("button", { type: "button", class: "button", "data-testid": "resend-refusal", on: { click: act("sync_resend", r) } }, t("sync.resend")),
      h("button", { type: "button", class: "button", "data-testid": "discard-refusal", on: { click: act("sync_discard", r) } }, t("sync.discard")))));
  return h("section", { class: "panel sync-panel", "data-testid": "sync-refusals" },
    h("h3", {}, t("sync.refused")),
    refusals.length === 0 ? h("p", {}, t("sync.no_refused")) : h("table", { class: "table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("sync.record")), h("th", {}, t("sync.reason")), h("th", {}, ""))),
      h("tbody", {}, rows)),
    h("p", { class: "hint" }, t("sync.refused_hint")));
}

/** The header's sync status: last sync, waiting changes, conflicts, refused writes. */
export function mountStatus(slot, ctx) {
  const line = h("a", { href: "#/sync", class: "sync-status", "data-testid": "sync-status" });
  fill(slot, line);
  slot.hidden = false;
  const refresh = async () => {
    try {
      const o = await ctx.call("sync_overview");
      ctx.notePlaces(o.server_places.tag);
      const parts = [];
      if (!o.server) parts.push(t("sync.status.offline"));
      else if (o.live?.running) parts.push(t("sync.running"));
      else if (o.last?.error) parts.push(t("sync.status.failed"));
      else if (o.last) parts.push(t("sync.status.synced", { when: when(o.last.finished, { timeStyle: "short" }) }));
      else parts.push(t("sync.never"));
      parts.push(t("sync.status.pending", { n: num(o.counts.pending) }));
      if (o.counts.conflicts) parts.push(count("sync.status.conflicts", o.counts.conflicts));
      if (o.counts.refused) parts.push(t("sync.status.refused", { n: num(o.counts.refused) }));
      line.textContent = parts.join(" · ");
      line.dataset.conflicts = String(o.counts.conflicts);
      line.dataset.pending = String(o.counts.pending);
      line.dataset.refused = String(o.counts.refused);
    } catch {
      line.textContent = t("sync.status.unknown");
    }
  };
  refresh();
  setInterval(refresh, 3000);
  return refresh;
}
