/*
 * The analytics dashboard: asks the admin JSON reports (key in the X-API-Key header, never in the URL)
 * and draws them as inline SVG charts and tables. No library, no inline script or style (strict CSP):
 * markup is built with createElement(NS) and text is only ever set as text.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var BASE = "/admin/analytics/";
  var EXPORTS = ["summary", "timeline", "unmet", "themes", "queries", "languages", "filters", "practices", "clicks"];
  var key = "";

  function node(ns, tag, attrs, children) {
    var el = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) el.setAttribute(name, String(attrs[name]));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return el;
  }
  function h(tag, attrs) { return node(null, tag, attrs, Array.prototype.slice.call(arguments, 2)); }
  function s(tag, attrs) { return node(SVG, tag, attrs, Array.prototype.slice.call(arguments, 2)); }
  function byId(id) { return document.getElementById(id); }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }
  function pct(x) { return (100 * (x || 0)).toFixed(1) + "%"; }
  function num(x) { return x === null || x === undefined ? "–" : String(x); }
  function short(text, n) { text = String(text); return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  function status(text, isError) {
    var el = byId("da-status");
    el.textContent = text;
    el.className = "da-status" + (isError ? " da-error" : "");
  }

  function range() {
    var params = new URLSearchParams();
    if (byId("da-from").value) params.set("from", byId("da-from").value);
    if (byId("da-to").value) params.set("to", byId("da-to").value);
    return params;
  }

  function failure(resp) {
    return resp.json().then(
      function (body) { return new Error((body && body.detail) || "HTTP " + resp.status); },
      function () { return new Error("HTTP " + resp.status); }
    ).then(function (err) { err.status = resp.status; throw err; });
  }

  function get(path, params) {
    return fetch(BASE + path + "?" + params.toString(), { headers: { "X-API-Key": key, Accept: "application/json" } })
      .then(function (resp) { return resp.ok ? resp : failure(resp); });
  }

  function report(name, limit) {
    var params = range();
    if (limit) params.set("limit", String(limit));
    return get(name, params).then(function (resp) { return resp.json(); });
  }

  /* ---------- charts ---------- */

  // A chart is named by its section's heading, for screen readers.
  function nameOf(container) {
    var section = container.closest("section");
    var heading = section && section.querySelector("h2");
    return heading ? heading.textContent : "chart";
  }

  function empty(container) {
    container.appendChild(h("p", { class: "da-empty" }, "Nothing recorded in this period."));
  }

  // Horizontal bars: items [{label, title, values: [{value, name, cls}]}], one row per item.
  function barChart(container, items, legend) {
    clear(container);
    if (!items.length) return empty(container);
    var series = items[0].values.length;
    // Drawn at the container's own width, so 12px text stays 12px in a half-width panel too.
    var width = Math.max(360, container.clientWidth || 720);
    var rowH = 10 + 16 * series, labelW = Math.round(width * 0.38), barW = width - labelW - 90;
    var max = Math.max.apply(null, items.map(function (it) {
      return Math.max.apply(null, it.values.map(function (v) { return v.value; }));
    })) || 1;
    var chart = s("svg", { viewBox: "0 0 " + width + " " + rowH * items.length, class: "da-svg", role: "img",
      "aria-label": nameOf(container) });
    items.forEach(function (it, i) {
      var y = i * rowH;
      var row = s("g", { class: "da-row" }, s("title", null, it.title || it.label));
      row.appendChild(s("text", { x: labelW - 8, y: y + rowH / 2 + 4, class: "da-label", "text-anchor": "end" },
        short(it.label, Math.floor(labelW / 7))));
      it.values.forEach(function (v, k) {
        var w = Math.max(1, Math.round(barW * v.value / max));
        var by = y + 5 + 16 * k;
        row.appendChild(s("rect", { x: labelW, y: by, width: w, height: 13, class: "da-bar " + (v.cls || "") }));
        row.appendChild(s("text", { x: labelW + w + 5, y: by + 11, class: "da-value" },
          v.name ? v.value + " " + (v.value === 1 ? v.name[0] : v.name[1]) : v.value));
      });
      chart.appendChild(row);
    });
    container.appendChild(chart);
    if (legend) container.appendChild(legendOf(legend));
  }

  function legendOf(entries) {
    return h.apply(null, ["ul", { class: "da-legend" }].concat(entries.map(function (e) {
      return h("li", null, s("svg", { width: 12, height: 12, "aria-hidden": "true" },
        s("rect", { width: 12, height: 12, class: "da-bar " + e.cls })), " " + e.label);
    })));
  }

  // Rates per day as lines: rows [{day, ...}], series [{key, label, cls}]; y from 0 to the largest rate.
  function lineChart(container, rows, series) {
    clear(container);
    if (!rows.length) return empty(container);
    var width = 720, height = 240, left = 48, right = 12, top = 12, bottom = 36;
    var innerW = width - left - right, innerH = height - top - bottom;
    var max = Math.max(0.05, Math.max.apply(null, rows.map(function (r) {
      return Math.max.apply(null, series.map(function (se) { return r[se.key]; }));
    })));
    max = Math.min(1, Math.ceil(max * 10) / 10);
    function x(i) { return left + (rows.length === 1 ? innerW / 2 : (innerW * i) / (rows.length - 1)); }
    function y(v) { return top + innerH - (innerH * v) / max; }
    var chart = s("svg", { viewBox: "0 0 " + width + " " + height, class: "da-svg", role: "img",
      "aria-label": nameOf(container) });
    [0, 0.5, 1].forEach(function (f) {
      chart.appendChild(s("line", { x1: left, x2: width - right, y1: y(max * f), y2: y(max * f), class: "da-grid" }));
      chart.appendChild(s("text", { x: left - 6, y: y(max * f) + 4, class: "da-axis", "text-anchor": "end" }, pct(max * f)));
    });
    var ticks = rows.length <= 3 ? rows.map(function (_, i) { return i; }) : [0, Math.floor((rows.length - 1) / 2), rows.length - 1];
    ticks.forEach(function (i) {
      chart.appendChild(s("text", { x: x(i), y: height - 12, class: "da-axis", "text-anchor": "middle" }, rows[i].day));
    });
    series.forEach(function (se) {
      var points = rows.map(function (r, i) { return x(i).toFixed(1) + "," + y(r[se.key]).toFixed(1); }).join(" ");
      chart.appendChild(s("polyline", { points: points, class: "da-line " + se.cls }));
      rows.forEach(function (r, i) {
        chart.appendChild(s("circle", { cx: x(i), cy: y(r[se.key]), r: 3, class: "da-dot " + se.cls },
          s("title", null, r.day + ": " + se.label + " " + pct(r[se.key]) + " of " + r.searches + " searches")));
      });
    });
    container.appendChild(chart);
    container.appendChild(legendOf(series));
  }

  function table(container, columns, rows) {
    clear(container);
    if (!rows.length) return empty(container);
    var head = h.apply(null, ["tr", null].concat(columns.map(function (c) { return h("th", { scope: "col", class: c.numeric ? "da-num" : null }, c.label); })));
    var body = rows.map(function (r) {
      return h.apply(null, ["tr", null].concat(columns.map(function (c) {
        return h("td", { class: c.numeric ? "da-num" : null }, c.format ? c.format(r[c.key], r) : num(r[c.key]));
      })));
    });
    container.appendChild(h("table", { class: "da-table" }, h("thead", null, head), h.apply(null, ["tbody", null].concat(body))));
  }

  /* ---------- the reports ---------- */

  var SUMMARY = [
    ["searches", "Searches"], ["pasted", "Pasted descriptions"], ["related_views", "Related views"],
    ["no_close_match", "No close match"], ["no_close_match_rate", "No close match rate", pct],
    ["zero_results", "Zero results"], ["clicks", "Results opened"], ["click_through_rate", "Click-through", pct],
  ];

  function renderSummary(data) {
    var dl = byId("da-summary");
    clear(dl);
    SUMMARY.forEach(function (item) {
      var value = data[item[0]];
      dl.appendChild(h("div", { class: "da-tile", "data-key": item[0] },
        h("dt", null, item[1]), h("dd", null, item[2] ? item[2](value) : num(value))));
    });
  }

  var RENDER = {
    summary: { load: function () { return report("summary"); } },
    timeline: {
      load: function () { return report("timeline"); },
      draw: function (data) {
        lineChart(byId("da-timeline"), data.rows, [
          { key: "no_close_match_rate", label: "no close match", cls: "da-s1" },
          { key: "zero_result_rate", label: "no result", cls: "da-s2" },
        ]);
      },
    },
    themes: {
      load: function () { return report("themes", 10); },
      draw: function (data) {
        barChart(byId("da-themes"), data.rows.map(function (t) {
          return { label: t.label, title: t.label + ": " + t.examples.join("; "),
            values: [{ value: t.searches, name: ["search", "searches"], cls: "da-s1" }] };
        }));
      },
    },
    languages: {
      load: function () { return report("languages"); },
      draw: function (data) {
        barChart(byId("da-languages"), data.rows.map(function (r) {
          return { label: r.language === "und" ? "undetermined" : r.language,
            values: [{ value: r.searches, cls: "da-s3" }] };
        }));
      },
    },
    practices: {
      load: function () { return report("practices", 10); },
      draw: function (data) {
        barChart(byId("da-practices"), data.rows.slice(0, 10).map(function (r) {
          return { label: r.title || r.practice_id, title: r.practice_id,
            values: [{ value: r.shown, cls: "da-s3" }, { value: r.opened, cls: "da-s1" }] };
        }), [{ label: "shown", cls: "da-s3" }, { label: "opened", cls: "da-s1" }]);
      },
    },
    unmet: {
      load: function () { return report("unmet", 20); },
      draw: function (data) {
        table(byId("da-unmet"), [{ key: "query", label: "Query" }, { key: "searches", label: "Searches", numeric: true },
          { key: "last_day", label: "Last searched" }], data.rows);
      },
    },
    queries: {
      load: function () { return report("queries", 20); },
      draw: function (data) {
        table(byId("da-queries"), [{ key: "query", label: "Query" }, { key: "searches", label: "Searches", numeric: true },
          { key: "no_close_match", label: "No close match", numeric: true },
          { key: "click_through_rate", label: "Click-through", numeric: true, format: pct }], data.rows);
      },
    },
    filters: {
      load: function () { return report("filters", 10); },
      draw: function (data) {
        table(byId("da-filters"), [{ key: "filter", label: "Filter" }, { key: "value", label: "Value" },
          { key: "searches", label: "Searches", numeric: true },
          { key: "no_close_match_rate", label: "No close match", numeric: true, format: pct }],
          data.rows.filter(function (r) { return r.filter === "country" || r.filter === "topic"; }));
      },
    },
    clicks: {
      load: function () { return report("clicks"); },
      draw: function (data) {
        table(byId("da-clicks"), [{ key: "kind", label: "Kind" }, { key: "mode", label: "Mode" },
          { key: "searches", label: "Searches", numeric: true },
          { key: "click_through_rate", label: "Click-through", numeric: true, format: pct },
          { key: "mean_first_click_position", label: "Mean first click", numeric: true }], data.rows);
      },
    },
  };

  function download(name) {
    var params = range();
    params.set("report", name);
    params.set("limit", "1000");
    get("export.csv", params).then(function (resp) { return resp.blob(); }).then(function (blob) {
      var url = URL.createObjectURL(blob);
      var a = h("a", { href: url, download: "analytics-" + name + ".csv", hidden: "" });
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    }, function (err) { status(err.message, true); });
  }

  function renderExports() {
    var box = byId("da-export");
    clear(box);
    EXPORTS.forEach(function (name) {
      var b = h("button", { type: "button", class: "da-button da-secondary", "data-report": name }, name + ".csv");
      b.addEventListener("click", function () { download(name); });
      box.appendChild(b);
    });
  }

  // The summary first: a refused key or an unavailable store shows why and nothing else. Then the
  // others, drawn once the panels are visible (charts take their panel's width).
  function load() {
    status("Loading the reports…");
    var reports = byId("da-reports");
    var names = Object.keys(RENDER).filter(function (name) { return name !== "summary"; });
    RENDER.summary.load().then(function (summary) {
      reports.hidden = false;
      renderSummary(summary);
      renderExports();
      return Promise.all(names.map(function (name) {
        return RENDER[name].load().then(function (data) { RENDER[name].draw(data); });
      }));
    }).then(function () {
      status("Reports for " + (byId("da-from").value || "every day kept") + " to " + (byId("da-to").value || "today") + ".");
      document.body.setAttribute("data-loaded", "true");
    }, function (err) {
      if (err.status === 401 || err.status === 403) {
        reports.hidden = true;
        status("The admin key was refused: " + err.message, true);
      } else {
        status("A report could not be loaded: " + err.message, true);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    byId("da-form").addEventListener("submit", function (e) {
      e.preventDefault();
      key = byId("da-key").value.trim();
      load();
    });
  });
})();
