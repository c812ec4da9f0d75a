/* The follow-up grid (kedja/followup/templates/followup/grid.html): every cell is saved as you go.
   Arrow keys move between cells and Enter moves down, saving the cell left; Tab works as usual and a
   changed cell is saved when it loses focus. Typing never replaces or saves half a value: "-1", "12" or "2.5"
   stay in the cell exactly as typed and the server's one rule (scheme.parse_score) refuses them beside it; a block pasted from Excel (tab and newline separated) fills the cells right and down from the
   focused one. Each save answers with a small fragment (views_grid.cell) holding the row's sum and level;
   a refused value stays in the cell with its message next to it; a live region tells screen readers.
   No inline script, no eval: loaded as a static file under the strict Content-Security-Policy. */
(function () {
  "use strict";
  var form = document.getElementById("fu-grid-form");
  var table = document.getElementById("fu-grid");
  if (!form || !table || !window.fetch) { return; }
  var live = document.getElementById("fu-live");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var grid = rows.map(function (tr) { return Array.prototype.slice.call(tr.querySelectorAll("input.fu-input")); });
  var queues = new WeakMap();
  var text = form.dataset;

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

  function announce(message) {
    live.textContent = "";
    window.requestAnimationFrame(function () { live.textContent = message; });
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

  function failed(input) {
    input.dataset.state = "failed";
    setMessage(input, text.msgFailed);
    announce(text.msgRefused + ": " + labelOf(input) + ". " + text.msgFailed);
  }

  function send(input) {
    var value = input.value.trim();
    var expected = input.dataset.expected || "";
    if (value === expected && input.getAttribute("aria-invalid") !== "true") { return Promise.resolve(); }
    var tr = input.closest("tr");
    var body = new FormData();
    body.append("code", input.dataset.code);
    body.append("value", value);
    body.append("expected", expected);
    input.dataset.state = "saving";
    return fetch(tr.dataset.url, {
      method: "POST", body: body, credentials: "same-origin", headers: {"X-CSRFToken": token}
    }).then(function (response) {
      if (response.redirected || [200, 400, 409].indexOf(response.status) < 0) { throw new Error("save"); }
      return response.text();
    }).then(function (html) {
      var result = new DOMParser().parseFromString(html, "text/html").querySelector(".fu-result");
      if (!result) { throw new Error("save"); }
      var d = result.dataset;
      var message = result.textContent.trim();
      var level = document.getElementById("level-" + tr.dataset.row);
      document.getElementById("sum-" + tr.dataset.row).textContent = d.total;
      level.dataset.level = d.level;
      level.textContent = d.levelLabel;
      input.dataset.expected = d.stored;
      remember(tr, input.dataset.code, d.stored);
      input.dataset.state = d.state;
      if (d.state === "saved") {
        setMessage(input, "");
        announce(text.msgSaved + ": " + labelOf(input) + " " + (d.value || "–") + ". " +
                 text.msgSum + " " + d.total + ", " + d.levelLabel + ".");
      } else {
        setMessage(input, message);
        announce(text.msgRefused + ": " + labelOf(input) + ". " + message);
      }
    }).catch(function () { failed(input); });
  }

  function save(input) {
    // One save at a time per row, in the order they were asked for: each answer carries the row's sum, so
    // answers of the same row must not overtake each other (a pasted block saves several cells of a row).
    var tr = input.closest("tr");
    var next = (queues.get(tr) || Promise.resolve()).then(function () { return send(input); });
    queues.set(tr, next);
    return next;
  }

  table.addEventListener("focusin", function (e) { if (isCell(e.target)) { e.target.select(); } });

  table.addEventListener("change", function (e) {
    if (isCell(e.target) && !e.target.readOnly) { save(e.target); }
  });

  table.addEventListener("keydown", function (e) {
    var input = e.target;
    if (!isCell(input) || e.altKey || e.ctrlKey || e.metaKey) { return; }
    var pos = position(input);
    var moves = {ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Enter: [1, 0]};
    if (Object.prototype.hasOwnProperty.call(moves, e.key)) {
      e.preventDefault();
      if (!input.readOnly && input.value.trim() !== (input.dataset.expected || "")) { save(input); }
      focusCell(at(pos[0] + moves[e.key][0], pos[1] + moves[e.key][1]));
      return;
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
    var saves = [];
    lines.forEach(function (line, i) {
      line.split("\t").forEach(function (value, j) {
        var cell = at(pos[0] + i, pos[1] + j);
        if (cell && !cell.readOnly) {
          cell.value = value.trim();
          saves.push(save(cell));
        }
      });
    });
    Promise.all(saves).then(function () {
      var refused = table.querySelectorAll("input.fu-input[aria-invalid='true']").length;
      announce(text.msgSaved + ": " + saves.length + (refused ? ". " + text.msgRefused + ": " + refused : ""));
    });
  });
})();
