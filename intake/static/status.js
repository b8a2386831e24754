// Polls a submission's status so "page N of M" moves without reloading the page.
(function () {
  "use strict";
  var box = document.getElementById("submission");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var finished = { proposed: true, approved: true, published: true, failed: true };
  function update(data) {
    var status = document.getElementById("status");
    status.textContent = data.status;
    status.className = "status status-" + data.status;
    var bar = document.getElementById("progress");
    bar.max = data.progress.total || 1;
    bar.value = data.progress.page;
    document.getElementById("progress-text").textContent =
      data.progress.total ? "page " + data.progress.page + " of " + data.progress.total : "";
    if (data.proposal_count !== null) {
      document.getElementById("proposal-count").textContent = data.proposal_count;
    }
    var failure = document.getElementById("failure");
    failure.hidden = !data.failure_reason;
    failure.textContent = data.failure_reason || "";
    var preview = document.getElementById("preview-link");
    if (preview) { preview.hidden = data.status !== "proposed"; }
    return finished[data.status] === true;
  }
  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) { if (!update(data)) { window.setTimeout(poll, 1500); } })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (!finished[document.getElementById("status").textContent.trim()]) { poll(); }
}());
