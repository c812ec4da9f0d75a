/* The follow-up grid (kedja/followup/templates/followup/grid.html): every cell is saved as you go.
   Arrow keys move between cells and Enter moves down, saving the cell left; Tab works as usual and a
   changed cell is saved when it loses focus. Typing never replaces or saves half a value: "-1", "12" or "2.5"
   stay in the cell exactly as typed and the server's one rule (scheme.parse_score) refuses them beside it.
   A block pasted from Excel (tab and newline separated) fills the cells right and down from the focused one,
   and "Save all changes" saves every changed cell: either way ONE request (views_grid.cells) checks every
   cell and answers per cell, with each touched row's sum and level. Saves go one request at a time, each
   sending the value the page showed, so only a cell someone else changed is reported as a conflict.
   Cells waiting to be saved are marked, the progress is written under the grid and told to screen
   readers, and leaving the page while anything is unsaved asks first.
   No inline script, no eval: loaded as a static file under the strict Content-Security-Policy. */
(function () {
  "use strict";
  var form = document.getElementById("fu-grid-form");
  var table = document.getElementById("fu-grid");
  if (!form || !table || !window.fetch) { return; }
  var live = document.getElementById("fu-live");
  var progress = document.getElementById("fu-progress");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var grid = rows.map(function (tr) { return Array.prototype.slice.call(tr.querySelectorAll("input.fu-input")); });
  var all = [].concat.apply([], grid);
  var text = form.dataset;
  var queue = Promise.resolve();
  var busy = 0;

  function isCell(el) { return el && el.classList && el.classList.contains("fu-input"); }

  function position(input) {
    var r = rows.indexOf(input.closest("tr"));
    return [r, r < 0 ? -1 : grid[r].indexOf(input)];
  }

  function at(r, c) { return (grid[r] && grid[r][c]) || null; }

  function focusCell(input) {
    if (input) { input.focus(); input.select(); }
  }

  function labelOf(input) {
    var label = form.querySelector("label[for='" + input.id + "']");
    return label ? label.textContent : input.id;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) { return values[key] !== undefined ? values[key] : m; });
  }

  function announce(message) {
    live.textContent = "";
    window.requestAnimationFrame(function () { live.textContent = message; });
  }

  function report(message) {
    progress.textContent = message;
    progress.hidden = !message;
  }

  function isDirty(input) {
    return !input.readOnly && (input.value.trim() !== (input.dataset.expected || "") ||
      input.dataset.state === "pending");
  }

  function setMessage(input, message) {
    var id = "m-" + input.id;
    var span = document.getElementById(id);
    var td = input.closest("td");
    if (!message) {
      if (span) { span.remove(); }
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      td.classList.remove("fu-invalid");
      return;
    }
    if (!span) {
      span = document.createElement("span");
      span.className = "fu-msg";
      span.id = id;
      td.appendChild(span);
    }
    span.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
    td.classList.add("fu-invalid");
  }

  function remember(tr, code, stored) {
    // The no-JavaScript form sends what each row showed ("was-<row>"); keep it in step with the saves.
    var was = form.querySelector("input[name='was-" + tr.dataset.row + "']");
    if (!was) { return; }
    var scores = {};
    try { scores = JSON.parse(was.value) || {}; } catch (e) { scores = {}; }
    if (stored === "") { delete scores[code]; } else { scores[code] = parseInt(stored, 10); }
    was.value = JSON.stringify(scores);
  }

  function cellOf(row, code) {
    return document.getElementById("c-" + row + "-" + code);
  }

  function apply(answer) {
    Object.keys(answer.rows).forEach(function (row) {
      var r = answer.rows[row];
      var level = document.getElementById("level-" + row);
      document.getElementById("sum-" + row).textContent = r.total;
      level.dataset.level = r.level;
      level.textContent = r.label;
    });
    answer.cells.forEach(function (c) {
      var input = cellOf(c.row, c.code);
      if (!input) { return; }
      var stored = c.stored === null || c.stored === undefined ? "" : String(c.stored);
      input.dataset.expected = stored;
      remember(input.closest("tr"), c.code, stored);
      input.dataset.state = c.state;
      if (c.state === "saved") {
        input.value = stored;
        setMessage(input, "");
      } else {
        setMessage(input, c.message);
      }
    });
  }

  function summary(answer) {
    var parts = [fill(text.msgDone, {saved: answer.saved})];
    if (answer.refused) { parts.push(fill(text.msgNotSaved, {count: answer.refused})); }
    if (answer.conflicts) { parts.push(fill(text.msgConflicts, {count: answer.conflicts})); }
    return parts.join(" ");
  }

  function send(inputs) {
    var cells = inputs.filter(isDirty);
    if (!cells.length) { return Promise.resolve(); }
    var payload = cells.map(function (input) {
      input.dataset.state = "saving";
      return [parseInt(input.closest("tr").dataset.row, 10), input.dataset.code, input.value.trim(),
              input.dataset.expected || ""];
    });
    report(fill(text.msgSaving, {count: cells.length}));
    var body = new FormData();
    body.append("cells", JSON.stringify(payload));
    return fetch(form.dataset.cellsUrl, {
      method: "POST", body: body, credentials: "same-origin", headers: {"X-CSRFToken": token}
    }).then(function (response) {
      if (response.redirected || [200, 400].indexOf(response.status) < 0) { throw new Error("save"); }
      return response.json();
    }).then(function (answer) {
      if (!answer.cells) { throw new Error(answer.error || "save"); }
      apply(answer);
      var message = summary(answer);
      report(message);
      if (cells.length === 1) {
        var input = cells[0];
        var c = answer.cells[0];
        if (c.state === "saved") {
          var sum = document.getElementById("sum-" + c.row).textContent;
          var level = document.getElementById("level-" + c.row).textContent;
          announce(text.msgSaved + ": " + labelOf(input) + " " + (input.value || "–") + ". " +
                   text.msgSum + " " + sum + ", " + level + ".");
        } else {
          announce(text.msgRefused + ": " + labelOf(input) + ". " + c.message);
        }
      } else {
        announce(message);
      }
    }).catch(function () {
      cells.forEach(function (input) {
        input.dataset.state = "failed";
        setMessage(input, text.msgFailed);
      });
      report(text.msgFailed);
      announce(text.msgFailed);
    });
  }

  function save(inputs) {
    // One request at a time, in the order asked for: each answer updates the values the page showed, which
    // the next request sends as "expected", so a cell is a conflict only if someone else changed it.
    busy += 1;
    queue = queue.then(function () { return send(inputs); }).then(function () { busy -= 1; });
    return queue;
  }

  table.addEventListener("focusin", function (e) { if (isCell(e.target)) { e.target.select(); } });

  table.addEventListener("change", function (e) {
    if (isCell(e.target) && !e.target.readOnly) { save([e.target]); }
  });

  table.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!isCell(input) || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var pos = position(input);
    var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Enter: [1, 0]};
    if (Object.prototype.hasOwnProperty.call(moves, e.key)) {
      e.preventDefault();
      if (isDirty(input)) { save([input]); }
      focusCell(at(pos[0] + moves[e.key][0], pos[1] + moves[e.key][1]));
    }
  });

  table.addEventListener("paste", function (e) {
    var input = e.target;
    if (!isCell(input) || input.readOnly) { return; }
    var data = (e.clipboardData && e.clipboardData.getData("text")) || "";
    if (!/[\t\n\r]/.test(data)) { return; }  // one value: the browser pastes it, saved on change
    e.preventDefault();
    var lines = data.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n");
    var pos = position(input);
    var block = [];
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var cell = at(pos[0] + i, pos[1] + j);
        if (cell && !cell.readOnly) {
          cell.value = value.trim();
          cell.dataset.state = "pending";
          block.push(cell);
        }
      });
    });
    save(block);
  });

  form.addEventListener("submit", function (e) {
    // "Save all changes": the changed cells in one request instead of reloading the page
    e.preventDefault();
    save(all.filter(isDirty));
  });

  window.addEventListener("beforeunload", function (e) {
    if (busy > 0 || all.some(isDirty)) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();
