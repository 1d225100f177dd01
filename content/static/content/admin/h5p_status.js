/* The H5P package status page: follow an import's progress without reloading.
 * Polls the JSON status view while the import runs, updates the label and the progress bar,
 * and reloads the page once it has finished (to show the problems or the libraries).
 * Without JavaScript the page offers a "Refresh" link instead. */
(function () {
  "use strict";
  var root = document.querySelector("[data-h5p-status-url]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-h5p-status-url");
  var interval = parseInt(root.getAttribute("data-h5p-poll-interval"), 10) || 1500;
  var label = root.querySelector("[data-h5p-status-label]");
  var bar = root.querySelector("[data-h5p-progress]");
  var percent = root.querySelector("[data-h5p-progress-text]");
  var failures = 0;

  function show(data) {
    if (label) {
      label.textContent = data.status_label;
    }
    if (bar) {
      bar.value = data.progress;
      bar.textContent = data.progress + "%";
    }
    if (percent) {
      percent.textContent = data.progress + "%";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: {
      Accept: "application/json",
      "X-Requested-With": "XMLHttpRequest"  // a refusal is a 403, not a redirect
    } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        show(data);
        if (data.busy) {
          window.setTimeout(poll, interval);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 20) {
          window.setTimeout(poll, interval * Math.min(failures + 1, 5));
        }
      });
  }

  window.setTimeout(poll, interval);
})();
