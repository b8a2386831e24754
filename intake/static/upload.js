// Upload with a progress bar (XMLHttpRequest exposes upload progress; fetch does not). Problems with the
// register come back as JSON with the id of each field: they are shown in the error summary and beside
// their fields, and nothing typed (nor the chosen file) is lost.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var bar = document.getElementById("upload-progress");
  var message = document.getElementById("upload-message");
  var summary = document.getElementById("error-summary");
  var list = document.getElementById("error-summary-list");

  function clearErrors() {
    form.querySelectorAll(".field-error").forEach(function (el) { el.parentNode.removeChild(el); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      var rest = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (rest.length) { el.setAttribute("aria-describedby", rest.join(" ")); } else { el.removeAttribute("aria-describedby"); }
    });
    if (summary) { summary.hidden = true; list.textContent = ""; }
  }

  function showErrors(errors) {
    clearErrors();
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + error.field;
      link.textContent = error.message;
      item.appendChild(link);
      list.appendChild(item);
      var field = document.getElementById(error.field);
      if (field && !document.getElementById(error.field + "-error")) {
        var note = document.createElement("p");
        note.className = "field-error";
        note.id = error.field + "-error";
        note.textContent = error.message;
        field.parentNode.insertBefore(note, field);
        field.setAttribute("aria-invalid", "true");
        var described = (field.getAttribute("aria-describedby") || "").trim();
        field.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
      }
    });
    document.title = "Error: " + document.title.replace(/^Error: /, "");
    summary.hidden = false;
    summary.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.pathname);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("X-CSRFToken", form.elements["csrf_token"].value);
    bar.hidden = false;
    bar.value = 0;
    message.textContent = "Uploading…";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 100); }
    });
    xhr.addEventListener("load", function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (ignored) { body = {}; }
      if (xhr.status === 202 && body.url) {
        message.textContent = "Received. Opening the submission…";
        window.location.assign(body.url);
      } else if (body.errors && body.errors.length && summary) {
        bar.hidden = true;
        message.textContent = "Nothing was uploaded: correct the problems listed at the top of the page.";
        showErrors(body.errors);
      } else {
        bar.hidden = true;
        message.textContent = body.message || ("Upload failed (" + xhr.status + ")");
      }
    });
    xhr.addEventListener("error", function () {
      bar.hidden = true;
      message.textContent = "The upload could not be sent. Check your connection and try again.";
    });
    xhr.send(new FormData(form));
  });
}());
