// The side list (#entities): proposals grouped by person or thing, each group with its mentions,
// accept / reject for a group or a single mention, the category legend and the counts line.

import { url, canDecide, state, colourOf, human, pageLabel, stateOf, indexOf } from "./state.js";
import { el, cssEscape, say, failed } from "./dom.js";
import { api } from "./api.js";
import { REJECT_REASON, chosenReason, reasonLabels } from "./reasons.js";
import { refreshBoxStates, refreshPreviews } from "./pages.js";
import { select, showContext } from "./selection.js";
import { setStatus } from "./workflow.js";

const listBox = document.getElementById("entities");
const legendBox = document.getElementById("legend");
const countsBox = document.getElementById("counts");

export function drawLegend() {
  legendBox.textContent = "";
  const seen = {};
  state.proposals.forEach(function (p) { seen[p.category] = (seen[p.category] || 0) + 1; });
  const heading = el("p", "legend-title", "Categories");
  legendBox.appendChild(heading);
  const list = el("ul", "legend-list");
  Object.keys(seen).sort().forEach(function (category) {
    const item = el("li");
    item.appendChild(el("span", "swatch " + colourOf(category)));
    item.appendChild(document.createTextNode(human(category) + " (" + seen[category] + ")"));
    list.appendChild(item);
  });
  legendBox.appendChild(list);
  const key = el("p", "legend-key");
  key.appendChild(el("span", "swatch sample open"));
  key.appendChild(document.createTextNode(" open "));
  key.appendChild(el("span", "swatch sample accept"));
  key.appendChild(document.createTextNode(" accepted (redacted) "));
  key.appendChild(el("span", "swatch sample reject"));
  key.appendChild(document.createTextNode(" rejected (kept)"));
  legendBox.appendChild(key);
}

function decisionButtons(labelAccept, labelReject, onAccept, onReject, compact) {
  const holder = el("span", "decide");
  const yes = el("button", "accept", compact ? "Accept" : "Accept all");
  yes.type = "button";
  yes.setAttribute("aria-label", labelAccept);
  yes.addEventListener("click", onAccept);
  const no = el("button", "reject", compact ? "Reject" : "Reject all");
  no.type = "button";
  no.setAttribute("aria-label", labelReject);
  no.addEventListener("click", onReject);
  holder.appendChild(yes);
  holder.appendChild(no);
  return holder;
}

export function drawList() {
  listBox.textContent = "";
  document.getElementById("entity-count").textContent = "(" + state.groups.length + ")";
  state.groups.forEach(function (g, gi) {
    const item = el("li", "entity " + colourOf(g.category));
    item.setAttribute("data-key", g.key);
    const head = el("div", "entity-head");
    head.appendChild(el("span", "swatch " + colourOf(g.category)));
    const toggle = el("button", "entity-name");
    toggle.type = "button";
    const n = g.items.length;
    toggle.textContent = g.name + " — " + n + (n === 1 ? " mention" : " mentions");
    toggle.setAttribute("aria-expanded", "false");
    toggle.setAttribute("aria-controls", "mentions-" + gi);
    toggle.title = human(g.category);
    head.appendChild(toggle);
    const summary = el("span", "entity-state");
    head.appendChild(summary);
    if (canDecide) {
      head.appendChild(decisionButtons(
        "Accept all " + n + " mentions of " + g.name,
        "Reject all " + n + " mentions of " + g.name,
        function () { decide(g.items, "accept"); },
        function () { decide(g.items, "reject"); },
        false
      ));
    }
    item.appendChild(head);
    const mentions = el("ol", "mentions");
    mentions.id = "mentions-" + gi;
    mentions.hidden = true;
    g.items.forEach(function (p, mi) {
      const row = el("li", "mention " + stateOf(p));
      row.setAttribute("data-id", p.id);
      const go = el("button", "goto");
      go.type = "button";
      go.textContent = pageLabel(p) + " · " + (p.text || "box");
      go.setAttribute("aria-label", "Show mention " + (mi + 1) + " of " + g.name + ", " + pageLabel(p) +
        ", " + human(p.category));
      go.addEventListener("click", function () { select(indexOf(p.id), true); });
      row.appendChild(go);
      if (canDecide) {
        row.appendChild(decisionButtons(
          "Accept mention " + (mi + 1) + " of " + g.name,
          "Reject mention " + (mi + 1) + " of " + g.name,
          function () { decide([p], "accept"); },
          function () { decide([p], "reject"); },
          true
        ));
      }
      row.appendChild(el("span", "reason-tag"));
      mentions.appendChild(row);
    });
    item.appendChild(mentions);
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      mentions.hidden = open;
    });
    listBox.appendChild(item);
    refreshGroup(g);
  });
}

function refreshGroup(g) {
  const item = listBox.querySelector('.entity[data-key="' + cssEscape(g.key) + '"]');
  if (!item) { return; }
  let open = 0;
  let accepted = 0;
  let rejected = 0;
  g.items.forEach(function (p) {
    const s = stateOf(p);
    if (s === "open") { open += 1; } else if (s === "accept") { accepted += 1; } else { rejected += 1; }
    const row = item.querySelector('.mention[data-id="' + cssEscape(p.id) + '"]');
    if (row) {
      row.classList.remove("open", "accept", "reject");
      row.classList.add(s);
      const yes = row.querySelector("button.accept");
      const no = row.querySelector("button.reject");
      if (yes) { yes.setAttribute("aria-pressed", s === "accept" ? "true" : "false"); }
      if (no) { no.setAttribute("aria-pressed", s === "reject" ? "true" : "false"); }
      const tag = row.querySelector(".reason-tag");
      tag.textContent = s === "open" ? "" : (s === "accept" ? "redacted" : "kept") +
        (p.reason_code ? " · " + (reasonLabels[p.reason_code] || p.reason_code) : "");
    }
  });
  const parts = [];
  if (open) { parts.push(open + " open"); }
  if (accepted) { parts.push(accepted + " accepted"); }
  if (rejected) { parts.push(rejected + " rejected"); }
  item.querySelector(".entity-state").textContent = parts.join(", ");
  item.classList.toggle("done", open === 0);
}

// The counts line; ``serverOpen`` (the server's count of open proposals) wins when given.
export function updateCounts(serverOpen) {
  let open = 0;
  let accepted = 0;
  let rejected = 0;
  state.proposals.forEach(function (p) {
    const s = stateOf(p);
    if (s === "open") { open += 1; } else if (s === "accept") { accepted += 1; } else { rejected += 1; }
  });
  if (typeof serverOpen === "number") { open = serverOpen; }
  countsBox.textContent = open + " open of " + state.proposals.length + " proposals · " + accepted +
    " accepted · " + rejected + " rejected";
  countsBox.classList.toggle("all-done", open === 0);
}

// Accept (with the chosen reason code) or reject (``not_identifying``) some proposals; resolves to
// whether the decision was saved.
export function decide(items, decision) {
  if (!canDecide || !items.length) { return Promise.resolve(false); }
  const reason = decision === "accept" ? chosenReason() : REJECT_REASON;
  if (!reason) { return Promise.resolve(false); }
  const body = { decisions: items.map(function (p) {
    return { proposal_id: p.id, decision: decision, reason_code: reason };
  }) };
  return api("POST", url("decisions"), body).then(function (result) {
    const pages = {};
    const touched = {};
    items.forEach(function (p) {
      p.decision = decision;
      p.reason_code = reason;
      if (p.page !== null && p.page !== undefined) { pages[p.page] = true; }
      touched[state.groupOf[p.id].key] = state.groupOf[p.id];
    });
    refreshBoxStates(items.map(function (p) { return p.id; }));
    showContext(state.proposals[state.selected]);
    Object.keys(touched).forEach(function (key) { refreshGroup(touched[key]); });
    refreshPreviews(Object.keys(pages).map(Number));
    updateCounts(result.open_proposals);
    if (result.status) { setStatus(result.status); }
    const verb = decision === "accept" ? "Accepted" : "Rejected";
    say(verb + " " + items.length + (items.length === 1 ? " proposal." : " proposals."), "ok");
    return true;
  }).catch(function (error) {
    failed("The decision was not saved")(error);
    return false;
  });
}
