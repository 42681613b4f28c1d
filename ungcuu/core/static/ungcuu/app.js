// Small enhancements only: every page works without this file.
(function () {
  "use strict";
  // Show a picked file's name beside the camera button.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[type=file][data-names]")) {
      var out = document.getElementById(input.dataset.names);
      if (out) {
        out.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(", ");
      }
    }
  });
  // Share the report to a Zalo group through the phone's share sheet, or copy it.
  // The text is already in the page, so this works with no connection at all.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-share]");
    if (!button) { return; }
    var source = document.getElementById(button.dataset.share);
    var done = document.getElementById(button.dataset.share + "-done");
    var text = source ? source.value : "";
    function copied() { if (done) { done.textContent = "Đã sao chép – dán vào nhóm Zalo."; } }
    function fallback() {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(copied, legacyCopy);
      } else { legacyCopy(); }
    }
    function legacyCopy() {
      source.hidden = false; source.select();
      try { document.execCommand("copy"); copied(); } catch (e) { /* leave it selected */ }
    }
    if (navigator.share) {
      navigator.share({ text: text }).catch(function (err) {
        if (err && err.name !== "AbortError") { fallback(); }
      });
    } else { fallback(); }
  });
  // A list that shows another center's page as soon as one is picked (a button does it
  // without this file).
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) { select.form.submit(); }
  });
  // Disable a submit button once pressed, so a slow link does not send twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post")) { return; }
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });
})();
