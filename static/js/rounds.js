// A ballot's running total: the sum of the points given, announced politely, and a warning
// when it passes the municipality's points. The form works without it (the server checks).
(function () {
  "use strict";

  function update(form) {
    var max = parseInt(form.getAttribute("data-points"), 10) || 0;
    var total = 0;
    form.querySelectorAll("[data-ballot-points]").forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value) && value > 0) total += value;
    });
    var output = form.querySelector("[data-ballot-total]");
    var over = form.querySelector("[data-ballot-over]");
    if (output) output.textContent = String(total);
    if (over) over.hidden = total <= max;
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("[data-ballot]");
    if (form) update(form);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-ballot]").forEach(update);
  });
})();
