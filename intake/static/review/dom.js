// Small DOM helpers and the page's message line (#message, role="alert").

const messageBox = document.getElementById("message");

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text !== undefined && text !== null) { node.textContent = text; }
  return node;
}

export function cssEscape(value) {
  return window.CSS && window.CSS.escape ? window.CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
}

export function say(text, kind) {
  messageBox.textContent = text;
  messageBox.className = "review-message " + (kind || "info");
  messageBox.hidden = !text;
}

// An error handler for a promise: "<prefix>: <what went wrong>" in the message line.
export function failed(prefix) {
  return function (error) {
    let text = error && error.message ? error.message : "something went wrong";
    if (error && error.status === 403) { text = "Not allowed: " + text; }
    if (error && error.status === 401) { text = "your session has ended; log in again (your saved decisions are kept)"; }
    say(prefix + ": " + text, "bad");
  };
}
