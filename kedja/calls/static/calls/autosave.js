// Autosave of an application draft (calls/apply_form.html): a few seconds after the person stops typing,
// the form's answers (not its files) are posted to data-autosave-url; the answer's time is shown as
// "Saved 10:42" in a polite live region and the form's version follows the saved one. A colleague's save
// in between (409) stops autosaving and says how to compare both versions; nothing typed is touched.
(function () {
  "use strict";
  var DELAY = 4000;

  function setUp(form) {
    var url = form.dataset.autosaveUrl;
    var status = document.getElementById(form.dataset.autosaveStatus);
    var version = form.querySelector("[data-version]");
    var timer = null;
    var stopped = false;
    var dirty = false;
    var busy = false;

    function say(text, problem) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("kedja-autosave-problem", Boolean(problem));
    }

    function save() {
      if (stopped || !dirty) return;
      if (busy) { schedule(); return; }
      busy = true;
      dirty = false;
      var data = new FormData(form);
      form.querySelectorAll("input[type=file]").forEach(function (input) { data.delete(input.name); });
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; });
        })
        .then(function (result) {
          if (result.ok) {
            if (version && result.body.version !== undefined) version.value = result.body.version;
            say(result.body.message, false);
          } else {
            stopped = result.status === 409 || result.status === 400;
            say(result.body.message || "", true);
          }
        })
        .catch(function () { dirty = true; })
        .finally(function () { busy = false; });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DELAY);
    }

    form.addEventListener("input", function (event) {
      if (event.target.type === "file") return;
      dirty = true;
      schedule();
    });
    form.addEventListener("change", function (event) {
      if (event.target.type === "file") return;
      dirty = true;
      schedule();
    });
    form.addEventListener("submit", function () {
      stopped = true;
      window.clearTimeout(timer);
    });
  }

  function init() {
    document.querySelectorAll("form[data-autosave-url]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
