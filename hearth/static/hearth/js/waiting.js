// The "Talk to a listener" waiting page: checks every few seconds where the request stands, updates the place
// in the queue, and opens the chat as soon as a listener accepts. Without JavaScript, "Check again" does it.
(function () {
  "use strict";
  var box = document.getElementById("waiting");
  if (!box || !window.fetch) return;
  var statusLine = document.getElementById("waiting-status");
  var url = box.getAttribute("data-status-url");

  function check() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        var request = data && data.request;
        if (!request) return;
        if (request.room_url && request.status === "active") { window.location.replace(request.room_url); return; }
        if (request.status !== "waiting") { window.location.replace(window.location.href); return; }
        var where = request.position === 1 ? "You're next in the queue." : "You're number " + request.position + " in the queue.";
        var wait = request.listeners_available
          ? " The wait is usually about " + request.expected_minutes + " minute" + (request.expected_minutes === 1 ? "" : "s") + "."
          : " No listener is free right now, but you can stay in the queue.";
        if (statusLine.textContent.trim() !== (where + wait).trim()) statusLine.textContent = where + wait;
      })
      .catch(function () { /* try again at the next tick */ });
  }
  setInterval(check, 4000);
})();
