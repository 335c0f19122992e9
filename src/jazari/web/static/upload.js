/* The upload wizard of /upload (templates/upload.html, web/upload.py).
 *
 * 1. choose a file and its dataset; 2. POST /api/v1/sniff with the file's first MiB (a workbook,
 * Parquet or JSON array whole) and show what the ingest will detect and infer, editable (reading
 * options are sent again to look again; edited types are sent as a Table Schema and checked on the
 * sample); 3. upload the whole file with XHR (upload progress) to
 * POST /api/v1/datasets/{institute}/{name}/versions, then poll the ingest job GET /api/v1/jobs/{id};
 * 4. show the result and link to the new version. Every write carries the session's CSRF header.
 * No dependency, nothing from outside the node. */
(function () {
  "use strict";

  var wizard = document.getElementById("wizard");
  var configNode = document.getElementById("upload-config");
  if (!wizard || !configNode) {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var lang = document.documentElement.lang || "fr";
  var numbers = new Intl.NumberFormat(lang === "ar" ? "ar-MA" : lang);
  var NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
  var STEPS = ["choose", "check", "send", "result"];
  var READING = ["encoding", "delimiter", "skip_rows", "sheet"];

  function $(id) {
    return document.getElementById(id);
  }

  /* A message of the page in its language, its %(name)s fields filled. */
  function say(key, fields) {
    var text = config.messages[key] || key;
    Object.keys(fields || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(fields[name]));
    });
    return text.split("%%").join("%");
  }

  function label(templateId, attribute, value) {
    var node = $(templateId).content.querySelector("[" + attribute + '="' + value + '"]');
    return node ? node.textContent : String(value);
  }

  var state = {};

  function reset() {
    state = {
      // `seq` goes on counting: a look sent for the previous file is never taken for this one's
      file: null, target: null, mode: "replace", title: "", seq: state.seq || 0, inferred: null,
      fields: null, typesChanged: false, touched: {}, images: false,
    };
  }
  reset();
  wizard.hidden = false;

  function showStep(name) {
    STEPS.forEach(function (step) {
      $("step-" + step).hidden = step !== name;
    });
    wizard.querySelectorAll(".steps li").forEach(function (item) {
      if (item.getAttribute("data-step") === name) {
        item.setAttribute("aria-current", "step");
      } else {
        item.removeAttribute("aria-current");
      }
    });
    var title = $(name + "-title");
    if (title && name !== "choose") {
      title.focus();
    }
  }

  function showError(box, error) {
    box.querySelector(".message").textContent = (error && error.message) || say("failed");
    var hint = box.querySelector(".hint");
    hint.textContent = (error && error.hint) || "";
    hint.hidden = !hint.textContent;
    box.hidden = false;
  }

  /* Step 1 ------------------------------------------------------------------------------- */
  var choose = $("choose");

  function existing() {
    var checked = choose.querySelector("input[name=target]:checked");
    return checked && checked.value === "existing";
  }

  function syncTarget() {
    $("new-fields").hidden = existing();
    $("existing-fields").hidden = !existing();
  }
  choose.addEventListener("change", syncTarget);
  syncTarget();

  choose.addEventListener("submit", function (event) {
    event.preventDefault();
    var error = $("choose-error");
    error.hidden = true;
    function fail(key) {
      error.textContent = say(key);
      error.hidden = false;
    }
    var file = $("file").files[0];
    if (!file) {
      return fail("no_file");
    }
    var target;
    var mode = "replace";
    if (existing()) {
      target = $("dataset").value;
      mode = choose.querySelector("input[name=mode]:checked").value;
      if (!target) {
        return fail("no_dataset");
      }
    } else {
      var name = $("name").value.trim();
      if (!NAME.test(name)) {
        $("name").focus();
        return fail("no_name");
      }
      target = $("institute").value + "/" + name;
    }
    reset();
    state.file = file;
    state.target = target;
    state.mode = mode;
    state.title = existing() ? "" : $("title").value.trim();
    $("reading").reset();
    showStep("check");
    state.images = /\.zip$/i.test(file.name);
    $("images-note").hidden = !state.images;
    $("reading").hidden = state.images;
    if (state.images) {  // an archive of images: no table to look at; the server checks it on arrival
      showDetails(false);
      $("check-error").hidden = true;
      $("check-status").textContent = "";
      $("send").disabled = false;
      $("check-title").focus();
      return;
    }
    sniff();
  });

  /* Step 2 ------------------------------------------------------------------------------- */
  function looksWhole(file) {
    var lower = file.name.toLowerCase();
    return config.wholeSuffixes.some(function (suffix) {
      return lower.slice(-suffix.length) === suffix;
    });
  }

  function readingOptions(form) {
    READING.forEach(function (name) {
      if (state.touched[name]) {
        form.append(name, $(name).value);
      }
    });
  }

  function currentSchema() {
    var schema = Object.assign({}, state.inferred);
    schema.fields = state.fields;
    return schema;
  }

  function sniff() {
    var file = state.file;
    var seq = ++state.seq;
    var blob = file;
    var complete = true;
    var mib = config.headBytes / (1024 * 1024);
    $("check-error").hidden = true;
    $("send").disabled = true;
    if (looksWhole(file)) {
      if (file.size > config.wholeMaxBytes) {
        $("check-status").textContent = say("too_big_to_look", {size: config.wholeMaxBytes / (1024 * 1024)});
        showDetails(false);
        $("send").disabled = false;
        return;
      }
    } else if (file.size > config.headBytes) {
      blob = file.slice(0, config.headBytes);
      complete = false;
    }
    var form = new FormData();
    form.append("file", blob, file.name);
    form.append("name", file.name);
    form.append("complete", complete ? "true" : "false");
    readingOptions(form);
    if (state.typesChanged) {
      form.append("schema", JSON.stringify(currentSchema()));
    }
    $("check-status").textContent = say("looking");
    wizard.setAttribute("aria-busy", "true");
    fetch("/api/v1/sniff", {
      method: "POST", body: form, credentials: "same-origin", headers: {"X-CSRF-Token": config.csrf},
    }).then(function (response) {
      return response.json().catch(function () {
        return {error: {message: response.status + " " + response.statusText}};
      }).then(function (body) {
        if (seq !== state.seq) {
          return;  // a newer look is on its way
        }
        wizard.removeAttribute("aria-busy");
        if (!response.ok) {
          $("check-status").textContent = "";
          showError($("check-error"), body.error);
          showDetails(false);
          return;
        }
        found(body, complete, mib);
      });
    }).catch(function () {
      if (seq === state.seq) {
        wizard.removeAttribute("aria-busy");
        showError($("check-error"), {message: say("network")});
      }
    });
  }

  function showDetails(shown) {
    ["columns-title", "types-hint", "columns", "sample-title", "sample"].forEach(function (id) {
      var node = $(id);
      (node.closest(".scroll") || node).hidden = !shown;
    });
  }

  function found(result, complete, mib) {
    var names = result.schema.fields.map(function (f) { return f.name; }).join("\u0000");
    var same = state.fields && state.fields.map(function (f) { return f.name; }).join("\u0000") === names;
    if (!state.typesChanged || !same) {
      state.inferred = result.schema;
      state.fields = result.schema.fields.map(function (f) { return Object.assign({}, f); });
      state.typesChanged = false;
    }
    $("check-status").textContent = complete ? say("looked_whole") : say("looked_head", {size: mib});
    $("found-name").textContent = result.name;
    $("found-format").textContent = result.format;
    $("found-header").textContent = label("yes-no", "data-value", result.header === null ? "none" : String(result.header));
    $("found-quote").textContent = result.quote ? result.quote : label("yes-no", "data-value", "none");
    wizard.querySelectorAll("#reading [data-for]").forEach(function (block) {
      var kinds = block.getAttribute("data-for").split(" ");
      var kind = result.format === "tsv" ? "csv" : result.format;
      block.hidden = kinds.indexOf(kind) < 0;
    });
    if (result.encoding) {
      choice($("encoding"), result.encoding);
    }
    if (result.delimiter) {
      choice($("delimiter"), result.delimiter === "\t" ? "\\t" : result.delimiter);
    }
    $("skip_rows").value = result.skip_rows || 0;
    var sheet = $("sheet");
    sheet.textContent = "";
    (result.sheets || []).forEach(function (name) {
      sheet.appendChild(new Option(name, name, false, name === result.sheet));
    });
    columns(result);
    sample(result);
    showDetails(true);
    $("send").disabled = false;
  }

  /* Select `value` in a select, adding it when it is not one of the options. */
  function choice(select, value) {
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    if (!known) {
      select.appendChild(new Option(value, value));
    }
    select.value = value;
  }

  function columns(result) {
    var body = $("columns").tBodies[0];
    body.textContent = "";
    var inferred = state.inferred.fields;
    state.fields.forEach(function (field, index) {
      var row = body.insertRow();
      var name = row.insertCell();
      name.textContent = field.name;
      name.dir = "auto";
      var select = document.createElement("select");
      select.id = "type-" + index;
      select.setAttribute("aria-label", field.name);
      select.appendChild($("type-options").content.cloneNode(true));
      choice(select, field.type || "string");
      select.disabled = state.mode === "append";
      select.addEventListener("change", function () { changeType(index, select.value); });
      row.insertCell().appendChild(select);
      var values = [];
      result.sample.forEach(function (cells) {
        var v = cells[index];
        if (v !== null && v !== "" && values.indexOf(String(v)) < 0 && values.length < 3) {
          values.push(String(v));
        }
      });
      var shown = row.insertCell();
      shown.dir = "auto";
      shown.textContent = values.join(" · ");
      var check = row.insertCell();
      var bad = (result.type_errors || {})[field.name] || 0;
      check.textContent = bad ? say("misfits", {count: numbers.format(bad), rows: numbers.format(result.rows_sampled)})
        : say("fits");
      check.className = bad ? "misfit" : "fit";
      if (field.type !== (inferred[index] || {}).type) {
        row.className = "changed";
      }
    });
  }

  function sample(result) {
    var table = $("sample");
    var head = table.tHead;
    head.textContent = "";
    var top = head.insertRow();
    result.columns.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.dir = "auto";
      th.textContent = name;
      top.appendChild(th);
    });
    var body = table.tBodies[0];
    body.textContent = "";
    result.sample.slice(0, 10).forEach(function (cells) {
      var row = body.insertRow();
      cells.forEach(function (value) {
        var cell = row.insertCell();
        cell.dir = "auto";
        cell.textContent = value === null ? "" : String(value);
      });
    });
  }

  /* A new type for column `index`: the detected field back, or a plain field of that type keeping
   * what still applies (the number layout). The sample is checked again on the server. */
  function changeType(index, type) {
    var detected = state.inferred.fields[index];
    var field;
    if (type === detected.type) {
      field = Object.assign({}, detected);
    } else {
      field = {name: detected.name, type: type};
      var keep = type === "number" ? ["groupChar", "decimalChar", "bareNumber"]
        : type === "integer" ? ["groupChar", "bareNumber"] : [];
      keep.forEach(function (key) {
        if (key in detected) {
          field[key] = detected[key];
        }
      });
      ["title", "description"].forEach(function (key) {
        if (key in detected) {
          field[key] = detected[key];
        }
      });
    }
    state.fields[index] = field;
    state.typesChanged = state.fields.some(function (f, i) { return f.type !== state.inferred.fields[i].type; });
    sniff();
  }

  READING.forEach(function (name) {
    $(name).addEventListener("change", function () { state.touched[name] = true; });
  });
  $("reading").addEventListener("submit", function (event) {
    event.preventDefault();
    sniff();
  });
  $("back").addEventListener("click", function () {
    state.seq++;
    showStep("choose");
  });

  /* Step 3 ------------------------------------------------------------------------------- */
  function progress(id, percent) {
    var bar = $(id);
    bar.value = percent;
    bar.textContent = percent + " %";
  }

  $("send").addEventListener("click", function () {
    state.seq++;  // a look still on its way is not wanted any more
    showStep("send");
    progress("upload-progress", 0);
    progress("ingest-progress", 0);
    var status = $("send-status");
    var parts = state.target.split("/");
    var form = new FormData();
    form.append("file", state.file, state.file.name);
    form.append("mode", state.mode);
    if (state.title) {
      form.append("title", state.title);
    }
    if (!state.images) {
      readingOptions(form);
    }
    if (!state.images && state.typesChanged && state.mode !== "append") {
      form.append("schema", JSON.stringify(currentSchema()));
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/datasets/" + encodeURIComponent(parts[0]) + "/" + encodeURIComponent(parts[1]) + "/versions");
    xhr.setRequestHeader("X-CSRF-Token", config.csrf);
    xhr.responseType = "json";
    var announced = -1;
    xhr.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        var percent = Math.floor(100 * event.loaded / event.total);
        progress("upload-progress", percent);
        if (percent >= announced + 25) {  // a screen reader hears every quarter, not every event
          announced = percent - percent % 25;
          status.textContent = say("sending", {percent: percent});
        }
      }
    });
    xhr.upload.addEventListener("load", function () { progress("upload-progress", 100); });
    xhr.addEventListener("load", function () {
      var body = xhr.response || {};
      if (xhr.status !== 202) {
        failed(body.error || {message: xhr.status + " " + xhr.statusText});
        return;
      }
      progress("upload-progress", 100);
      status.textContent = say("sent");
      poll(body.poll);
    });
    xhr.addEventListener("error", function () { failed({message: say("network")}); });
    xhr.send(form);
  });

  function poll(url) {
    var last = null;
    function again() {
      fetch(url, {credentials: "same-origin"}).then(function (response) {
        return response.json().then(function (job) {
          if (!response.ok) {
            failed(job.error);
            return;
          }
          var percent = Math.round(100 * (job.progress || 0));
          progress("ingest-progress", job.status === "succeeded" ? 100 : percent);
          if (job.message !== last && job.status === "running") {
            last = job.message;
            $("send-status").textContent = say("processing", {percent: percent, step: job.message || ""});
          }
          if (job.status === "succeeded") {
            done(job.result);
          } else if (job.status === "failed") {
            failed(job.error);
          } else {
            window.setTimeout(again, 400);
          }
        });
      }).catch(function () { failed({message: say("network")}); });
    }
    again();
  }

  /* Step 4 ------------------------------------------------------------------------------- */
  function failed(error) {
    showStep("result");
    $("result-done").hidden = true;
    showError($("result-error"), error || {message: say("failed")});
  }

  function done(result) {
    showStep("result");
    $("result-error").hidden = true;
    $("result-done").hidden = false;
    var fields = {version: result.version, dataset: result.dataset};
    $("result-status").textContent = result.unchanged ? say("unchanged", fields) : say("done", fields);
    var count = function (n) { return n === undefined || n === null ? "–" : numbers.format(n); };
    $("rows-read").textContent = count(result.rows_read);
    $("rows-written").textContent = count(result.rows_written);
    $("rows-quarantined").textContent = count(result.rows_quarantined);
    var privacy = result.privacy || {};
    var shown = $("privacy-status");
    shown.textContent = privacy.status ? label("privacy-labels", "data-status", privacy.status) : "–";
    if (privacy.message) {  // the service's own words, in English
      var said = document.createElement("span");
      said.lang = "en";
      said.dir = "ltr";
      said.textContent = privacy.message;
      shown.append(" — ", said);
    }
    var body = $("findings").tBodies[0];
    body.textContent = "";
    var findings = result.findings || [];
    findings.forEach(function (f) {
      var row = body.insertRow();
      row.insertCell().textContent = f.type;
      var column = row.insertCell();
      column.dir = "auto";
      column.textContent = f.column;
      var n = row.insertCell();
      n.className = "num";
      n.textContent = numbers.format(f.count);
      var examples = document.createElement("span");  // the findings' own words, in English
      examples.lang = "en";
      examples.dir = "ltr";
      examples.textContent = (f.examples || []).slice(0, 3).map(function (e) { return e.message; }).join("; ");
      row.insertCell().appendChild(examples);
    });
    $("findings").closest(".scroll").hidden = !findings.length;
    $("no-findings").hidden = !!findings.length || !!result.unchanged;
    $("no-findings").textContent = say("no_findings");
    var link = $("result-link");
    link.href = "/datasets/" + result.dataset + "?version=" + result.version;
    link.textContent = say("see_version", fields);
  }

  $("again").addEventListener("click", function () {
    reset();
    showStep("choose");
    $("file").focus();
  });
}());
