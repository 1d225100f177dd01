/* Draws the competence profile from the JSON the page carries (the table shows the same data). */
(function () {
  "use strict";
  var canvas = document.getElementById("competence-chart");
  var source = document.getElementById("competence-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var root = document.documentElement;
  var rtl = root.dir === "rtl";
  var style = window.getComputedStyle(root);
  var covered = style.getPropertyValue("--ok").trim() || "#17803d";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var remaining = data.total.map(function (total, index) {
    return Math.max(0, total - data.covered[index]);
  });

  window.Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  canvas.parentElement.hidden = false;
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: canvas.dataset.coveredLabel, data: data.covered, backgroundColor: covered },
        { label: canvas.dataset.remainingLabel, data: remaining, backgroundColor: "#8a94a3" }
      ]
    },
    options: {
      indexAxis: "y",
      locale: root.lang || undefined,
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : undefined,
      scales: {
        x: { stacked: true, beginAtZero: true, reverse: rtl, ticks: { precision: 0 } },
        y: { stacked: true, position: rtl ? "right" : "left" }
      },
      plugins: {
        legend: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" },
        tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" }
      }
    }
  });
})();
