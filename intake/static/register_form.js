// The family register form: "Add another ..." adds a row in the page (without JavaScript the same button
// sends the form back with one more row), each row gets a "Remove" button, and the links of the error
// summary move the focus to their field. Everything typed stays where it is: rows are added and removed,
// never re-drawn.
(function () {
  "use strict";
  var NOUNS = { people: "person", addresses: "address", details: "detail", public_names: "public name" };
  var announce = document.getElementById("register-announce");

  function say(text) {
    if (announce) { announce.textContent = text; }
  }

  function rowsOf(container) {
    return Array.prototype.slice.call(container.querySelectorAll(":scope > [data-row]"));
  }

  // Field names and ids carry the row number ("people-3-name"): keep them in order after a change.
  function renumber(container) {
    var kind = container.getAttribute("data-rows");
    var pattern = new RegExp("(^|\\s)" + kind + "-\\d+-", "g");
    rowsOf(container).forEach(function (row, i) {
      row.querySelectorAll("[id], [name], [for], [aria-describedby]").forEach(function (el) {
        ["id", "name", "for", "aria-describedby"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(pattern, "$1" + kind + "-" + i + "-")); }
        });
      });
      row.querySelectorAll("[data-n]").forEach(function (el) { el.textContent = String(i + 1); });
      var remove = row.querySelector("[data-remove]");
      if (remove) { remove.textContent = "Remove " + NOUNS[kind] + " " + (i + 1); }
    });
  }

  function clear(row) {
    row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
    row.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
    row.querySelectorAll(".field-error").forEach(function (el) { el.parentNode.removeChild(el); });
    row.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      var rest = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (rest.length) { el.setAttribute("aria-describedby", rest.join(" ")); } else { el.removeAttribute("aria-describedby"); }
    });
  }

  function addRemoveButton(container, row) {
    if (row.querySelector("[data-remove]")) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.setAttribute("data-remove", "");
    button.addEventListener("click", function () {
      var kind = container.getAttribute("data-rows");
      var rows = rowsOf(container);
      var at = rows.indexOf(row);
      if (rows.length > 1) {
        container.removeChild(row);
      } else {
        clear(row);
      }
      renumber(container);
      var left = rowsOf(container);
      var focus = left[Math.min(at, left.length - 1)];
      var first = focus && focus.querySelector("input, select, textarea");
      if (first) { first.focus(); }
      say(NOUNS[kind].charAt(0).toUpperCase() + NOUNS[kind].slice(1) + " " + (at + 1) + " removed.");
    });
    row.appendChild(button);
  }

  document.querySelectorAll("[data-rows]").forEach(function (container) {
    rowsOf(container).forEach(function (row) { addRemoveButton(container, row); });
    renumber(container);
  });

  document.querySelectorAll("[data-add]").forEach(function (button) {
    var kind = button.getAttribute("data-add");
    var container = document.querySelector('[data-rows="' + kind + '"]');
    if (!container) { return; }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var rows = rowsOf(container);
      var row = rows[rows.length - 1].cloneNode(true);
      var old = row.querySelector("[data-remove]");
      if (old) { old.parentNode.removeChild(old); }
      clear(row);
      container.appendChild(row);
      addRemoveButton(container, row);
      renumber(container);
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
      say(NOUNS[kind].charAt(0).toUpperCase() + NOUNS[kind].slice(1) + " " + rowsOf(container).length + " added.");
    });
  });

  // GOV.UK pattern: a link in the error summary puts the focus in its field, not just the page at it.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    });
    if (!summary.hidden) { summary.focus(); }
  }
}());
