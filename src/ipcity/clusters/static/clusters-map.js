/* ipcity clusters map: an SVG world map drawn from Natural Earth outlines served locally.
   No tiles, no CDN. Each container <div class="ipc-clusters-map"> holds a
   <script type="application/json" class="ipc-map-data"> with the clusters and points, and
   either a <script type="application/json" class="ipc-map-outline"> with the outlines or a
   data-outline-url attribute to fetch them from. Wheel zooms, drag pans, clicking a cluster
   (on the map or in a table row with data-cluster-label) zooms to it. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363"];

  function el(name, attrs) {
    var e = document.createElementNS(SVG, name);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]); }
    return e;
  }

  function decode(flat, unit) {
    // delta-encoded integers of `unit` degrees -> "M x y L ..." (x = lon, y = -lat)
    var x = 0, y = 0, parts = [];
    for (var i = 0; i < flat.length; i += 2) {
      x += flat[i]; y += flat[i + 1];
      parts.push((i === 0 ? "M" : "L") + (x * unit).toFixed(2) + " " + (-y * unit).toFixed(2));
    }
    return parts.join("");
  }

  function colour(c) {
    if (c.is_city) return "#c00000";
    return c.rank <= PALETTE.length ? PALETTE[c.rank - 1] : "#999999";
  }

  function draw(container, data, outline) {
    var width = container.clientWidth || 900, height = Math.round(width * 0.5);
    var svg = el("svg", { "class": "ipc-map-svg", width: "100%", height: height,
      viewBox: "-180 -90 360 180", preserveAspectRatio: "xMidYMid meet", role: "img" });
    svg.appendChild(el("rect", { x: -180, y: -90, width: 360, height: 180, "class": "ipc-sea" }));
    var land = outline.land.map(function (r) { return decode(r, outline.unit) + "Z"; }).join("");
    svg.appendChild(el("path", { d: land, "class": "ipc-land", "fill-rule": "evenodd" }));
    var borders = outline.borders.map(function (r) { return decode(r, outline.unit); }).join("");
    svg.appendChild(el("path", { d: borders, "class": "ipc-border" }));

    var byLabel = {};
    data.clusters.forEach(function (c) { byLabel[c.label] = c; });
    var dots = el("g", { "class": "ipc-points" });
    var maxW = 0;
    data.points.forEach(function (p) { if (p[2] > maxW) maxW = p[2]; });
    var circles = [];
    data.points.forEach(function (p) {
      var c = byLabel[p[3]];
      var r = 1.5 + 6 * Math.sqrt(p[2] / (maxW || 1));
      var dot = el("circle", { cx: p[1], cy: -p[0], r: r / 10,
        fill: c ? colour(c) : "#bbbbbb", "class": c ? "ipc-dot" : "ipc-dot ipc-noise" });
      dot.dataset.r = r;
      if (c) {
        dot.dataset.label = c.label;
        var t = el("title", {});
        t.textContent = "#" + c.rank + " " + c.name + " (" + c.score.toFixed(2) + " %)";
        dot.appendChild(t);
      }
      dots.appendChild(dot);
      circles.push(dot);
    });
    svg.appendChild(dots);
    var labels = el("g", { "class": "ipc-labels" });
    data.clusters.forEach(function (c) {
      if (!c.labelled) return;
      var t = el("text", { x: c.longitude, y: -c.latitude, "class": c.is_city ? "ipc-label ipc-city" : "ipc-label" });
      t.textContent = c.rank + " " + c.name;
      t.dataset.label = c.label;
      labels.appendChild(t);
    });
    svg.appendChild(labels);
    container.insertBefore(svg, container.querySelector(".ipc-map-legend"));

    var view = { x: -180, y: -90, w: 360, h: 180 };
    function apply() {
      svg.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h);
      var px = view.w / (svg.clientWidth || width);  // degrees per screen pixel
      circles.forEach(function (d) { d.setAttribute("r", d.dataset.r * px); });
      labels.setAttribute("font-size", 12 * px);
      labels.childNodes.forEach(function (t) { t.setAttribute("dx", 6 * px); });
      svg.querySelectorAll(".ipc-border, .ipc-land").forEach(function (p) {
        p.setAttribute("stroke-width", px);
      });
    }
    function zoomTo(c) {
      var span = Math.max(1.5, c.extent_deg * 2.5);
      view = { w: span * 2, h: span, x: c.longitude - span, y: -c.latitude - span / 2 };
      apply();
    }
    apply();

    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var rect = svg.getBoundingClientRect();
      var fx = (ev.clientX - rect.left) / rect.width, fy = (ev.clientY - rect.top) / rect.height;
      var k = ev.deltaY < 0 ? 0.8 : 1.25;
      var nw = Math.min(360, Math.max(0.2, view.w * k)), nh = nw / 2;
      view.x += (view.w - nw) * fx; view.y += (view.h - nh) * fy;
      view.w = nw; view.h = nh;
      apply();
    }, { passive: false });
    var drag = null;
    svg.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y }; });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (ev) {
      if (!drag) return;
      var rect = svg.getBoundingClientRect();
      view.x = drag.vx - (ev.clientX - drag.x) * view.w / rect.width;
      view.y = drag.vy - (ev.clientY - drag.y) * view.h / rect.height;
      apply();
    });
    svg.addEventListener("click", function (ev) {
      var label = ev.target.dataset && ev.target.dataset.label;
      if (label !== undefined && byLabel[label]) zoomTo(byLabel[label]);
    });
    document.querySelectorAll("[data-cluster-label]").forEach(function (row) {
      row.addEventListener("click", function () {
        var c = byLabel[row.getAttribute("data-cluster-label")];
        if (c) { zoomTo(c); container.scrollIntoView({ behavior: "smooth" }); }
      });
    });
    var reset = container.querySelector(".ipc-map-reset");
    if (reset) reset.addEventListener("click", function () { view = { x: -180, y: -90, w: 360, h: 180 }; apply(); });
    var city = data.clusters.filter(function (c) { return c.is_city; })[0];
    var cityBtn = container.querySelector(".ipc-map-city");
    if (cityBtn) {
      if (city) cityBtn.addEventListener("click", function () { zoomTo(city); });
      else cityBtn.disabled = true;
    }
  }

  function init(container) {
    var data = JSON.parse(container.querySelector("script.ipc-map-data").textContent);
    var inline = container.querySelector("script.ipc-map-outline");
    if (inline) { draw(container, data, JSON.parse(inline.textContent)); return; }
    fetch(container.getAttribute("data-outline-url"))
      .then(function (r) { return r.json(); })
      .then(function (outline) { draw(container, data, outline); });
  }

  function start() { document.querySelectorAll(".ipc-clusters-map").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
