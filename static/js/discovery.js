// Requirement discovery: keep keyboard focus sensible when htmx replaces a panel.
(function () {
  "use strict";

  var PANELS = ["cosponsors", "discovery-log"];
  var FOCUSABLE = "input:not([type=hidden]), textarea, select, button, a[href], [tabindex]";

  // The control that had focus is gone after the swap. Put focus on the first field with an
  // error, else on what the new panel marks with data-focus-after-swap (its heading or form).
  document.addEventListener("htmx:afterSwap", function (event) {
    var id = event.detail.target && event.detail.target.id;
    if (PANELS.indexOf(id) < 0) return;
    var panel = document.getElementById(id);
    if (!panel) return;
    var target = panel.querySelector("[aria-invalid='true']") ||
      panel.querySelector("[data-focus-after-swap]");
    if (!target) return;
    if (!target.matches(FOCUSABLE)) target = target.querySelector(FOCUSABLE) || target;
    target.focus();
  });
})();
