// The waiting-room screen refreshes itself every 30 s. When the server cannot be
// reached it keeps showing the last state it had, and says since when.
(function () {
  "use strict";
  var url = document.body.dataset.stateUrl;
  var body = document.getElementById("board-body");
  var clock = document.getElementById("board-clock");
  var key = "ungcuu-board:" + url;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var d = new Date();
    clock.textContent = pad(d.getHours()) + ":" + pad(d.getMinutes());
  }
  function stale(since) {
    var note = document.querySelector("[data-updated]");
    if (note) { note.className = "board-stale"; note.textContent = "Mất kết nối – đang hiển thị thông tin lúc " + since; }
  }
  function refresh() {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctrl) { ctrl.abort(); } }, 10000);
    fetch(url, { cache: "no-store", signal: ctrl ? ctrl.signal : undefined })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (state) {
        body.innerHTML = state.html;
        try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* full */ }
      })
      .catch(function () {
        var last = null;
        try { last = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { last = null; }
        if (last && !document.querySelector("[data-updated]")) { body.innerHTML = last.html; }
        stale(last ? last.updated : "");
      })
      .then(function () { clearTimeout(timer); });
  }
  tick();
  setInterval(tick, 15000);
  setInterval(refresh, 30000);
  try {
    var first = document.querySelector("[data-updated]");
    localStorage.setItem(key, JSON.stringify({ html: body.innerHTML, updated: first ? first.textContent.slice(-5) : "" }));
  } catch (e) { /* private mode */ }
})();
