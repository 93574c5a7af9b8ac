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

  function words(text) {
    return String(text || "")
      .toLowerCase()
      .split(/[^\p{L}\p{N}&-]+/u)
      .filter(function (w) { return w.length > 0; });
  }

  function prepare(list) {
    return (Array.isArray(list) ? list : []).map(function (e) {
      return {
        t: String(e.t || ""),
        u: String(e.u || ""),
        d: String(e.d || ""),
        k: String(e.k || ""),
        title: String(e.t || "").toLowerCase(),
        words: String(e.w || "").toLowerCase().split(/\s+/).filter(Boolean)
      };
    });
  }

  function matches(entry, query) {
    for (var i = 0; i < query.length; i++) {
      var q = query[i];
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
    var entries = prepare(data.partners).concat(prepare(data.playbooks));

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
      var found = entries.filter(function (e) { return matches(e, query); });
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
