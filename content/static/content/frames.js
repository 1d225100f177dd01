// Pages that embed H5P frames: size each frame to its content and record its results.
// A frame is sandboxed (opaque origin "null"): only messages from one of this page's H5P
// frames are heard. Its xAPI statements are posted with this page's session and CSRF token to
// the frame's own results URL, which the server issued to this learner for this exercise.
(function () {
  "use strict";
  if (window.savadH5PFrames) return;  // the script may be included once per exercise
  window.savadH5PFrames = true;
  var MAX_STATEMENTS = 500;  // per frame: a frame that floods the page is ignored

  function frameOf(source) {
    var frames = document.querySelectorAll("iframe[data-h5p-frame]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === source) return frames[i];
    }
    return null;
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function csrfToken(frame) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return frame.dataset.csrf || (match ? decodeURIComponent(match[1]) : "");
  }

  function send(frame, statement, tries) {
    return fetch(frame.dataset.xapiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(frame) },
      body: JSON.stringify(statement)
    }).then(function (response) {
      if (response.status >= 500 && tries > 0) throw new Error("retry");
      return response.json();
    }).then(function (body) {
      frame.dispatchEvent(new CustomEvent("savad:h5p-result", {
        bubbles: true, detail: { ok: !!body.ok, progress: body.progress || null }
      }));
    }).catch(function () {
      if (tries > 0) setTimeout(function () { send(frame, statement, tries - 1); }, 2000);
    });
  }

  window.addEventListener("message", function (event) {
    var frame = frameOf(event.source);
    var data = event.data;
    if (!frame || event.origin !== "null" || !data || typeof data !== "object") return;
    if (data.savadH5P === "height") {
      var height = Number(data.height);
      if (isFinite(height)) frame.style.height = Math.min(Math.max(Math.ceil(height), 50), 20000) + 20 + "px";
    } else if (data.savadH5P === "xapi" && frame.dataset.xapiUrl) {
      var statement = data.statement;
      if (!statement || typeof statement !== "object" || Array.isArray(statement)) return;
      var sent = Number(frame.dataset.sent || 0);
      if (sent >= MAX_STATEMENTS) return;
      frame.dataset.sent = String(sent + 1);
      if (typeof statement.id !== "string") statement.id = newId();
      send(frame, statement, 3);
    }
  });
})();
