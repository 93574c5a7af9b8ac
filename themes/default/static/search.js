/* partnerbook search: filters the index that search-index.js loaded into
 * window.PARTNERBOOK_SEARCH. No framework, no network requests, works from
 * file://. Results are built with DOM APIs and textContent only. */
(function () {
  "use strict";

  var MAX_RESULTS = 50;

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /* The words of a text, as partnerbook splits them when it writes the
   * index: lowercased, split at anything that is not a letter, a digit,
   * "&" or "-", hyphens trimmed from both ends. */
  function words(text) {
    return String(text || "")
      .toLowerCase()
      .split(/[^\p{Alphabetic}\p{N}&-]+/u)
      .map(function (w) { return w.replace(/^-+|-+$/g, ""); })
      .filter(function (w) { return w.length > 0; });
  }

  /* An entry is found by the words of its title (t), its line (d) and its
   * extra words (w): the index leaves out of w the words t and d have,
   * and any word that begins a longer word of the entry. */
  function prepare(list, kinds) {
    return (Array.isArray(list) ? list : []).map(function (e) {
      var t = String(e.t || "");
      var d = String(e.d || "");
      var k = String(e.k || "");
      return {
        t: t,
        u: String(e.u || ""),
        d: d,
        k: Object.prototype.hasOwnProperty.call(kinds, k) ? String(kinds[k]) : k,
        title: t.toLowerCase(),
        words: words(t).concat(words(d), String(e.w || "").toLowerCase().split(/\s+/).filter(Boolean))
      };
    });
  }

  /* Every query word must be in the title or begin a word of the entry.
   * Stop words (the index lists them; it leaves them out of w) are
   * skipped, so they match every entry. */
  function matches(entry, query, stop) {
    for (var i = 0; i < query.length; i++) {
      var q = query[i];
      if (stop[q] === true) continue;
      if (entry.title.indexOf(q) !== -1) continue;
      var found = false;
      for (var j = 0; j < entry.words.length; j++) {
        if (entry.words[j].lastIndexOf(q, 0) === 0) { found = true; break; }
      }
      if (!found) return false;
    }
    return true;
  }

  ready(function () {
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-input");
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!input || !results) return;

    var data = window.PARTNERBOOK_SEARCH || {};
    var kinds = data.kinds && typeof data.kinds === "object" ? data.kinds : {};
    var stop = Object.create(null);
    (Array.isArray(data.stop) ? data.stop : []).forEach(function (w) {
      stop[String(w)] = true;
    });
    var entries = prepare(data.partners, kinds).concat(prepare(data.playbooks, kinds));

    if (form) {
      form.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        run();
      });
    }

    function setStatus(text) {
      if (status) status.textContent = text;
    }

    function clear() {
      while (results.firstChild) results.removeChild(results.firstChild);
    }

    function run() {
      var query = words(input.value);
      clear();
      if (query.length === 0) {
        setStatus("");
        return;
      }
      var found = entries.filter(function (e) { return matches(e, query, stop); });
      if (found.length === 0) {
        setStatus("No partner or playbook matches");
        return;
      }
      var shown = found.slice(0, MAX_RESULTS);
      var fragment = document.createDocumentFragment();
      shown.forEach(function (e) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = e.u;
        a.textContent = e.t;
        li.appendChild(a);
        if (e.k) {
          li.appendChild(document.createTextNode(" "));
          var kind = document.createElement("span");
          kind.textContent = e.k;
          li.appendChild(kind);
        }
        if (e.d) {
          var p = document.createElement("p");
          p.textContent = e.d;
          li.appendChild(p);
        }
        fragment.appendChild(li);
      });
      results.appendChild(fragment);
      var n = found.length;
      var text = n === 1 ? "1 result" : n + " results";
      if (n > shown.length) text += ", showing the first " + shown.length;
      setStatus(text);
    }

    var timer = null;
    input.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, 120);
    });

    var q = null;
    try {
      q = new URLSearchParams(window.location.search).get("q");
    } catch (err) {
      q = null;
    }
    if (q) {
      input.value = q;
      run();
    }
  });
})();
