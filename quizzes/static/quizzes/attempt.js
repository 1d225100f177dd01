// Savad quiz attempt: autosave answers, keep a copy on this device while offline, count down.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = document.querySelector("[data-autosave-status]");
  var storageKey = "savad-attempt-" + form.dataset.attempt;
  var timer = null;

  function fields() {
    var data = new FormData(form);
    data.delete("csrfmiddlewaretoken");
    var plain = [];
    data.forEach(function (value, name) { plain.push([name, value]); });
    return plain;
  }

  function say(text) { if (status) status.textContent = text; }

  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    try { localStorage.setItem(storageKey, JSON.stringify(fields())); } catch (e) { /* private mode */ }
    // Not form.action: the submit buttons are named "action" and would shadow it.
    return fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (response.ok && body.ok) {
          try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
          say(form.dataset.savedText);
        } else {
          say(body.error || "");
        }
      });
    }).catch(function () { say(form.dataset.offlineText); });
  }

  function restore() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { saved = null; }
    if (!saved) return;
    saved.forEach(function (pair) {
      var inputs = form.querySelectorAll('[name="' + CSS.escape(pair[0]) + '"]');
      inputs.forEach(function (input) {
        if (input.disabled) return;
        if (input.type === "radio" || input.type === "checkbox") {
          if (input.value === pair[1]) input.checked = true;
        } else if (input.tagName === "SELECT" || input.type === "text" || input.tagName === "TEXTAREA") {
          input.value = pair[1];
        }
      });
    });
    save();
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  });
  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 300);
  });
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  window.addEventListener("online", save);
  restore();

  var clock = document.querySelector("[data-seconds-left]");
  if (clock) {
    var left = parseInt(clock.dataset.secondsLeft, 10);
    var shown = clock.querySelector("[data-timer]");
    var tick = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(tick);
        save().then(function () { window.location.reload(); });
        return;
      }
      var m = Math.floor(left / 60), s = left % 60;
      shown.textContent = m + ":" + (s < 10 ? "0" : "") + s;
    }, 1000);
  }
})();
