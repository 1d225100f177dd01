/* The admin in two scripts: plain text fields take the direction of what is typed (dir=auto),
   and number fields accept Persian and Arabic-Indic digits (the server reads them as numbers;
   a browser's type=number field would refuse them before the form is sent). */
(function () {
  "use strict";
  var TEXT = 'input[type="text"]:not([dir]), input[type="search"]:not([dir]), input[type="email"]:not([dir]), input:not([type]):not([dir]), textarea:not([dir])';

  function fix(root) {
    root.querySelectorAll(TEXT).forEach(function (field) {
      field.setAttribute("dir", "auto");
    });
    root.querySelectorAll('input[type="number"]').forEach(function (field) {
      field.type = "text";
      field.inputMode = field.step && field.step !== "1" && field.step !== "any" ? "decimal" : "numeric";
      field.setAttribute("dir", "ltr");
    });
  }

  function start() {
    fix(document);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        change.addedNodes.forEach(function (node) {
          if (node.nodeType === 1) {
            fix(node.parentNode || node);
          }
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
