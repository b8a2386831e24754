// The JSON API (/api/v1, see docs/review-api.md): fetch with the session cookie and the page's CSRF
// token; a non-2xx answer becomes an Error carrying the server's message, HTTP status and error code.

import { root, csrf } from "./state.js";

let pending = 0;
function busy(delta) {  // aria-busy while requests are in flight (assistive technology and tests wait on it)
  pending += delta;
  if (pending > 0) { root.setAttribute("aria-busy", "true"); } else { root.removeAttribute("aria-busy"); }
}

export function api(method, target, body) {
  const options = {
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
      let data = {};
      try { data = text ? JSON.parse(text) : {}; } catch (ignored) { data = {}; }
      if (!response.ok) {
        const error = new Error(data.message || ("the server answered " + response.status));
        error.status = response.status;
        error.code = data.error;
        throw error;
      }
      return data;
    });
  }).then(function (data) { busy(-1); return data; }, function (error) { busy(-1); throw error; });
}
