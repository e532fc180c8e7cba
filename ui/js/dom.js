// Building the page from data. Every string goes in as a text node or an attribute value,
// never as HTML, so nothing a record says can become markup or script.

/**
 * Makes an element. `attrs` keys: `class`, `text`, `dataset` (object), `on` (event -> handler),
 * anything else becomes an attribute (skipped when null, undefined or false).
 * Children may be nodes, strings (added as text) or arrays of them; null is skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key === "on") for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A search snippet with its matches between `[` and `]`, shown with the matches marked. The
 * text stays text: only `mark` elements are made, around text nodes.
 */
export function snippet(text) {
  const out = [];
  let rest = String(text ?? "");
  while (rest.length) {
    const open = rest.indexOf("[");
    const close = open >= 0 ? rest.indexOf("]", open) : -1;
    if (open < 0 || close < 0) {
      out.push(rest);
      break;
    }
    if (open > 0) out.push(rest.slice(0, open));
    out.push(h("mark", {}, rest.slice(open + 1, close)));
    rest = rest.slice(close + 1);
  }
  return out;
}

/** Moves focus between the rows of a list with the arrow keys, Home and End. */
export function arrowKeys(container, rowSelector) {
  container.addEventListener("keydown", (event) => {
    const rows = [...container.querySelectorAll(rowSelector)].filter((r) => !r.hidden);
    const index = rows.indexOf(document.activeElement);
    let next = -1;
    if (event.key === "ArrowDown") next = Math.min(rows.length - 1, index + 1);
    else if (event.key === "ArrowUp") next = Math.max(0, index - 1);
    else if (event.key === "Home" && index >= 0) next = 0;
    else if (event.key === "End" && index >= 0) next = rows.length - 1;
    else return;
    if (next >= 0 && rows[next]) {
      event.preventDefault();
      rows[next].focus();
    }
  });
}

/** A table row that opens something on click or Enter. */
export function linkRow(tr, open) {
  tr.tabIndex = 0;
  tr.classList.add("link-row");
  tr.addEventListener("click", open);
  tr.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      open();
    }
  });
  return tr;
}
