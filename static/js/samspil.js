// Samspil's own script: htmx glue that the strict CSP allows (no inline script, no eval).
(function () {
  "use strict";

  function announce(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    // A fresh text node after a tick makes screen readers announce repeated messages too.
    window.setTimeout(function () { region.textContent = message; }, 50);
  }
  window.samspil = { announce: announce };

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
})();
