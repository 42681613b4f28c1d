// Ứng Cứu service worker: the app shell from the cache, pages from the network with the
// last copy as fallback, so the report and paper-intake forms open with no connection.
// A page kept for a signed-in person (a paper slip: a citizen's name and CCCD) is shown
// only until that person's session ends: the server says in each page how long the
// session has left, so the worker needs no connection to know it is over.
"use strict";
var CONFIG = {{ config|safe }};
var PREFIX = "ungcuu-";
var SHELL = PREFIX + "shell-" + CONFIG.version;
var STATIC = PREFIX + "static-" + CONFIG.version;
var PAGES = PREFIX + "pages-" + CONFIG.version;
var MAX_PAGES = 40;
var SESSION_ENDS = CONFIG.session_header;  // seconds left, sent by the server
var READABLE_UNTIL = "X-UngCuu-Readable-Until";  // this device's clock, in ms, kept with the copy

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL)
      .then(function (cache) { return cache.addAll(CONFIG.shell); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  var keep = [SHELL, STATIC, PAGES];
  event.waitUntil(
    caches.keys()
      .then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return key.indexOf(PREFIX) === 0 && keep.indexOf(key) === -1;
        }).map(function (key) { return caches.delete(key); }));
      })
      .then(function () { return self.clients.claim(); })
      .then(forgetEnded)
  );
});

function startsWithAny(path, prefixes) {
  return prefixes.some(function (prefix) { return path === prefix || path.indexOf(prefix) === 0; });
}

function forgetPages() {
  warmedAt = 0;
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf(PREFIX + "pages-") === 0;
    }).map(function (key) { return caches.delete(key); }));
  });
}

// The offline forms stay after the session ends: they hold nobody's data, and a person
// whose session ran out while the link was down can still record on them.
function isForm(url) {
  return CONFIG.warm.indexOf(new URL(url).pathname) !== -1;
}

function sessionPage(response) {
  return Number(response.headers.get(READABLE_UNTIL)) > 0;
}

function ended(url, response) {
  return sessionPage(response) && !isForm(url) &&
    Date.now() >= Number(response.headers.get(READABLE_UNTIL));
}

// Deletes the kept pages of a session: those whose session ended (all of them when
// `all`), never the offline forms nor the pages kept with no one signed in.
function forgetSessionPages(all) {
  return caches.open(PAGES).then(function (cache) {
    return cache.keys().then(function (keys) {
      return Promise.all(keys.map(function (key) {
        return cache.match(key, { ignoreVary: true }).then(function (found) {
          if (!found || !sessionPage(found) || isForm(key.url)) { return null; }
          if (all || ended(key.url, found)) { return cache.delete(key, { ignoreVary: true }); }
          return null;
        });
      }));
    });
  });
}

function forgetEnded() { return forgetSessionPages(false); }
function sessionOver() { return forgetSessionPages(true); }

// The server no longer knows this browser's session (it expired, was ended by an
// administrator, or the password changed): a page answered for no one. (A page that
// needs a session sends to the sign-in page instead; opening that is seen in "fetch".)
function endsSession(response) {
  return cacheable(response) && !response.headers.get(SESSION_ENDS);
}

// The copy carries when it stops being readable, by this device's clock, so a clock set
// wrong on the device or the server does not stretch it.
function stamped(response) {
  var left = parseInt(response.headers.get(SESSION_ENDS), 10);
  if (isNaN(left)) { return Promise.resolve(response); }
  var headers = new Headers(response.headers);
  headers.set(READABLE_UNTIL, String(Date.now() + left * 1000));
  return response.blob().then(function (body) {
    return new Response(body, { status: response.status, statusText: response.statusText, headers: headers });
  });
}

function cacheable(response) {
  // Only a page answered in full: not a redirect to the login page, not an error, not a
  // downloaded file.
  return response && response.ok && response.type === "basic" && !response.redirected &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

function keepPage(url, response) {
  return Promise.all([caches.open(PAGES), stamped(response)]).then(function (opened) {
    var cache = opened[0];
    return cache.put(url, opened[1]).then(function () { return cache.keys(); }).then(function (keys) {
      var extra = keys.length - MAX_PAGES;
      return Promise.all(keys.slice(0, Math.max(extra, 0)).map(function (key) { return cache.delete(key); }));
    });
  });
}

function pageKey(url) {
  var clean = new URL(url);
  clean.hash = "";
  return clean.href;
}

function cachedPage(key) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(key, { ignoreVary: true }).then(function (found) {
      if (found && ended(key, found)) {
        return cache.delete(key, { ignoreVary: true }).then(function () { return undefined; });
      }
      return found;
    });
  });
}

function offlinePage(key) {
  return cachedPage(key)
    .then(function (cached) { return cached || caches.match(CONFIG.offline_url, { ignoreVary: true }); })
    .then(function (fallback) {
      return fallback || new Response("Mất kết nối với máy chủ.", {
        status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
      });
    });
}

function networkFirst(event) {
  var request = event.request;
  var key = pageKey(request.url);
  var saved = null;
  var network = fetch(request).then(function (response) {
    if (endsSession(response)) {
      saved = sessionOver();
    } else if (cacheable(response)) {
      saved = keepPage(key, response.clone());
    }
    // A proxy in front of a stopped server answers 502/503/504: the copy on the device
    // serves better than its error page.
    if (response.status >= 500) {
      return cachedPage(key).then(function (cached) { return cached || response; });
    }
    return response;
  });
  event.waitUntil(network.then(function () { return saved; }).catch(function () {}));
  if (CONFIG.warm.indexOf(new URL(request.url).pathname) === -1) {
    return network.catch(function () { return offlinePage(key); });
  }
  // The offline forms must open on a weak link too: after a few seconds, the copy on the device.
  return new Promise(function (resolve) {
    var done = false;
    function finish(response) { if (!done) { done = true; resolve(response); } }
    var timer = setTimeout(function () {
      cachedPage(key).then(function (cached) { if (cached) { finish(cached); } });
    }, CONFIG.slow_form_ms);
    network.then(function (response) {
      clearTimeout(timer);
      finish(response);
    }, function () {
      clearTimeout(timer);
      offlinePage(key).then(finish);
    });
  });
}

function fromStatic(event) {
  var request = event.request;
  var path = new URL(request.url).pathname;
  var inShell = CONFIG.shell_static.indexOf(path) !== -1;
  return caches.match(request, { ignoreVary: true }).then(function (cached) {
    var refresh = fetch(request).then(function (response) {
      if (response.ok && !inShell) {
        var copy = response.clone();
        return caches.open(STATIC).then(function (cache) { return cache.put(request, copy); })
          .then(function () { return response; });
      }
      return response;
    });
    if (cached) {
      // The shell is versioned with the worker; other files are refreshed in the background.
      if (!inShell) { event.waitUntil(refresh.catch(function () {})); }
      return cached;
    }
    return refresh;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") {
    // Signing in or out: the pages kept belong to the person before.
    if (request.method === "POST" && startsWithAny(url.pathname, CONFIG.forget)) {
      event.waitUntil(forgetPages());
    }
    return;
  }
  if (request.mode === "navigate" && startsWithAny(url.pathname, CONFIG.signin)) {
    // Only someone with no session is shown the sign-in page (a signed-in person is
    // sent on to the home page), so the pages kept for a session have to go.
    event.waitUntil(sessionOver().catch(function () {}));
    return;
  }
  if (url.pathname.indexOf(CONFIG.static_url) === 0) {
    event.respondWith(fromStatic(event));
    return;
  }
  if (request.mode === "navigate" && !startsWithAny(url.pathname, CONFIG.never)) {
    event.respondWith(networkFirst(event));
    event.waitUntil(forgetEnded().catch(function () {}));
  }
  // Everything else (API, htmx fragments, downloads) goes to the network untouched.
});

var warmedAt = 0;
var WARM_EVERY = 10 * 60 * 1000;

function warm() {
  if (Date.now() - warmedAt < WARM_EVERY) { return Promise.resolve(); }
  warmedAt = Date.now();
  return Promise.all(CONFIG.warm.map(function (path) {
    return fetch(path, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
      if (response.type === "opaqueredirect") { return sessionOver(); }
      if (cacheable(response)) { return keepPage(new URL(path, self.location.origin).href, response); }
      return null;
    }).catch(function () { return null; });
  }));
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = event.ports && event.ports[0];
  var work = null;
  if (data.type === "warm") { work = warm(); }
  if (data.type === "forget") { work = forgetPages(); }
  if (data.type === "session-over") { work = sessionOver(); }
  if (work) {
    event.waitUntil(work.then(function () { if (reply) { reply.postMessage("done"); } }));
  }
});
