/*
 * Intercultural Cities practice search widget.
 *
 * Embed with one element and one script tag, no build step:
 *
 *   <div data-practice-search data-api="https://search.example.org"></div>
 *   <script src="https://search.example.org/widget.js" defer></script>
 *
 * Every [data-practice-search] element gets its own independent instance (own state, own
 * element ids, own requests). Options are data attributes on that element:
 *   data-api          API base URL (default: the folder widget.js was loaded from)
 *   data-mode         hybrid | semantic | keyword (default hybrid)
 *   data-mode-switch  present: show the search-mode selector (hidden by default)
 *   data-limit        results per page, 1-50 (default 10)
 *   data-compare      "false": hide the "find comparable initiatives" form
 *
 * Safety: text from the API is only ever inserted with textContent / text nodes, never parsed
 * as HTML; snippet highlighting is built from the [start, end) offsets in snippet.highlights.
 * No inline styles or scripts are created, so the widget runs under a strict CSP
 * (script-src 'self'; style-src 'self').
 */
(function () {
  "use strict";

  if (window.PracticeSearch && window.PracticeSearch.mount) return; // script included twice

  var script = document.currentScript;
  var scriptUrl = script && script.src ? script.src : null;
  // The API lives next to widget.js unless the page says otherwise (data-api).
  var DEFAULT_API = scriptUrl ? new URL(".", scriptUrl).href.replace(/\/$/, "") : window.location.origin;
  var DEBOUNCE_MS = 300;
  var MODES = [
    ["hybrid", "Hybrid (meaning + words)"],
    ["semantic", "Meaning only"],
    ["keyword", "Exact words only"],
  ];
  var instanceCount = 0;

  /* ---------- small DOM helpers: everything is built with createElement + text ---------- */

  // h("p", {class: "x", hidden: true}, "text", otherNode): attributes via setAttribute, children as text nodes.
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === false || value === null || value === undefined) return;
        el.setAttribute(name, value === true ? "" : String(value));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) {
      child.forEach(function (c) { append(el, c); });
    } else if (typeof child === "string" || typeof child === "number") {
      el.appendChild(document.createTextNode(String(child)));
    } else {
      el.appendChild(child);
    }
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  function text(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  // Only http(s) links from the API become hrefs; anything else (javascript:, data:) is dropped.
  function safeHref(value) {
    try {
      var url = new URL(String(value), window.location.href);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  /*
   * The snippet as text nodes with <mark> around the highlighted ranges. Offsets count Unicode
   * code points (Python string indices), so the text is split with Array.from, not by UTF-16 units.
   * Ranges are clamped, sorted and merged; malformed ones are ignored.
   */
  function highlighted(snippetText, ranges) {
    var chars = Array.from(text(snippetText));
    var n = chars.length;
    var spans = (Array.isArray(ranges) ? ranges : [])
      .filter(function (r) {
        return Array.isArray(r) && r.length === 2 && Number.isInteger(r[0]) && Number.isInteger(r[1]);
      })
      .map(function (r) { return [Math.max(0, r[0]), Math.min(n, r[1])]; })
      .filter(function (r) { return r[0] < r[1]; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    spans.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    var frag = document.createDocumentFragment();
    var pos = 0;
    merged.forEach(function (r) {
      if (r[0] > pos) frag.appendChild(document.createTextNode(chars.slice(pos, r[0]).join("")));
      frag.appendChild(h("mark", { class: "ps-mark" }, chars.slice(r[0], r[1]).join("")));
      pos = r[1];
    });
    if (pos < n) frag.appendChild(document.createTextNode(chars.slice(pos).join("")));
    return frag;
  }

  function place(item) {
    return [text(item.city), text(item.country)].filter(Boolean).join(", ");
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function uniqueId(prefix) {
    var id = prefix;
    var k = 1;
    while (document.getElementById(id)) id = prefix + "-" + k++;
    return id;
  }

  /* ---------- the widget's stylesheet: one <link> next to widget.js, added once per page ---------- */

  function ensureStylesheet() {
    if (!scriptUrl) return;
    var href = new URL("widget.css", scriptUrl).href;
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].href === href) return;
    }
    document.head.appendChild(h("link", { rel: "stylesheet", href: href, "data-practice-search-css": true }));
  }

  /* ---------- API client: one per instance; errors carry a user-facing message ---------- */

  function ApiError(message, status) {
    this.message = message;
    this.status = status;
  }

  function api(base) {
    function request(path, params, body, signal) {
      var url = base + path;
      if (params) {
        var qs = new URLSearchParams();
        Object.keys(params).forEach(function (key) {
          var v = params[key];
          if (v === null || v === undefined || v === "") return;
          (Array.isArray(v) ? v : [v]).forEach(function (x) { qs.append(key, String(x)); });
        });
        var s = qs.toString();
        if (s) url += "?" + s;
      }
      var init = { signal: signal, headers: { Accept: "application/json" } };
      if (body) {
        init.method = "POST";
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      return fetch(url, init).then(
        function (resp) {
          return resp.json().then(
            function (data) {
              if (resp.ok) return data;
              var detail = data && typeof data.detail === "string" ? data.detail : "";
              throw new ApiError(
                resp.status >= 500 || !detail
                  ? "The search service had a problem (HTTP " + resp.status + ")."
                  : detail,
                resp.status
              );
            },
            function () {
              throw new ApiError("The search service sent an unreadable answer (HTTP " + resp.status + ").", resp.status);
            }
          );
        },
        function (err) {
          if (err && err.name === "AbortError") throw err;
          throw new ApiError("The search service could not be reached.", 0);
        }
      );
    }
    return { request: request };
  }

  function isAbort(err) {
    return err && err.name === "AbortError";
  }

  /* ---------- analytics: which result a person opened (POST /events; nothing else is sent) ---------- */

  // Tag the last `count` open buttons in `container` (one response's results) with that response's
  // query id and each result's position (offset + 1, ...). Without a query id (analytics off): nothing.
  function tagOpens(container, count, data) {
    if (!count || !data || typeof data.query_id !== "string") return;
    var offset = typeof data.offset === "number" ? data.offset : 0;
    var buttons = Array.prototype.slice.call(container.querySelectorAll(".ps-open")).slice(-count);
    buttons.forEach(function (b, i) {
      b.setAttribute("data-ps-query-id", data.query_id);
      b.setAttribute("data-ps-position", String(offset + i + 1));
    });
  }

  // One capturing listener per widget (it runs before the button's own handler replaces the DOM).
  // Fire and forget: keepalive lets the report finish even when the person leaves the page.
  function reportOpens(root, base) {
    root.addEventListener("click", function (e) {
      var b = e.target && e.target.closest ? e.target.closest("[data-ps-query-id]") : null;
      if (!b || !root.contains(b)) return;
      var event = {
        query_id: b.getAttribute("data-ps-query-id"),
        practice_id: b.getAttribute("data-id"),
        position: parseInt(b.getAttribute("data-ps-position"), 10),
      };
      try {
        fetch(base + "/events", {
          method: "POST", keepalive: true, headers: { "Content-Type": "application/json" }, body: JSON.stringify(event),
        }).catch(function () {});
      } catch (err) { /* reporting must never break the widget */ }
    }, true);
  }

  /* ---------- one widget instance ---------- */

  function mount(root) {
    if (!root || root.hasAttribute("data-ps-mounted")) return null;
    root.setAttribute("data-ps-mounted", "");
    instanceCount += 1;
    var prefix = uniqueId("ps" + instanceCount);
    var ids = {
      q: prefix + "-q",
      status: prefix + "-status",
      results: prefix + "-results",
      detailTitle: prefix + "-detail-title",
      country: prefix + "-country",
      topic: prefix + "-topic",
      yearFrom: prefix + "-year-from",
      yearTo: prefix + "-year-to",
      mode: prefix + "-mode",
      compare: prefix + "-compare",
      compareHelp: prefix + "-compare-help",
    };
    var apiBase = ((root.getAttribute("data-api") || "").trim() || DEFAULT_API).replace(/\/+$/, "");
    var client = api(apiBase);
    var limit = Math.min(50, Math.max(1, parseInt(root.getAttribute("data-limit"), 10) || 10));
    var initialMode = root.getAttribute("data-mode");
    var state = {
      mode: MODES.some(function (m) { return m[0] === initialMode; }) ? initialMode : "hybrid",
      listing: null, // {kind: "search"|"similar", q, text, filters, results, total}
      requests: {}, // name -> AbortController, so a newer request cancels the stale one
      debounce: null,
      retry: null, // re-runs whatever last failed
      opener: null, // the result button that opened the detail panel (focus returns there)
      facetsQuery: null,
    };

    function start(name) {
      if (state.requests[name]) state.requests[name].abort();
      var controller = new AbortController();
      state.requests[name] = controller;
      return controller;
    }

    /* --- build the DOM --- */
    var input = h("input", {
      type: "search", id: ids.q, class: "ps-input", role: "searchbox", autocomplete: "off",
      "aria-label": "Search good practices", "aria-controls": ids.results, spellcheck: "false",
      placeholder: "e.g. language cafés", maxlength: 500,
    });
    var searchForm = h("form", { class: "ps-search", role: "search" },
      h("label", { for: ids.q, class: "ps-label" }, "Search the Intercultural Cities good practices"),
      h("div", { class: "ps-search-row" }, input, h("button", { type: "submit", class: "ps-button ps-primary" }, "Search"))
    );

    function select(id, label, cls) {
      var el = h("select", { id: id, class: "ps-select" });
      return { el: el, wrap: h("div", { class: "ps-field " + (cls || "") }, h("label", { for: id, class: "ps-field-label" }, label), el) };
    }
    var country = select(ids.country, "Country");
    var topic = select(ids.topic, "Topic");
    var yearFrom = select(ids.yearFrom, "From year", "ps-year");
    var yearTo = select(ids.yearTo, "To year", "ps-year");
    var mode = select(ids.mode, "Search mode");
    MODES.forEach(function (m) { mode.el.appendChild(h("option", { value: m[0] }, m[1])); });
    mode.el.value = state.mode;
    mode.wrap.hidden = !root.hasAttribute("data-mode-switch") || root.getAttribute("data-mode-switch") === "false";
    var resetButton = h("button", { type: "button", class: "ps-button ps-link-button ps-reset" }, "Clear filters");
    var filters = h("fieldset", { class: "ps-filters" },
      h("legend", { class: "ps-legend" }, "Filters"),
      country.wrap, topic.wrap, yearFrom.wrap, yearTo.wrap, mode.wrap, resetButton
    );
    [country, topic, yearFrom, yearTo].forEach(function (s) { fillSelect(s.el, [], anyLabel(s.el)); });

    var statusEl = h("p", { id: ids.status, class: "ps-status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    var hint = h("p", { class: "ps-hint" }, "Type what you are looking for: a topic, a problem you want to solve, a city.");
    var messages = h("div", { class: "ps-messages" });
    var list = h("ul", { id: ids.results, class: "ps-results", role: "list", "aria-label": "Search results" });
    var more = h("button", { type: "button", class: "ps-button ps-more", hidden: true }, "More results");
    var main = h("div", { class: "ps-main" }, hint, messages, list, more);

    var detail = h("section", { class: "ps-detail", role: "region", "aria-labelledby": ids.detailTitle, hidden: true });
    var body = h("div", { class: "ps-body" }, main, detail);

    var compareText = h("textarea", {
      id: ids.compare, class: "ps-textarea", rows: 4, maxlength: 5000, "aria-describedby": ids.compareHelp,
    });
    var compareForm = h("form", { class: "ps-compare-form" },
      h("label", { for: ids.compare, class: "ps-field-label" }, "Describe your own initiative or paste its description"),
      h("p", { id: ids.compareHelp, class: "ps-help" }, "We list the practices most similar to it. The filters apply too."),
      compareText,
      h("button", { type: "submit", class: "ps-button ps-primary" }, "Find comparable initiatives")
    );
    // Collapsed by default (<details> is keyboard-operable without script): the search box comes first.
    var compare = h("details", { class: "ps-compare" },
      h("summary", { class: "ps-compare-summary" }, "Find comparable initiatives"), compareForm);
    compare.hidden = root.getAttribute("data-compare") === "false";

    clear(root);
    root.classList.add("ps-root");
    append(root, [searchForm, filters, compare, statusEl, body]);
    reportOpens(root, apiBase);

    /* --- filters --- */

    function anyLabel(el) {
      if (el === country.el) return "All countries";
      if (el === topic.el) return "All topics";
      return "Any year";
    }

    // Rebuild a select's options from facet buckets, keeping the current choice even when the
    // refreshed counts no longer contain it.
    function fillSelect(el, buckets, allLabel) {
      var current = el.value;
      clear(el);
      el.appendChild(h("option", { value: "" }, allLabel));
      var seen = false;
      (buckets || []).forEach(function (b) {
        var value = text(b.value);
        if (value === current) seen = true;
        var label = text(b.label || b.value);
        el.appendChild(h("option", { value: value }, typeof b.count === "number" ? label + " (" + b.count + ")" : label));
      });
      if (current && !seen) el.appendChild(h("option", { value: current }, current + " (0)"));
      el.value = current;
    }

    function currentFilters() {
      var f = {};
      if (country.el.value) f.country = [country.el.value];
      if (topic.el.value) f.topic = [topic.el.value];
      if (yearFrom.el.value) f.year_from = parseInt(yearFrom.el.value, 10);
      if (yearTo.el.value) f.year_to = parseInt(yearTo.el.value, 10);
      return f;
    }

    function hasFilters() {
      return Object.keys(currentFilters()).length > 0;
    }

    // Facet counts follow the query (not the other filters), so every choice stays visible.
    function loadFacets(q) {
      if (state.facetsQuery === q) return;
      var controller = start("facets");
      client.request("/facets", { q: q }, null, controller.signal).then(
        function (data) {
          state.facetsQuery = q;
          fillSelect(country.el, data.countries, "All countries");
          fillSelect(topic.el, data.topics, "All topics");
          var years = (data.start_years || []).slice().sort(function (a, b) { return a.value - b.value; });
          fillSelect(yearFrom.el, years, "Any year");
          fillSelect(yearTo.el, years, "Any year");
          if (!state.listing && typeof data.total === "number") {
            hint.textContent = "Search " + plural(data.total, "good practice", "good practices") +
              " of the Intercultural Cities programme: a topic, a problem you want to solve, a city.";
          }
        },
        function (err) {
          if (!isAbort(err)) state.facetsQuery = null; // filters stay as they are; the search shows the error
        }
      );
    }

    /* --- states --- */

    function setBusy(busy, label) {
      root.classList.toggle("ps-loading", busy);
      list.setAttribute("aria-busy", busy ? "true" : "false");
      if (busy) statusEl.textContent = label || "Searching…";
    }

    function showMessage(kind, parts, withRetry) {
      clear(messages);
      if (!kind) return;
      var box = h("div", { class: "ps-message ps-message-" + kind, role: kind === "error" ? "alert" : null }, parts);
      if (withRetry) {
        var retry = h("button", { type: "button", class: "ps-button ps-retry" }, "Retry");
        retry.addEventListener("click", function () { if (state.retry) state.retry(); });
        box.appendChild(retry);
      }
      messages.appendChild(box);
      return box;
    }

    // A failed new search clears the old results (they answer another question); a failed
    // "more results" keeps the pages already shown. The alert is announced; the status stays quiet.
    function showError(err, retry, keepResults) {
      setBusy(false);
      state.retry = retry;
      statusEl.textContent = "";
      if (!keepResults) {
        clear(list);
        more.hidden = true;
      }
      showMessage("error", [h("p", null, err.message), h("p", null, "Please try again in a moment.")], true);
    }

    /* --- results --- */

    function resultItem(item) {
      var open = h("button", { type: "button", class: "ps-open", "data-id": text(item.id) }, text(item.title));
      open.addEventListener("click", function () { openDetail(item.id, open, item); });
      var meta = [place(item), text(item.period)].filter(Boolean).join(" · ");
      var li = h("li", { class: "ps-result" + (item.close === false ? " ps-far" : ""), role: "listitem" },
        h("h3", { class: "ps-result-title" }, open),
        meta ? h("p", { class: "ps-meta" }, meta) : null,
        topicList(item.topics),
        item.purpose ? h("p", { class: "ps-purpose" }, text(item.purpose)) : null
      );
      var sn = item.snippet;
      if (sn && sn.text) {
        li.appendChild(h("p", { class: "ps-snippet" }, highlighted(sn.text, sn.highlights)));
      }
      return li;
    }

    function topicList(topics) {
      if (!Array.isArray(topics) || !topics.length) return null;
      return h("ul", { class: "ps-topics", role: "list", "aria-label": "Topics" },
        topics.map(function (t) { return h("li", { class: "ps-topic", role: "listitem" }, text(t)); })
      );
    }

    function renderListing(data, appendPage) {
      var listing = state.listing;
      var results = Array.isArray(data.results) ? data.results : [];
      listing.total = typeof data.total === "number" ? data.total : results.length;
      var firstNew = null;
      if (!appendPage) {
        clear(list);
        listing.results = [];
      }
      results.forEach(function (item) {
        var li = resultItem(item);
        if (!firstNew) firstNew = li;
        list.appendChild(li);
        listing.results.push(item);
      });
      tagOpens(list, results.length, data);
      setBusy(false);
      hint.hidden = true;
      var shown = listing.results.length;
      var noun = listing.kind === "similar" ? ["comparable practice", "comparable practices"] : ["result", "results"];
      statusEl.textContent = plural(listing.total, noun[0], noun[1]);
      more.hidden = shown >= listing.total || results.length === 0;
      more.textContent = "More results (" + shown + " of " + listing.total + " shown)";

      if (!appendPage) {
        var parts = [];
        if (shown === 0) {
          parts.push(h("p", null, listing.kind === "similar"
            ? "No comparable practices found. Try a longer description or fewer filters."
            : "No practices match. Try other words or fewer filters."));
        } else if (data.close_match === false) {
          parts.push(h("p", { class: "ps-no-close" }, "No close match. These are the nearest practices we found."));
        }
        if (data.notice) parts.push(h("p", { class: "ps-notice" }, text(data.notice)));
        var corrections = Array.isArray(data.corrections) ? data.corrections : [];
        if (listing.kind === "search" && corrections.length) parts.push(correctionLine(corrections));
        showMessage(parts.length ? (shown === 0 || data.close_match === false ? "empty" : "info") : null, parts, false);
      }
      return firstNew;
    }

    function correctionLine(corrections) {
      var q = state.listing.q;
      corrections.forEach(function (c) {
        if (c && c.from && c.to) q = q.split(text(c.from)).join(text(c.to));
      });
      var b = h("button", { type: "button", class: "ps-link-button" }, q);
      b.addEventListener("click", function () { input.value = q; runSearch(); });
      return h("p", { class: "ps-corrections" }, "Did you mean: ", b, "?");
    }

    function fetchListing(listing, offset) {
      var controller = start("list");
      if (listing.kind === "similar") {
        var payload = Object.assign({ text: listing.text, limit: limit, offset: offset }, listing.filters);
        return client.request("/similar", null, payload, controller.signal);
      }
      var params = Object.assign({ q: listing.q, mode: state.mode, limit: limit, offset: offset }, listing.filters);
      return client.request("/search", params, null, controller.signal);
    }

    function runListing(listing) {
      clearTimeout(state.debounce);
      state.listing = listing;
      state.retry = function () { runListing(listing); };
      showMessage(null);
      setBusy(true, listing.kind === "similar" ? "Looking for comparable practices…" : "Searching…");
      fetchListing(listing, 0).then(
        function (data) { if (state.listing === listing) renderListing(data, false); },
        function (err) { if (!isAbort(err) && state.listing === listing) showError(err, state.retry); }
      );
    }

    function loadMore() {
      var listing = state.listing;
      if (!listing) return;
      var offset = listing.results.length;
      state.retry = loadMore;
      setBusy(true, "Loading more…");
      fetchListing(listing, offset).then(
        function (data) {
          if (state.listing !== listing) return;
          var first = renderListing(data, true);
          showMessage(null);
          var btn = first && first.querySelector(".ps-open");
          if (btn) btn.focus();
        },
        function (err) { if (!isAbort(err) && state.listing === listing) showError(err, loadMore, true); }
      );
    }

    function runSearch() {
      clearTimeout(state.debounce);
      var q = input.value.trim();
      loadFacets(q);
      if (!q && !hasFilters()) {
        // Nothing asked: back to the empty start state.
        if (state.requests.list) state.requests.list.abort();
        state.listing = null;
        setBusy(false);
        clear(list);
        showMessage(null);
        more.hidden = true;
        hint.hidden = false;
        statusEl.textContent = "";
        return;
      }
      runListing({ kind: "search", q: q, filters: currentFilters(), results: [], total: 0 });
    }

    function runCompare() {
      var t = compareText.value.trim();
      if (!t) {
        compareText.focus();
        return;
      }
      closeDetail(false);
      runListing({ kind: "similar", text: t, filters: currentFilters(), results: [], total: 0 });
    }

    // A filter change re-runs whatever is listed: the search, or the comparable initiatives.
    function refilter() {
      if (state.listing && state.listing.kind === "similar") runCompare();
      else runSearch();
    }

    /* --- detail panel --- */

    function openDetail(id, opener, preview) {
      if (opener) state.opener = opener;
      var controller = start("detail");
      clear(detail);
      detail.hidden = false;
      root.classList.add("ps-detail-open");
      var close = h("button", { type: "button", class: "ps-button ps-close", "aria-label": "Close details" }, "Close ✕");
      close.addEventListener("click", function () { closeDetail(true); });
      var title = h("h2", { id: ids.detailTitle, class: "ps-detail-title", tabindex: "-1" }, text(preview && preview.title));
      var content = h("div", { class: "ps-detail-content" }, h("p", { class: "ps-loading-text" }, "Loading…"));
      var related = h("div", { class: "ps-related" });
      append(detail, [h("div", { class: "ps-detail-bar" }, close), title, content, related]);
      title.focus();

      function load() {
        clear(content);
        content.appendChild(h("p", { class: "ps-loading-text" }, "Loading…"));
        client.request("/practices/" + encodeURIComponent(id), null, null, controller.signal).then(
          function (p) { renderPractice(p, title, content); },
          function (err) {
            if (isAbort(err)) return;
            clear(content);
            var retry = h("button", { type: "button", class: "ps-button ps-retry" }, "Retry");
            retry.addEventListener("click", load);
            content.appendChild(h("div", { class: "ps-message ps-message-error", role: "alert" }, h("p", null, err.message), retry));
          }
        );
      }
      function loadRelated() {
        clear(related);
        related.appendChild(h("h3", { class: "ps-related-title" }, "Related practices"));
        var status = h("p", { class: "ps-loading-text" }, "Loading related practices…");
        related.appendChild(status);
        client.request("/practices/" + encodeURIComponent(id) + "/similar", { limit: 5 }, null, controller.signal).then(
          function (data) {
            var items = Array.isArray(data.results) ? data.results : [];
            status.textContent = items.length ? "" : "No related practices found.";
            status.hidden = items.length > 0;
            related.appendChild(h("ul", { class: "ps-related-list", role: "list" }, items.map(relatedItem)));
            tagOpens(related, items.length, data);
          },
          function (err) {
            if (isAbort(err)) return;
            status.textContent = err.message;
            var retry = h("button", { type: "button", class: "ps-button ps-retry" }, "Retry");
            retry.addEventListener("click", loadRelated);
            related.appendChild(retry);
          }
        );
      }
      load();
      loadRelated();
    }

    function relatedItem(item) {
      var b = h("button", { type: "button", class: "ps-open ps-related-open", "data-id": text(item.id) }, text(item.title));
      b.addEventListener("click", function () { openDetail(item.id, null, item); });
      var meta = [place(item), text(item.period)].filter(Boolean).join(" · ");
      return h("li", { class: "ps-related-item", role: "listitem" }, b, meta ? h("p", { class: "ps-meta" }, meta) : null);
    }

    function renderPractice(p, title, content) {
      title.textContent = text(p.title);
      clear(content);
      var meta = [place(p), text(p.period)].filter(Boolean).join(" · ");
      append(content, [
        meta ? h("p", { class: "ps-meta" }, meta) : null,
        topicList(p.topics),
        p.purpose ? [h("h3", { class: "ps-detail-heading" }, "Purpose"), h("p", { class: "ps-purpose" }, text(p.purpose))] : null,
        p.description ? [h("h3", { class: "ps-detail-heading" }, "Description"), h("p", { class: "ps-description" }, text(p.description))] : null,
      ]);
      var href = safeHref(p.source_url);
      if (href) {
        content.appendChild(h("p", { class: "ps-source" },
          h("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, "Read it on the Intercultural Cities website")));
      }
    }

    function closeDetail(restoreFocus) {
      if (detail.hidden) return;
      if (state.requests.detail) state.requests.detail.abort();
      detail.hidden = true;
      clear(detail);
      root.classList.remove("ps-detail-open");
      var target = state.opener && root.contains(state.opener) ? state.opener : input;
      state.opener = null;
      if (restoreFocus) target.focus();
    }

    /* --- events --- */

    input.addEventListener("input", function () {
      clearTimeout(state.debounce);
      state.debounce = setTimeout(runSearch, DEBOUNCE_MS);
    });
    searchForm.addEventListener("submit", function (e) {
      e.preventDefault();
      runSearch();
    });
    compareForm.addEventListener("submit", function (e) {
      e.preventDefault();
      runCompare();
    });
    [country.el, topic.el, yearFrom.el, yearTo.el].forEach(function (el) { el.addEventListener("change", refilter); });
    mode.el.addEventListener("change", function () {
      state.mode = mode.el.value;
      if (state.listing && state.listing.kind === "search") runSearch();
    });
    resetButton.addEventListener("click", function () {
      [country.el, topic.el, yearFrom.el, yearTo.el].forEach(function (el) { el.value = ""; });
      refilter();
    });
    more.addEventListener("click", loadMore);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !detail.hidden) {
        e.preventDefault();
        closeDetail(true);
      }
    });

    loadFacets("");

    return {
      root: root,
      search: function (q) { input.value = q; runSearch(); },
      destroy: function () {
        Object.keys(state.requests).forEach(function (k) { state.requests[k].abort(); });
        clearTimeout(state.debounce);
      },
    };
  }

  function mountAll() {
    ensureStylesheet();
    var els = document.querySelectorAll("[data-practice-search]");
    var mounted = [];
    for (var i = 0; i < els.length; i++) {
      var w = mount(els[i]);
      if (w) mounted.push(w);
    }
    return mounted;
  }

  window.PracticeSearch = { mount: function (el) { ensureStylesheet(); return mount(el); }, mountAll: mountAll };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
