// Sprint planning (loaded for planners only): items dragged between the backlog and the sprint
// (SortableJS, set up in htmx.onLoad) are posted like the "Add to sprint" / "Take out"
// buttons; the server answers with the planning region and announces the result.
(function () {
  "use strict";

  function post(list, item) {
    // Dropped into the sprint: commit it; dropped into the backlog: take it out. The number of
    // backlog rows shown goes along (data-rows on #planning, see samspil.js).
    htmx.ajax("POST", list.dataset.dropUrl, {
      source: item, target: "#planning", swap: "outerHTML", values: { item: item.dataset.id }
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
})();
