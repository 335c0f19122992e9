/* The contributor page and the campaign manager page.
   Contributor: keys 1-9 press the label with that key (or toggle it, or label the selected span),
   S skips, R opens the report form; each shown item gets an answer id from crypto.randomUUID(), kept
   for retries so that an answer counts once; the time spent is sent with the answer. Spans: select
   with the mouse, or focus the text and move word by word with the arrows (mirrored in right-to-left
   text), Shift+arrows extend, a number labels the selection, Backspace removes the last span,
   Enter sends. Offsets are counted in Unicode code points, as the server counts them.
   (The manager page's chart is drawn by dataset.js, as the profile's charts.) */
(function () {
  "use strict";

  var WORD = /[\p{L}\p{M}\p{N}_]+|[^\s]/gu;

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" || (tag === "INPUT" && target.type !== "checkbox") ||
      (target && target.isContentEditable);
  }

  function codePoints(text) { return Array.from(text).length; }

  // one item ------------------------------------------------------------------------------
  function setUpItem(root) {
    var form = root.querySelector("#answer-form");
    if (!form || form.dataset.ready) { return; }
    form.dataset.ready = "1";
    var id = form.querySelector("[data-answer-id]");
    if (window.crypto && typeof window.crypto.randomUUID === "function") { id.value = window.crypto.randomUUID(); }
    form.dataset.started = String(Date.now());
    form.addEventListener("submit", function () {
      form.querySelector("[name=seconds]").value = ((Date.now() - Number(form.dataset.started)) / 1000).toFixed(1);
    });
    var text = form.querySelector("#span-text");
    if (text) { setUpSpans(form, text); }
    var translation = form.querySelector("#translation");
    if (translation) { translation.focus(); }
  }

  // spans ---------------------------------------------------------------------------------
  function setUpSpans(form, box) {
    var source = box.textContent;
    var chars = Array.from(source);
    var words = [];
    var match;
    WORD.lastIndex = 0;
    while ((match = WORD.exec(source)) !== null) {
      var start = codePoints(source.slice(0, match.index));
      words.push([start, start + codePoints(match[0])]);
    }
    var spans = [];
    var cursor = null;  // [anchor word, focus word] of the keyboard selection
    var mouse = null;   // [start, end] of the mouse selection
    var hidden = form.querySelector("#spans-value");
    var list = form.querySelector("#span-list");
    var status = form.querySelector("#span-status");
    var names = {};
    form.querySelectorAll("[data-span-label]").forEach(function (b) { names[b.dataset.spanLabel] = b.dataset.name; });

    function selection() {
      if (cursor) {
        var a = Math.min(cursor[0], cursor[1]), b = Math.max(cursor[0], cursor[1]);
        return [words[a][0], words[b][1]];
      }
      return mouse;
    }

    function piece(start, end) { return chars.slice(start, end).join(""); }

    function draw() {
      var marks = spans.slice().sort(function (x, y) { return x.start - y.start; });
      var chosen = selection();
      box.textContent = "";
      var at = 0;
      var bounds = {};
      marks.forEach(function (s) { bounds[s.start] = bounds[s.start] || []; bounds[s.start].push(s); });
      for (var i = 0; i <= chars.length; i++) {
        var inSpan = marks.filter(function (s) { return s.start <= i && i < s.end; });
        var inSel = chosen && chosen[0] <= i && i < chosen[1];
        var kind = (inSpan.length ? "m" : "") + (inSel ? "s" : "");
        if (i === chars.length || kind !== box.dataset.kindAt) {
          if (i > at) {
            var part = piece(at, i);
            var prev = box.dataset.kindAt || "";
            var node = prev ? document.createElement(prev.indexOf("s") >= 0 ? "span" : "mark") : document.createTextNode(part);
            if (prev) {
              node.textContent = part;
              if (prev.indexOf("s") >= 0) { node.className = "span-selection"; }
              if (prev.indexOf("m") >= 0) { node.classList.add("span-mark"); }
            }
            box.appendChild(node);
          }
          at = i;
          box.dataset.kindAt = kind;
        }
      }
      box.dataset.kindAt = "";
      hidden.value = JSON.stringify(spans.map(function (s) { return { start: s.start, end: s.end, label: s.label }; }));
      list.textContent = "";
      spans.forEach(function (s, n) {
        var li = document.createElement("li");
        var label = document.createElement("strong");
        label.textContent = names[s.label] || s.label;
        var quote = document.createElement("bdi");
        quote.textContent = piece(s.start, s.end);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (box.dataset.removeLabel || "remove") + " " + quote.textContent);
        remove.addEventListener("click", function () { spans.splice(n, 1); draw(); });
        li.appendChild(label); li.appendChild(document.createTextNode(" ")); li.appendChild(quote);
        li.appendChild(document.createTextNode(" ")); li.appendChild(remove);
        list.appendChild(li);
      });
      status.textContent = chosen ? "« " + piece(chosen[0], chosen[1]) + " »" : "";
    }

    function offsetIn(node, offset) {  // a DOM position inside the box as a code point offset
      var range = document.createRange();
      range.selectNodeContents(box);
      range.setEnd(node, offset);
      return codePoints(range.toString());
    }

    box.addEventListener("mouseup", function () {
      var sel = window.getSelection();
      if (!sel || sel.isCollapsed || !box.contains(sel.anchorNode) || !box.contains(sel.focusNode)) { return; }
      var a = offsetIn(sel.anchorNode, sel.anchorOffset), b = offsetIn(sel.focusNode, sel.focusOffset);
      var start = Math.min(a, b), end = Math.max(a, b);
      while (start < end && /\s/.test(chars[start])) { start++; }
      while (end > start && /\s/.test(chars[end - 1])) { end--; }
      cursor = null;
      mouse = end > start ? [start, end] : null;
      sel.removeAllRanges();
      draw();
    });

    box.addEventListener("keydown", function (event) {
      if (!words.length) { return; }
      var rtl = getComputedStyle(box).direction === "rtl";
      var step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
      if (step) {
        event.preventDefault();
        mouse = null;
        if (!cursor) { cursor = [step > 0 ? 0 : words.length - 1, step > 0 ? 0 : words.length - 1]; }
        else {
          var next = Math.max(0, Math.min(words.length - 1, cursor[1] + step));
          cursor = event.shiftKey ? [cursor[0], next] : [next, next];
        }
        draw();
      } else if (event.key === "Backspace" || event.key === "Delete") {
        event.preventDefault();
        spans.pop();
        draw();
      } else if (event.key === "Escape") {
        cursor = null; mouse = null; draw();
      } else if (event.key === "Enter") {
        event.preventDefault();
        form.requestSubmit();
      }
    });

    form.addEventListener("jazari:label", function (event) {
      var chosen = selection();
      if (!chosen) { status.textContent = box.dataset.noSelection || ""; return; }
      var label = event.detail;
      spans = spans.filter(function (s) { return s.end <= chosen[0] || s.start >= chosen[1]; });
      spans.push({ start: chosen[0], end: chosen[1], label: label });
      mouse = null;
      if (cursor) { cursor = [cursor[1], cursor[1]]; }
      draw();
      box.focus();
    });
    form.querySelectorAll("[data-span-label]").forEach(function (button) {
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });  // keep the selection
      button.addEventListener("click", function () {
        form.dispatchEvent(new CustomEvent("jazari:label", { detail: button.dataset.spanLabel }));
      });
    });
    draw();
  }

  // keys ----------------------------------------------------------------------------------
  document.addEventListener("keydown", function (event) {
    var work = document.getElementById("work");
    if (!work || event.ctrlKey || event.metaKey || event.altKey) {
      if (work && event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "translation") {
        event.preventDefault();
        event.target.form.requestSubmit();
      }
      return;
    }
    if (typing(event.target)) { return; }
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    var target = work.querySelector('[data-key="' + (key === '"' ? "" : key) + '"]');
    if (target) {
      event.preventDefault();
      if (target.type === "checkbox") { target.checked = !target.checked; } else { target.click(); }
      return;
    }
    if (key === "s") {
      var skip = document.getElementById("skip-link");
      if (skip) { event.preventDefault(); skip.click(); }
    } else if (key === "r") {
      var report = document.getElementById("report-box");
      if (report) { event.preventDefault(); report.open = true; report.querySelector("select").focus(); }
    }
  });

  /* A refused answer (an error fragment with a 4xx status) still replaces the work area. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (event.detail.target.id === "work" && status >= 400 && status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  function setUp(root) {
    setUpItem(root);
  }

  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
  function start() { setUp(document); }
  if (document.readyState !== "loading") { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
