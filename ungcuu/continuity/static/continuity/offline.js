// Ứng Cứu when the connection drops: registers the service worker, keeps what a form
// marked data-offline-api records on this device (IndexedDB), and sends it by itself
// when the server answers again. Every page works without this file while online.
(function () {
  "use strict";

  var EN = (document.documentElement.lang || "").indexOf("en") === 0;
  var TEXT = {
    checking: ["Đang kiểm tra kết nối…", "Checking the connection…"],
    saved: ["Đã lưu trên máy, chưa gửi", "Saved on this device, not sent yet"],
    savedMore: [
      "Sẽ tự gửi khi có mạng trở lại. Có thể nhập bản ghi tiếp theo.",
      "It will be sent by itself when the connection returns. You can enter the next record."
    ],
    noFiles: [
      "Ảnh/video không gửi được khi mất mạng: gửi bổ sung khi có mạng.",
      "Photos and videos cannot be sent offline: add them when the connection returns."
    ],
    offlineNow: [
      "Đang mất kết nối: bấm gửi thì bản ghi được lưu trên máy và tự gửi khi có mạng.",
      "No connection: what you send is kept on this device and sent when the connection returns."
    ],
    waiting: ["Có {n} bản ghi đang chờ đồng bộ", "{n} record(s) waiting to sync"],
    sendNow: ["Gửi ngay", "Send now"],
    sending: ["Đang gửi…", "Sending…"],
    needLogin: [
      "Hãy đăng nhập lại để gửi các bản ghi đang chờ.",
      "Sign in again to send the waiting records."
    ],
    retryLater: ["Chưa gửi được, sẽ thử lại sau.", "Not sent yet, will try again later."],
    toFix: ["Cần sửa", "To fix"],
    toFixHelp: [
      "Máy chủ chưa nhận các bản ghi này. Thông tin vẫn giữ trên máy: nhập lại cho đúng rồi xoá bản ghi cũ.",
      "The server refused these records. They are kept on this device: enter them again correctly, then delete the old one."
    ],
    retry: ["Gửi lại", "Send again"],
    remove: ["Xoá", "Delete"],
    confirmRemove: [
      "Xoá hẳn bản ghi này khỏi máy? Thông tin trong đó sẽ mất.",
      "Delete this record from the device? What it holds will be lost."
    ],
    confirmLogout: [
      "Còn {n} bản ghi chưa gửi. Chúng vẫn được giữ trên máy này và sẽ gửi khi bạn đăng nhập lại. Đăng xuất?",
      "{n} record(s) not sent yet. They stay on this device and are sent when you sign in again. Sign out?"
    ],
    recordedAt: ["Ghi lúc", "Recorded at"],
    notSaved: [
      "Không lưu được trên máy này (trình duyệt chặn bộ nhớ). Hãy ghi ra giấy.",
      "Could not save on this device (storage blocked). Write it down on paper."
    ]
  };

  function t(key, n) {
    var text = TEXT[key][EN ? 1 : 0];
    return n === undefined ? text : text.replace("{n}", String(n));
  }

  var meta = document.querySelector('meta[name="ungcuu-user"]');
  var USER = meta ? meta.content : "";
  var HEALTH = "/healthz";
  var WORKER = "/sw.js";
  var USED_KEY = "ungcuu.used-uuids";
  var SYNC_EVERY = 30 * 1000;
  var SYNC_MAX = 5 * 60 * 1000;

  // --- The service worker -------------------------------------------------------------

  function warm() {
    if (!USER || !navigator.onLine) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) { registration.active.postMessage({ type: "warm" }); }
    });
  }

  function tellWorker(type) {
    if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: type });
    }
  }
  function forgetPages() { tellWorker("forget"); }
  // The server no longer knows this session: the pages kept for it go, the records stay.
  function sessionOver() { tellWorker("session-over"); }

  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register(WORKER, { scope: "/" }).then(warm, function () {});
  }

  // --- Storage on this device -----------------------------------------------------------

  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = indexedDB.open("ungcuu-offline", 1);
        request.onupgradeneeded = function () {
          request.result.createObjectStore("records", { keyPath: "client_uuid" });
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  function store(mode, work) {
    return db().then(function (database) {
      return new Promise(function (resolve, reject) {
        var tx = database.transaction("records", mode);
        var request = work(tx.objectStore("records"));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function allRecords() {
    return store("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
    });
  }
  function putRecord(record) { return store("readwrite", function (s) { return s.put(record); }); }
  function deleteRecord(uuid) { return store("readwrite", function (s) { return s.delete(uuid); }); }

  // Records are shown and sent only to the person who entered them: never on a page
  // without a signed-in user (the login page at a shared desk).
  function mine(record) { return !!USER && record.owner === USER; }

  // --- Client UUIDs ------------------------------------------------------------------------

  function newUuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    if (window.crypto && crypto.getRandomValues) {
      crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // Each UUID already sent or kept, with what the form held then: the same data again is a
  // replay (the server answers with the record it has); other data needs a new UUID.
  function usedUuids() {
    try {
      var list = JSON.parse(localStorage.getItem(USED_KEY) || "[]");
      return list.map(function (entry) { return Array.isArray(entry) ? entry : [entry, null]; });
    } catch (e) { return []; }
  }
  function usedWith(uuid) {
    var found = usedUuids().filter(function (entry) { return entry[0] === uuid; })[0];
    return found ? found : null;
  }
  function markUsed(uuid, fingerprint) {
    if (!uuid) { return; }
    var list = usedUuids().filter(function (entry) { return entry[0] !== uuid; });
    list.push([uuid, fingerprint || null]);
    try { localStorage.setItem(USED_KEY, JSON.stringify(list.slice(-300))); } catch (e) { /* full */ }
  }
  function fingerprint(form) {
    var payload = collect(form).payload;
    delete payload.client_uuid;
    Object.keys(payload).forEach(function (k) {
      // The moment of recording is filled in when read: it is not part of what was typed.
      if (typeof payload[k] === "string" && /^\d{4}-\d{2}-\d{2}T.*Z$/.test(payload[k])) { delete payload[k]; }
    });
    return JSON.stringify(payload, Object.keys(payload).sort());
  }
  // A UUID already used for other data (another tab from the same cached page, a form
  // filled again after going back) must not be sent again: it would return the first record.
  function uuidFor(form) {
    var input = uuidInput(form);
    if (!input) { return newUuid(); }
    var used = input.value ? usedWith(input.value) : null;
    if (!input.value || (used && used[1] !== fingerprint(form))) { input.value = newUuid(); }
    return input.value;
  }

  function uuidInput(form) { return form.querySelector('input[name="client_uuid"]'); }

  // A page opened from the cache carries the UUID it had when cached: if that one was
  // already sent or kept, the next record needs a fresh one or it would replace nothing.
  function freshUuid(form) {
    var input = uuidInput(form);
    if (input && (!input.value || usedWith(input.value))) {
      if (!input.value || usedWith(input.value)[1] !== fingerprint(form)) { input.value = newUuid(); }
    }
  }

  // --- Reading a form as the API expects it -------------------------------------------

  function labelText(el) {
    var label = el.labels && el.labels[0];
    if (!label) { return el.value; }
    var copy = label.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll("small, input"), function (n) { n.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function nowIso() { return new Date().toISOString(); }

  function isoOf(text) {
    var m = /^\s*(\d{1,2})[\/.\-](\d{1,2})[\/.\-](\d{4})(?:[\s,]+(\d{1,2})[:hH.](\d{2}))?\s*$/.exec(text);
    if (!m) { return ""; }
    function two(n) { return ("0" + n).slice(-2); }
    var day = m[3] + "-" + two(m[2]) + "-" + two(m[1]);
    return m[4] === undefined ? day : day + "T" + two(m[4]) + ":" + m[5];
  }

  function collect(form) {
    var payload = {};
    var summary = [];
    var files = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.hasAttribute("data-api-skip")) { return; }
      var type = (el.type || "").toLowerCase();
      if (type === "file") { files = files || (el.files && el.files.length > 0); return; }
      if (type === "submit" || type === "button" || type === "reset" || el.name === "csrfmiddlewaretoken") { return; }
      var name = el.getAttribute("data-api-name") || el.name;
      if (type === "checkbox" && el.getAttribute("value") === null) {
        payload[name] = el.checked;
        return;
      }
      if ((type === "radio" || type === "checkbox") && !el.checked) { return; }
      var value = el.hasAttribute("data-api-value") ? el.getAttribute("data-api-value") : el.value;
      var isMoment = type === "datetime-local" || el.getAttribute("data-date") === "datetime";
      if (isMoment && (value === "" || value === el.defaultValue)) {
        // Left as the page had it: the moment of recording, not of syncing or of caching.
        value = nowIso();
      } else if (el.hasAttribute("data-date") && value !== "") {
        // Typed as dd/mm/yyyy [HH:MM]: the API takes ISO 8601 (local time, like the page).
        value = isoOf(value) || value;
      }
      if (type === "select-multiple") {
        value = Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; });
      }
      if (value === "") { return; }
      if (type === "number") { value = Number(value); }
      if (type === "checkbox") {
        (payload[name] = payload[name] || []).push(value);
      } else {
        payload[name] = value;
      }
      if (el.hasAttribute("data-offline-summary")) {
        summary.push(type === "radio" || type === "checkbox" ? labelText(el) : String(value));
      }
    });
    if (!summary.length) {
      Array.prototype.forEach.call(form.querySelectorAll('input[type="text"], input:not([type])'), function (el) {
        if (el.value && summary.length < 2) { summary.push(el.value); }
      });
    }
    return { payload: payload, summary: summary.join(" – "), files: files };
  }

  // --- Reachability --------------------------------------------------------------------

  function reachable() {
    if (navigator.onLine === false) { return Promise.resolve(false); }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, 3000);
    return fetch(HEALTH + "?t=" + Date.now(), {
      cache: "no-store", credentials: "same-origin", signal: controller ? controller.signal : undefined
    }).then(function (response) { return response.ok; }, function () { return false; })
      .then(function (ok) { clearTimeout(timer); return ok; });
  }

  // --- Forms -----------------------------------------------------------------------------

  function statusFor(form) {
    var box = form.previousElementSibling;
    if (!box || !box.classList.contains("offline-status")) {
      box = document.createElement("div");
      box.className = "offline-status";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      box.hidden = true; // shown when there is something to say
      form.parentNode.insertBefore(box, form);
    }
    return box;
  }

  function say(form, lines, kind) {
    var box = statusFor(form);
    box.className = "offline-status" + (kind ? " offline-" + kind : "");
    box.replaceChildren();
    lines.forEach(function (line, i) {
      var p = document.createElement(i === 0 ? "strong" : "p");
      p.textContent = line;
      box.appendChild(p);
    });
    box.hidden = !lines.length;
  }

  function showOfflineNotes(offline) {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-api]"), function (form) {
      Array.prototype.forEach.call(form.querySelectorAll('input[type="file"]'), function (input) {
        var note = input.parentNode.querySelector(".offline-files");
        if (!note) {
          note = document.createElement("p");
          note.className = "offline-files help";
          note.textContent = t("noFiles");
          input.parentNode.appendChild(note);
        }
        note.hidden = !offline;
      });
      if (offline && !statusFor(form).textContent) { say(form, [t("offlineNow")], "info"); }
      if (!offline && statusFor(form).classList.contains("offline-info")) { say(form, []); }
    });
  }

  function buttonsOf(form) {
    return form.querySelectorAll('button[type="submit"], button:not([type]), input[type="submit"]');
  }
  function setBusy(form, busy) {
    function apply() { Array.prototype.forEach.call(buttonsOf(form), function (b) { b.disabled = busy; }); }
    apply();
    // app.js disables a pressed button a moment after the submit event; undo that too.
    if (!busy) { setTimeout(apply, 0); }
  }

  function keep(form) {
    var input = uuidInput(form);
    var uuid = uuidFor(form);
    var read = collect(form);
    read.payload.client_uuid = uuid;
    var record = {
      client_uuid: uuid,
      api: form.getAttribute("data-offline-api"),
      kind: form.getAttribute("data-offline-kind") || "",
      label: form.getAttribute("data-offline-label") || document.title,
      summary: read.summary,
      payload: read.payload,
      owner: USER,
      created_at: nowIso(),
      state: "pending",
      error: "",
      errors: {}
    };
    return putRecord(record).then(function () {
      markUsed(uuid, fingerprint(form));
      form.reset();
      if (input) { input.value = newUuid(); }
      var lines = [t("saved"), (record.summary ? record.summary + ". " : "") + t("savedMore")];
      if (read.files) { lines.push(t("noFiles")); }
      say(form, lines, "saved");
      showOfflineNotes(true);
      statusFor(form).scrollIntoView({ block: "nearest" });
      return render();
    }, function () {
      say(form, [t("notSaved")], "error");
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute("data-offline-logout")) {
      if (pendingCount && !window.confirm(t("confirmLogout", pendingCount))) {
        event.preventDefault();
        return;
      }
      forgetPages();
      return;
    }
    if (!form.matches || !form.matches("form[data-offline-api]")) { return; }
    if (form.getAttribute("data-offline-pass") === "1") {
      markUsed(uuidFor(form), fingerprint(form));
      return;  // the server is there: the ordinary page flow
    }
    event.preventDefault();
    var submitter = event.submitter;
    setBusy(form, true);
    say(form, [t("checking")], "info");
    reachable().then(function (online) {
      setBusy(form, false);
      if (online) {
        say(form, []);
        form.setAttribute("data-offline-pass", "1");
        if (form.requestSubmit) { form.requestSubmit(submitter || undefined); } else { form.submit(); }
        form.removeAttribute("data-offline-pass");
        return;
      }
      if (!form.checkValidity()) {
        say(form, [t("offlineNow")], "info");
        form.reportValidity();
        return;
      }
      keep(form);
    });
  });

  // --- Sending what waits --------------------------------------------------------------

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    try {
      var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      if (headers["X-CSRFToken"]) { return headers["X-CSRFToken"]; }
    } catch (e) { /* not JSON */ }
    var field = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return field ? field.value : "";
  }

  var syncing = false;
  var failures = 0;
  var timer = null;
  var note = "";
  var pendingCount = 0;

  function send(record) {
    return fetch(record.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(record.payload)
    }).then(function (response) {
      if (response.ok) {
        // Only UngCuu's own answer, naming this record, says it is saved. A Wi-Fi or 4G
        // sign-in page answers 200 to anything: the record then stays on the phone.
        return response.json().catch(function () { return {}; }).then(function (body) {
          var saved = body && typeof body.client_uuid === "string" &&
            body.client_uuid.toLowerCase() === String(record.client_uuid).toLowerCase();
          if (!saved) {
            failures += 1;
            note = t("retryLater");
            return false;
          }
          failures = 0;
          return deleteRecord(record.client_uuid).then(function () { return true; });
        });
      }
      if (response.status === 401) { note = t("needLogin"); sessionOver(); return false; }
      if (response.status === 403) {
        // A stale CSRF token is not the record's fault: keep it and ask for a reload.
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (/CSRF/i.test((body && body.detail) || "")) { note = t("needLogin"); return false; }
          record.state = "error";
          record.error = (body && body.detail) || "403";
          record.errors = {};
          return putRecord(record).then(function () { return true; });
        });
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          record.state = "error";
          record.error = (body && body.detail) || (response.status + " " + response.statusText);
          record.errors = (body && body.errors) || {};
          return putRecord(record).then(function () { return true; });
        });
      }
      // A server error on this record must not hold back the ones after it.
      failures += 1;
      note = t("retryLater");
      return true;
    }, function () {
      failures += 1;
      note = t("retryLater");
      return false;
    });
  }

  function syncNow() {
    if (syncing || !USER) { return Promise.resolve(); }
    syncing = true;
    note = "";
    clearTimeout(timer);
    return allRecords().then(function (records) {
      var waiting = records.filter(function (r) { return mine(r) && r.state === "pending"; });
      if (waiting.length) { setSending(true); }
      return waiting.reduce(function (chain, record) {
        return chain.then(function (goOn) { return goOn ? send(record) : false; });
      }, Promise.resolve(true));
    }).catch(function () { /* storage unavailable: nothing to send */ })
      .then(function () {
        syncing = false;
        return render();
      }).then(schedule);
  }

  function sync() {
    if (navigator.locks && navigator.locks.request) {
      // One tab sends at a time; the server's idempotency covers the rest. A tab that
      // waits for the lock looks again afterwards, so its banner never keeps showing
      // records another tab has already sent.
      return navigator.locks.request("ungcuu-sync", function () { return syncNow(); });
    }
    return syncNow();
  }

  function schedule() {
    clearTimeout(timer);
    if (!pendingCount) { return; }
    var delay = failures ? Math.min(SYNC_EVERY * Math.pow(2, failures - 1), SYNC_MAX) : SYNC_EVERY;
    timer = setTimeout(sync, delay);
  }

  // --- The banner on every page --------------------------------------------------------

  var banner = null;
  function bannerBox() {
    if (!banner) {
      banner = document.createElement("section");
      banner.className = "offline-queue";
      banner.id = "offline-queue";
      banner.setAttribute("aria-live", "polite");
      var host = document.getElementById("main") || document.body;
      host.insertBefore(banner, host.firstChild);
    }
    return banner;
  }

  function setSending(on) {
    var button = banner && banner.querySelector(".offline-send");
    if (button) { button.disabled = on; button.textContent = on ? t("sending") : t("sendNow"); }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function when(iso) {
    var d = new Date(iso);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getDate()) + "/" + two(d.getMonth() + 1) + "/" + d.getFullYear() + " " + two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function render() {
    return allRecords().then(function (records) {
      records = records.filter(mine);
      var waiting = records.filter(function (r) { return r.state === "pending"; });
      var broken = records.filter(function (r) { return r.state === "error"; });
      pendingCount = waiting.length;
      if (!records.length && !banner) { return; }
      var box = bannerBox();
      box.replaceChildren();
      box.hidden = !records.length;
      if (waiting.length) {
        var head = el("div", "offline-waiting");
        head.appendChild(el("strong", "", t("waiting", waiting.length)));
        if (USER) {
          var button = el("button", "btn offline-send", syncing ? t("sending") : t("sendNow"));
          button.type = "button";
          button.addEventListener("click", function () { failures = 0; sync(); });
          head.appendChild(button);
        }
        box.appendChild(head);
        if (note) { box.appendChild(el("p", "help", note)); }
      }
      if (broken.length) {
        var fix = el("div", "offline-fix");
        fix.appendChild(el("strong", "", t("toFix") + " (" + broken.length + ")"));
        fix.appendChild(el("p", "help", t("toFixHelp")));
        var list = el("ul", "offline-fix-list");
        broken.forEach(function (record) {
          var item = el("li", "");
          item.appendChild(el("strong", "", record.label + (record.summary ? ": " + record.summary : "")));
          item.appendChild(el("p", "offline-error", record.error));
          Object.keys(record.errors || {}).forEach(function (field) {
            item.appendChild(el("p", "offline-error", field + ": " + record.errors[field]));
          });
          var details = el("details", "");
          details.appendChild(el("summary", "", t("recordedAt") + " " + when(record.created_at)));
          var dl = el("dl", "");
          Object.keys(record.payload).forEach(function (key) {
            if (key === "client_uuid") { return; }
            dl.appendChild(el("dt", "", key));
            dl.appendChild(el("dd", "", String(record.payload[key])));
          });
          details.appendChild(dl);
          item.appendChild(details);
          var again = el("button", "btn", t("retry"));
          again.type = "button";
          again.addEventListener("click", function () {
            record.state = "pending";
            record.error = "";
            record.errors = {};
            putRecord(record).then(function () { failures = 0; return sync(); });
          });
          var remove = el("button", "btn btn-danger", t("remove"));
          remove.type = "button";
          remove.addEventListener("click", function () {
            if (window.confirm(t("confirmRemove"))) { deleteRecord(record.client_uuid).then(render); }
          });
          var actions = el("p", "offline-actions");
          actions.appendChild(again);
          actions.appendChild(remove);
          item.appendChild(actions);
          list.appendChild(item);
        });
        fix.appendChild(list);
        box.appendChild(fix);
      }
    }).catch(function () { /* storage unavailable */ });
  }

  // --- Start -------------------------------------------------------------------------------

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-api]"), freshUuid);
    showOfflineNotes(navigator.onLine === false);
    if (!("indexedDB" in window)) { return; }
    render().then(function () { return navigator.onLine === false ? schedule() : sync(); });
  }

  window.addEventListener("online", function () {
    failures = 0;
    showOfflineNotes(false);
    sync();
    warm();
  });
  window.addEventListener("offline", function () { showOfflineNotes(true); });
  // Back to a page kept in the browser's memory: the UUID may have been used meanwhile.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-offline-api]"), freshUuid);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
