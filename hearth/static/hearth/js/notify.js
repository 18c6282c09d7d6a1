// Live notifications on every page: the unread count stays current, and urgent ones (an on-call alert, a chat
// handed over to you, a listener who has just joined) appear at the top of the page at once.
// It also keeps the "live updates are paused" banner, which the chat uses too (window.hearthLive).
(function () {
  "use strict";
  if (!window.WebSocket) return;
  var link = document.getElementById("nav-notifications");
  var main = document.getElementById("main");
  var retries = 0;
  var PAUSED = 4503; // the server closes with this while live updates are unavailable
  var STEADY_MS = 2000; // open this long before the banner goes: a refused socket opens and closes at once

  // One banner for every live socket on the page, shown while any of them is paused. Its text changes only
  // when the state does, so screen readers hear it once, not at every retry.
  var paused = {};
  window.hearthLive = {
    paused: function (source, isPaused) {
      if (isPaused) paused[source] = true; else delete paused[source];
      var banner = document.getElementById("live-banner");
      if (!banner) return;
      var any = Object.keys(paused).length > 0;
      if (any && !banner.firstChild) {
        var p = document.createElement("p");
        p.className = "message warning";
        p.textContent = "Live updates are paused. Your messages are safe; we'll reconnect automatically.";
        banner.appendChild(p);
      } else if (!any && banner.firstChild) {
        banner.textContent = "";
      }
    },
    PAUSED: PAUSED,
  };

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
    var steady = null;
    socket.addEventListener("open", function () {
      steady = setTimeout(function () { retries = 0; window.hearthLive.paused("notifications", false); }, STEADY_MS);
    });
    socket.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type !== "notification") return;
      setCount(frame.unread);
      if (frame.urgent) showUrgent(frame);
    });
    socket.addEventListener("close", function (event) {
      clearTimeout(steady);
      if (event.code === 4403) return;
      retries += 1;
      if (event.code === PAUSED || retries > 1) window.hearthLive.paused("notifications", true);
      // While paused, try at least every 10 s (spread out, so every page does not come back at once).
      var cap = event.code === PAUSED ? 10000 : 30000;
      setTimeout(connect, Math.min(cap, 1000 * Math.pow(2, retries)) * (0.75 + Math.random() / 2));
    });
  }
  connect();
})();
