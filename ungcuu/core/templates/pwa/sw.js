// Ứng Cứu service worker: the app shell from the cache, pages from the network with the
// last copy as fallback, so the report and paper-intake forms open with no connection.
"use strict";
var CONFIG = {{ config|safe }};
var PREFIX = "ungcuu-";
var SHELL = PREFIX + "shell-" + CONFIG.version;
var STATIC = PREFIX + "static-" + CONFIG.version;
var PAGES = PREFIX + "pages-" + CONFIG.version;
var MAX_PAGES = 40;

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

function cacheable(response) {
  // Only a page answered in full: not a redirect to the login page, not an error, not a
  // downloaded file.
  return response && response.ok && response.type === "basic" && !response.redirected &&
    (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

function keepPage(url, response) {
  return caches.open(PAGES).then(function (cache) {
    return cache.put(url, response).then(function () { return cache.keys(); }).then(function (keys) {
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
  return caches.open(PAGES).then(function (cache) { return cache.match(key, { ignoreVary: true }); });
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
    if (cacheable(response)) { saved = keepPage(key, response.clone()); }
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
  if (url.pathname.indexOf(CONFIG.static_url) === 0) {
    event.respondWith(fromStatic(event));
    return;
  }
  if (request.mode === "navigate" && !startsWithAny(url.pathname, CONFIG.never)) {
    event.respondWith(networkFirst(event));
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
  if (work) {
    event.waitUntil(work.then(function () { if (reply) { reply.postMessage("done"); } }));
  }
});
