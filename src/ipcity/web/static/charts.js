/* Draws the charts of a page: <div class="chart" data-chart="ID"> + <script type="application/json" id="ID">. */
(function () {
  "use strict";
  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) { return; }
      var spec = JSON.parse(src.textContent);
      var layout = Object.assign({
        font: { family: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif", size: 13 },
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
      }, spec.layout || {});
      window.Plotly.newPlot(el, spec.data || [], layout, { displaylogo: false, responsive: true, showLink: false });
      el.setAttribute("data-drawn", "1");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
