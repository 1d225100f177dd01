/* Draws each report chart from the JSON the page carries; the table beside it has the same data.
   A chart is a <canvas data-chart="bar|line" data-source="ID"> whose JSON script #ID holds
   {labels: [...], datasets: [{label, data}]} (or the older {labels, counts} with data-label). */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var root = document.documentElement;
  var rtl = root.dir === "rtl";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var colours = ["#2e6da4", "#1b7f4b", "#a4502e"];
  var digits = new Intl.NumberFormat(root.lang || undefined);

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.source);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var datasets = data.datasets || [{ label: canvas.dataset.label, data: data.counts }];
    canvas.parentElement.hidden = false;
    new window.Chart(canvas, {
      type: canvas.dataset.chart,
      data: {
        labels: data.labels,
        datasets: datasets.map(function (set, index) {
          var colour = colours[index % colours.length];
          return { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour };
        })
      },
      options: {
        locale: root.lang || undefined,
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : undefined,
        scales: {
          x: { reverse: rtl },
          y: {
            beginAtZero: true,
            position: rtl ? "right" : "left",
            ticks: { precision: 0, callback: function (value) { return digits.format(value); } }
          }
        },
        plugins: {
          legend: { display: datasets.length > 1, rtl: rtl },
          tooltip: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr" }
        }
      }
    });
  });
})();
