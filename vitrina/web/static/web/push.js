// Web Push on this device (vitrina.push): the [data-push] section subscribes the service worker's
// registration with the instance's VAPID key and gives the subscription to the API, or takes it back.
(function () {
  var section = document.querySelector("[data-push]");
  if (!section || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];

  function show(state) {
    section.hidden = false;
    section.querySelectorAll("[data-push-state]").forEach(function (p) { p.hidden = p.dataset.pushState !== state; });
    section.querySelector("[data-push-action=on]").hidden = state !== "off";
    section.querySelector("[data-push-action=off]").hidden = state !== "on";
  }
  function api(method, body) {
    var url = section.dataset.subscribeUrl;
    if (method === "DELETE") url += "?endpoint=" + encodeURIComponent(body.endpoint);
    return fetch(url, {method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: method === "DELETE" ? undefined : JSON.stringify(body)});
  }
  function key(text) {
    var raw = atob((text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }
  navigator.serviceWorker.ready.then(function (registration) {
    registration.pushManager.getSubscription().then(function (subscription) {
      show(Notification.permission === "denied" ? "blocked" : subscription ? "on" : "off");
    });
    section.addEventListener("click", function (event) {
      var action = event.target.closest("[data-push-action]");
      if (!action) return;
      if (action.dataset.pushAction === "on") {
        Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") { show(permission === "denied" ? "blocked" : "off"); return; }
          return fetch(section.dataset.keyUrl).then(function (r) { return r.json(); }).then(function (data) {
            return registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(data.public_key)});
          }).then(function (subscription) {
            return api("POST", subscription.toJSON()).then(function (r) { show(r.ok ? "on" : "off"); });
          });
        }).catch(function () { show("off"); });
      } else {
        registration.pushManager.getSubscription().then(function (subscription) {
          if (!subscription) { show("off"); return; }
          return api("DELETE", {endpoint: subscription.endpoint}).then(function () {
            return subscription.unsubscribe();
          }).then(function () { show("off"); });
        });
      }
    });
  });
})();
