// Samspil's own script on every page: htmx glue that the strict CSP allows (no inline script,
// no eval). What several pages share lives here, once; the pages' scripts hold the rest.
(function () {
  "use strict";

  function announce(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    // A fresh text node after a tick makes screen readers announce repeated messages too.
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function showError(message) {
    var box = document.getElementById("error-region");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
    window.clearTimeout(showError.timer);
    showError.timer = window.setTimeout(function () { box.hidden = true; }, 8000);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    var text = document.body.dataset.errorMessage;
    if (xhr && xhr.status === 403) text = xhr.getResponseHeader("X-Samspil-Message") || text;
    // Give support the request id the server logged the error under.
    var reference = xhr && xhr.status >= 500 && xhr.getResponseHeader("X-Request-ID");
    if (reference) text += " " + (document.body.dataset.referenceLabel || "Reference:") + " " + reference;
    showError(text);
  });
  document.addEventListener("htmx:sendError", function () {
    showError(document.body.dataset.offlineMessage);
  });

  // Servers announce results of htmx actions with an HX-Trigger {"samspil:announce": "..."}.
  document.addEventListener("samspil:announce", function (event) {
    announce(event.detail && (event.detail.value || event.detail.message));
  });

  // Servers name the element to focus once a swap has settled (the moved card, the neighbouring
  // item's button): HX-Trigger-After-Settle {"samspil:focus": id}.
  document.addEventListener("samspil:focus", function (event) {
    var id = event.detail && (event.detail.value || event.detail.id);
    var target = id && document.getElementById(id);
    if (target) target.focus();
  });

  // Controls that only work with scripts (print, preview) are hidden in the markup, so a page
  // without JavaScript never shows a button that does nothing.
  htmx.onLoad(function (content) {
    if (!content.querySelectorAll) return;
    if (content.matches("[data-needs-script]")) content.hidden = false;
    content.querySelectorAll("[data-needs-script]").forEach(function (el) { el.hidden = false; });
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });

  // A question before what cannot be undone ("Remove …?"): the link fetches it with htmx into
  // a <dialog> shown as a modal, so the page behind is inert; Tab stays inside it, Escape or
  // Cancel closes it, and the focus goes back to the link. Without JavaScript the link opens
  // the same question as a page.
  var confirmOpener = null;

  document.addEventListener("htmx:afterSwap", function (event) {
    var body = event.detail.target;
    if (!body || body.id !== "confirm-dialog-body") return;
    var box = body.closest("dialog");
    confirmOpener = event.detail.requestConfig ? event.detail.requestConfig.elt : null;
    if (!box.open) box.showModal();
    var cancel = body.querySelector("[data-confirm-cancel]");  // the choice that changes nothing
    if (cancel) cancel.focus();
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("dialog [data-confirm-cancel]");
    if (!cancel) return;
    event.preventDefault();
    cancel.closest("dialog").close();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Tab") return;
    var box = event.target.closest && event.target.closest("dialog.confirm-dialog[open]");
    if (!box) return;
    var stops = box.querySelectorAll("a[href], button:not([disabled]), input:not([type=hidden])");
    if (!stops.length) return;
    var first = stops[0], last = stops[stops.length - 1];
    if (event.shiftKey && event.target === first) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && event.target === last) { event.preventDefault(); first.focus(); }
  });

  document.addEventListener("close", function (event) {
    if (!event.target.classList || !event.target.classList.contains("confirm-dialog")) return;
    event.target.querySelector("#confirm-dialog-body").innerHTML = "";
    if (confirmOpener && document.body.contains(confirmOpener)) confirmOpener.focus();
    confirmOpener = null;
  }, true);

  // A list that grows as one scrolls names its rows (data-rows="selector"); a change posted from
  // inside it says how many rows are shown, so the answer re-renders as many and no fewer.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var list = event.detail.verb !== "get" && elt.closest && elt.closest("[data-rows]");
    if (!list || event.detail.parameters.shown) return;
    event.detail.parameters.shown = String(list.querySelectorAll(list.dataset.rows).length);
  });
})();
