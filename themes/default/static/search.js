/* partnerbook search: searches the index that search-index.js loaded into
 * window.PARTNERBOOK_SEARCH. No framework, no network requests, works from
 * file://. Results are built with DOM APIs and textContent only.
 *
 * A query word matches where a word of a field begins ("deal reg" finds
 * "Deal registration", "defense" finds the tag "audit-defense"), and, in
 * scripts written without spaces (Chinese, Japanese, Korean, Thai),
 * anywhere. Case and accents are ignored: "jorgen" finds "Jørgen",
 * "muller" finds "Müller". An entry is found when every query word
 * matches one of its fields; each result names the fields that matched
 * and shows their text with the matches marked. */
(function () {
  "use strict";

  var MAX_RESULTS = 50;
  /* How many characters of the benefit or summary show under the title. */
  var LINE_CHARS = 100;
  /* How many characters of a long field show around its first match. */
  var EXCERPT_CHARS = 160;
  /* How many matched fields a result shows. */
  var MAX_FIELDS = 3;

  /* The fields of an entry in the order they are shown, with their label
   * and how much a match in them counts when results are ordered. */
  var FIELDS = [
    { key: "t", label: "Name", weight: 8 },
    { key: "a", label: "Tag", weight: 4 },
    { key: "p", label: "Influence map", weight: 4 },
    { key: "r", label: "Rule", weight: 2 },
    { key: "k", label: "Tier", weight: 2 },
    { key: "s", label: "Status", weight: 2 },
    { key: "y", label: "Type", weight: 2 },
    { key: "g", label: "Region", weight: 2 },
    { key: "o", label: "Owner", weight: 2 },
    { key: "m", label: "Summary", weight: 1 },
    { key: "b", label: "Benefit", weight: 1 },
    { key: "x", label: "Text", weight: 1 }
  ];

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /* Letters that Unicode does not decompose into a base letter and an
   * accent, folded as a reader who cannot type them would write them. */
  var SPECIAL = {
    "ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d",
    "ł": "l", "þ": "th", "ı": "i", "ς": "σ", "ħ": "h", "ŧ": "t"
  };
  var SPECIAL_RE = /[øæœßđðłþıςħŧ]/g;
  var MARKS_RE = /\p{M}+/gu;
  var ASCII_RE = /^[\x00-\x7f]*$/;

  /* Text as it is compared: lowercase, without accents. */
  function fold(text) {
    var lower = text.toLowerCase();
    if (ASCII_RE.test(lower)) return lower;
    return lower
      .normalize("NFD")
      .replace(MARKS_RE, "")
      .replace(SPECIAL_RE, function (c) { return SPECIAL[c]; });
  }

  /* fold(), with where each folded UTF-16 unit came from in `text`
   * (`from`) and where its character ends there (`to`), for marking
   * matches in the text as written. */
  function foldMapped(text) {
    var out = "";
    var from = [];
    var to = [];
    var i = 0;
    for (var ch of text) {
      var f = fold(ch);
      var end = i + ch.length;
      for (var j = 0; j < f.length; j++) {
        from.push(i);
        to.push(end);
      }
      out += f;
      i = end;
    }
    return { text: out, from: from, to: to };
  }

  /* Scripts written without spaces between words. */
  var UNSPACED_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

  /* The words of a query: folded, split at anything that is not a letter
   * or a digit, each once. */
  function queryWords(text) {
    var seen = Object.create(null);
    return fold(String(text || ""))
      .split(/[^\p{L}\p{N}]+/u)
      .filter(function (w) {
        if (w.length === 0 || seen[w]) return false;
        seen[w] = true;
        return true;
      });
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* A pattern that finds `word` where a word begins, or anywhere for
   * unspaced scripts. */
  function wordPattern(word) {
    var body = escapeRegExp(word);
    return new RegExp(UNSPACED_RE.test(word) ? body : "(?<![\\p{L}\\p{N}])" + body, "gu");
  }

  function capitalise(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  }

  /* Cuts `text` to `max` characters at a space, as partnerbook cuts lines. */
  function truncate(text, max) {
    var chars = Array.from(text);
    if (chars.length <= max) return text;
    var cut = chars.slice(0, max).join("");
    var space = cut.lastIndexOf(" ");
    if (space > 0) cut = cut.slice(0, space);
    return cut.replace(/[,;:. ]+$/, "") + "…";
  }

  function str(value) {
    return typeof value === "string" ? value : "";
  }

  /* An entry of the index as a list of fields: {field, text}, a field
   * once per value (one per tag, person and rule). */
  function fieldsOf(e, kinds, rules) {
    var out = [];
    function add(key, text) {
      text = str(text);
      if (text) out.push({ field: key, text: text });
    }
    add("t", e.t);
    (Array.isArray(e.a) ? e.a : []).forEach(function (tag) { add("a", tag); });
    (Array.isArray(e.p) ? e.p : []).forEach(function (person) { add("p", person); });
    var defaults = Array.isArray(rules[e.k]) ? rules[e.k] : [];
    var own = Array.isArray(e.r) ? e.r : e.k === "p" ? [] : defaults.map(function (_, i) { return i; });
    own.forEach(function (rule) {
      var pair = typeof rule === "number" ? defaults[rule] : rule;
      if (Array.isArray(pair)) add("r", str(pair[0]) + ": " + str(pair[1]));
    });
    if (e.k !== "p" && Object.prototype.hasOwnProperty.call(kinds, e.k)) add("k", kinds[e.k]);
    add("s", capitalise(str(e.s)));
    add("y", e.y);
    add("g", e.g);
    add("o", e.o);
    add("m", e.m);
    add("b", e.b);
    add("x", e.x);
    return out;
  }

  var WEIGHT = {};
  var LABEL = {};
  FIELDS.forEach(function (f) {
    WEIGHT[f.key] = f.weight;
    LABEL[f.key] = f.label;
  });

  /* The entries, prepared once: each with its fields and one folded
   * text of them all (fields separated by a line break, which no match
   * crosses), and where each field starts in it. This runs on the first
   * query, over the whole index, so it does as little as it can. */
  function prepare(data) {
    var kinds = data.kinds && typeof data.kinds === "object" ? data.kinds : {};
    var rules = data.rules && typeof data.rules === "object" ? data.rules : {};
    var list = [].concat(Array.isArray(data.partners) ? data.partners : [], Array.isArray(data.playbooks) ? data.playbooks : []);
    return list.map(function (e) {
      var fields = fieldsOf(e, kinds, rules);
      var texts = fields.map(function (f) { return f.text; });
      var joined = texts.join("\n");
      var hay = joined.toLowerCase();
      // folding keeps the length of ASCII text, so the fields start where
      // they did; other text is folded a field at a time
      if (!ASCII_RE.test(hay)) {
        texts = texts.map(fold);
        hay = texts.join("\n");
      }
      var starts = [];
      var at = 0;
      texts.forEach(function (t) {
        starts.push(at);
        at += t.length + 1;
      });
      return {
        title: str(e.t),
        url: str(e.u),
        kind: Object.prototype.hasOwnProperty.call(kinds, e.k) ? String(kinds[e.k]) : str(e.k),
        line: str(e.k === "p" ? e.m : e.b),
        fields: fields,
        starts: starts,
        hay: hay
      };
    });
  }

  /* The field of `entry` that holds position `at` of its folded text. */
  function fieldAt(entry, at) {
    var lo = 0;
    var hi = entry.starts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (entry.starts[mid] <= at) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* Whether the character before `at` in `text` ends a word: a letter or
   * a digit. */
  var LETTER_RE = /[\p{L}\p{N}]/u;
  function inWord(text, at) {
    if (at === 0) return false;
    var c = text.charCodeAt(at - 1);
    if (c < 128) {
      return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    }
    var start = at - 1;
    if (c >= 0xdc00 && c <= 0xdfff && start > 0) start--;
    return LETTER_RE.test(text.slice(start, at));
  }

  /* A query word, ready to look for: folded, and whether it may match
   * inside a word (scripts written without spaces). */
  function queryWord(word) {
    return { text: word, anywhere: UNSPACED_RE.test(word) };
  }

  /* Which fields each query word matches in `entry`: for each word, the
   * set of field numbers; null when a word matches nowhere. A plain
   * indexOf finds candidates fast; a candidate inside a word is skipped. */
  function match(entry, words) {
    var hay = entry.hay;
    var found = [];
    for (var i = 0; i < words.length; i++) {
      var q = words[i];
      var fields = null;
      var at = hay.indexOf(q.text);
      while (at !== -1) {
        if (q.anywhere || !inWord(hay, at)) {
          if (fields === null) fields = Object.create(null);
          var f = fieldAt(entry, at);
          fields[f] = true;
          // on to the next field: one match a field is enough
          if (f + 1 >= entry.starts.length) break;
          at = hay.indexOf(q.text, entry.starts[f + 1]);
        } else {
          at = hay.indexOf(q.text, at + 1);
        }
      }
      if (fields === null) return null;
      found.push(fields);
    }
    return found;
  }

  /* Orders by the best field each word matched, then as listed. */
  function score(entry, found) {
    var total = 0;
    found.forEach(function (fields) {
      var best = 0;
      Object.keys(fields).forEach(function (f) {
        best = Math.max(best, WEIGHT[entry.fields[f].field] || 1);
      });
      total += best;
    });
    return total;
  }

  /* The fields to show: the field matching most query words first, then
   * the one matching most of the rest, and so on (ties go to the field
   * listed first), at most MAX_FIELDS. Each with the words it matched. */
  function reasons(entry, found) {
    var left = found.map(function (_, i) { return i; });
    var shown = [];
    while (left.length > 0 && shown.length < MAX_FIELDS) {
      var best = -1;
      var bestWords = [];
      for (var f = 0; f < entry.fields.length; f++) {
        var words = left.filter(function (w) { return found[w][f] === true; });
        if (words.length > bestWords.length) {
          best = f;
          bestWords = words;
        }
      }
      if (best < 0) break;
      shown.push({ field: best, words: bestWords });
      left = left.filter(function (w) { return bestWords.indexOf(w) === -1; });
    }
    return shown;
  }

  /* Where `words` occur in `text`, as written: sorted, merged ranges. */
  function ranges(text, words) {
    var mapped = foldMapped(text);
    var out = [];
    words.forEach(function (word) {
      var re = wordPattern(word);
      var m;
      while ((m = re.exec(mapped.text)) !== null) {
        if (m[0].length === 0) break;
        out.push([mapped.from[m.index], mapped.to[m.index + m[0].length - 1]]);
      }
    });
    out.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    out.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  /* Appends `text` to `parent` with the ranges in <mark>. */
  function appendMarked(parent, text, marked) {
    var at = 0;
    marked.forEach(function (r) {
      if (r[0] > at) parent.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(r[0], r[1]);
      parent.appendChild(mark);
      at = r[1];
    });
    if (at < text.length) parent.appendChild(document.createTextNode(text.slice(at)));
  }

  /* A long text cut to EXCERPT_CHARS around its first marked range, at
   * spaces, with the ranges moved to fit. */
  function excerpt(text, marked) {
    if (text.length <= EXCERPT_CHARS) return { text: text, marked: marked };
    var first = marked.length > 0 ? marked[0][0] : 0;
    var start = Math.max(0, first - Math.floor(EXCERPT_CHARS / 3));
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space !== -1 && space < first ? space + 1 : start;
    }
    var end = Math.min(text.length, start + EXCERPT_CHARS);
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      if (back > first) end = back;
    }
    var cut = text.slice(start, end);
    var shift = start > 0 ? 1 : 0;
    var moved = marked
      .filter(function (r) { return r[0] >= start && r[1] <= end; })
      .map(function (r) { return [r[0] - start + shift, r[1] - start + shift]; });
    return {
      text: (start > 0 ? "…" : "") + cut + (end < text.length ? "…" : ""),
      marked: moved
    };
  }

  ready(function () {
    var form = document.getElementById("search-form");
    var input = document.getElementById("search-input");
    var results = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!input || !results) return;

    var data = window.PARTNERBOOK_SEARCH || {};
    var entries = null; // prepared on the first query

    if (form) {
      form.hidden = false;
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        run();
        var first = results.querySelector("a");
        if (first) first.focus();
      });
    }

    function setStatus(text) {
      if (status) status.textContent = text;
    }

    function clear() {
      while (results.firstChild) results.removeChild(results.firstChild);
    }

    function render(entry, found, words) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = entry.url;
      var titleWords = [];
      found.forEach(function (fields, w) {
        if (fields[0] === true && entry.fields[0] && entry.fields[0].field === "t") titleWords.push(words[w]);
      });
      appendMarked(a, entry.title, ranges(entry.title, titleWords));
      li.appendChild(a);
      if (entry.kind) {
        li.appendChild(document.createTextNode(" "));
        var kind = document.createElement("span");
        kind.className = "search-kind";
        kind.textContent = entry.kind;
        li.appendChild(kind);
      }
      if (entry.line) {
        var p = document.createElement("p");
        p.textContent = truncate(entry.line, LINE_CHARS);
        li.appendChild(p);
      }
      var why = document.createElement("ul");
      why.className = "search-why";
      var labels = [];
      reasons(entry, found).forEach(function (reason) {
        var field = entry.fields[reason.field];
        var item = document.createElement("li");
        item.setAttribute("data-field", field.field);
        var label = document.createElement("span");
        label.className = "search-field";
        label.textContent = LABEL[field.field] + ":";
        item.appendChild(label);
        item.appendChild(document.createTextNode(" "));
        var text = field.text.replace(/\s+/g, " ");
        var shown = excerpt(text, ranges(text, reason.words.map(function (w) { return words[w]; })));
        var span = document.createElement("span");
        appendMarked(span, shown.text, shown.marked);
        item.appendChild(span);
        why.appendChild(item);
        labels.push(LABEL[field.field]);
      });
      li.appendChild(why);
      return { item: li, labels: labels };
    }

    function run() {
      var words = queryWords(input.value);
      clear();
      if (words.length === 0) {
        setStatus("");
        return;
      }
      if (entries === null) entries = prepare(data);
      var prepared = words.map(queryWord);
      var found = [];
      entries.forEach(function (entry, i) {
        var m = match(entry, prepared);
        if (m !== null) found.push({ entry: entry, found: m, score: score(entry, m), at: i });
      });
      if (found.length === 0) {
        setStatus("No partner or playbook matches “" + input.value.trim() + "”");
        return;
      }
      found.sort(function (a, b) { return b.score - a.score || a.at - b.at; });
      var shown = found.slice(0, MAX_RESULTS);
      var fragment = document.createDocumentFragment();
      var firstLabels = [];
      shown.forEach(function (r, i) {
        var made = render(r.entry, r.found, words);
        if (i === 0) firstLabels = made.labels;
        fragment.appendChild(made.item);
      });
      results.appendChild(fragment);
      var n = found.length;
      var text = n === 1 ? "1 result" : n + " results";
      if (n > shown.length) text += ", showing the first " + shown.length;
      text += ". First: " + shown[0].entry.title + ", matched by " + firstLabels.join(", ").toLowerCase() + ".";
      setStatus(text);
    }

    var timer = null;
    input.addEventListener("input", function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(run, 120);
    });

    /* Arrow keys move between the input and the result links; Escape
     * goes back to the input. */
    function links() {
      return Array.prototype.slice.call(results.querySelectorAll("a"));
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        var all = links();
        if (all.length > 0) {
          event.preventDefault();
          all[0].focus();
        }
      }
    });
    results.addEventListener("keydown", function (event) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (at === -1) return;
      if (event.key === "ArrowDown" && at + 1 < all.length) {
        event.preventDefault();
        all[at + 1].focus();
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        (at > 0 ? all[at - 1] : input).focus();
      } else if (event.key === "Escape") {
        event.preventDefault();
        input.focus();
      }
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
