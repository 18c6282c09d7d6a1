// Quick exit and safer history.
// - The Quick exit link replaces the current page with a neutral site (location.replace keeps Hearth out of
//   the back history). Pressing Escape three times does the same.
// - While JavaScript runs, links and forms inside Hearth replace the current history entry instead of adding
//   one, so the tab's history holds at most one Hearth page and Back after a quick exit leaves Hearth behind.
//   Without JavaScript everything still works; only the history is ordinary.
(function () {
  "use strict";
  var exitUrl = document.body.getAttribute("data-quick-exit-url") || "https://www.bbc.co.uk/weather";

  function quickExit(event) {
    if (event) event.preventDefault();
    document.body.style.display = "none";
    try { document.title = ""; } catch (e) { /* ignore */ }
    window.location.replace(exitUrl);
  }

  var button = document.getElementById("quick-exit");
  if (button) button.addEventListener("click", quickExit);

  var escapes = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    escapes = escapes.filter(function (t) { return now - t < 1500; });
    escapes.push(now);
    if (escapes.length >= 3) quickExit(event);
  });

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.id === "quick-exit" || link.target || link.hasAttribute("download")) return;
    var url = new URL(link.href, window.location.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname === window.location.pathname && url.search === window.location.search && url.hash) return;
    event.preventDefault();
    window.location.replace(url.href);
  });

  function showDocument(html) {
    // Replaces the page in place: document.open() adds no history entry.
    document.open();
    document.write(html);
    document.close();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || form.hasAttribute("hx-post") || form.target) return;
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    if (action.origin !== window.location.origin) return;
    var submitter = event.submitter;
    var data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    event.preventDefault();
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      action.search = new URLSearchParams(data).toString();
      window.location.replace(action.href);
      return;
    }
    fetch(action.href, { method: "POST", body: data, credentials: "same-origin", redirect: "follow" })
      .then(function (response) {
        var keep = response.headers.get("X-Hearth-Keep-Form");
        if (keep) {
          // Too many writes: stay on this page so nothing typed is lost, and say why.
          var note = document.createElement("p");
          note.className = "form-error";
          note.setAttribute("role", "alert");
          note.textContent = keep;
          form.insertBefore(note, form.firstChild);
          return null;
        }
        return response.text().then(function (html) {
          // After a redirect the fetched page is the one to show (it carries the one-time confirmation).
          if (response.redirected) window.history.replaceState(null, "", response.url);
          showDocument(html);
        });
      })
      .catch(function () {
        // Never lose what someone wrote: fall back to an ordinary submission.
        if (submitter && submitter.name) {
          var hidden = document.createElement("input");
          hidden.type = "hidden"; hidden.name = submitter.name; hidden.value = submitter.value;
          form.appendChild(hidden);
        }
        HTMLFormElement.prototype.submit.call(form);
      });
  });
})();
