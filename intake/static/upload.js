// Upload with a progress bar (XMLHttpRequest exposes upload progress; fetch does not).
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var bar = document.getElementById("upload-progress");
  var message = document.getElementById("upload-message");
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
