/* Post views for insights: a post counts as seen once at least half of it has been on screen for a
   second. Ids are sent in batches with navigator.sendBeacon (when 20 wait, after 5 s, and when the page
   is hidden) to /insights/seen, which checks each against the visibility rule. Only posts inside an
   element with data-seen-source (feed, profile, hashtag, explore) are watched. */
(function () {
  "use strict";
  if (!("IntersectionObserver" in window) || !navigator.sendBeacon) return;
  var script = document.currentScript;
  var url = script && script.dataset.url;
  if (!url) return;
  var BATCH = 20, MAX = 50, WAIT = 5000, DWELL = 1000;
  var pending = {}, sent = {}, dwell = new Map(), timer = null;

  function token() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function send() {
    clearTimeout(timer); timer = null;
    Object.keys(pending).forEach(function (source) {
      var ids = pending[source];
      for (var i = 0; i < ids.length; i += MAX) {
        var body = new FormData();
        body.append("csrfmiddlewaretoken", token());
        body.append("source", source);
        body.append("posts", ids.slice(i, i + MAX).join(","));
        navigator.sendBeacon(url, body);
      }
    });
    pending = {};
  }

  function seen(el) {
    var holder = el.closest("[data-seen-source]");
    if (!holder) return;
    var source = holder.dataset.seenSource, id = el.dataset.postId, key = source + ":" + id;
    observer.unobserve(el);
    if (sent[key]) return;
    sent[key] = true;
    (pending[source] = pending[source] || []).push(id);
    var waiting = Object.keys(pending).reduce(function (n, s) { return n + pending[s].length; }, 0);
    if (waiting >= BATCH) send();
    else if (!timer) timer = setTimeout(send, WAIT);
  }

  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      var el = entry.target;
      if (entry.isIntersecting && entry.intersectionRatio >= 0.5) {
        if (!dwell.has(el)) dwell.set(el, setTimeout(function () { dwell.delete(el); seen(el); }, DWELL));
      } else if (dwell.has(el)) {
        clearTimeout(dwell.get(el)); dwell.delete(el);
      }
    });
  }, { threshold: [0, 0.5] });

  function scan() {
    document.querySelectorAll("[data-seen-source] [data-post-id]").forEach(function (el) {
      if (el.dataset.seenWatched) return;
      el.dataset.seenWatched = "1";
      observer.observe(el);
    });
  }

  scan();
  document.addEventListener("htmx:afterSettle", scan);  /* the next page of a feed or grid */
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") send(); });
  window.addEventListener("pagehide", send);
})();
