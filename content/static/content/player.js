// Savad's H5P frame: start h5p-standalone, send the learner's xAPI statements to the server,
// and tell the lesson page how tall the exercise is.
(function () {
  "use strict";
  var container = document.getElementById("h5p-container");
  var config = JSON.parse(document.getElementById("h5p-config").textContent);

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function send(statement, tries) {
    if (!container.dataset.xapiUrl) return Promise.resolve();  // a preview records nothing
    return fetch(container.dataset.xapiUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": container.dataset.csrf },
      body: JSON.stringify(statement)
    }).then(function (response) {
      if (response.status >= 500 && tries > 0) throw new Error("retry");
      return response.json();
    }).then(function (body) {
      window.parent.postMessage({ savadH5P: "result", ok: !!body.ok, progress: body.progress || null }, window.location.origin);
    }).catch(function () {
      if (tries > 0) setTimeout(function () { send(statement, tries - 1); }, 2000);
    });
  }

  function reportHeight() {
    var height = document.documentElement.scrollHeight;
    window.parent.postMessage({ savadH5P: "height", height: height }, window.location.origin);
  }

  new H5PStandalone.H5P(container, config).then(function () {
    H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event.data.statement;
      var verb = statement.verb && statement.verb.id || "";
      if (/\/(attempted|interacted)$/.test(verb)) return;  // noise: only results are sent
      statement.id = statement.id || newId();
      send(statement, 3);
    });
    reportHeight();
    new ResizeObserver(reportHeight).observe(document.body);
  });
})();
