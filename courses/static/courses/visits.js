// Reports when an activity page is seen and how long it is read, with navigator.sendBeacon
// (courses/visits.py). Opening the page records nothing more on the server; without this
// script the first visit is still recorded, only the reading time and resume point are not.
(function () {
  "use strict";
  var form = document.querySelector("form.visit-beacon");
  if (!form || !navigator.sendBeacon || !window.FormData) return;
  var STORE = "savad-visits";
  var token = form.elements.token.value;
  var csrf = form.elements.csrfmiddlewaretoken.value;
  var counted = 0; // visible milliseconds before ``since``
  var since = null; // when the page last became visible, null while hidden
  var reported = false; // the current hidden period has been reported

  function seconds() {
    return Math.floor((counted + (since === null ? 0 : Date.now() - since)) / 1000);
  }

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE)) || [];
    } catch (error) {
      return [];
    }
  }

  function store(list) {
    try {
      if (list.length) window.localStorage.setItem(STORE, JSON.stringify(list.slice(-10)));
      else window.localStorage.removeItem(STORE);
    } catch (error) {
      // private mode or full storage: the report is lost, the page keeps working
    }
  }

  function beacon(list) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    list.forEach(function (visit) {
      data.append("token", visit.token);
      data.append("seconds", String(visit.seconds));
      data.append("kind", visit.kind);
    });
    return navigator.sendBeacon(form.action, data);
  }

  // Time reports whose beacon the browser could not queue are kept and sent, together, with
  // the next page's first report (the server counts a view's seconds once, however often
  // sent). A "seen" report (this page is where the learner is) is never sent late.
  function report(seen) {
    var mine = seen
      ? { token: token, seconds: 0, kind: "seen" }
      : { token: token, seconds: seconds(), kind: "time" };
    var waiting = load().filter(function (visit) {
      return visit.token !== token && visit.kind === "time";
    });
    var left = waiting.length && !beacon(waiting) ? waiting : [];
    store(beacon([mine]) || seen ? left : left.concat([mine]));
  }

  function shown() {
    if (since !== null) return;
    since = Date.now();
    reported = false;
    report(true);
  }

  function hidden() {
    if (since !== null) {
      counted += Date.now() - since;
      since = null;
    }
    if (!reported) {
      reported = true;
      report();
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") shown();
    else hidden();
  });
  window.addEventListener("pagehide", hidden);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) shown();
  });
  // The first report waits a moment: it does not compete with the page's own requests (or
  // with the previous page's last report) on a slow connection.
  if (document.visibilityState === "visible") {
    since = Date.now();
    window.setTimeout(function () {
      if (since !== null && !reported) report(true);
    }, 1000);
  }
})();
