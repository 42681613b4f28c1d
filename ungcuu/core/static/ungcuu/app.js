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
  // Disable a submit button once pressed, so a slow link does not send twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post")) { return; }
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });
})();
