/* The dataset page: tabs as WAI-ARIA tabs (arrow keys, Home, End, mirrored in right-to-left pages;
   Enter or Space opens one), htmx swaps of the tab's panel (a 4xx panel is shown too), the profile's
   Vega-Lite charts (the vendored scripts are loaded the first time a chart is shown), the copy
   buttons and Ctrl+Enter in the SQL console. Without JavaScript every tab is a link to its page. */
(function () {
  "use strict";

  var TARGETS = ["tabpanel", "sql-result", "discussion"];

  function tabs() {
    return Array.prototype.slice.call(document.querySelectorAll('[role="tablist"] [role="tab"]'));
  }

  /* One tab in the page's tab order (roving tabindex): the selected one. */
  function markSelected(key) {
    tabs().forEach(function (tab) {
      var on = tab.id === "tab-" + key;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
    });
  }

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest('[role="tab"]');
    if (!tab) { return; }
    var list = tabs();
    var i = list.indexOf(tab);
    var step = getComputedStyle(tab).direction === "rtl" ? -1 : 1;
    var next = null;
    if (event.key === "ArrowRight") { next = list[(i + step + list.length) % list.length]; }
    else if (event.key === "ArrowLeft") { next = list[(i - step + list.length) % list.length]; }
    else if (event.key === "Home") { next = list[0]; }
    else if (event.key === "End") { next = list[list.length - 1]; }
    else if (event.key === " ") { event.preventDefault(); tab.click(); return; }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  });

  /* Ctrl+Enter (or Cmd+Enter) in the SQL console runs the query. */
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.id === "sql") {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });

  /* A refused or bad request still shows its message in the panel (htmx swaps only 2xx by default);
     an error page that is not a panel gives its message box. */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status < 400 || xhr.status >= 500 || TARGETS.indexOf(event.detail.target.id) < 0) { return; }
    event.detail.shouldSwap = true;
    event.detail.isError = false;
    if (xhr.getResponseHeader("x-jazari-fragment") !== "1") {
      event.detail.selectOverride = ".error";
      event.detail.swapOverride = "innerHTML";
    }
  });

  // charts ---------------------------------------------------------------------------------
  var vegaLoaded = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(script);
    });
  }

  /* vega, then vega-lite, then vega-embed: each needs the one before. */
  function loadVega(sources) {
    if (!vegaLoaded) {
      vegaLoaded = sources.reduce(function (done, src) {
        return done.then(function () { return loadScript(src); });
      }, Promise.resolve());
    }
    return vegaLoaded;
  }

  function draw(chart) {
    var spec = JSON.parse(document.getElementById(chart.dataset.spec).textContent);
    return window.vegaEmbed(chart, spec, { actions: false, renderer: "svg" }).then(function () {
      chart.classList.add("drawn");
    }, function (error) {
      chart.classList.add("failed");
      chart.textContent = String(error);
    });
  }

  function drawCharts(root) {
    var charts = Array.prototype.slice.call(root.querySelectorAll(".chart[data-spec]:not([data-queued])"));
    var holder = document.querySelector("[data-vega]");
    if (!charts.length || !holder) { return; }
    charts.forEach(function (chart) { chart.dataset.queued = "1"; });
    loadVega(holder.dataset.vega.split(" ")).then(function () {
      if (!("IntersectionObserver" in window)) { charts.forEach(draw); return; }
      var seen = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) { seen.unobserve(entry.target); draw(entry.target); }
        });
      }, { rootMargin: "400px 0px" });
      charts.forEach(function (chart) { seen.observe(chart); });
    }, function (error) {
      charts.forEach(function (chart) { chart.classList.add("failed"); chart.textContent = String(error); });
    });
  }

  // copy buttons ---------------------------------------------------------------------------
  function copyButtons(root) {
    root.querySelectorAll("button.copy[data-copy]:not([data-ready])").forEach(function (button) {
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = document.getElementById(button.dataset.copy).textContent;
        var status = root.querySelector(".copy-status") || document.querySelector(".copy-status");
        navigator.clipboard.writeText(text).then(function () {
          if (status) { status.textContent = button.dataset.done; }
        }, function () {
          var range = document.createRange();
          range.selectNodeContents(document.getElementById(button.dataset.copy));
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
        });
      });
    });
  }

  function setUp(root) {
    var panel = root.id === "tabpanel" ? root : root.querySelector && root.querySelector("#tabpanel");
    if (panel) { markSelected(panel.dataset.tab); }
    drawCharts(root);
    copyButtons(root);
  }

  document.addEventListener("htmx:afterSwap", function () {  // at once, before htmx settles the new panel
    var panel = document.getElementById("tabpanel");
    if (panel) { markSelected(panel.dataset.tab); }
  });
  document.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
  if (document.readyState !== "loading") { setUp(document); }
  else { document.addEventListener("DOMContentLoaded", function () { setUp(document); }); }
})();
