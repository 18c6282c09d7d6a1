// Quick exit and safer history.
// - The Quick exit link replaces the current page with a neutral site (location.replace keeps Hearth out of
//   the back history). Pressing Escape three times does the same.
// - While JavaScript runs, links inside Hearth replace the current history entry instead of adding one, so
//   the tab's history holds at most one Hearth page and Back after a quick exit leaves Hearth behind.
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
})();
