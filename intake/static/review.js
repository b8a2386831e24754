// The review screen: page images with every proposed redaction drawn over them, a list grouped by
// entity, decisions (accept / reject, one or all mentions), manual redactions (a box drawn on a page,
// every occurrence of a text), a live preview, and the four-eyes buttons. Talks to /api/v1 (see
// docs/review-api.md) with the session cookie and the page's CSRF token. No inline script, no CDN.
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root) { return; }

  var url = function (name) { return root.getAttribute("data-url-" + name); };
  var canDecide = root.getAttribute("data-can-decide") === "true";
  var canApprove = root.getAttribute("data-can-approve") === "true";
  var csrf = root.getAttribute("data-csrf");
  var pagesBox = document.getElementById("pages");
  var listBox = document.getElementById("entities");
  var legendBox = document.getElementById("legend");
  var countsBox = document.getElementById("counts");
  var messageBox = document.getElementById("message");
  var reasonSelect = document.getElementById("reason");
  var previewToggle = document.getElementById("preview-toggle");

  // Fixed colours for the common categories, the rest take the next free one (CSS classes c0..c11).
  var KNOWN = ["PERSON", "NICKNAME", "ADDRESS", "POSTCODE", "DATE_OF_BIRTH", "SCHOOL", "HEALTH_FACILITY",
    "PHONE", "EMAIL", "CASE_REFERENCE", "MANUAL_BOX", "MANUAL", "NHS_NUMBER", "NI_NUMBER", "IMAGE_TEXT",
    "HIDDEN_TEXT"];
  var PALETTE_SIZE = 18;
  var REJECT_REASON = "not_identifying";
  var MIN_BOX_POINTS = 3;

  var state = {
    pages: [],          // [{number, width, height, frame, img, overlay, version}]
    proposals: [],      // sorted in reading order
    byId: {},
    groups: [],         // [{key, name, category, items: [proposal]}]
    groupOf: {},        // proposal id -> group
    colours: {},        // category -> class
    selected: -1,
    status: root.getAttribute("data-status")
  };

  var reasonLabels = {};
  var labelTemplate = document.getElementById("reason-labels");
  if (labelTemplate) {
    Array.prototype.forEach.call(labelTemplate.content.querySelectorAll("[data-code]"), function (el) {
      reasonLabels[el.getAttribute("data-code")] = el.textContent;
    });
  }

  // -- plumbing -----------------------------------------------------------------------------------
  function api(method, target, body) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf }
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    busy(1);
    return fetch(target, options).then(function (response) {
      return response.text().then(function (text) {
        var data = {};
        try { data = text ? JSON.parse(text) : {}; } catch (ignored) { data = {}; }
        if (!response.ok) {
          var error = new Error(data.message || ("the server answered " + response.status));
          error.status = response.status;
          error.code = data.error;
          throw error;
        }
        return data;
      });
    }).then(function (data) { busy(-1); return data; }, function (error) { busy(-1); throw error; });
  }

  var pending = 0;
  function busy(delta) {  // aria-busy while requests are in flight (assistive technology and tests wait on it)
    pending += delta;
    if (pending > 0) { root.setAttribute("aria-busy", "true"); } else { root.removeAttribute("aria-busy"); }
  }

  function say(text, kind) {
    messageBox.textContent = text;
    messageBox.className = "review-message " + (kind || "info");
    messageBox.hidden = !text;
  }

  function failed(prefix) {
    return function (error) {
      var text = error && error.message ? error.message : "something went wrong";
      if (error && error.status === 403) { text = "Not allowed: " + text; }
      if (error && error.status === 401) { text = "your session has ended; log in again (your saved decisions are kept)"; }
      say(prefix + ": " + text, "bad");
    };
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function colourOf(category) {
    if (!state.colours[category]) {
      var index = KNOWN.indexOf(category);
      if (index < 0) {  // the rarer categories share the last colours
        var others = Object.keys(state.colours).filter(function (c) { return KNOWN.indexOf(c) < 0; }).length;
        index = KNOWN.length + (others % (PALETTE_SIZE - KNOWN.length));
      }
      state.colours[category] = "c" + (index % PALETTE_SIZE);
    }
    return state.colours[category];
  }

  function human(category) {
    return String(category || "").replace(/_/g, " ").toLowerCase();
  }

  function pageLabel(p) {
    if (p.page === null || p.page === undefined) { return p.channel || "document"; }
    return "p. " + (p.page + 1);
  }

  function stateOf(p) {
    return p.decision === "accept" ? "accept" : (p.decision === "reject" ? "reject" : "open");
  }

  // -- loading ------------------------------------------------------------------------------------
  function load() {
    // A plain-text draft has no page images (409): its proposals are still reviewed from the list.
    var pages = api("GET", url("pages")).then(function (data) { return data.pages || []; }, function (error) {
      if (error.status === 409) { return error; }
      throw error;
    });
    Promise.all([pages, api("GET", url("proposals"))]).then(function (results) {
      var loading = document.getElementById("pages-loading");
      if (results[0] instanceof Error) {
        loading.textContent = "No page images: " + results[0].message + ". Decide on the proposals in the list.";
      } else {
        loading.remove();
        buildPages(results[0]);
      }
      setProposals(results[1].proposals || []);
      if (state.proposals.length && state.selected < 0) { state.selected = 0; markSelected(false); }
    }).catch(function (error) {
      document.getElementById("pages-loading").textContent = "";
      countsBox.textContent = "";
      failed("The draft could not be loaded")(error);
    });
  }

  function reloadProposals() {
    var keep = state.selected >= 0 ? state.proposals[state.selected].id : null;
    return api("GET", url("proposals")).then(function (data) {
      setProposals(data.proposals || []);
      var index = keep ? indexOf(keep) : -1;
      state.selected = index >= 0 ? index : Math.min(state.selected, state.proposals.length - 1);
      markSelected(false);
    });
  }

  function indexOf(id) {
    for (var i = 0; i < state.proposals.length; i += 1) {
      if (state.proposals[i].id === id) { return i; }
    }
    return -1;
  }

  function readingOrder(a, b) {
    var pa = a.page === null || a.page === undefined ? 1e9 : a.page;
    var pb = b.page === null || b.page === undefined ? 1e9 : b.page;
    if (pa !== pb) { return pa - pb; }
    var ra = a.rects && a.rects[0] ? a.rects[0] : [0, 0, 0, 0];
    var rb = b.rects && b.rects[0] ? b.rects[0] : [0, 0, 0, 0];
    if (Math.abs(ra[1] - rb[1]) > 2) { return ra[1] - rb[1]; }
    return ra[0] - rb[0];
  }

  // -- pages and boxes ----------------------------------------------------------------------------
  function imageUrl(page) {
    var dpr = window.devicePixelRatio || 1;
    var width = page.frame.clientWidth || pagesBox.clientWidth || 800;
    var dpi = Math.round((72 * width * dpr) / page.width);
    dpi = Math.max(72, Math.min(200, dpi));
    var target = url("pages") + "/" + page.number + ".png?dpi=" + dpi;
    if (previewToggle.checked) { target += "&preview=1&v=" + page.version; }
    return target;
  }

  function buildPages(sizes) {
    var total = sizes.length;
    sizes.forEach(function (size) {
      var figure = el("figure", "page");
      figure.setAttribute("data-page", size.number);
      var frame = el("div", "page-frame");
      frame.style.aspectRatio = size.width + " / " + size.height;
      var img = el("img");
      img.alt = "Page " + (size.number + 1) + " of " + total;
      img.loading = size.number < 2 ? "eager" : "lazy";
      img.decoding = "async";
      img.draggable = false;
      var overlay = el("div", "overlay");
      overlay.setAttribute("aria-hidden", "true");
      frame.appendChild(img);
      frame.appendChild(overlay);
      figure.appendChild(frame);
      figure.appendChild(el("figcaption", null, "Page " + (size.number + 1) + " of " + total));
      pagesBox.appendChild(figure);
      var page = { number: size.number, width: size.width, height: size.height, frame: frame, img: img,
        overlay: overlay, version: 0 };
      state.pages[size.number] = page;
      if (canDecide) { enableDrawing(page); }
    });
    state.pages.forEach(function (page) { if (page) { page.img.src = imageUrl(page); } });
  }

  function drawBoxes() {
    state.pages.forEach(function (page) { if (page) { page.overlay.textContent = ""; } });
    state.proposals.forEach(function (p, index) {
      var page = state.pages[p.page];
      if (!page || !p.rects) { return; }
      p.rects.forEach(function (r) {
        var box = el("div", "box " + colourOf(p.category) + " " + stateOf(p));
        box.setAttribute("data-id", p.id);
        box.setAttribute("data-index", index);
        box.title = human(p.category) + ": " + p.text + " (" + stateOf(p) + ")";
        box.style.left = (100 * r[0] / page.width) + "%";
        box.style.top = (100 * r[1] / page.height) + "%";
        box.style.width = (100 * (r[2] - r[0]) / page.width) + "%";
        box.style.height = (100 * (r[3] - r[1]) / page.height) + "%";
        page.overlay.appendChild(box);
      });
    });
  }

  function refreshBoxStates(ids) {
    ids.forEach(function (id) {
      var p = state.byId[id];
      if (!p) { return; }
      Array.prototype.forEach.call(pagesBox.querySelectorAll('.box[data-id="' + id + '"]'), function (box) {
        box.classList.remove("open", "accept", "reject");
        box.classList.add(stateOf(p));
        box.title = human(p.category) + ": " + p.text + " (" + stateOf(p) + ")";
      });
    });
  }

  function refreshPreviews(pageNumbers) {
    pageNumbers.forEach(function (n) {
      var page = state.pages[n];
      if (!page) { return; }
      page.version += 1;
      if (previewToggle.checked) { page.img.src = imageUrl(page); }
    });
  }

  // -- the side list ------------------------------------------------------------------------------
  function setProposals(items) {
    state.proposals = items.slice().sort(readingOrder);
    state.byId = {};
    state.proposals.forEach(function (p) { state.byId[p.id] = p; });
    var groups = {};
    var order = [];
    state.proposals.forEach(function (p) {
      var key = p.source === "manual" ? "manual:" + (p.text ? p.text.toLowerCase() : "box:" + p.id)
        : (p.entity || (p.category + ":" + String(p.text).toLowerCase()));
      if (!groups[key]) {
        groups[key] = { key: key, category: p.category, items: [], names: {} };
        order.push(key);
      }
      groups[key].items.push(p);
      var name = p.text || (p.source === "manual" ? "Box on " + pageLabel(p) : "(no text)");
      groups[key].names[name] = (groups[key].names[name] || 0) + 1;
    });
    state.groups = order.map(function (key) {
      var g = groups[key];
      var names = Object.keys(g.names);
      // "person:isla hollins" names its entity; otherwise the text seen most often (longest on a tie).
      var named = key.indexOf(":") > 0 ? key.slice(key.indexOf(":") + 1) : "";
      var exact = names.filter(function (n) { return n.toLowerCase() === named; })[0];
      g.name = exact || names.sort(function (a, b) {
        return (g.names[b] - g.names[a]) || (b.length - a.length);
      })[0];
      return g;
    }).sort(function (a, b) { return (b.items.length - a.items.length) || a.name.localeCompare(b.name); });
    state.groupOf = {};
    state.groups.forEach(function (g) { g.items.forEach(function (p) { state.groupOf[p.id] = g; }); });
    drawBoxes();
    drawLegend();
    drawList();
    updateCounts();
  }

  function drawLegend() {
    legendBox.textContent = "";
    var seen = {};
    state.proposals.forEach(function (p) { seen[p.category] = (seen[p.category] || 0) + 1; });
    var heading = el("p", "legend-title", "Categories");
    legendBox.appendChild(heading);
    var list = el("ul", "legend-list");
    Object.keys(seen).sort().forEach(function (category) {
      var item = el("li");
      item.appendChild(el("span", "swatch " + colourOf(category)));
      item.appendChild(document.createTextNode(human(category) + " (" + seen[category] + ")"));
      list.appendChild(item);
    });
    legendBox.appendChild(list);
    var key = el("p", "legend-key");
    key.appendChild(el("span", "swatch sample open"));
    key.appendChild(document.createTextNode(" open "));
    key.appendChild(el("span", "swatch sample accept"));
    key.appendChild(document.createTextNode(" accepted (redacted) "));
    key.appendChild(el("span", "swatch sample reject"));
    key.appendChild(document.createTextNode(" rejected (kept)"));
    legendBox.appendChild(key);
  }

  function decisionButtons(labelAccept, labelReject, onAccept, onReject, compact) {
    var holder = el("span", "decide");
    var yes = el("button", "accept", compact ? "Accept" : "Accept all");
    yes.type = "button";
    yes.setAttribute("aria-label", labelAccept);
    yes.addEventListener("click", onAccept);
    var no = el("button", "reject", compact ? "Reject" : "Reject all");
    no.type = "button";
    no.setAttribute("aria-label", labelReject);
    no.addEventListener("click", onReject);
    holder.appendChild(yes);
    holder.appendChild(no);
    return holder;
  }

  function drawList() {
    listBox.textContent = "";
    document.getElementById("entity-count").textContent = "(" + state.groups.length + ")";
    state.groups.forEach(function (g, gi) {
      var item = el("li", "entity " + colourOf(g.category));
      item.setAttribute("data-key", g.key);
      var head = el("div", "entity-head");
      head.appendChild(el("span", "swatch " + colourOf(g.category)));
      var toggle = el("button", "entity-name");
      toggle.type = "button";
      var n = g.items.length;
      toggle.textContent = g.name + " — " + n + (n === 1 ? " mention" : " mentions");
      toggle.setAttribute("aria-expanded", "false");
      toggle.setAttribute("aria-controls", "mentions-" + gi);
      toggle.title = human(g.category);
      head.appendChild(toggle);
      var summary = el("span", "entity-state");
      head.appendChild(summary);
      if (canDecide) {
        head.appendChild(decisionButtons(
          "Accept all " + n + " mentions of " + g.name,
          "Reject all " + n + " mentions of " + g.name,
          function () { decide(g.items, "accept"); },
          function () { decide(g.items, "reject"); },
          false
        ));
      }
      item.appendChild(head);
      var mentions = el("ol", "mentions");
      mentions.id = "mentions-" + gi;
      mentions.hidden = true;
      g.items.forEach(function (p, mi) {
        var row = el("li", "mention " + stateOf(p));
        row.setAttribute("data-id", p.id);
        var go = el("button", "goto");
        go.type = "button";
        go.textContent = pageLabel(p) + " · " + (p.text || "box");
        go.setAttribute("aria-label", "Show mention " + (mi + 1) + " of " + g.name + ", " + pageLabel(p) +
          ", " + human(p.category));
        go.addEventListener("click", function () { select(indexOf(p.id), true); });
        row.appendChild(go);
        if (canDecide) {
          row.appendChild(decisionButtons(
            "Accept mention " + (mi + 1) + " of " + g.name,
            "Reject mention " + (mi + 1) + " of " + g.name,
            function () { decide([p], "accept"); },
            function () { decide([p], "reject"); },
            true
          ));
        }
        row.appendChild(el("span", "reason-tag"));
        mentions.appendChild(row);
      });
      item.appendChild(mentions);
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") === "true";
        toggle.setAttribute("aria-expanded", open ? "false" : "true");
        mentions.hidden = open;
      });
      listBox.appendChild(item);
      refreshGroup(g);
    });
  }

  function refreshGroup(g) {
    var item = listBox.querySelector('.entity[data-key="' + cssEscape(g.key) + '"]');
    if (!item) { return; }
    var open = 0;
    var accepted = 0;
    var rejected = 0;
    g.items.forEach(function (p) {
      var s = stateOf(p);
      if (s === "open") { open += 1; } else if (s === "accept") { accepted += 1; } else { rejected += 1; }
      var row = item.querySelector('.mention[data-id="' + cssEscape(p.id) + '"]');
      if (row) {
        row.classList.remove("open", "accept", "reject");
        row.classList.add(s);
        var yes = row.querySelector("button.accept");
        var no = row.querySelector("button.reject");
        if (yes) { yes.setAttribute("aria-pressed", s === "accept" ? "true" : "false"); }
        if (no) { no.setAttribute("aria-pressed", s === "reject" ? "true" : "false"); }
        var tag = row.querySelector(".reason-tag");
        tag.textContent = s === "open" ? "" : (s === "accept" ? "redacted" : "kept") +
          (p.reason_code ? " · " + (reasonLabels[p.reason_code] || p.reason_code) : "");
      }
    });
    var parts = [];
    if (open) { parts.push(open + " open"); }
    if (accepted) { parts.push(accepted + " accepted"); }
    if (rejected) { parts.push(rejected + " rejected"); }
    item.querySelector(".entity-state").textContent = parts.join(", ");
    item.classList.toggle("done", open === 0);
  }

  function cssEscape(value) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
  }

  function updateCounts(serverOpen) {
    var open = 0;
    var accepted = 0;
    var rejected = 0;
    state.proposals.forEach(function (p) {
      var s = stateOf(p);
      if (s === "open") { open += 1; } else if (s === "accept") { accepted += 1; } else { rejected += 1; }
    });
    if (typeof serverOpen === "number") { open = serverOpen; }
    countsBox.textContent = open + " open of " + state.proposals.length + " proposals · " + accepted +
      " accepted · " + rejected + " rejected";
    countsBox.classList.toggle("all-done", open === 0);
  }

  // -- selection and keyboard ---------------------------------------------------------------------
  function select(index, scroll) {
    if (index < 0 || index >= state.proposals.length) { return; }
    state.selected = index;
    markSelected(scroll);
  }

  function markSelected(scroll) {
    Array.prototype.forEach.call(document.querySelectorAll(".selected"), function (node) {
      node.classList.remove("selected");
      node.removeAttribute("aria-current");
    });
    var p = state.proposals[state.selected];
    showContext(p);
    if (!p) { return; }
    var boxes = pagesBox.querySelectorAll('.box[data-id="' + cssEscape(p.id) + '"]');
    Array.prototype.forEach.call(boxes, function (box) { box.classList.add("selected"); });
    var row = listBox.querySelector('.mention[data-id="' + cssEscape(p.id) + '"]');
    if (row) {
      row.classList.add("selected");
      row.setAttribute("aria-current", "true");
      var mentions = row.parentNode;
      if (mentions.hidden) {
        mentions.hidden = false;
        var toggle = listBox.querySelector('[aria-controls="' + mentions.id + '"]');
        if (toggle) { toggle.setAttribute("aria-expanded", "true"); }
      }
    }
    if (scroll) {
      if (boxes.length) { boxes[0].scrollIntoView({ block: "center", inline: "nearest" }); }
      if (row) { row.scrollIntoView({ block: "nearest" }); }
    }
  }

  // The selected proposal in its sentence: the engine marks the finding with [brackets] in ``context``.
  function showContext(p) {
    var box = document.getElementById("current");
    box.textContent = "";
    if (!p) { box.hidden = true; return; }
    box.hidden = false;
    box.appendChild(el("span", "current-where", pageLabel(p) + " · " + human(p.category) + " · " + stateOf(p)));
    var context = String(p.context || p.text || "").replace(/\s+/g, " ");
    var open = context.indexOf("[");
    var close = context.indexOf("]", open + 1);
    var line = el("span", "current-context");
    if (open >= 0 && close > open) {
      line.appendChild(document.createTextNode("…" + context.slice(0, open)));
      line.appendChild(el("mark", null, context.slice(open + 1, close)));
      line.appendChild(document.createTextNode(context.slice(close + 1) + "…"));
    } else {
      line.textContent = context;
    }
    box.appendChild(line);
  }

  // Single-key shortcuts can be switched off (WCAG 2.1.4): speech input and some screen readers type letters.
  var shortcutsToggle = document.getElementById("shortcuts-toggle");
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || !shortcutsToggle.checked) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA" || (target && target.isContentEditable)) {
      return;
    }
    var key = event.key;
    if (key === "j") {
      select(Math.min(state.selected + 1, state.proposals.length - 1), true);
    } else if (key === "k") {
      select(Math.max(state.selected - 1, 0), true);
    } else if ((key === "a" || key === "r") && canDecide && decidable() && state.selected >= 0) {
      var p = state.proposals[state.selected];
      decide([p], key === "a" ? "accept" : "reject").then(function (ok) {
        if (ok) { select(nextOpen(state.selected), true); }
      });
    } else {
      return;
    }
    event.preventDefault();
  });

  function nextOpen(from) {
    for (var i = from + 1; i < state.proposals.length; i += 1) {
      if (stateOf(state.proposals[i]) === "open") { return i; }
    }
    return Math.min(from + 1, state.proposals.length - 1);
  }

  function boxIndex(target) {
    var box = target && target.closest ? target.closest(".box") : null;
    return box ? Number(box.getAttribute("data-index")) : -1;
  }

  if (!canDecide) {  // reviewers' clicks go through the drawing handler (pointer capture)
    pagesBox.addEventListener("click", function (event) { select(boxIndex(event.target), false); });
  }

  // -- decisions ----------------------------------------------------------------------------------
  function chosenReason() {
    var code = reasonSelect ? reasonSelect.value : "";
    if (!code) {
      say("Choose a reason code first (the select above the pages); it is recorded with each redaction.", "bad");
      if (reasonSelect) { reasonSelect.focus(); }
    }
    return code;
  }

  function decide(items, decision) {
    if (!canDecide || !items.length) { return Promise.resolve(false); }
    var reason = decision === "accept" ? chosenReason() : REJECT_REASON;
    if (!reason) { return Promise.resolve(false); }
    var body = { decisions: items.map(function (p) {
      return { proposal_id: p.id, decision: decision, reason_code: reason };
    }) };
    return api("POST", url("decisions"), body).then(function (result) {
      var pages = {};
      var touched = {};
      items.forEach(function (p) {
        p.decision = decision;
        p.reason_code = reason;
        if (p.page !== null && p.page !== undefined) { pages[p.page] = true; }
        touched[state.groupOf[p.id].key] = state.groupOf[p.id];
      });
      refreshBoxStates(items.map(function (p) { return p.id; }));
      showContext(state.proposals[state.selected]);
      Object.keys(touched).forEach(function (key) { refreshGroup(touched[key]); });
      refreshPreviews(Object.keys(pages).map(Number));
      updateCounts(result.open_proposals);
      if (result.status) { setStatus(result.status); }
      var verb = decision === "accept" ? "Accepted" : "Rejected";
      say(verb + " " + items.length + (items.length === 1 ? " proposal." : " proposals."), "ok");
      return true;
    }).catch(function (error) {
      failed("The decision was not saved")(error);
      return false;
    });
  }

  function addManual(entries, done) {
    return api("POST", url("decisions"), { decisions: [], manual: entries }).then(function (result) {
      var pages = entries.map(function (e) { return e.page; }).filter(function (n) { return n !== undefined; });
      return reloadProposals().then(function () {
        refreshPreviews(pages.length ? pages : state.pages.map(function (p) { return p.number; }));
        updateCounts(result.open_proposals);
        if (result.status) { setStatus(result.status); }
        say(done(result), "ok");
      });
    }).catch(failed("The manual redaction was not saved"));
  }

  // -- drawing a box ------------------------------------------------------------------------------
  function enableDrawing(page) {
    var frame = page.frame;
    frame.classList.add("drawable");
    var start = null;
    var rubber = null;
    function point(event) {
      var rect = frame.getBoundingClientRect();
      var x = Math.max(0, Math.min(rect.width, event.clientX - rect.left));
      var y = Math.max(0, Math.min(rect.height, event.clientY - rect.top));
      return { x: x, y: y, w: rect.width, h: rect.height };
    }
    var startBox = -1;
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
      var now = point(event);
      rubber.style.left = Math.min(start.x, now.x) + "px";
      rubber.style.top = Math.min(start.y, now.y) + "px";
      rubber.style.width = Math.abs(now.x - start.x) + "px";
      rubber.style.height = Math.abs(now.y - start.y) + "px";
    });
    function finish(event, cancelled) {
      if (!start) { return; }
      var now = point(event);
      var from = start;
      start = null;
      rubber.remove();
      rubber = null;
      var scale = page.width / now.w;
      var rect = [Math.min(from.x, now.x) * scale, Math.min(from.y, now.y) * scale,
        Math.max(from.x, now.x) * scale, Math.max(from.y, now.y) * scale];
      var big = rect[2] - rect[0] >= MIN_BOX_POINTS && rect[3] - rect[1] >= MIN_BOX_POINTS;
      if (!cancelled && !big && startBox >= 0) { select(startBox, false); }  // a click on a box
      if (cancelled || !big) { return; }
      var reason = chosenReason();
      if (!reason) { return; }
      rect = rect.map(function (v) { return Math.round(v * 10) / 10; });
      addManual([{ page: page.number, rect: rect, reason_code: reason }], function () {
        return "Box redaction added on page " + (page.number + 1) + ".";
      });
    }
    frame.addEventListener("pointerup", function (event) { finish(event, false); });
    frame.addEventListener("pointercancel", function (event) { finish(event, true); });
  }

  // -- every occurrence of a text -----------------------------------------------------------------
  var occurrenceForm = document.getElementById("occurrence-form");
  if (occurrenceForm) {
    occurrenceForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var field = document.getElementById("occurrence");
      var text = field.value.trim();
      if (text.length < 2) { say("Type at least two characters to redact.", "bad"); return; }
      var reason = chosenReason();
      if (!reason) { return; }
      addManual([{ text: text, reason_code: reason }], function (result) {
        var n = (result.manual_ids || []).length;
        field.value = "";  // the text is personal data: do not leave it sitting in the form
        return n ? "Redacted " + n + (n === 1 ? " occurrence." : " occurrences.")
          : "That text does not occur in the draft; nothing was added.";
      });
    });
  }

  // -- preview ------------------------------------------------------------------------------------
  previewToggle.addEventListener("change", function () {
    pagesBox.classList.toggle("previewing", previewToggle.checked);
    state.pages.forEach(function (page) { if (page) { page.img.src = imageUrl(page); } });
  });

  // -- four eyes ----------------------------------------------------------------------------------
  var DECIDABLE = { proposed: true, in_review: true };
  var STAGE = {
    completed: "Review complete. Waiting for approval by a different person with the approver role.",
    approving: "Approved: the final PDF is being rendered and verified.",
    approved: "Approved for publication.",
    published: "Published."
  };

  function decidable() { return DECIDABLE[state.status] === true; }

  function setStatus(status) {
    state.status = status;
    var badge = document.getElementById("status");
    badge.textContent = String(status).replace(/_/g, " ");
    badge.className = "status status-" + status;
    document.getElementById("final-link").hidden = status !== "approved";
    // Decisions are open only while the review is; the server enforces the same (409).
    root.classList.toggle("locked", !decidable());
    var stage = document.getElementById("stage");
    stage.textContent = STAGE[status] || "";
    stage.hidden = !STAGE[status];
    if (completeButton) { completeButton.disabled = !decidable(); }
    if (approveButton) { approveButton.disabled = status !== "completed"; }
    if (occurrenceForm) {
      Array.prototype.forEach.call(occurrenceForm.elements, function (e) { e.disabled = !decidable(); });
    }
  }

  var completeButton = document.getElementById("complete");
  if (completeButton) {
    completeButton.addEventListener("click", function () {
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
    });
  }

  var approveButton = document.getElementById("approve");
  if (approveButton && canApprove) {
    approveButton.addEventListener("click", function () {
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
        var why = detail.review_note || detail.failure_reason || "status is now " + detail.status;
        say("The final PDF was not produced: " + String(why).replace(/\.$/, "") +
          ". The submission is back with the reviewer.", "bad");
      }
    }).catch(function () {
      window.setTimeout(function () { watchApproval(tries + 1); }, 5000);
    });
  }

  setStatus(state.status);
  load();
}());
