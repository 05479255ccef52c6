/* Kiosk service worker: keeps the kiosk page and its assets so the kiosk opens and works with no network.
   Pages: network first, cached copy when the network fails. Assets (fingerprinted URLs): cache first.
   API calls are never cached: the page's outbox handles them. */
"use strict";
var CACHE = "kiosk-v1";

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.add(new Request("/kiosk/", { credentials: "same-origin" })).catch(function () {});
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

// The page lists the assets it loaded (their URLs carry a content hash); keep them for offline starts.
self.addEventListener("message", function (event) {
  if (!event.data || event.data.type !== "precache") { return; }
  var urls = (event.data.urls || []).filter(function (u) { return new URL(u, self.location).origin === self.location.origin; });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      return cache.match(u).then(function (hit) {
        return hit || fetch(u, { credentials: "same-origin" }).then(function (resp) {
          if (resp.ok) { return cache.put(u, resp); }
        }).catch(function () {});
      });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var req = event.request, url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) { return; }
  if (req.mode === "navigate" || url.pathname === "/kiosk/") {
    event.respondWith(fetch(req).then(function (resp) {
      if (resp.ok && url.pathname === "/kiosk/") {
        var copy = resp.clone();
        caches.open(CACHE).then(function (cache) { cache.put("/kiosk/", copy); });
      }
      return resp;
    }).catch(function () {
      return caches.match("/kiosk/", { ignoreSearch: true }).then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === "/kiosk/manifest.webmanifest") {
    event.respondWith(caches.match(req).then(function (hit) {
      return hit || fetch(req).then(function (resp) {
        if (resp.ok) { var copy = resp.clone(); caches.open(CACHE).then(function (c) { c.put(req, copy); }); }
        return resp;
      });
    }));
  }
});
