// Manual redactions: saving them (a box drawn on a page, see drawing.js, or every occurrence of a
// text) and the "Redact every occurrence of this text" form.

import { url, state } from "./state.js";
import { say, failed } from "./dom.js";
import { api, task } from "./api.js";
import { chosenReason } from "./reasons.js";
import { refreshPreviews } from "./pages.js";
import { updateCounts } from "./mentions.js";
import { reloadProposals } from "./proposals.js";
import { setStatus } from "./workflow.js";

// Save ``entries`` (``{page, rect, reason_code}`` or ``{text, reason_code}``), reload the proposals
// they became, and say ``done(result)``. The worker locates them (a queued task the page polls).
export function addManual(entries, done) {
  say("Locating the redaction in the draft\u2026", "info");
  return api("POST", url("decisions"), { decisions: [], manual: entries }).then(task).then(function (result) {
    const pages = entries.map(function (e) { return e.page; }).filter(function (n) { return n !== undefined; });
    return reloadProposals().then(function () {
      refreshPreviews(pages.length ? pages : state.pages.map(function (p) { return p.number; }));
      updateCounts(result.open_proposals);
      if (result.status) { setStatus(result.status); }
      say(done(result), "ok");
    });
  }).catch(failed("The manual redaction was not saved"));
}

export function initOccurrenceForm() {
  const form = document.getElementById("occurrence-form");
  if (!form) { return; }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const field = document.getElementById("occurrence");
    const text = field.value.trim();
    if (text.length < 2) { say("Type at least two characters to redact.", "bad"); return; }
    const reason = chosenReason();
    if (!reason) { return; }
    addManual([{ text: text, reason_code: reason }], function (result) {
      const n = (result.manual_ids || []).length;
      field.value = "";  // the text is personal data: do not leave it sitting in the form
      return n ? "Redacted " + n + (n === 1 ? " occurrence." : " occurrences.")
        : "That text does not occur in the draft; nothing was added.";
    });
  });
}
