// Small SVG charts drawn from counts. Labels are text nodes.

import { num } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}

/**
 * Horizontal bars, one per `{ label, count }`, longest first as given; a bar with an `href`
 * links there (the records it counts). `title` names the chart for screen readers.
 */
export function barChart(items, title, { width = 420, bar = 20, gap = 8, labelWidth = 150 } = {}) {
  const max = Math.max(1, ...items.map((i) => i.count));
  const height = Math.max(bar, items.length * (bar + gap) - gap);
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width: "100%",
    role: "img",
    "aria-label": title,
    class: "chart",
  });
  root.append(svg("title", {}, title));
  const room = width - labelWidth - 60;
  items.forEach((item, i) => {
    const y = i * (bar + gap);
    const w = Math.max(2, (item.count / max) * room);
    const label = svg("text", { x: labelWidth - 8, y: y + bar / 2, class: "chart-label", "text-anchor": "end", "dominant-baseline": "central" }, item.label);
    const parts = [
      label,
      svg("rect", { x: labelWidth, y, width: w, height: bar, rx: 3, class: `chart-bar chart-bar-${i % 4}` }),
      svg("text", { x: labelWidth + w + 6, y: y + bar / 2, class: "chart-value", "dominant-baseline": "central" }, num(item.count)),
    ];
    if (item.href) {
      const link = svg("a", { href: item.href, class: "chart-link", "aria-label": `${item.label}: ${num(item.count)}` });
      link.append(...parts);
      root.append(link);
    } else {
      root.append(...parts);
    }
  });
  return root;
}

/** A ring showing one share (0 to 1) with its percentage in the middle. */
export function donut(share, title) {
  const r = 42;
  const c = 2 * Math.PI * r;
  const root = svg("svg", { viewBox: "0 0 120 120", width: 120, height: 120, role: "img", "aria-label": title, class: "donut" });
  root.append(
    svg("title", {}, title),
    svg("circle", { cx: 60, cy: 60, r, class: "donut-track" }),
    svg("circle", {
      cx: 60,
      cy: 60,
      r,
      class: "donut-value",
      "stroke-dasharray": `${(share * c).toFixed(2)} ${c.toFixed(2)}`,
      transform: "rotate(-90 60 60)",
    }),
    svg("text", { x: 60, y: 60, "text-anchor": "middle", "dominant-baseline": "central", class: "donut-text" }, `${num(Math.round(share * 1000) / 10)}%`),
  );
  return root;
}
