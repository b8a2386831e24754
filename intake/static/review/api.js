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

// The worker renders page images and locates manual redactions (the web process never parses the
// draft): such a request may answer 202 with Retry-After. These wait, polling, as long as it says so.
const MAX_POLLS = 240;

function pause(response) {
  const seconds = parseFloat(response.headers.get("Retry-After") || "1");
  const ms = Math.min(5000, Math.max(250, (isFinite(seconds) ? seconds : 1) * 1000));
  return new Promise(function (resolve) { window.setTimeout(resolve, ms); });
}

function notReady() {
  const error = new Error("the worker has not finished yet; try again in a moment");
  error.status = 202;
  return error;
}

// GET ``target`` until it is ready; resolves with the Response (2xx other than 202), rejects otherwise.
function fetchReady(target, accept) {
  let polls = 0;
  function attempt() {
    return fetch(target, { credentials: "same-origin", headers: { Accept: accept } }).then(function (response) {
      if (response.status === 202 && polls < MAX_POLLS) {
        polls += 1;
        return pause(response).then(attempt);
      }
      if (response.status === 202) { throw notReady(); }
      if (!response.ok) {
        return response.text().then(function (text) {
          let data = {};
          try { data = text ? JSON.parse(text) : {}; } catch (ignored) { data = {}; }
          const error = new Error(data.message || ("the server answered " + response.status));
          error.status = response.status;
          error.code = data.error;
          throw error;
        });
      }
      return response;
    });
  }
  return attempt();
}

// JSON from ``target``, waiting while the server answers 202.
export function apiReady(target) {
  busy(1);
  return fetchReady(target, "application/json").then(function (response) { return response.json(); })
    .then(function (data) { busy(-1); return data; }, function (error) { busy(-1); throw error; });
}

// A page image as an object URL (CSP img-src allows blob:), waiting while the worker renders it.
export function imageReady(target) {
  busy(1);
  return fetchReady(target, "image/png").then(function (response) { return response.blob(); })
    .then(function (blob) { busy(-1); return URL.createObjectURL(blob); }, function (error) { busy(-1); throw error; });
}

// A queued task (manual redactions): poll its URL until it is done; a failed task rejects with the
// server's message and error code, like any failed request.
export function task(result) {
  if (!result || !result.task_url) { return Promise.resolve(result); }
  let polls = 0;
  busy(1);
  function attempt() {
    return api("GET", result.task_url).then(function (status) {
      if (status.state === "queued" && polls < MAX_POLLS) {
        polls += 1;
        return new Promise(function (resolve) { window.setTimeout(resolve, 500); }).then(attempt);
      }
      if (status.state === "queued") {
        const error = new Error("the worker is busy; the redaction will be recorded when it has been located."
          + " Reload the page in a few minutes to see it");
        error.status = 202;
        throw error;
      }
      if (status.state === "failed") {
        const error = new Error(status.message || "failed");
        error.status = status.error === "conflict" ? 409 : 400;
        error.code = status.error;
        throw error;
      }
      return status;
    });
  }
  return attempt().then(function (status) { busy(-1); return status; }, function (error) { busy(-1); throw error; });
}
