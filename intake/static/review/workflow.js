// The submission's status and the four-eyes steps: "Mark review complete" (reviewer), "Approve for
// publication" (a different person, the approver), then watching the final PDF being rendered.

import { root, url, canApprove, state, decidable, hasFinal } from "./state.js";
import { say, failed } from "./dom.js";
import { api } from "./api.js";

const STAGE = {
  completed: "Review complete. Waiting for approval by a different person with the approver role.",
  approving: "Approved: the final PDF is being rendered and verified.",
  approved: "Approved for publication.",
  published: "Published."
};

const completeButton = document.getElementById("complete");
const approveButton = document.getElementById("approve");
const occurrenceForm = document.getElementById("occurrence-form");

export function setStatus(status) {
  state.status = status;
  const badge = document.getElementById("status");
  badge.textContent = String(status).replace(/_/g, " ");
  badge.className = "status status-" + status;
  document.getElementById("final-link").hidden = !hasFinal();
  // Decisions are open only while the review is; the server enforces the same (409).
  root.classList.toggle("locked", !decidable());
  const stage = document.getElementById("stage");
  stage.textContent = STAGE[status] || "";
  stage.hidden = !STAGE[status];
  if (completeButton) { completeButton.disabled = !decidable(); }
  if (approveButton) { approveButton.disabled = status !== "completed"; }
  if (occurrenceForm) {
    Array.prototype.forEach.call(occurrenceForm.elements, function (e) { e.disabled = !decidable(); });
  }
}

function complete() {
  completeButton.disabled = true;
  api("POST", url("complete"), {}).then(function (result) {
    setStatus(result.status || "completed");
    say("Review marked complete. A different person with the approver role must now approve it.", "ok");
  }).catch(function (error) {
    if (error.status === 409) {
      say("Not yet complete: " + error.message.replace(/\.$/, "") + ". Decide every open proposal first.", "bad");
    } else {
      failed("The review could not be marked complete")(error);
    }
  }).then(function () { completeButton.disabled = !decidable(); });
}

function approve() {
  approveButton.disabled = true;
  api("POST", url("approve"), {}).then(function (result) {
    setStatus(result.status || "approving");
    say("Approved. The final PDF is being rendered and verified…", "info");
    watchApproval(0);
  }).catch(function (error) {
    approveButton.disabled = state.status !== "completed";
    if (error.status === 403) {
      say("You cannot approve this submission: " + error.message, "bad");
    } else if (error.status === 409) {
      say("Not ready for approval: " + error.message, "bad");
    } else {
      failed("The approval was not recorded")(error);
    }
  });
}

function watchApproval(tries) {
  api("GET", url("submission")).then(function (detail) {
    setStatus(detail.status);
    // The handover may already have published it by the time we look: the final exists either way.
    if (detail.status === "approved" || detail.status === "published") {
      say("Approved. The final, verified PDF is ready to download.", "ok");
    } else if (detail.status === "approving" && tries < 400) {
      window.setTimeout(function () { watchApproval(tries + 1); }, 1500);
    } else {
      const why = detail.review_note || detail.failure_reason || "status is now " + detail.status;
      say("The final PDF was not produced: " + String(why).replace(/\.$/, "") +
        ". The submission is back with the reviewer.", "bad");
    }
  }).catch(function () {
    window.setTimeout(function () { watchApproval(tries + 1); }, 5000);
  });
}

export function initWorkflow() {
  if (completeButton) { completeButton.addEventListener("click", complete); }
  if (approveButton && canApprove) { approveButton.addEventListener("click", approve); }
}
