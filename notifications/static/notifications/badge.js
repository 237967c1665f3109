// The unread badge in the top bar follows /ws/notifications/; without JavaScript (or while the
// socket is closed) it keeps the count the page was rendered with and re-reads it every minute.
(function () {
  "use strict";
  var badge = document.getElementById("notification-badge");
  if (!badge) { return; }
  function show(count) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }
  function poll() {
    fetch(badge.dataset.countUrl, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) { show(body.count); } })
      .catch(function () {});
  }
  var delay = 1000;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    socket.onopen = function () { delay = 1000; };
    socket.onmessage = function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "notifications.unread") { show(frame.count); }
    };
    socket.onclose = function (event) {
      if (event.code === 4401) { return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  if ("WebSocket" in window) { connect(); }
  setInterval(poll, 60000);
})();
