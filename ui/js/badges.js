// Small marks beside a record's name in a list.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * Where a record stands with the server, when a person has to act on it: a conflict to settle
 * or a refused write. Waiting records are not marked in lists, since before a first sync every
 * record waits; the status line counts them.
 */
export function syncBadge(state) {
  if (state !== "conflict" && state !== "refused") return null;
  return h("span", {
    class: `badge sync-${state} row-mark`, "data-testid": "row-sync", "data-state": state, title: t(`record_sync.${state}`),
  }, t(`list_sync.${state}`));
}
