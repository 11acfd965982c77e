// Sprint planning: items dragged between the backlog and the sprint (SortableJS, set up in
// htmx.onLoad) are posted like the "Add to sprint" / "Take out" buttons; the server answers
// with the planning region and announces the result. Plus the review's print button.
(function () {
  "use strict";

  // htmx settles a swapped element by copying the old element's attributes to the new one;
  // SortableJS leaves inline styles on what it animated, and a style attribute breaks the
  // strict CSP. Settle classes and sizes only (as the board does).
  htmx.config.attributesToSettle = ["class", "width", "height"];

  function planningRows() {
    return document.querySelectorAll("#plan-backlog li[data-id]").length;
  }

  function post(list, item) {
    // Dropped into the sprint: commit it; dropped into the backlog: take it out.
    htmx.ajax("POST", list.dataset.dropUrl, {
      source: item, target: "#planning", swap: "outerHTML",
      values: { item: item.dataset.id, shown: String(planningRows()) }
    });
  }

  function setUp(list) {
    if (list._sortable || typeof Sortable === "undefined") return;
    list._sortable = new Sortable(list, {
      group: "sprint-planning",
      sort: false,
      handle: ".drag-handle",
      draggable: "li[data-id]",
      animation: 150,
      forceFallback: true,
      onAdd: function (evt) { post(evt.to, evt.item); }
    });
  }

  htmx.onLoad(function (content) {
    if (!content.querySelectorAll) return;
    if (content.matches && content.matches(".planning--editable .plan-list")) setUp(content);
    content.querySelectorAll(".planning--editable .plan-list").forEach(setUp);
  });

  // A drag the server refused with an error that htmx does not swap (403, 5xx): put the
  // lists back as the server has them.
  document.addEventListener("htmx:responseError", function (event) {
    var planning = document.getElementById("planning");
    if (!planning || !planning.contains(event.detail.elt)) return;
    htmx.ajax("GET", window.location.pathname, { source: planning, target: "#planning", swap: "outerHTML" });
  });

  // Button posts re-render as many backlog rows as were loaded.
  document.addEventListener("htmx:configRequest", function (event) {
    if (/\/sprints\/\d+\/items(\/remove)?$/.test(event.detail.path) && !event.detail.parameters.shown) {
      event.detail.parameters.shown = String(planningRows());
    }
  });

  // After a button's post the server names the element to focus (the neighbouring item's
  // button): HX-Trigger-After-Settle {"samspil:focus": id}.
  document.addEventListener("samspil:focus", function (event) {
    var id = event.detail && (event.detail.value || event.detail.id);
    var target = id && document.getElementById(id);
    if (target && document.getElementById("planning")) target.focus();
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest(".js-print")) window.print();
  });
  document.querySelectorAll(".js-print").forEach(function (button) { button.hidden = false; });
})();
