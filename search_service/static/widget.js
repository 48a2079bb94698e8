/*
 * Intercultural Cities practice search widget.
 *
 * Embed with one element and one script tag, no build step:
 *
 *   <div data-practice-search data-api="https://search.example.org"></div>
 *   <script src="https://search.example.org/widget.js" defer></script>
 *
 * Every [data-practice-search] element gets its own independent instance (own state, own
 * element ids, own requests, own URL parameters). Options are data attributes on that element:
 *   data-api          API base URL (default: the folder widget.js was loaded from)
 *   data-lang         en | fr | de | es | it | pt | uk (default: the page's <html lang>, else English)
 *   data-mode         hybrid | semantic | keyword (default hybrid)
 *   data-mode-switch  present: show the search-mode selector (hidden by default)
 *   data-limit        results per page, 1-50 (default 10)
 *   data-compare      "false": hide the "find comparable initiatives" form
 *   data-url-state    query | hash | off: where the search is kept in the page address (default query)
 *   data-url-prefix   prefix of this widget's URL parameters (default "ps-", or "ps-<element id>-"
 *                     for a widget whose element has an id and is not the page's only widget)
 *
 * Translations: one JSON file per language in i18n/, embedded into this file by the service when it
 * serves /widget.js (the MESSAGES line below). Numbers, years and plurals follow the language
 * (Intl.NumberFormat, Intl.DateTimeFormat, Intl.PluralRules); country names come from
 * Intl.DisplayNames.
 *
 * Safety: text from the API is only ever inserted with textContent / text nodes, never parsed
 * as HTML; snippet and suggestion highlighting is built from [start, end) offsets. No inline
 * styles or scripts are created, so the widget runs under a strict CSP
 * (script-src 'self'; style-src 'self').
 *
 * Where things are: mount() builds one instance; inside it, "URL state" (readUrl / writeUrl),
 * "suggestions" (the combobox), "filters" (facets), "results", openResult (a result chosen by the
 * visitor: the place to report a click) and "detail panel".
 */
(function () {
  "use strict";

  if (window.PracticeSearch && window.PracticeSearch.mount) return; // script included twice

  var MESSAGES = /*@i18n*/ {};
  var LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "uk"];

  var script = document.currentScript;
  var scriptUrl = script && script.src ? script.src : null;
  // The API lives next to widget.js unless the page says otherwise (data-api).
  var DEFAULT_API = scriptUrl ? new URL(".", scriptUrl).href.replace(/\/$/, "") : window.location.origin;
  var DEBOUNCE_MS = 300;
  var SUGGEST_DEBOUNCE_MS = 120;
  var SUGGEST_LIMIT = 8;
  var CITIES_SHOWN = 8; // cities listed before the visitor types in the city box
  var MODES = ["hybrid", "semantic", "keyword"];
  var URL_KEYS = ["q", "mode", "country", "topic", "city", "from", "to", "ongoing", "page", "open"];
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
   * Text as text nodes with <mark> around the highlighted ranges. Offsets count Unicode code
   * points (Python string indices), so the text is split with Array.from, not by UTF-16 units.
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

  function uniqueId(prefix) {
    var id = prefix;
    var k = 1;
    while (document.getElementById(id)) id = prefix + "-" + k++;
    return id;
  }

  /* ---------- language: messages, plurals, numbers, years, country names ---------- */

  function pickLanguage(root) {
    var asked = root.getAttribute("data-lang");
    if (!asked) {
      var holder = root.closest("[lang]");
      asked = (holder && holder.getAttribute("lang")) || document.documentElement.lang || "";
    }
    var base = String(asked).trim().toLowerCase().split(/[-_]/)[0];
    return LANGUAGES.indexOf(base) >= 0 && MESSAGES[base] ? base : "en";
  }

  // i18n(lang).t("status.results", {count: 3}) -> "3 results"; plural messages are objects keyed by
  // Intl.PluralRules category; numeric parameters are formatted for the language.
  function i18n(lang) {
    var own = MESSAGES[lang] || {};
    var english = MESSAGES.en || {};
    var numbers = new Intl.NumberFormat(lang);
    var plurals = new Intl.PluralRules(lang);
    var years = new Intl.DateTimeFormat(lang, { year: "numeric", timeZone: "UTC" });
    var regions = null;
    try {
      regions = new Intl.DisplayNames([lang], { type: "region" });
    } catch (e) {
      regions = null;
    }

    function lookup(key) {
      return own[key] !== undefined ? own[key] : english[key] !== undefined ? english[key] : key;
    }

    function t(key, params) {
      var message = lookup(key);
      params = params || {};
      if (message && typeof message === "object") {
        var category = typeof params.count === "number" ? plurals.select(params.count) : "other";
        message = message[category] || message.other || "";
      }
      return String(message).replace(/\{(\w+)\}/g, function (all, name) {
        if (!(name in params)) return all;
        var v = params[name];
        return typeof v === "number" ? numbers.format(v) : text(v);
      });
    }

    return {
      lang: lang,
      t: t,
      number: function (n) { return numbers.format(n); },
      year: function (y) { return years.format(new Date(Date.UTC(y, 6, 1))); },
      country: function (code, fallback) {
        try {
          return (regions && code && regions.of(String(code))) || text(fallback || code);
        } catch (e) {
          return text(fallback || code);
        }
      },
      topic: function (name) {
        var topics = own.topics || {};
        return text(topics[name] || name);
      },
    };
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

  function api(base, tr) {
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
                resp.status >= 500 || !detail ? tr.t("error.server", { status: String(resp.status) }) : detail,
                resp.status
              );
            },
            function () {
              throw new ApiError(tr.t("error.unreadable", { status: String(resp.status) }), resp.status);
            }
          );
        },
        function (err) {
          if (err && err.name === "AbortError") throw err;
          throw new ApiError(tr.t("error.unreachable"), 0);
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

  /* ---------- URL state: this widget's parameters in the query string or the hash ---------- */

  function urlState(where, prefix) {
    function source() {
      if (where === "hash") return new URLSearchParams(window.location.hash.replace(/^#/, ""));
      return new URLSearchParams(window.location.search);
    }

    // {q, mode, country, topic, city: [], from, to, ongoing, page, open}; absent keys are "" / [].
    function read() {
      var params = source();
      var out = {};
      URL_KEYS.forEach(function (key) {
        out[key] = key === "city" ? params.getAll(prefix + key) : params.get(prefix + key) || "";
      });
      return out;
    }

    function write(values, push) {
      if (where === "off") return;
      var params = source();
      URL_KEYS.forEach(function (key) { params.delete(prefix + key); });
      URL_KEYS.forEach(function (key) {
        var v = values[key];
        (Array.isArray(v) ? v : [v]).forEach(function (x) {
          if (x !== "" && x !== null && x !== undefined) params.append(prefix + key, String(x));
        });
      });
      var qs = params.toString();
      var loc = window.location;
      var url = where === "hash"
        ? loc.pathname + loc.search + (qs ? "#" + qs : "")
        : loc.pathname + (qs ? "?" + qs : "") + loc.hash;
      if (url === loc.pathname + loc.search + loc.hash) return; // nothing changed: no history entry
      if (where === "hash" && !qs) url = loc.pathname + loc.search; // no bare "#"
      window.history[push ? "pushState" : "replaceState"](window.history.state, "", url);
    }

    return { read: where === "off" ? function () { return null; } : read, write: write };
  }

  function sameState(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /* ---------- one widget instance ---------- */

  function mount(root) {
    if (!root || root.hasAttribute("data-ps-mounted")) return null;
    root.setAttribute("data-ps-mounted", "");
    instanceCount += 1;
    var prefix = uniqueId("ps" + instanceCount);
    var ids = {
      q: prefix + "-q",
      label: prefix + "-label",
      listbox: prefix + "-suggestions",
      suggestStatus: prefix + "-suggest-status",
      status: prefix + "-status",
      results: prefix + "-results",
      detailTitle: prefix + "-detail-title",
      country: prefix + "-country",
      topic: prefix + "-topic",
      city: prefix + "-city",
      cityLegend: prefix + "-city-legend",
      ongoing: prefix + "-ongoing",
      yearFrom: prefix + "-year-from",
      yearTo: prefix + "-year-to",
      mode: prefix + "-mode",
      compare: prefix + "-compare",
      compareHelp: prefix + "-compare-help",
    };
    var tr = i18n(pickLanguage(root));
    var t = tr.t;
    root.setAttribute("lang", tr.lang);
    var apiBase = ((root.getAttribute("data-api") || "").trim() || DEFAULT_API).replace(/\/+$/, "");
    var client = api(apiBase, tr);
    var limit = Math.min(50, Math.max(1, parseInt(root.getAttribute("data-limit"), 10) || 10));
    var initialMode = root.getAttribute("data-mode");
    var where = root.getAttribute("data-url-state") || "query";
    if (["query", "hash", "off"].indexOf(where) < 0) where = "query";
    var urlPrefix = root.getAttribute("data-url-prefix");
    if (urlPrefix === null) {
      var several = document.querySelectorAll("[data-practice-search]").length > 1;
      urlPrefix = several ? "ps-" + (root.id || String(instanceCount)) + "-" : "ps-";
    }
    var url = urlState(where, urlPrefix);
    var state = {
      mode: MODES.indexOf(initialMode) >= 0 ? initialMode : "hybrid",
      defaultMode: MODES.indexOf(initialMode) >= 0 ? initialMode : "hybrid",
      listing: null, // {kind: "search"|"similar", q, text, filters, results, total}
      requests: {}, // name -> AbortController, so a newer request cancels the stale one
      debounce: null,
      suggestDebounce: null,
      retry: null, // re-runs whatever last failed
      opener: null, // the result button that opened the detail panel (focus returns there)
      openId: null, // the practice shown in the detail panel
      facetsKey: null,
      cities: [], // chosen cities (any of)
      cityBuckets: [],
      suggestions: [],
      active: -1, // index of the highlighted suggestion, -1 for none
      applied: null, // the URL state last applied or written, to ignore our own history entries
    };

    function start(name) {
      if (state.requests[name]) state.requests[name].abort();
      var controller = new AbortController();
      state.requests[name] = controller;
      return controller;
    }

    /* --- build the DOM --- */
    var input = h("input", {
      type: "search", id: ids.q, class: "ps-input", role: "combobox", autocomplete: "off",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": ids.listbox,
      "aria-labelledby": ids.label, "aria-describedby": ids.suggestStatus, spellcheck: "false",
      placeholder: t("input.placeholder"), maxlength: 500,
    });
    var listbox = h("ul", { id: ids.listbox, class: "ps-suggestions", role: "listbox", "aria-label": t("suggest.aria"), hidden: true });
    var suggestStatus = h("span", { id: ids.suggestStatus, class: "ps-visually-hidden", role: "status", "aria-live": "polite" });
    var searchForm = h("form", { class: "ps-search", role: "search", "aria-label": t("input.aria") },
      h("label", { for: ids.q, id: ids.label, class: "ps-label" }, t("label.search")),
      h("div", { class: "ps-search-row" },
        h("div", { class: "ps-combo" }, input, listbox),
        h("button", { type: "submit", class: "ps-button ps-primary" }, t("button.search"))),
      suggestStatus
    );

    function select(id, label, cls) {
      var el = h("select", { id: id, class: "ps-select" });
      return { el: el, wrap: h("div", { class: "ps-field " + (cls || "") }, h("label", { for: id, class: "ps-field-label" }, label), el) };
    }
    var country = select(ids.country, t("filter.country"));
    var topic = select(ids.topic, t("filter.topic"));
    var ongoing = select(ids.ongoing, t("filter.status"));
    var yearFrom = select(ids.yearFrom, t("filter.yearFrom"), "ps-year");
    var yearTo = select(ids.yearTo, t("filter.yearTo"), "ps-year");
    var mode = select(ids.mode, t("filter.mode"));
    MODES.forEach(function (m) { mode.el.appendChild(h("option", { value: m }, t("mode." + m))); });
    mode.el.value = state.mode;
    mode.wrap.hidden = !root.hasAttribute("data-mode-switch") || root.getAttribute("data-mode-switch") === "false";

    // City: a searchable list of checkboxes (any of the chosen cities).
    var cityFilter = h("input", {
      type: "text", class: "ps-input ps-city-filter", "aria-label": t("filter.cityFilter"),
      placeholder: t("filter.cityFilter"), autocomplete: "off", spellcheck: "false",
    });
    var cityList = h("ul", { class: "ps-city-list", role: "list", "aria-labelledby": ids.cityLegend });
    var cityNone = h("p", { class: "ps-help ps-city-none", hidden: true }, t("filter.cityNone"));
    var city = h("fieldset", { class: "ps-field ps-cities", id: ids.city },
      h("legend", { class: "ps-field-label", id: ids.cityLegend }, t("filter.city")), cityFilter, cityList, cityNone);

    var resetButton = h("button", { type: "button", class: "ps-button ps-link-button ps-reset" }, t("filter.clear"));
    var filters = h("fieldset", { class: "ps-filters" },
      h("legend", { class: "ps-legend" }, t("filters.legend")),
      country.wrap, topic.wrap, yearFrom.wrap, yearTo.wrap, ongoing.wrap, mode.wrap, city, resetButton
    );
    fillSelect(country.el, [], t("filter.allCountries"), countryLabel);
    fillSelect(topic.el, [], t("filter.allTopics"), topicLabel);
    fillSelect(ongoing.el, [], t("filter.anyStatus"), ongoingLabel);
    fillSelect(yearFrom.el, [], t("filter.anyYear"), yearLabel);
    fillSelect(yearTo.el, [], t("filter.anyYear"), yearLabel);

    var statusEl = h("p", { id: ids.status, class: "ps-status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    var hint = h("p", { class: "ps-hint" }, t("hint.start"));
    var messages = h("div", { class: "ps-messages" });
    var list = h("ul", { id: ids.results, class: "ps-results", role: "list", "aria-label": t("results.aria") });
    var more = h("button", { type: "button", class: "ps-button ps-more", hidden: true }, t("more", { shown: 0, total: 0 }));
    var main = h("div", { class: "ps-main" }, hint, messages, list, more);

    var detail = h("section", { class: "ps-detail", role: "region", "aria-labelledby": ids.detailTitle, hidden: true });
    var body = h("div", { class: "ps-body" }, main, detail);

    var compareText = h("textarea", {
      id: ids.compare, class: "ps-textarea", rows: 4, maxlength: 5000, "aria-describedby": ids.compareHelp,
    });
    var compareForm = h("form", { class: "ps-compare-form" },
      h("label", { for: ids.compare, class: "ps-field-label" }, t("compare.label")),
      h("p", { id: ids.compareHelp, class: "ps-help" }, t("compare.help")),
      compareText,
      h("button", { type: "submit", class: "ps-button ps-primary" }, t("compare.button"))
    );
    // Collapsed by default (<details> is keyboard-operable without script): the search box comes first.
    var compare = h("details", { class: "ps-compare" },
      h("summary", { class: "ps-compare-summary" }, t("compare.summary")), compareForm);
    compare.hidden = root.getAttribute("data-compare") === "false";

    clear(root);
    root.classList.add("ps-root");
    append(root, [searchForm, filters, compare, statusEl, body]);
    reportOpens(root, apiBase);

    /* --- labels --- */

    function countryLabel(b) { return tr.country(b.value, b.label); }
    function topicLabel(b) { return tr.topic(text(b.value)); }
    function ongoingLabel(b) { return t(b.value === true || b.value === "true" ? "filter.ongoing" : "filter.finished"); }
    function yearLabel(b) { return tr.year(Number(b.value)); }

    function place(item) {
      var name = item.country_code ? tr.country(item.country_code, item.country) : text(item.country);
      return [text(item.city), name].filter(Boolean).join(", ");
    }

    // The period in the visitor's language from the years; the published text when there are none.
    function period(item) {
      var from = item.start_year;
      var to = item.end_year;
      if (Number.isInteger(from)) {
        if (item.ongoing) return t("period.since", { year: tr.year(from) });
        if (Number.isInteger(to) && to !== from) return t("period.range", { from: tr.year(from), to: tr.year(to) });
        return tr.year(from);
      }
      return text(item.period);
    }

    function meta(item) {
      return [place(item), period(item)].filter(Boolean).join(" · ");
    }

    /* --- filters --- */

    // Rebuild a select's options from facet buckets, keeping the current choice even when the
    // refreshed counts no longer contain it.
    function fillSelect(el, buckets, allLabel, label) {
      var current = el.value;
      clear(el);
      el.appendChild(h("option", { value: "" }, allLabel));
      var seen = false;
      (buckets || []).forEach(function (b) {
        var value = text(b.value);
        if (value === current) seen = true;
        var name = label(b);
        el.appendChild(h("option", { value: value },
          typeof b.count === "number" ? t("option.count", { label: name, count: b.count }) : name));
      });
      if (current && !seen) el.appendChild(h("option", { value: current }, label({ value: current, label: current })));
      el.value = current;
    }

    function renderCities() {
      var needle = cityFilter.value.trim().toLocaleLowerCase(tr.lang);
      var chosen = state.cities.map(function (c) { return c.toLocaleLowerCase(); });
      clear(cityList);
      var shown = 0;
      state.cityBuckets.forEach(function (b, i) {
        var name = text(b.value);
        var on = chosen.indexOf(name.toLocaleLowerCase()) >= 0;
        // Without a search, the most frequent few (and the chosen ones): a short tab order.
        if (!on && (needle ? name.toLocaleLowerCase(tr.lang).indexOf(needle) < 0 : i >= CITIES_SHOWN)) return;
        shown += 1;
        var id = ids.city + "-" + i;
        var box = h("input", { type: "checkbox", id: id, class: "ps-check", value: name, checked: on });
        box.addEventListener("change", function () {
          if (box.checked) state.cities.push(name);
          else state.cities = state.cities.filter(function (c) { return c.toLocaleLowerCase() !== name.toLocaleLowerCase(); });
          committed(refilter);
        });
        cityList.appendChild(h("li", { class: "ps-city", role: "listitem" }, box,
          h("label", { for: id }, t("option.count", { label: name, count: b.count }))));
      });
      cityNone.hidden = shown > 0 || !state.cityBuckets.length;
    }

    function currentFilters() {
      var f = {};
      if (country.el.value) f.country = [country.el.value];
      if (topic.el.value) f.topic = [topic.el.value];
      if (state.cities.length) f.city = state.cities.slice();
      if (ongoing.el.value) f.ongoing = ongoing.el.value === "true";
      if (yearFrom.el.value) f.year_from = parseInt(yearFrom.el.value, 10);
      if (yearTo.el.value) f.year_to = parseInt(yearTo.el.value, 10);
      return f;
    }

    function hasFilters() {
      return Object.keys(currentFilters()).length > 0;
    }

    // Disjunctive counts (each filter's options counted with the other filters applied), for the
    // same query, mode and filters as the result list.
    function loadFacets() {
      var q = state.listing && state.listing.kind === "search" ? state.listing.q : "";
      var params = Object.assign({ q: q, mode: state.mode }, currentFilters());
      var key = JSON.stringify(params);
      if (state.facetsKey === key) return;
      state.facetsKey = key;
      var controller = start("facets");
      client.request("/facets", params, null, controller.signal).then(
        function (data) {
          fillSelect(country.el, data.countries, t("filter.allCountries"), countryLabel);
          fillSelect(topic.el, data.topics, t("filter.allTopics"), topicLabel);
          fillSelect(ongoing.el, data.ongoing, t("filter.anyStatus"), ongoingLabel);
          var years = (data.start_years || []).slice().sort(function (a, b) { return a.value - b.value; });
          fillSelect(yearFrom.el, years, t("filter.anyYear"), yearLabel);
          fillSelect(yearTo.el, years, t("filter.anyYear"), yearLabel);
          state.cityBuckets = Array.isArray(data.cities) ? data.cities : [];
          renderCities();
          if (!state.listing && typeof data.total === "number" && !hasFilters()) {
            hint.textContent = t("hint.total", { count: data.total });
          }
        },
        function (err) {
          if (!isAbort(err)) state.facetsKey = null; // filters stay as they are; the search shows the error
        }
      );
    }

    /* --- states --- */

    function setBusy(busy, label) {
      root.classList.toggle("ps-loading", busy);
      list.setAttribute("aria-busy", busy ? "true" : "false");
      if (busy) statusEl.textContent = label || t("status.searching");
    }

    function showMessage(kind, parts, withRetry) {
      clear(messages);
      if (!kind) return;
      var box = h("div", { class: "ps-message ps-message-" + kind, role: kind === "error" ? "alert" : null }, parts);
      if (withRetry) {
        var retry = h("button", { type: "button", class: "ps-button ps-retry" }, t("retry"));
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
      showMessage("error", [h("p", null, err.message), h("p", null, t("error.again"))], true);
    }

    /* --- results --- */

    // A result chosen by the visitor (click, Enter on its title, or a title suggestion). The one
    // place to report "which result was opened, at which position" (e.g. an analytics event).
    function openResult(item, position, opener) {
      openDetail(item.id, opener, item, true);
    }

    function resultItem(item, position) {
      var open = h("button", { type: "button", class: "ps-open", "data-id": text(item.id) }, text(item.title));
      open.addEventListener("click", function () { openResult(item, position, open); });
      var line = meta(item);
      var li = h("li", { class: "ps-result" + (item.close === false ? " ps-far" : ""), role: "listitem" },
        h("h3", { class: "ps-result-title" }, open),
        line ? h("p", { class: "ps-meta" }, line) : null,
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
      return h("ul", { class: "ps-topics", role: "list", "aria-label": t("topics.aria") },
        topics.map(function (x) { return h("li", { class: "ps-topic", role: "listitem" }, tr.topic(text(x))); })
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
        var li = resultItem(item, listing.results.length);
        if (!firstNew) firstNew = li;
        list.appendChild(li);
        listing.results.push(item);
      });
      tagOpens(list, results.length, data);
      setBusy(false);
      hint.hidden = true;
      var shown = listing.results.length;
      listing.pages = Math.max(1, Math.ceil(shown / limit));
      statusEl.textContent = t(listing.kind === "similar" ? "status.comparable" : "status.results", { count: listing.total });
      more.hidden = shown >= listing.total || results.length === 0;
      more.textContent = t("more", { shown: shown, total: listing.total });

      if (!appendPage) {
        var parts = [];
        if (shown === 0) {
          parts.push(h("p", null, t(listing.kind === "similar" ? "empty.similar" : "empty.search")));
        } else if (data.close_match === false) {
          parts.push(h("p", { class: "ps-no-close" }, t("noClose")));
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
      b.addEventListener("click", function () { input.value = q; committed(runSearch); });
      var parts = t("didYouMean", { query: "\u0000" }).split("\u0000");
      return h("p", { class: "ps-corrections" }, parts[0], b, parts[1] || "");
    }

    function fetchListing(listing, offset, count) {
      var controller = start("list");
      if (listing.kind === "similar") {
        var payload = Object.assign({ text: listing.text, limit: count, offset: offset }, listing.filters);
        return client.request("/similar", null, payload, controller.signal);
      }
      var params = Object.assign({ q: listing.q, mode: state.mode, limit: count, offset: offset }, listing.filters);
      return client.request("/search", params, null, controller.signal);
    }

    function runListing(listing, pages) {
      clearTimeout(state.debounce);
      state.listing = listing;
      state.retry = function () { runListing(listing, pages); };
      showMessage(null);
      setBusy(true, t(listing.kind === "similar" ? "status.comparing" : "status.searching"));
      fetchListing(listing, 0, Math.min(50, limit * (pages || 1))).then(
        function (data) { if (state.listing === listing) renderListing(data, false); },
        function (err) { if (!isAbort(err) && state.listing === listing) showError(err, state.retry); }
      );
    }

    function loadMore() {
      var listing = state.listing;
      if (!listing) return;
      var offset = listing.results.length;
      state.retry = loadMore;
      setBusy(true, t("status.loadingMore"));
      fetchListing(listing, offset, limit).then(
        function (data) {
          if (state.listing !== listing) return;
          var first = renderListing(data, true);
          showMessage(null);
          syncUrl(false);
          var btn = first && first.querySelector(".ps-open");
          if (btn) btn.focus();
        },
        function (err) { if (!isAbort(err) && state.listing === listing) showError(err, loadMore, true); }
      );
    }

    function showStart() {
      if (state.requests.list) state.requests.list.abort();
      state.listing = null;
      setBusy(false);
      clear(list);
      showMessage(null);
      more.hidden = true;
      hint.hidden = false;
      statusEl.textContent = "";
    }

    function runSearch(pages) {
      clearTimeout(state.debounce);
      var q = input.value.trim();
      if (!q && !hasFilters()) {
        showStart(); // nothing asked: back to the empty start state
      } else {
        runListing({ kind: "search", q: q, filters: currentFilters(), results: [], total: 0 }, pages);
      }
      loadFacets();
    }

    function runCompare() {
      var text_ = compareText.value.trim();
      if (!text_) {
        compareText.focus();
        return;
      }
      closeDetail(false);
      runListing({ kind: "similar", text: text_, filters: currentFilters(), results: [], total: 0 });
    }

    // A filter change re-runs whatever is listed: the search, or the comparable initiatives.
    function refilter() {
      if (state.listing && state.listing.kind === "similar") {
        runCompare();
        loadFacets();
      } else {
        runSearch();
      }
    }

    /* --- URL state --- */

    function currentUrlState() {
      var listing = state.listing;
      var searching = !listing || listing.kind === "search";
      return {
        q: searching ? input.value.trim() : "",
        mode: state.mode === state.defaultMode ? "" : state.mode,
        country: country.el.value,
        topic: topic.el.value,
        city: state.cities.slice(),
        from: yearFrom.el.value,
        to: yearTo.el.value,
        ongoing: ongoing.el.value,
        page: listing && searching && listing.pages > 1 ? String(listing.pages) : "",
        open: state.openId || "",
      };
    }

    // push: a committed step (Enter, a filter, an opened practice) gets its own history entry;
    // typing only replaces the current one.
    function syncUrl(push) {
      var now = currentUrlState();
      state.applied = now;
      url.write(now, push);
    }

    function committed(action) {
      action();
      syncUrl(true);
    }

    function setSelect(el, value) {
      if (value && !Array.prototype.some.call(el.options, function (o) { return o.value === value; })) {
        el.appendChild(h("option", { value: value }, value));
      }
      el.value = value || "";
    }

    // Put the widget in the state an address describes (on load and on back / forward).
    function applyUrl(s) {
      state.applied = s;
      input.value = s.q;
      state.mode = MODES.indexOf(s.mode) >= 0 ? s.mode : state.defaultMode;
      mode.el.value = state.mode;
      setSelect(country.el, s.country);
      setSelect(topic.el, s.topic);
      setSelect(ongoing.el, s.ongoing === "true" || s.ongoing === "false" ? s.ongoing : "");
      setSelect(yearFrom.el, /^\d{4}$/.test(s.from) ? s.from : "");
      setSelect(yearTo.el, /^\d{4}$/.test(s.to) ? s.to : "");
      state.cities = s.city.slice();
      renderCities();
      closeSuggestions();
      runSearch(Math.max(1, parseInt(s.page, 10) || 1));
      if (s.open) {
        if (s.open !== state.openId) openDetail(s.open, null, null, false);
      } else {
        closeDetail(true);
      }
    }

    window.addEventListener("popstate", function () {
      var s = url.read();
      if (s && !sameState(s, state.applied)) applyUrl(s);
    });
    if (where === "hash") {
      window.addEventListener("hashchange", function () {
        var s = url.read();
        if (s && !sameState(s, state.applied)) applyUrl(s);
      });
    }

    /* --- suggestions: a WAI-ARIA combobox on the search box --- */

    function closeSuggestions() {
      clearTimeout(state.suggestDebounce);
      if (state.requests.suggest) state.requests.suggest.abort();
      state.suggestions = [];
      state.active = -1;
      clear(listbox);
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function suggestionDescription(s) {
      var kind = t("suggest.type." + s.type);
      return typeof s.count === "number" ? kind + " · " + t("suggest.count", { count: s.count }) : kind;
    }

    function suggestionText(s) {
      if (s.type === "country") return tr.country(s.id, s.text);
      if (s.type === "topic") return tr.topic(s.text);
      return s.text;
    }

    function showSuggestions(items) {
      clear(listbox);
      state.suggestions = items;
      state.active = -1;
      input.removeAttribute("aria-activedescendant");
      items.forEach(function (s, i) {
        var shown = suggestionText(s);
        var label = shown === s.text ? highlighted(s.text, s.highlight) : shown; // a translated name: no offsets
        var option = h("li", { id: ids.listbox + "-" + i, class: "ps-option", role: "option", "aria-selected": "false",
          "data-type": s.type },
        h("span", { class: "ps-option-text" }, label),
        h("span", { class: "ps-option-type" }, suggestionDescription(s)));
        // mousedown would blur the input (and close the list) before the click lands
        option.addEventListener("mousedown", function (e) { e.preventDefault(); });
        option.addEventListener("click", function () { chooseSuggestion(i); });
        listbox.appendChild(option);
      });
      var open = items.length > 0 && document.activeElement === input;
      listbox.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      suggestStatus.textContent = open ? t("suggest.available", { count: items.length }) : "";
    }

    function loadSuggestions() {
      var q = input.value.trim();
      if (!q) {
        closeSuggestions();
        return;
      }
      var controller = start("suggest");
      client.request("/suggest", { q: q, limit: SUGGEST_LIMIT }, null, controller.signal).then(
        function (data) {
          if (input.value.trim() !== q) return; // typed on since
          showSuggestions(Array.isArray(data.suggestions) ? data.suggestions : []);
        },
        function () { /* suggestions are a help, never an error message */ }
      );
    }

    function highlightSuggestion(i) {
      var options = listbox.querySelectorAll(".ps-option");
      if (!options.length) return;
      state.active = (i + options.length) % options.length;
      Array.prototype.forEach.call(options, function (o, k) {
        o.setAttribute("aria-selected", k === state.active ? "true" : "false");
        o.classList.toggle("ps-option-active", k === state.active);
      });
      input.setAttribute("aria-activedescendant", options[state.active].id);
      if (options[state.active].scrollIntoView) options[state.active].scrollIntoView({ block: "nearest" });
    }

    // A title opens that practice; a city, country or topic becomes a filter (the typed text goes).
    function chooseSuggestion(i) {
      var s = state.suggestions[i];
      if (!s) return;
      closeSuggestions();
      if (s.type === "title" && s.id) {
        input.value = s.text;
        committed(function () {
          runSearch();
          openResult({ id: s.id, title: s.text }, -1, null);
        });
        return;
      }
      input.value = "";
      if (s.type === "country" && s.id) setSelect(country.el, s.id);
      if (s.type === "topic") setSelect(topic.el, s.text);
      if (s.type === "city" && state.cities.indexOf(s.text) < 0) state.cities.push(s.text);
      renderCities();
      committed(runSearch);
      input.focus();
    }

    input.addEventListener("keydown", function (e) {
      var open = !listbox.hidden && state.suggestions.length > 0;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (!open) {
          if (state.suggestions.length) {
            listbox.hidden = false;
            input.setAttribute("aria-expanded", "true");
          } else {
            loadSuggestions();
            return;
          }
        }
        e.preventDefault();
        highlightSuggestion(state.active < 0 && e.key === "ArrowUp" ? -1 : state.active + (e.key === "ArrowDown" ? 1 : -1));
      } else if (e.key === "Enter" && open && state.active >= 0) {
        e.preventDefault();
        chooseSuggestion(state.active);
      } else if (e.key === "Escape" && open) {
        e.preventDefault();
        e.stopPropagation(); // the list closes; an open detail panel stays
        closeSuggestions();
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () {
      if (document.activeElement !== input) closeSuggestions();
    }, 0); });

    /* --- detail panel --- */

    // push: true when the visitor opened it (a history entry), false when restoring an address.
    function openDetail(id, opener, preview, push) {
      if (opener) state.opener = opener;
      state.openId = id;
      var controller = start("detail");
      clear(detail);
      detail.hidden = false;
      root.classList.add("ps-detail-open");
      var close = h("button", { type: "button", class: "ps-button ps-close", "aria-label": t("detail.closeAria") }, t("detail.close") + " ✕");
      close.addEventListener("click", function () { committed(function () { closeDetail(true); }); });
      var title = h("h2", { id: ids.detailTitle, class: "ps-detail-title", tabindex: "-1" }, text(preview && preview.title));
      var content = h("div", { class: "ps-detail-content" }, h("p", { class: "ps-loading-text" }, t("detail.loading")));
      var related = h("div", { class: "ps-related" });
      append(detail, [h("div", { class: "ps-detail-bar" }, close), title, content, related]);
      title.focus();
      if (push) syncUrl(true);

      function load() {
        clear(content);
        content.appendChild(h("p", { class: "ps-loading-text" }, t("detail.loading")));
        client.request("/practices/" + encodeURIComponent(id), null, null, controller.signal).then(
          function (p) { renderPractice(p, title, content); },
          function (err) {
            if (isAbort(err)) return;
            clear(content);
            var retry = h("button", { type: "button", class: "ps-button ps-retry" }, t("retry"));
            retry.addEventListener("click", load);
            content.appendChild(h("div", { class: "ps-message ps-message-error", role: "alert" }, h("p", null, err.message), retry));
          }
        );
      }
      function loadRelated() {
        clear(related);
        related.appendChild(h("h3", { class: "ps-related-title" }, t("related.title")));
        var status = h("p", { class: "ps-loading-text" }, t("related.loading"));
        related.appendChild(status);
        client.request("/practices/" + encodeURIComponent(id) + "/similar", { limit: 5 }, null, controller.signal).then(
          function (data) {
            var items = Array.isArray(data.results) ? data.results : [];
            status.textContent = items.length ? "" : t("related.none");
            status.hidden = items.length > 0;
            related.appendChild(h("ul", { class: "ps-related-list", role: "list" }, items.map(relatedItem)));
            tagOpens(related, items.length, data);
          },
          function (err) {
            if (isAbort(err)) return;
            status.textContent = err.message;
            var retry = h("button", { type: "button", class: "ps-button ps-retry" }, t("retry"));
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
      b.addEventListener("click", function () { openDetail(item.id, null, item, true); });
      var line = meta(item);
      return h("li", { class: "ps-related-item", role: "listitem" }, b, line ? h("p", { class: "ps-meta" }, line) : null);
    }

    function renderPractice(p, title, content) {
      title.textContent = text(p.title);
      clear(content);
      var line = meta(p);
      append(content, [
        line ? h("p", { class: "ps-meta" }, line) : null,
        topicList(p.topics),
        p.purpose ? [h("h3", { class: "ps-detail-heading" }, t("detail.purpose")), h("p", { class: "ps-purpose" }, text(p.purpose))] : null,
        p.description ? [h("h3", { class: "ps-detail-heading" }, t("detail.description")), h("p", { class: "ps-description" }, text(p.description))] : null,
      ]);
      var href = safeHref(p.source_url);
      if (href) {
        content.appendChild(h("p", { class: "ps-source" },
          h("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, t("detail.source"))));
      }
    }

    function closeDetail(restoreFocus) {
      state.openId = null;
      if (detail.hidden) return;
      if (state.requests.detail) state.requests.detail.abort();
      var hadFocus = detail.contains(document.activeElement);
      detail.hidden = true;
      clear(detail);
      root.classList.remove("ps-detail-open");
      var target = state.opener && root.contains(state.opener) ? state.opener : input;
      state.opener = null;
      if (restoreFocus && (hadFocus || document.activeElement === document.body)) target.focus();
    }

    /* --- events --- */

    input.addEventListener("input", function () {
      clearTimeout(state.debounce);
      clearTimeout(state.suggestDebounce);
      state.debounce = setTimeout(function () { runSearch(); syncUrl(false); }, DEBOUNCE_MS);
      state.suggestDebounce = setTimeout(loadSuggestions, SUGGEST_DEBOUNCE_MS);
    });
    searchForm.addEventListener("submit", function (e) {
      e.preventDefault();
      closeSuggestions();
      committed(runSearch);
    });
    compareForm.addEventListener("submit", function (e) {
      e.preventDefault();
      committed(runCompare);
    });
    [country.el, topic.el, ongoing.el, yearFrom.el, yearTo.el].forEach(function (el) {
      el.addEventListener("change", function () { committed(refilter); });
    });
    cityFilter.addEventListener("input", renderCities);
    mode.el.addEventListener("change", function () {
      state.mode = mode.el.value;
      committed(function () { if (!state.listing || state.listing.kind === "search") runSearch(); });
    });
    resetButton.addEventListener("click", function () {
      [country.el, topic.el, ongoing.el, yearFrom.el, yearTo.el].forEach(function (el) { el.value = ""; });
      state.cities = [];
      cityFilter.value = "";
      renderCities();
      committed(refilter);
    });
    more.addEventListener("click", loadMore);
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && !detail.hidden) {
        e.preventDefault();
        committed(function () { closeDetail(true); });
      }
    });

    var initial = url.read();
    if (initial && URL_KEYS.some(function (k) { return initial[k] && initial[k].length; })) {
      applyUrl(initial);
    } else {
      state.applied = initial;
      loadFacets();
    }

    return {
      root: root,
      lang: tr.lang,
      search: function (q) { input.value = q; committed(runSearch); },
      destroy: function () {
        Object.keys(state.requests).forEach(function (k) { state.requests[k].abort(); });
        clearTimeout(state.debounce);
        clearTimeout(state.suggestDebounce);
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

  window.PracticeSearch = {
    mount: function (el) { ensureStylesheet(); return mount(el); },
    mountAll: mountAll,
    languages: LANGUAGES.slice(),
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
