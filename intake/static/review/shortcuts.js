// Single-key shortcuts: j / k move through the proposals, a / r accept / reject the selected one and
// move on to the next open one. They can be switched off (WCAG 2.1.4): speech input and some screen
// readers type letters.

import { canDecide, state, decidable } from "./state.js";
import { select, nextOpen } from "./selection.js";
import { decide } from "./mentions.js";

export function initShortcuts() {
  const shortcutsToggle = document.getElementById("shortcuts-toggle");
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !shortcutsToggle.checked) { return; }
    const target = event.target;
    const tag = target && target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable)) {
      return;
    }
    const key = event.key;
    if (key === "j") {
      select(Math.min(state.selected + 1, state.proposals.length - 1), true);
    } else if (key === "k") {
      select(Math.max(state.selected - 1, 0), true);
    } else if ((key === "a" || key === "r") && canDecide && decidable() && state.selected >= 0) {
      const p = state.proposals[state.selected];
      decide([p], key === "a" ? "accept" : "reject").then(function (ok) {
        if (ok) { select(nextOpen(state.selected), true); }
      });
    } else {
      return;
    }
    event.preventDefault();
  });
}
