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
  // Dates as dd/mm/yyyy and times as HH:MM (24 h), whatever the browser's language: the
  // fields are text boxes; here the slashes and the colon come as digits are typed, and a
  // calendar button opens the browser's own picker where it has one.
  function two(n) { return ("0" + n).slice(-2); }
  function tidyDate(value) {
    var v = value.trim(), m;
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?/.exec(v))) {
      v = m[3] + "/" + m[2] + "/" + m[1] + (m[4] !== undefined ? " " + m[4] + ":" + m[5] : "");
    }
    if (/^\d{8}(\d{4})?$/.test(v)) {
      v = v.slice(0, 2) + "/" + v.slice(2, 4) + "/" + v.slice(4, 8) + (v.length > 8 ? " " + v.slice(8, 10) + ":" + v.slice(10) : "");
    }
    m = /^(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})(?:[\s,]+(\d{1,2})[:hH.]?(\d{2}))?$/.exec(v);
    if (!m) { return value; }
    var out = two(m[1]) + "/" + two(m[2]) + "/" + m[3];
    if (m[4] !== undefined) { out += " " + two(m[4]) + ":" + m[5]; }
    return out;
  }
  function spaced(digits, withTime) {
    var out = digits.slice(0, 2);
    if (digits.length > 2) { out += "/" + digits.slice(2, 4); }
    if (digits.length > 4) { out += "/" + digits.slice(4, 8); }
    if (digits.length > 8 && withTime) {
      out += " " + digits.slice(8, 10);
      if (digits.length > 10) { out += ":" + digits.slice(10, 12); }
    }
    return out;
  }
  document.addEventListener("input", function (event) {
    // A digit typed at the end of what this code wrote so far: 0412 → 04/12; a phone's
    // number pad has no "/". Someone typing their own slashes is left alone.
    var input = event.target;
    if (!(input.matches && input.matches("input[data-date]")) || event.inputType !== "insertText") { return; }
    if (!/^\d$/.test(event.data || "") || input.selectionStart !== input.value.length) { return; }
    var withTime = input.dataset.date === "datetime";
    var before = input.value.slice(0, -1);
    if (before !== spaced(before.replace(/\D/g, ""), withTime)) { return; }
    input.value = spaced(input.value.replace(/\D/g, ""), withTime);
  });
  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input.matches && input.matches("input[data-date]") && input.value) {
      input.value = tidyDate(input.value);
    }
  });
  document.addEventListener("submit", function (event) {
    Array.prototype.forEach.call(event.target.querySelectorAll("input[data-date]"), function (input) {
      if (input.value) { input.value = tidyDate(input.value); }
    });
  }, true);
  function addPickers(root) {
    var probe = document.createElement("input");
    if (typeof probe.showPicker !== "function") { return; }
    Array.prototype.forEach.call(root.querySelectorAll("input[data-date]:not([data-picker])"), function (input) {
      input.setAttribute("data-picker", "");
      var box = document.createElement("span");
      box.className = "date-field";
      input.parentNode.insertBefore(box, input);
      box.appendChild(input);
      var native = document.createElement("input");
      native.type = "date";
      native.className = "date-native";
      native.tabIndex = -1;
      native.setAttribute("aria-hidden", "true");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn date-pick";
      button.textContent = "📅";
      button.setAttribute("aria-label", input.dataset.pickLabel || "Chọn ngày trên lịch");
      box.appendChild(button);
      box.appendChild(native);
      button.addEventListener("click", function () {
        var m = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(tidyDate(input.value));
        native.value = m ? m[3] + "-" + m[2] + "-" + m[1] : "";
        try { native.showPicker(); } catch (e) { input.focus(); }
      });
      native.addEventListener("change", function () {
        var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(native.value);
        if (!m) { return; }
        var day = m[3] + "/" + m[2] + "/" + m[1];
        if (input.dataset.date === "datetime") {
          var time = /\d{1,2}:\d{2}$/.exec(input.value);
          var now = new Date();
          day += " " + (time ? time[0] : two(now.getHours()) + ":" + two(now.getMinutes()));
        }
        input.value = day;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { addPickers(document); });
  } else { addPickers(document); }
  document.addEventListener("htmx:load", function (event) { addPickers(event.target); });
  // Disable a submit button once pressed, so a slow link does not send twice.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post")) { return; }
    var button = form.querySelector("button[type=submit], button:not([type])");
    if (button) { setTimeout(function () { button.disabled = true; }, 0); }
  });
})();
