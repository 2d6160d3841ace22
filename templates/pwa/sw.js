// Mend's service worker (served at /sw.js by recovery/pwa/routes.py).
//
// It keeps the app shell: the static files in SHELL and the offline page, fetched without cookies, so
// nothing of anyone's own is ever kept. Pages are always fetched from the network and never stored;
// when one can't load, the offline page shows instead. Logging out empties the cache. It also shows
// web push messages and opens the page a message points to, on this site only.
//
// One page may be kept, and only by the page itself: a person in recovery may choose "Keep my plan on
// this device" (static/js/plan.js), which puts their plan for hard days in PLAN_CACHE. This worker never
// stores it; it shows that copy when the plan can't load, and empties it with everything else at logout,
// or as soon as a page lands on the login page (the session has ended).
"use strict";

var VERSION = {{ version|tojson }};
var CACHE = "mend-shell-" + VERSION;
var OFFLINE_URL = {{ offline_url|tojson }};
var LOGOUT_URL = {{ logout_url|tojson }};
var ICON = {{ icon|tojson }};
var BADGE = {{ badge|tojson }};
// Everything this worker ever stores: the offline page and static files. Never a page behind login.
var SHELL = {{ shell_files|tojson }};
// The plan for hard days and its own files, kept in PLAN_CACHE by the plan page only when its owner asks.
var PLAN_CACHE = "mend-plan";
var PLAN_FILES = {{ [url_for("plan.index"), url_for("static", filename="css/plan.css"), url_for("static", filename="js/plan.js")]|tojson }};
var LOGIN_URL = {{ url_for("accounts.login")|tojson }};
var NEUTRAL_TITLE = "Mend";
var NEUTRAL_BODY = {{ _("You have something to look at in Mend.")|tojson }};

function inShell(url) {
  return url.origin === self.location.origin && !url.search && SHELL.indexOf(url.pathname) !== -1;
}

// Fetch the shell without cookies: the offline page is then the same for everyone.
function shellRequest(path) {
  return new Request(path, { credentials: "omit", cache: "no-cache" });
}

function fillShell() {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (path) {
      return cache.match(path).then(function (found) {
        return found || cache.add(shellRequest(path));
      });
    }));
  });
}

// The copy of the plan the person chose to keep, for a path of PLAN_FILES (never opens or makes a cache).
function keptPlanFile(url) {
  if (url.search || PLAN_FILES.indexOf(url.pathname) === -1) return Promise.resolve(undefined);
  return caches.match(url.pathname, { cacheName: PLAN_CACHE, ignoreVary: true });
}

function forgetEverything() {
  return caches.keys().then(function (names) {
    return Promise.all(names.map(function (name) { return caches.delete(name); }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(fillShell().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name !== CACHE && name !== PLAN_CACHE; })
                            .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === LOGOUT_URL) {
    // Logging out (a form, or "Quick exit and log out"): the browser sends it as usual; the cache goes.
    event.waitUntil(forgetEverything());
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // A page: always from the network, never stored. Offline, the offline page instead.
    event.respondWith(fetch(request).then(function (response) {
      event.waitUntil(fillShell().catch(function () {}));
      if (new URL(response.url).pathname === LOGIN_URL) {
        event.waitUntil(caches.delete(PLAN_CACHE));  // signed out (or never signed in): no plan stays here
      }
      return response;
    }, function () {
      // Offline: the plan, if its owner chose to keep it on this device; otherwise the offline page.
      return keptPlanFile(url).then(function (kept) {
        return kept || caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_URL); });
      }).then(function (page) {
        return page || Response.error();
      });
    }));
    return;
  }
  if (inShell(url)) {
    // A file of the shell: the network first (so it is never stale), the kept copy when offline.
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(url.pathname, copy); }));
      }
      return response;
    }, function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(url.pathname); }).then(function (kept) {
        return kept || Response.error();
      });
    }));
    return;
  }
  if (PLAN_FILES.indexOf(url.pathname) !== -1 && !url.search) {
    // The plan's own style and script: the network first, the copy its owner chose to keep when offline.
    event.respondWith(fetch(request).catch(function () {
      return keptPlanFile(url).then(function (kept) { return kept || Response.error(); });
    }));
  }
});

// A page of this site, or null: a message never opens anything elsewhere.
function sameSite(value) {
  try {
    var url = new URL(value, self.location.origin);
    return url.origin === self.location.origin ? url.href : null;
  } catch (e) {
    return null;
  }
}

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = {};
  }
  var title = typeof data.title === "string" && data.title ? data.title : NEUTRAL_TITLE;
  var body = typeof data.body === "string" && data.body ? data.body : NEUTRAL_BODY;
  event.waitUntil(self.registration.showNotification(title, {
    body: body,
    icon: ICON,
    badge: BADGE,
    data: { url: sameSite(data.url) || self.registration.scope }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = sameSite(event.notification.data && event.notification.data.url) || self.registration.scope;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === target && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(target);
  }));
});
