// Drawing a box on a page to redact it (reviewers who may decide). A press without a drag is a click:
// on a proposal's box it selects that proposal, because the frame captures the pointer.

import { decidable } from "./state.js";
import { el } from "./dom.js";
import { chosenReason } from "./reasons.js";
import { select, boxIndex } from "./selection.js";
import { addManual } from "./manual.js";

const MIN_BOX_POINTS = 3;

export function enableDrawing(page) {
  const frame = page.frame;
  frame.classList.add("drawable");
  let start = null;
  let rubber = null;
  function point(event) {
    const rect = frame.getBoundingClientRect();
    const x = Math.max(0, Math.min(rect.width, event.clientX - rect.left));
    const y = Math.max(0, Math.min(rect.height, event.clientY - rect.top));
    return { x: x, y: y, w: rect.width, h: rect.height };
  }
  let startBox = -1;
  frame.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || !decidable()) { return; }
    start = point(event);
    startBox = boxIndex(event.target);
    rubber = el("div", "rubber");
    frame.appendChild(rubber);
    frame.setPointerCapture(event.pointerId);
    event.preventDefault();
  });
  frame.addEventListener("pointermove", function (event) {
    if (!start) { return; }
    const now = point(event);
    rubber.style.left = Math.min(start.x, now.x) + "px";
    rubber.style.top = Math.min(start.y, now.y) + "px";
    rubber.style.width = Math.abs(now.x - start.x) + "px";
    rubber.style.height = Math.abs(now.y - start.y) + "px";
  });
  function finish(event, cancelled) {
    if (!start) { return; }
    const now = point(event);
    const from = start;
    start = null;
    rubber.remove();
    rubber = null;
    const scale = page.width / now.w;
    let rect = [Math.min(from.x, now.x) * scale, Math.min(from.y, now.y) * scale,
      Math.max(from.x, now.x) * scale, Math.max(from.y, now.y) * scale];
    const big = rect[2] - rect[0] >= MIN_BOX_POINTS && rect[3] - rect[1] >= MIN_BOX_POINTS;
    if (!cancelled && !big && startBox >= 0) { select(startBox, false); }  // a click on a box
    if (cancelled || !big) { return; }
    const reason = chosenReason();
    if (!reason) { return; }
    rect = rect.map(function (v) { return Math.round(v * 10) / 10; });
    addManual([{ page: page.number, rect: rect, reason_code: reason }], function () {
      return "Box redaction added on page " + (page.number + 1) + ".";
    });
  }
  frame.addEventListener("pointerup", function (event) { finish(event, false); });
  frame.addEventListener("pointercancel", function (event) { finish(event, true); });
}
