// The console's live updates: when the page names an event stream (body[data-events]), each
// change event re-fetches the page and replaces its [data-live] regions in place. A region that
// holds the keyboard focus is left alone (focus is never moved), and the change is announced
// through the polite live region (#live). Without JavaScript every page still works.
(function () {
  "use strict";
  var src = document.body && document.body.getAttribute("data-events");
  if (!src || !window.EventSource || !window.fetch) return;
  var live = document.getElementById("live");
  var busy = false;
  function refresh(message) {
    if (busy) return;
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (text) {
        busy = false;
        if (!text) return;
        var doc = new DOMParser().parseFromString(text, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var fresh = doc.querySelector('[data-live="' + el.getAttribute("data-live") + '"]');
          if (!fresh || el.contains(document.activeElement)) return;
          var open = el.querySelectorAll("details[open]").length > 0;
          if (open) fresh.querySelectorAll("details").forEach(function (d) { d.open = true; });
          el.replaceWith(document.importNode(fresh, true));
        });
        document.body.setAttribute("data-updated", String(Date.now()));
        if (live && message) live.textContent = message;
      })
      .catch(function () { busy = false; });
  }
  var es = new EventSource(src);
  es.addEventListener("change", function (ev) { refresh(ev.data); });
})();
