// The review screen's entry point (loaded as <script type="module">, so it runs once the page is parsed).
// The screen: page images with every proposed redaction drawn over them, a list grouped by entity,
// decisions (accept / reject, one or all mentions), manual redactions (a box drawn on a page, every
// occurrence of a text), a live preview, and the four-eyes buttons. It talks to /api/v1 (see
// docs/review-api.md) with the session cookie and the page's CSRF token. No inline script, no CDN.
//
// The modules, each importing only those listed before it:
//   state.js      what the page passes in (#review's data attributes) and the shared state
//   dom.js        DOM helpers and the message line
//   api.js        fetch for the JSON API (CSRF header, errors with the server's message)
//   reasons.js    reason codes: labels, the chosen one, the rejection's
//   pages.js      page images, proposal boxes, the live preview
//   selection.js  the selected proposal, on its page, in the list and in its sentence
//   workflow.js   the status, "Mark review complete", "Approve for publication"
//   mentions.js   the list by entity, accept / reject, the legend and the counts
//   proposals.js  sorting and grouping the proposals, reloading them
//   manual.js     saving manual redactions; the "redact every occurrence" form
//   drawing.js    drawing a box on a page
//   shortcuts.js  the single-key shortcuts

import { root, url, canDecide, state } from "./state.js";
import { failed } from "./dom.js";
import { api, apiReady } from "./api.js";
import { buildPages, initPreview } from "./pages.js";
import { markSelected, initBoxClicks } from "./selection.js";
import { setStatus, initWorkflow } from "./workflow.js";
import { setProposals } from "./proposals.js";
import { initOccurrenceForm } from "./manual.js";
import { enableDrawing } from "./drawing.js";
import { initShortcuts } from "./shortcuts.js";

function load() {
  // A plain-text draft has no page images (409): its proposals are still reviewed from the list.
  // Page sizes come from the worker's page images: 202 (polled) until it has rendered them.
  const pages = apiReady(url("pages")).then(function (data) { return data.pages || []; }, function (error) {
    if (error.status === 409) { return error; }
    throw error;
  });
  Promise.all([pages, api("GET", url("proposals"))]).then(function (results) {
    const loading = document.getElementById("pages-loading");
    if (results[0] instanceof Error) {
      loading.textContent = "No page images: " + results[0].message + ". Decide on the proposals in the list.";
    } else {
      loading.remove();
      buildPages(results[0], canDecide ? enableDrawing : null);
    }
    setProposals(results[1].proposals || []);
    if (state.proposals.length && state.selected < 0) { state.selected = 0; markSelected(false); }
  }).catch(function (error) {
    document.getElementById("pages-loading").textContent = "";
    document.getElementById("counts").textContent = "";
    failed("The draft could not be loaded")(error);
  });
}

if (root) {
  initShortcuts();
  if (!canDecide) { initBoxClicks(); }  // reviewers' clicks go through the drawing handler (pointer capture)
  initOccurrenceForm();
  initPreview();
  initWorkflow();
  setStatus(state.status);
  load();
}
