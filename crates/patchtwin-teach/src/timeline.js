(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  // Tick steps from 1 µs to 20 days (ns).
  var STEPS = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 6e10, 3e11, 6e11, 1.8e12, 3.6e12, 2.16e13,
    4.32e13, 8.64e13, 4.32e14, 8.64e14, 1.728e15];
  var DAY = 8.64e13;
  function pad(n, w) { n = String(n); while (n.length < w) { n = "0" + n; } return n; }
  function fmt(t, step) {
    var d = Math.floor(t / DAY), r = t - d * DAY;
    var h = Math.floor(r / 3.6e12), m = Math.floor(r / 6e10) % 60, s = Math.floor(r / 1e9) % 60;
    var base = "d" + d + " " + pad(h, 2) + ":" + pad(m, 2);
    if (step >= 6e10) { return base; }
    base += ":" + pad(s, 2);
    if (step >= 1e9) { return base; }
    var frac = Math.round(r % 1e9);
    if (step >= 1e6) { return base + "." + pad(Math.floor(frac / 1e6), 3); }
    return base + "." + pad(Math.floor(frac / 1e3), 6);
  }
  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(NS, tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function init(root) {
    var d = JSON.parse(document.getElementById(root.getAttribute("data-src")).textContent);
    var chart = root.querySelector(".ptl-chart"), detail = root.querySelector(".ptl-detail");
    var list = root.querySelector(".ptl-list"), span = root.querySelector(".ptl-span");
    var LW = 250, LH = 30, AX = 24, MIN_SPAN = 1e5;
    var v0 = 0, v1 = d.horizon, sel = -1, anc = {}, focusAfter = -1;
    var items = [];
    d.events.forEach(function (e, i) {
      var li = document.createElement("li");
      li.setAttribute("data-i", i);
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = e.time + " " + e.entity;
      b.addEventListener("click", function () { select(i, true); });
      var w = document.createElement("span");
      w.className = "w";
      w.textContent = e.word;
      li.appendChild(b); li.appendChild(w);
      li.appendChild(document.createTextNode(e.text));
      list.appendChild(li);
      items.push(li);
    });
    function ancestors(i) {
      var seen = {}, q = [i];
      while (q.length) {
        var c = q.shift();
        d.events[c].causes.forEach(function (p) { if (!seen[p]) { seen[p] = true; q.push(p); } });
      }
      return seen;
    }
    function X(t, W) { return LW + (t - v0) / (v1 - v0) * (W - LW - 12); }
    function draw() {
      var W = Math.max(640, chart.clientWidth || 1000);
      var H = AX + d.lanes.length * LH + 4;
      chart.textContent = "";
      var svg = el("svg", { width: W, height: H, viewBox: "0 0 " + W + " " + H, role: "group",
        "aria-label": "swimlanes: " + d.lanes.length + " lanes, " + d.events.length + " events" }, chart);
      var defs = el("defs", {}, svg);
      var clip = el("clipPath", { id: root.getAttribute("data-src") + "-clip" }, defs);
      el("rect", { x: LW, y: 0, width: W - LW, height: H }, clip);
      d.lanes.forEach(function (l, i) {
        var y = AX + i * LH;
        el("rect", { "class": "lane-bg" + (i % 2 ? " odd" : ""), x: 0, y: y, width: W, height: LH, "data-lane": l.id }, svg);
        el("text", { "class": "lane-label", x: 6, y: y + 13 }, svg, l.label.length > 40 ? l.label.slice(0, 39) + "…" : l.label);
        el("text", { "class": "lane-kind", x: 6, y: y + 25 }, svg, l.kind);
      });
      var body = el("g", { "clip-path": "url(#" + root.getAttribute("data-src") + "-clip)" }, svg);
      var spanNs = v1 - v0, step = STEPS[STEPS.length - 1];
      for (var s = 0; s < STEPS.length; s++) { if (spanNs / STEPS[s] <= 8) { step = STEPS[s]; break; } }
      for (var t = Math.ceil(v0 / step) * step; t <= v1; t += step) {
        var x = X(t, W);
        el("line", { "class": "tick", x1: x, x2: x, y1: AX - 4, y2: H }, body);
        el("text", { "class": "tick-label", x: x + 2, y: 14 }, body, fmt(t, step));
      }
      d.bands.forEach(function (b) {
        if (b.e < v0 || b.s > v1) { return; }
        var x0 = Math.max(LW, X(b.s, W)), x1 = Math.min(W, X(b.e, W));
        var w = Math.max(2, x1 - x0);
        var y = b.lane < 0 ? AX : AX + b.lane * LH + 3, h = b.lane < 0 ? H - AX : LH - 6;
        var r = el("rect", { "class": "band band-" + b.kind, x: x0, y: y, width: w, height: h }, body);
        el("title", {}, r, b.label);
      });
      d.sparks.forEach(function (sp) {
        var y0 = AX + sp.lane * LH + LH - 3, hh = LH - 8;
        var top = sp.deadline;
        sp.pts.forEach(function (p) { if (p[1] > top) { top = p[1]; } });
        // One polyline per run of samples: observation windows are far apart.
        var segs = [], cur = [], last = -1;
        sp.pts.forEach(function (p) {
          if (last >= 0 && p[0] - last > 6e10) { segs.push(cur); cur = []; }
          last = p[0];
          if (p[0] >= v0 && p[0] <= v1) { cur.push(p); }
        });
        segs.push(cur);
        var yd = y0 - sp.deadline / top * hh;
        segs.forEach(function (seg) {
          if (seg.length < 2) { return; }
          var pts = seg.map(function (p) { return X(p[0], W).toFixed(1) + "," + (y0 - p[1] / top * hh).toFixed(1); });
          var pl = el("polyline", { "class": "spark", points: pts.join(" "), "data-flow": sp.flow }, body);
          el("title", {}, pl, sp.flow + ": " + sp.n + " latencies, mean " + sp.mean + ", max " + sp.max + " (dashed: deadline)");
          el("line", { "class": "deadline", x1: X(seg[0][0], W), x2: X(seg[seg.length - 1][0], W), y1: yd, y2: yd }, body);
        });
      });
      var focusEl = null;
      d.events.forEach(function (e, i) {
        if (e.t < v0 || e.t > v1) { return; }
        var x = X(e.t, W), y = AX + e.lane * LH + LH / 2;
        var cls = "ev fam-" + e.fam;
        if (sel >= 0) { cls += i === sel ? " sel" : (anc[i] ? " cause" : " dim"); }
        var shape = e.fam === "attack" ? el("path", { d: "M" + x + " " + (y - 7) + "l7 7-7 7-7-7z" }, body)
          : el("circle", { cx: x, cy: y, r: e.fam === "loss" || e.fam === "down" ? 6 : 5 }, body);
        shape.setAttribute("class", cls);
        shape.setAttribute("data-i", i);
        shape.setAttribute("tabindex", "0");
        shape.setAttribute("role", "button");
        shape.setAttribute("aria-label", e.time + " " + e.entity + " " + e.word + ": " + e.text);
        el("title", {}, shape, e.time + " " + e.entity + " — " + e.text);
        shape.addEventListener("click", function () { select(i, false); });
        shape.addEventListener("keydown", function (ev) {
          if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); focusAfter = i; select(i, false); }
        });
        if (i === focusAfter) { focusEl = shape; }
        if (sel >= 0 && (anc[i] || i === sel)) {
          e.causes.forEach(function (p) {
            var c = d.events[p];
            if (c.t >= v0 && c.t <= v1) {
              el("line", { "class": "link", x1: X(c.t, W), y1: AX + c.lane * LH + LH / 2, x2: x, y2: y }, body);
            }
          });
        }
      });
      if (focusEl) { focusEl.focus(); focusAfter = -1; }
      span.textContent = "showing " + fmt(v0, 1e6) + " to " + fmt(v1, 1e6);
    }
    function setView(a, b) {
      var w = Math.max(MIN_SPAN, Math.min(d.horizon, b - a));
      a = Math.max(0, Math.min(a, d.horizon - w));
      v0 = a; v1 = a + w;
      draw();
    }
    function zoom(f, c) {
      if (c === undefined) { c = (v0 + v1) / 2; }
      setView(c - (c - v0) * f, c + (v1 - c) * f);
    }
    function select(i, center) {
      sel = i; anc = ancestors(i);
      items.forEach(function (li, k) {
        li.className = k === i ? "sel" : (anc[k] ? "cause" : "");
      });
      var e = d.events[i];
      if (center && (e.t < v0 || e.t > v1)) { var w = v1 - v0; setView(e.t - w / 2, e.t + w / 2); } else { draw(); }
      detail.textContent = "";
      var h = document.createElement("p");
      var b = document.createElement("b");
      b.textContent = e.time + " " + e.entity + " — " + e.text;
      h.appendChild(b);
      detail.appendChild(h);
      e.why.forEach(function (w) { var p = document.createElement("p"); p.textContent = "Why: " + w; detail.appendChild(p); });
      var keys = Object.keys(anc).map(Number).sort(function (x, y) { return y - x; });
      var p2 = document.createElement("p");
      p2.textContent = keys.length ? "Caused by, nearest first (" + keys.length + "):" : "A root: nothing earlier in this run caused it.";
      detail.appendChild(p2);
      if (keys.length) {
        var ol = document.createElement("ol");
        keys.forEach(function (k) {
          var c = d.events[k], li = document.createElement("li");
          li.textContent = c.time + " " + c.entity + " — " + c.text + (c.why.length ? " (why: " + c.why.join("; ") + ")" : "");
          ol.appendChild(li);
        });
        detail.appendChild(ol);
      }
    }
    function clear() {
      sel = -1; anc = {};
      items.forEach(function (li) { li.className = ""; });
      detail.textContent = "";
      var p = document.createElement("p");
      p.textContent = "Select an event (click, or Tab to it and press Enter) to see what caused it, back to the root. Esc clears.";
      detail.appendChild(p);
      draw();
    }
    root.querySelectorAll(".ptl-bar button").forEach(function (b) {
      b.addEventListener("click", function () { act(b.getAttribute("data-act")); });
    });
    function act(a) {
      var w = v1 - v0;
      if (a === "fit") { setView(0, d.horizon); }
      else if (a === "in") { zoom(0.25); }
      else if (a === "out") { zoom(4); }
      else if (a === "left") { setView(v0 - w / 2, v1 - w / 2); }
      else if (a === "right") { setView(v0 + w / 2, v1 + w / 2); }
      else if (a === "observe") {
        var o = d.bands.filter(function (b) { return b.kind === "observe"; })[0];
        if (o) { setView(o.s, o.e); }
      }
    }
    root.addEventListener("keydown", function (ev) {
      if (ev.target && ev.target.tagName === "BUTTON" && (ev.key === "Enter" || ev.key === " ")) { return; }
      var map = { "+": "in", "=": "in", "-": "out", "ArrowLeft": "left", "ArrowRight": "right", "0": "fit", "o": "observe" };
      if (ev.key === "Escape") { clear(); ev.preventDefault(); }
      else if (map[ev.key]) { act(map[ev.key]); ev.preventDefault(); }
    });
    chart.addEventListener("wheel", function (ev) {
      var r = chart.getBoundingClientRect(), W = Math.max(640, chart.clientWidth || 1000);
      var px = ev.clientX - r.left;
      if (px < LW) { return; }
      ev.preventDefault();
      zoom(ev.deltaY > 0 ? 1.5 : 1 / 1.5, v0 + (px - LW) / (W - LW - 12) * (v1 - v0));
    }, { passive: false });
    window.addEventListener("resize", draw);
    root.ptlSelect = function (i) { select(i, true); };
    draw();
  }
  Array.prototype.forEach.call(document.querySelectorAll(".ptl"), init);
})();
