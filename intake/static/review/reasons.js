// Reason codes: their labels (from the page's <template id="reason-labels">), the one chosen in the
// select for accepted and manual redactions, and the one every rejection records.

import { say } from "./dom.js";

export const REJECT_REASON = "not_identifying";

const reasonSelect = document.getElementById("reason");

export const reasonLabels = {};
const labelTemplate = document.getElementById("reason-labels");
if (labelTemplate) {
  Array.prototype.forEach.call(labelTemplate.content.querySelectorAll("[data-code]"), function (node) {
    reasonLabels[node.getAttribute("data-code")] = node.textContent;
  });
}

export function chosenReason() {
  const code = reasonSelect ? reasonSelect.value : "";
  if (!code) {
    say("Choose a reason code first (the select above the pages); it is recorded with each redaction.", "bad");
    if (reasonSelect) { reasonSelect.focus(); }
  }
  return code;
}
