// The page images (#pages), the proposal boxes drawn over them, and the live preview (page images
// rendered with accepted and manual redactions applied). The worker renders every image (the web
// process never parses the draft): an image not ready yet answers 202 and is polled (api.js).

import { url, state, colourOf, human, stateOf } from "./state.js";
import { el, failed } from "./dom.js";
import { imageReady } from "./api.js";

const pagesBox = document.getElementById("pages");
const previewToggle = document.getElementById("preview-toggle");

function imageUrl(page) {
  const dpr = window.devicePixelRatio || 1;
  const width = page.frame.clientWidth || pagesBox.clientWidth || 800;
  let dpi = Math.round((72 * width * dpr) / page.width);
  dpi = Math.max(72, Math.min(200, dpi));
  let target = url("pages") + "/" + page.number + ".png?dpi=" + dpi;
  if (previewToggle.checked) { target += "&preview=1&v=" + page.version; }
  return target;
}

// Load ``page``'s image (the original or the live preview): fetched, polled while the worker renders
// it, shown as an object URL. ``data-src`` keeps the URL asked for (an older answer never wins),
// ``data-shown`` the one on screen.
function show(page) {
  const target = imageUrl(page);
  page.img.setAttribute("data-src", target);
  return imageReady(target).then(function (objectUrl) {
    if (page.img.getAttribute("data-src") !== target) { URL.revokeObjectURL(objectUrl); return; }
    const previous = page.img.src;
    page.img.src = objectUrl;
    page.img.setAttribute("data-shown", target);
    if (previous && previous.indexOf("blob:") === 0) { URL.revokeObjectURL(previous); }
  }).catch(failed("Page " + (page.number + 1) + " could not be shown"));
}

// Images load when their page comes near the viewport (the first two at once).
const visible = new Set();
const observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
  entries.forEach(function (entry) {
    const page = state.pages[Number(entry.target.getAttribute("data-page"))];
    if (!page) { return; }
    if (entry.isIntersecting) {
      visible.add(page.number);
      if (page.img.getAttribute("data-src") !== imageUrl(page)) { show(page); }
    } else {
      visible.delete(page.number);
    }
  });
}, { rootMargin: "800px 0px" }) : null;

function refresh(page) {
  if (!observer || visible.has(page.number) || page.number < 2) { show(page); }
  else { page.img.removeAttribute("data-src"); }  // loaded when it scrolls into view
}

// One figure per page; ``onPage(page)``, if given, is called for each (to make it drawable).
export function buildPages(sizes, onPage) {
  const total = sizes.length;
  sizes.forEach(function (size) {
    const figure = el("figure", "page");
    figure.setAttribute("data-page", size.number);
    const frame = el("div", "page-frame");
    frame.style.aspectRatio = size.width + " / " + size.height;
    const img = el("img");
    img.alt = "Page " + (size.number + 1) + " of " + total;
    img.decoding = "async";
    img.draggable = false;
    const overlay = el("div", "overlay");
    overlay.setAttribute("aria-hidden", "true");
    frame.appendChild(img);
    frame.appendChild(overlay);
    figure.appendChild(frame);
    figure.appendChild(el("figcaption", null, "Page " + (size.number + 1) + " of " + total));
    pagesBox.appendChild(figure);
    const page = { number: size.number, width: size.width, height: size.height, frame: frame, img: img,
      overlay: overlay, version: 0 };
    state.pages[size.number] = page;
    if (onPage) { onPage(page); }
    if (observer) { observer.observe(figure); }
  });
  state.pages.forEach(function (page) { if (page) { refresh(page); } });
}

function boxTitle(p) {
  return human(p.category) + ": " + p.text + " (" + stateOf(p) + ")";
}

export function drawBoxes() {
  state.pages.forEach(function (page) { if (page) { page.overlay.textContent = ""; } });
  state.proposals.forEach(function (p, index) {
    const page = state.pages[p.page];
    if (!page || !p.rects) { return; }
    p.rects.forEach(function (r) {
      const box = el("div", "box " + colourOf(p.category) + " " + stateOf(p));
      box.setAttribute("data-id", p.id);
      box.setAttribute("data-index", index);
      box.title = boxTitle(p);
      box.style.left = (100 * r[0] / page.width) + "%";
      box.style.top = (100 * r[1] / page.height) + "%";
      box.style.width = (100 * (r[2] - r[0]) / page.width) + "%";
      box.style.height = (100 * (r[3] - r[1]) / page.height) + "%";
      page.overlay.appendChild(box);
    });
  });
}

export function refreshBoxStates(ids) {
  ids.forEach(function (id) {
    const p = state.byId[id];
    if (!p) { return; }
    Array.prototype.forEach.call(pagesBox.querySelectorAll('.box[data-id="' + id + '"]'), function (box) {
      box.classList.remove("open", "accept", "reject");
      box.classList.add(stateOf(p));
      box.title = boxTitle(p);
    });
  });
}

// A decision changed these pages: their previews are stale (reloaded now if the preview is on).
export function refreshPreviews(pageNumbers) {
  pageNumbers.forEach(function (n) {
    const page = state.pages[n];
    if (!page) { return; }
    page.version += 1;
    if (previewToggle.checked) { refresh(page); }
  });
}

export function initPreview() {
  previewToggle.addEventListener("change", function () {
    pagesBox.classList.toggle("previewing", previewToggle.checked);
    state.pages.forEach(function (page) { if (page) { refresh(page); } });
  });
}
