/* Draws the charts of a page: <div class="chart" data-chart="ID"> + <script type="application/json" id="ID">. */
(function () {
  "use strict";
  var NARROW = 560; /* px of the chart's box: below it, a phone layout */

  /* On a narrow box: the legend goes below the plot, fewer and angled ticks, small margins,
     so labels never overlap. The figure's own settings win where they are stricter. */
  /* Would the category labels of the x axis touch each other if written level? */
  function crowded(data, width) {
    var cats = {}; var longest = 0;
    (data || []).forEach(function (tr) {
      (Array.isArray(tr.x) ? tr.x : []).forEach(function (v) {
        var s = String(v); cats[s] = 1;
        var w = 0; for (var i = 0; i < s.length; i++) { w += s.charCodeAt(i) > 255 ? 11 : 6.5; }
        longest = Math.max(longest, w);
      });
    });
    var n = Object.keys(cats).length;
    return n > 0 && n * (longest + 8) > width - 60;
  }

  function narrowLayout(layout, data, width) {
    var out = Object.assign({}, layout);
    out.margin = Object.assign({ t: 30, b: 40 }, layout.margin || {}, { l: 44, r: 12 });
    out.legend = Object.assign({}, layout.legend || {}, {
      orientation: "h", x: 0, xanchor: "left", y: -0.28, yanchor: "top", font: { size: 11 }
    });
    out.font = Object.assign({}, layout.font || {}, { size: 11 });
    if (out.title) {
      var t = typeof out.title === "string" ? { text: out.title } : Object.assign({}, out.title);
      t.font = Object.assign({}, t.font || {}, { size: 13 });
      out.title = t;
    }
    var horizontal = (data || []).some(function (tr) { return tr.orientation === "h"; });
    ["xaxis", "xaxis2"].forEach(function (k) {
      if (!out[k] && k !== "xaxis") { return; }
      var ax = Object.assign({}, out[k] || {});
      ax.automargin = true;
      if (!horizontal && ax.tickangle === undefined && crowded(data, width)) { ax.tickangle = -45; }
      ax.nticks = Math.min(ax.nticks || 6, 6);
      ax.tickfont = Object.assign({}, ax.tickfont || {}, { size: 10 });
      out[k] = ax;
    });
    ["yaxis", "yaxis2"].forEach(function (k) {
      if (!out[k] && k !== "yaxis") { return; }
      var ax = Object.assign({}, out[k] || {});
      ax.automargin = true;
      ax.tickfont = Object.assign({}, ax.tickfont || {}, { size: 10 });
      if (!horizontal) { ax.nticks = Math.min(ax.nticks || 6, 6); }
      out[k] = ax;
    });
    if (horizontal) {
      /* long category names on the y axis: cut them, the full name stays in the hover */
      (data || []).forEach(function (tr) {
        if (tr.orientation === "h" && Array.isArray(tr.y)) {
          tr.hovertext = tr.hovertext || tr.y.slice();
          tr.y = tr.y.map(function (v) { var s = String(v); return s.length > 9 ? s.slice(0, 8) + "…" : s; });
        }
      });
    }
    return out;
  }

  function draw() {
    if (!window.Plotly) { return; }
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var src = document.getElementById(el.getAttribute("data-chart"));
      if (!src) { return; }
      var spec = JSON.parse(src.textContent);
      var data = spec.data || [];
      var layout = Object.assign({
        font: { family: "-apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif", size: 13 },
        paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)"
      }, spec.layout || {});
      if (el.clientWidth && el.clientWidth < NARROW) {
        layout = narrowLayout(layout, data, el.clientWidth);
        el.setAttribute("data-narrow", "1");
      }
      window.Plotly.newPlot(el, data, layout, { displaylogo: false, responsive: true, showLink: false });
      el.setAttribute("data-drawn", "1");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
