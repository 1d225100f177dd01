/* Draws the score distribution from the JSON the report carries (the table beside it has the same data). */
(function () {
  "use strict";
  var canvas = document.getElementById("stats-distribution-chart");
  var source = document.getElementById("stats-distribution-data");
  if (!canvas || !source || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var root = document.documentElement;
  var rtl = root.dir === "rtl";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  canvas.parentElement.hidden = false;
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: canvas.dataset.label, data: data.counts, backgroundColor: "#2e6da4" }]
    },
    options: {
      locale: root.lang || undefined,
      responsive: true,
      maintainAspectRatio: false,
      animation: reduceMotion ? false : undefined,
      scales: {
        x: { reverse: rtl },
        y: { beginAtZero: true, position: rtl ? "right" : "left", ticks: { precision: 0 } }
      },
      plugins: { legend: { display: false }, tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" } }
    }
  });
})();
