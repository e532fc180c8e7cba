// Choosing a state: the select every list filters by, the picker a screen of one state or all
// opens with, and the route's way of saying which state a list opens on.

import { h } from "./dom.js";
import { t, stateName, byStateName } from "./i18n.js";

/** A select of `states` (`{code, name}`) after "All states", `state` chosen (`null`: all). */
export function stateSelect(states, state, testid) {
  return h("select", { "data-testid": testid, "aria-label": t("col.state") },
    h("option", { value: "" }, t("gi.all_states")),
    byStateName(states, (s) => s.code, (s) => s.name).map((s) =>
      h("option", { value: String(s.code), selected: s.code === state }, stateName(s.code, s.name))));
}

/** A screen's state: choosing one opens `#/ROUTE/CODE`, and "All states" `#/ROUTE`. */
export function statePicker(ctx, states, state, route, testid) {
  const pick = stateSelect(states, state, testid);
  pick.addEventListener("change", () => ctx.navigate(pick.value ? `#/${route}/${pick.value}` : `#/${route}`));
  return pick;
}

/** The state a screen of one state or all (`#/ROUTE/CODE`, `#/ROUTE`) is opened on, or null. */
export function routeState(arg) {
  return /^\d+$/.test(arg) ? Number(arg) : null;
}

/** A list's route argument without a trailing `state/CODE`, and that state: how a state's
 * dashboard opens a list of that state alone (`onboarded/gem/state/9`, `state/9`). */
export function stateArg(arg) {
  const found = arg.match(/^(?:(.*)\/)?state\/(\d+)$/);
  return found ? { rest: found[1] ?? "", state: Number(found[2]) } : { rest: arg, state: null };
}

/** The value of a state select as a code, or `null` for all states. */
export function chosenState(select) {
  return select.value ? Number(select.value) : null;
}
