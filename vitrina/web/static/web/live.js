// The live socket (vitrina.live): one per page of a logged-in member, opened where <body data-live> says.
// Each server message {type, data} becomes a DOM event "live-<type with dashes>" on <body> (detail: data),
// so a part of a page refreshes itself with hx-trigger="live-message-new from:body". After a dropped
// connection it reconnects with growing pauses and fires "live-reconnected": pages then catch up from
// the last item they show (the database is the source of truth; the socket only says "look again").
(function () {
  var body = document.body, url = body && body.dataset.live;
  if (!url || !window.WebSocket) return;
  if (url.charAt(0) === "/") url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + url;
  var pause = 1000, socket = null, opened = false;

  function fire(name, detail) { body.dispatchEvent(new CustomEvent(name, {detail: detail || {}})); }

  function connect() {
    socket = new WebSocket(url);
    socket.onopen = function () {
      if (opened) fire("live-reconnected");
      opened = true;
      pause = 1000;
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (event && typeof event.type === "string") fire("live-" + event.type.replace(/\./g, "-"), event.data);
    };
    socket.onclose = function (event) {
      // 4401/4403: no session, or it ended (logged out elsewhere): nothing to reconnect to.
      if (event.code === 4401 || event.code === 4403) return;
      setTimeout(connect, pause);
      pause = Math.min(pause * 2, 30000);
    };
  }

  // Typing: a form with data-typing="<conversation id>" tells the others, at most every 3 s.
  var lastTyping = 0;
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("[data-typing]");
    if (!form || !socket || socket.readyState !== 1 || Date.now() - lastTyping < 3000) return;
    lastTyping = Date.now();
    socket.send(JSON.stringify({type: "typing", conversation: parseInt(form.dataset.typing, 10)}));
  });
  // A link with data-live-badge="<event type>" shows the event's `unread` count as its badge (the
  // notifications heart in the top bar).
  function updateBadges(type, data) {
    if (!data || typeof data.unread !== "number") return;
    document.querySelectorAll('[data-live-badge="' + type + '"]').forEach(function (link) {
      var badge = link.querySelector(".badge");
      if (data.unread <= 0) { if (badge) badge.remove(); return; }
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "badge";
        if (link.dataset.badgeTestid) badge.dataset.testid = link.dataset.badgeTestid;
        link.appendChild(badge);
      }
      badge.textContent = String(data.unread);
    });
  }
  body.addEventListener("live-notification-new", function (event) { updateBadges("notification.new", event.detail); });

  // A thread (<ol data-live-thread="<conversation id>" data-live-src="<its messages' partial>">) reloads its
  // messages when the socket says the conversation changed (a message, one unsent, Seen) or after a
  // reconnect; "typing…" ([data-typing-indicator]) shows for 4 s after each typing event.
  var thread = document.querySelector("[data-live-thread]");
  if (thread) {
    var threadId = parseInt(thread.dataset.liveThread, 10), busy = false, again = false, typingTimer = null;
    var typing = document.querySelector("[data-typing-indicator]");
    var reload = function () {
      if (busy) { again = true; return; }
      busy = true;
      var atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
      fetch(thread.dataset.liveSrc, {credentials: "same-origin", headers: {"HX-Request": "true"}})
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          thread.innerHTML = html;
          if (atBottom) window.scrollTo(0, document.body.scrollHeight);
        })
        .catch(function () { /* the next event or reconnect tries again */ })
        .then(function () { busy = false; if (again) { again = false; reload(); } });
    };
    ["live-message-new", "live-message-unsent", "live-message-read"].forEach(function (name) {
      body.addEventListener(name, function (event) {
        if (event.detail && event.detail.conversation === threadId) {
          if (name === "live-message-new" && typing) typing.hidden = true;
          reload();
        }
      });
    });
    body.addEventListener("live-reconnected", reload);
    body.addEventListener("live-typing", function (event) {
      if (!typing || !event.detail || event.detail.conversation !== threadId) return;
      typing.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.hidden = true; }, 4000);
    });
  }

  window.vitrinaLive = {send: function (data) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(data)); }};
  connect();
})();
