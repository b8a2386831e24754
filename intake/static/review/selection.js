// The selected proposal: highlighted on its page and in the list (aria-current), and shown in its
// sentence in #current. ``state.selected`` is an index into ``state.proposals``.

import { state, human, pageLabel, stateOf } from "./state.js";
import { el, cssEscape } from "./dom.js";

const pagesBox = document.getElementById("pages");
const listBox = document.getElementById("entities");

export function select(index, scroll) {
  if (index < 0 || index >= state.proposals.length) { return; }
  state.selected = index;
  markSelected(scroll);
}

export function markSelected(scroll) {
  Array.prototype.forEach.call(document.querySelectorAll(".selected"), function (node) {
    node.classList.remove("selected");
    node.removeAttribute("aria-current");
  });
  const p = state.proposals[state.selected];
  showContext(p);
  if (!p) { return; }
  const boxes = pagesBox.querySelectorAll('.box[data-id="' + cssEscape(p.id) + '"]');
  Array.prototype.forEach.call(boxes, function (box) { box.classList.add("selected"); });
  const row = listBox.querySelector('.mention[data-id="' + cssEscape(p.id) + '"]');
  if (row) {
    row.classList.add("selected");
    row.setAttribute("aria-current", "true");
    const mentions = row.parentNode;
    if (mentions.hidden) {
      mentions.hidden = false;
      const toggle = listBox.querySelector('[aria-controls="' + mentions.id + '"]');
      if (toggle) { toggle.setAttribute("aria-expanded", "true"); }
    }
  }
  if (scroll) {
    if (boxes.length) { boxes[0].scrollIntoView({ block: "center", inline: "nearest" }); }
    if (row) { row.scrollIntoView({ block: "nearest" }); }
  }
}

// The selected proposal in its sentence: the engine marks the finding with [brackets] in ``context``.
export function showContext(p) {
  const box = document.getElementById("current");
  box.textContent = "";
  if (!p) { box.hidden = true; return; }
  box.hidden = false;
  box.appendChild(el("span", "current-where", pageLabel(p) + " · " + human(p.category) + " · " + stateOf(p)));
  const context = String(p.context || p.text || "").replace(/\s+/g, " ");
  const open = context.indexOf("[");
  const close = context.indexOf("]", open + 1);
  const line = el("span", "current-context");
  if (open >= 0 && close > open) {
    line.appendChild(document.createTextNode("…" + context.slice(0, open)));
    line.appendChild(el("mark", null, context.slice(open + 1, close)));
    line.appendChild(document.createTextNode(context.slice(close + 1) + "…"));
  } else {
    line.textContent = context;
  }
  box.appendChild(line);
}

// The next undecided proposal after ``from`` (or simply the next one when none is left).
export function nextOpen(from) {
  for (let i = from + 1; i < state.proposals.length; i += 1) {
    if (stateOf(state.proposals[i]) === "open") { return i; }
  }
  return Math.min(from + 1, state.proposals.length - 1);
}

// The proposal index of the box an event happened on, or -1.
export function boxIndex(target) {
  const box = target && target.closest ? target.closest(".box") : null;
  return box ? Number(box.getAttribute("data-index")) : -1;
}

// A click on a box selects it. Reviewers who decide get this from the drawing handler instead
// (it captures the pointer), so this is only for those who may not decide.
export function initBoxClicks() {
  pagesBox.addEventListener("click", function (event) { select(boxIndex(event.target), false); });
}
