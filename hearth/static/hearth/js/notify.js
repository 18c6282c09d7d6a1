// Live notifications on every page: the unread count stays current, and urgent ones (an on-call alert, a chat
// handed over to you, a listener who has just joined) appear at the top of the page at once.
(function () {
  "use strict";
  if (!window.WebSocket) return;
  var link = document.getElementById("nav-notifications");
  var main = document.getElementById("main");
  var retries = 0;

  function setCount(unread) {
    if (!link) return;
    var badge = link.querySelector(".badge");
    if (!unread) { if (badge) badge.remove(); return; }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge new";
      link.appendChild(document.createTextNode(" "));
      link.appendChild(badge);
    }
    badge.textContent = String(unread);
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " new";
    badge.appendChild(hidden);
  }

  function showUrgent(frame) {
    if (!main) return;
    var box = document.createElement("div");
    box.className = "messages";
    box.setAttribute("role", "alert");
    var p = document.createElement("p");
    p.className = "message warning";
    p.appendChild(document.createTextNode(frame.title + " "));
    if (frame.url) {
      var a = document.createElement("a");
      a.href = frame.url;
      a.textContent = "Open it";
      p.appendChild(a);
    }
    box.appendChild(p);
    main.insertBefore(box, main.firstChild);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/notifications/");
    socket.addEventListener("open", function () { retries = 0; });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type !== "notification") return;
      setCount(frame.unread);
      if (frame.urgent) showUrgent(frame);
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4403) return;
      retries += 1;
      setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, retries)));
    });
  }
  connect();
})();
