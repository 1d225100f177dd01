// Savad's H5P frame. It runs sandboxed in an opaque origin: it has no cookies, no storage and
// no access to the page around it. It starts h5p-standalone and hands the page the learner's
// xAPI statements and its height by postMessage; the page posts the statements to the server.
(function () {
  "use strict";

  // An opaque origin throws on localStorage/sessionStorage; H5P core uses them for its
  // clipboard and actor id. Give it storage that lives as long as the frame.
  function memoryStorage() {
    var items = Object.create(null);
    return {
      get length() { return Object.keys(items).length; },
      key: function (i) { var keys = Object.keys(items); return i < keys.length ? keys[i] : null; },
      getItem: function (k) { k = String(k); return k in items ? items[k] : null; },
      setItem: function (k, v) { items[String(k)] = String(v); },
      removeItem: function (k) { delete items[String(k)]; },
      clear: function () { items = Object.create(null); }
    };
  }
  ["localStorage", "sessionStorage"].forEach(function (name) {
    try {
      if (window[name]) return;
    } catch (e) { /* SecurityError: sandboxed */ }
    try {
      Object.defineProperty(window, name, { value: memoryStorage(), configurable: true });
    } catch (e) { /* left as it is */ }
  });

  var container = document.getElementById("h5p-container");
  var config = JSON.parse(document.getElementById("h5p-config").textContent);
  var parentOrigin = container.dataset.parentOrigin;

  function tell(message) {
    if (window.parent !== window && parentOrigin) window.parent.postMessage(message, parentOrigin);
  }

  function reportHeight() {
    tell({ savadH5P: "height", height: document.documentElement.scrollHeight });
  }

  new H5PStandalone.H5P(container, config).then(function () {
    H5P.externalDispatcher.on("xAPI", function (event) {
      var statement = event.data.statement;
      var verb = (statement.verb && statement.verb.id) || "";
      if (/\/(attempted|interacted)$/.test(verb)) return;  // noise: only results are sent
      tell({ savadH5P: "xapi", statement: JSON.parse(JSON.stringify(statement)) });
    });
    reportHeight();
    new ResizeObserver(reportHeight).observe(document.body);
  });
})();
