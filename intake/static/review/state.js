// What the page tells the script (data attributes on #review), the state shared by the other modules,
// and the small helpers that describe a proposal (its state, category, place and colour).

export const root = document.getElementById("review");

function data(name) {
  return root ? root.getAttribute("data-" + name) : null;
}

export function url(name) { return data("url-" + name); }
export const canDecide = data("can-decide") === "true";
export const canApprove = data("can-approve") === "true";
export const csrf = data("csrf");

// The statuses in which decisions may be made: the server's ``intake.states.DECIDABLE``, passed in
// ``data-decidable`` as a space-separated list (the server enforces the same with a 409).
const DECIDABLE = new Set((data("decidable") || "").split(/\s+/).filter(Boolean));
// ``data-has-final``: the statuses in which the approved final exists (intake.states.HAS_FINAL).
const HAS_FINAL = new Set((data("has-final") || "").split(/\s+/).filter(Boolean));

export const state = {
  pages: [],          // [{number, width, height, frame, img, overlay, version}]
  proposals: [],      // sorted in reading order
  byId: {},
  groups: [],         // [{key, name, category, items: [proposal]}]
  groupOf: {},        // proposal id -> group
  colours: {},        // category -> class
  selected: -1,
  status: data("status")
};

export function decidable() { return DECIDABLE.has(state.status); }
export function hasFinal() { return HAS_FINAL.has(state.status); }

// Fixed colours for the common categories, the rest take the next free one (CSS classes c0..c17).
const KNOWN = ["PERSON", "NICKNAME", "ADDRESS", "POSTCODE", "DATE_OF_BIRTH", "SCHOOL", "HEALTH_FACILITY",
  "PHONE", "EMAIL", "CASE_REFERENCE", "MANUAL_BOX", "MANUAL", "NHS_NUMBER", "NI_NUMBER", "IMAGE_TEXT",
  "HIDDEN_TEXT"];
const PALETTE_SIZE = 18;

export function colourOf(category) {
  if (!state.colours[category]) {
    let index = KNOWN.indexOf(category);
    if (index < 0) {  // the rarer categories share the last colours
      const others = Object.keys(state.colours).filter(function (c) { return KNOWN.indexOf(c) < 0; }).length;
      index = KNOWN.length + (others % (PALETTE_SIZE - KNOWN.length));
    }
    state.colours[category] = "c" + (index % PALETTE_SIZE);
  }
  return state.colours[category];
}

export function human(category) {
  return String(category || "").replace(/_/g, " ").toLowerCase();
}

export function pageLabel(p) {
  if (p.page === null || p.page === undefined) { return p.channel || "document"; }
  return "p. " + (p.page + 1);
}

export function stateOf(p) {
  return p.decision === "accept" ? "accept" : (p.decision === "reject" ? "reject" : "open");
}

export function indexOf(id) {
  for (let i = 0; i < state.proposals.length; i += 1) {
    if (state.proposals[i].id === id) { return i; }
  }
  return -1;
}
