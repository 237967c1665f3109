/* Small hand-written SVG charts (no library, no CDN). Each chart reads its data from a
   <script type="application/json"> element (Django's json_script) and draws into a container:
     <div class="chart" data-chart="bar|line|stacked" data-source="id-of-json"></div>
   The data tables next to each chart stay as the accessible fallback. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var PALETTE = ["#1f4e8c", "#b3261e", "#e8a200", "#1e7b34", "#7b4aa3", "#5f6368", "#0f8a8a"];

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function text(parent, x, y, str, anchor) {
    var t = el("text", { x: x, y: y, "text-anchor": anchor || "middle" }, parent);
    t.textContent = str;
    return t;
  }
  function niceMax(v) {
    if (v <= 4) return 4;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var n = v / p;
    return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
  }
  function frame(container, title) {
    var W = 420, H = 250;
    var svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": title || "" });
    container.appendChild(svg);
    return { svg: svg, W: W, H: H, left: 44, right: 10, top: 18, bottom: 40 };
  }
  function axes(f, max) {
    var g = el("g", {}, f.svg);
    var plotH = f.H - f.top - f.bottom;
    for (var i = 0; i <= 4; i++) {
      var y = f.top + plotH - plotH * i / 4;
      el("line", { x1: f.left, x2: f.W - f.right, y1: y, y2: y, stroke: "#e6e9ee" }, g);
      var v = max * i / 4;
      text(g, f.left - 6, y + 5, Number.isInteger(v) ? v : v.toFixed(1), "end");
    }
    return plotH;
  }
  function legend(container, names) {
    if (names.length < 2) return;
    var ul = document.createElement("ul");
    ul.className = "chart-legend";
    names.forEach(function (n, i) {
      var li = document.createElement("li");
      var sw = document.createElement("i");
      sw.style.background = PALETTE[i % PALETTE.length];
      li.appendChild(sw);
      li.appendChild(document.createTextNode(n));
      ul.appendChild(li);
    });
    container.appendChild(ul);
  }
  function label(g, x, y, str, every, i) {
    if (i % every === 0) text(g, x, y, str.length > 5 ? str.slice(0, 4) + "…" : str);
  }

  function bar(container, data) {
    var f = frame(container, container.dataset.title);
    var max = niceMax(Math.max.apply(null, data.values.concat([0])));
    var plotH = axes(f, max);
    var n = data.values.length, slot = (f.W - f.left - f.right) / Math.max(n, 1);
    var g = el("g", {}, f.svg);
    data.values.forEach(function (v, i) {
      var h = plotH * v / max, x = f.left + i * slot + slot * 0.2;
      var r = el("rect", { x: x, y: f.top + plotH - h, width: slot * 0.6, height: h,
                           fill: PALETTE[(data.colorIndex || 0) % PALETTE.length], rx: 2 }, g);
      var t = el("title", {}, r); t.textContent = data.labels[i] + ": " + v;
      text(g, x + slot * 0.3, f.top + plotH - h - 4, String(v));
      label(g, x + slot * 0.3, f.H - f.bottom + 16, data.labels[i], 1, i);
    });
  }

  function line(container, data) {
    var f = frame(container, container.dataset.title);
    var all = [0];
    data.series.forEach(function (s) { all = all.concat(s.values); });
    var max = niceMax(Math.max.apply(null, all));
    var plotH = axes(f, max);
    var n = data.labels.length, step = (f.W - f.left - f.right - 20) / Math.max(n - 1, 1);
    var g = el("g", {}, f.svg);
    var every = n > 6 ? 3 : 1;
    data.labels.forEach(function (l, i) {
      label(g, f.left + 10 + i * step, f.H - f.bottom + 16, l.slice(2), every, i);
    });
    data.series.forEach(function (s, si) {
      var color = PALETTE[si % PALETTE.length];
      var pts = s.values.map(function (v, i) {
        return [f.left + 10 + i * step, f.top + plotH - plotH * v / max];
      });
      el("polyline", { points: pts.map(function (p) { return p.join(","); }).join(" "),
                       fill: "none", stroke: color, "stroke-width": 2 }, g);
      pts.forEach(function (p, i) {
        var c = el("circle", { cx: p[0], cy: p[1], r: 3, fill: color }, g);
        var t = el("title", {}, c); t.textContent = s.name + " " + data.labels[i] + ": " + s.values[i];
      });
    });
    legend(container, data.series.map(function (s) { return s.name; }));
  }

  function stacked(container, data) {
    var f = frame(container, container.dataset.title);
    var totals = data.labels.map(function (_, i) {
      return data.series.reduce(function (a, s) { return a + (s.values[i] || 0); }, 0);
    });
    var max = niceMax(Math.max.apply(null, totals.concat([0])));
    var plotH = axes(f, max);
    var n = data.labels.length, slot = (f.W - f.left - f.right) / Math.max(n, 1);
    var g = el("g", {}, f.svg);
    var used = [];
    data.labels.forEach(function (l, i) {
      var y = f.top + plotH, x = f.left + i * slot + slot * 0.2;
      data.series.forEach(function (s, si) {
        var v = s.values[i] || 0;
        if (!v) return;
        if (used.indexOf(si) < 0) used.push(si);
        var h = plotH * v / max;
        y -= h;
        var r = el("rect", { x: x, y: y, width: slot * 0.6, height: h,
                             fill: PALETTE[si % PALETTE.length] }, g);
        var t = el("title", {}, r); t.textContent = l + " · " + s.name + ": " + v;
      });
      if (totals[i]) text(g, x + slot * 0.3, y - 4, String(totals[i]));
      label(g, x + slot * 0.3, f.H - f.bottom + 16, l, 1, i);
    });
    var names = data.series.map(function (s) { return s.name; });
    var ul = document.createElement("ul");
    ul.className = "chart-legend";
    names.forEach(function (nm, i) {
      if (used.indexOf(i) < 0) return;
      var li = document.createElement("li"), sw = document.createElement("i");
      sw.style.background = PALETTE[i % PALETTE.length];
      li.appendChild(sw); li.appendChild(document.createTextNode(nm)); ul.appendChild(li);
    });
    container.appendChild(ul);
  }

  var kinds = { bar: bar, line: line, stacked: stacked };
  document.querySelectorAll("[data-chart]").forEach(function (container) {
    var source = document.getElementById(container.dataset.source);
    var draw = kinds[container.dataset.chart];
    if (!source || !draw) return;
    try { draw(container, JSON.parse(source.textContent)); } catch (e) { /* table stays */ }
  });
  window.MarketplaceCharts = kinds;
})();
