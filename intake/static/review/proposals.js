// The proposals: sorted in reading order, grouped by the entity they name (manual redactions by their
// text, or one group per box), then drawn on the pages and in the list.

import { url, state, pageLabel, indexOf } from "./state.js";
import { api } from "./api.js";
import { drawBoxes } from "./pages.js";
import { drawLegend, drawList, updateCounts } from "./mentions.js";
import { markSelected } from "./selection.js";

function readingOrder(a, b) {
  const pa = a.page === null || a.page === undefined ? 1e9 : a.page;
  const pb = b.page === null || b.page === undefined ? 1e9 : b.page;
  if (pa !== pb) { return pa - pb; }
  const ra = a.rects && a.rects[0] ? a.rects[0] : [0, 0, 0, 0];
  const rb = b.rects && b.rects[0] ? b.rects[0] : [0, 0, 0, 0];
  if (Math.abs(ra[1] - rb[1]) > 2) { return ra[1] - rb[1]; }
  return ra[0] - rb[0];
}

export function setProposals(items) {
  state.proposals = items.slice().sort(readingOrder);
  state.byId = {};
  state.proposals.forEach(function (p) { state.byId[p.id] = p; });
  const groups = {};
  const order = [];
  state.proposals.forEach(function (p) {
    const key = p.source === "manual" ? "manual:" + (p.text ? p.text.toLowerCase() : "box:" + p.id)
      : (p.entity || (p.category + ":" + String(p.text).toLowerCase()));
    if (!groups[key]) {
      groups[key] = { key: key, category: p.category, items: [], names: {} };
      order.push(key);
    }
    groups[key].items.push(p);
    const name = p.text || (p.source === "manual" ? "Box on " + pageLabel(p) : "(no text)");
    groups[key].names[name] = (groups[key].names[name] || 0) + 1;
  });
  state.groups = order.map(function (key) {
    const g = groups[key];
    const names = Object.keys(g.names);
    // "person:isla hollins" names its entity; otherwise the text seen most often (longest on a tie).
    const named = key.indexOf(":") > 0 ? key.slice(key.indexOf(":") + 1) : "";
    const exact = names.filter(function (n) { return n.toLowerCase() === named; })[0];
    g.name = exact || names.sort(function (a, b) {
      return (g.names[b] - g.names[a]) || (b.length - a.length);
    })[0];
    return g;
  }).sort(function (a, b) { return (b.items.length - a.items.length) || a.name.localeCompare(b.name); });
  state.groupOf = {};
  state.groups.forEach(function (g) { g.items.forEach(function (p) { state.groupOf[p.id] = g; }); });
  drawBoxes();
  drawLegend();
  drawList();
  updateCounts();
}

// Fetch the proposals again (after a manual redaction added some), keeping the selection.
export function reloadProposals() {
  const keep = state.selected >= 0 ? state.proposals[state.selected].id : null;
  return api("GET", url("proposals")).then(function (data) {
    setProposals(data.proposals || []);
    const index = keep ? indexOf(keep) : -1;
    state.selected = index >= 0 ? index : Math.min(state.selected, state.proposals.length - 1);
    markSelected(false);
  });
}
