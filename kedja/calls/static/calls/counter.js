// Character counter for long texts with a limit (calls/apply_form.html): "123 of 2,500 characters", and
// over the limit "12 characters too many" (text and style). Counts user-perceived characters (grapheme
// clusters, Intl.Segmenter) with CRLF as one, like kedja.calls.rules.text_length — the server decides.
// Never truncates: the text stays as written.
(function () {
  "use strict";
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  function textLength(text) {
    // A textarea's value uses LF; the browser sends CRLF. Either way a line break is one character.
    text = text.replace(/\r\n/g, "\n");
    if (!segmenter) return Array.from(text).length;
    var n = 0;
    for (var _ of segmenter.segment(text)) n++; // eslint-disable-line no-unused-vars
    return n;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      return key in values ? String(values[key]) : m;
    });
  }

  function setUp(counter) {
    var field = document.getElementById(counter.dataset.counterFor);
    if (!field) return;
    var limit = parseInt(counter.dataset.limit, 10);
    var described = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (described.indexOf(counter.id) === -1) {
      described.push(counter.id);
      field.setAttribute("aria-describedby", described.join(" "));
    }
    function update() {
      var length = textLength(field.value);
      var over = Math.max(0, length - limit);
      var template = over === 0 ? counter.dataset.textWithin : over === 1 ? counter.dataset.textOverOne : counter.dataset.textOver;
      counter.textContent = fill(template, { length: length, limit: limit, over: over });
      counter.classList.toggle("kedja-char-count-over", over > 0);
      field.classList.toggle("kedja-over-limit", over > 0);
    }
    field.addEventListener("input", update);
    update();
  }

  function init() {
    document.querySelectorAll("[data-counter-for]").forEach(setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.kedjaTextLength = textLength;
})();
