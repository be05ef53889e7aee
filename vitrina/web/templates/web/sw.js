{% autoescape off %}/* Vitrina's service worker (vitrina/web/pwa.py): the app shell from the cache, pages from the network. */
"use strict";
var CONFIG = {{ config }};
var CACHE = CONFIG.cache, SHELL = CONFIG.shell, OFFLINE_URL = CONFIG.offline, STATIC_PREFIX = CONFIG.static;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== CACHE; }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    /* Pages always come from the network (they are private); only when it fails, the offline page. */
    event.respondWith(fetch(request).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE_URL); });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    /* Versioned static files never change under one name: the cached copy is the right one. */
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
  /* Everything else (API, media, htmx partials) goes to the network untouched. */
});

/* Web Push (vitrina.push): a notification with the page closed; a tap opens its page. */
self.addEventListener("push", function (event) {
  var message = {};
  try { message = event.data ? event.data.json() : {}; } catch (e) { message = {}; }
  event.waitUntil(self.registration.showNotification(message.title || "Vitrina", {
    body: message.body || "", tag: message.tag || undefined, data: {url: message.url || "/"},
    icon: CONFIG.icon
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) url = new URL("/", self.location.origin);
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url.href && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(url.href);
  }));
});
{% endautoescape %}
