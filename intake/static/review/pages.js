// The page images (#pages), the proposal boxes drawn over them, and the live preview (page images
// rendered with accepted and manual redactions applied).

import { url, state, colourOf, human, stateOf } from "./state.js";
import { el } from "./dom.js";

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
    img.loading = size.number < 2 ? "eager" : "lazy";
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
  });
  state.pages.forEach(function (page) { if (page) { page.img.src = imageUrl(page); } });
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
    if (previewToggle.checked) { page.img.src = imageUrl(page); }
  });
}

export function initPreview() {
  previewToggle.addEventListener("change", function () {
    pagesBox.classList.toggle("previewing", previewToggle.checked);
    state.pages.forEach(function (page) { if (page) { page.img.src = imageUrl(page); } });
  });
}
