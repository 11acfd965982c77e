// The backlog: ranking by drag-and-drop (SortableJS, set up in htmx.onLoad, posted when a
// drag ends; the number of rows shown goes along, see data-rows in samspil.js), and rows
// refreshed when their item changed in the dialog.
(function () {
  "use strict";

  function setUp(rows) {
    if (rows._sortable || typeof Sortable === "undefined") return;
    var list = rows.closest(".backlog-list");
    if (!list || list.dataset.canRank !== "true") return;
    rows._sortable = new Sortable(rows, {
      handle: ".drag-handle",
      draggable: "tr[data-id]",
      animation: 150,
      forceFallback: true,
      onEnd: function (evt) {
        if (evt.oldIndex === evt.newIndex) return;
        var row = evt.item;
        var prev = row.previousElementSibling;
        var next = row.nextElementSibling;
        var values = {};
        var filters = document.getElementById("backlog-filters");
        if (filters) values = htmx.values(filters);
        if (prev && prev.dataset.id) {
          values.where = "after";
          values.anchor = prev.dataset.id;
        } else if (next && next.dataset.id) {
          values.where = "before";
          values.anchor = next.dataset.id;
        } else {
          return;
        }
        values.version = row.dataset.version;
        htmx.ajax("POST", row.dataset.rankUrl,
                  { source: row, target: "#backlog-list", swap: "outerHTML", values: values });
      }
    });
  }

  htmx.onLoad(function (content) {
    if (!content.querySelectorAll) return;
    if (content.id === "backlog-rows") setUp(content);
    content.querySelectorAll("#backlog-rows").forEach(setUp);
  });

  // Items created at the bottom show below the list until the last page arrives with them.
  document.addEventListener("htmx:afterSwap", function () {
    var bottom = document.getElementById("backlog-created-bottom");
    if (!bottom) return;
    bottom.querySelectorAll("tr[data-number]").forEach(function (row) {
      var twin = document.querySelector("#backlog-rows tr[data-number='" + row.dataset.number + "']");
      if (twin) row.remove();
    });
  });

  // Answers in the item dialog that change the item carry HX-Trigger {"samspil:item-changed":
  // {"number": n}}: that row, if shown, is fetched again. (An hx-trigger on each row would need
  // a filter on the number, which is JavaScript evaluated by htmx: the CSP forbids it.)
  document.addEventListener("samspil:item-changed", function (event) {
    var number = event.detail && event.detail.number;
    var row = number && document.getElementById("row-" + number);
    if (row) htmx.ajax("GET", row.dataset.rankUrl.replace(/\/rank$/, "/row"),
                       { source: row, target: "#row-" + number, swap: "outerHTML" });
  });
})();
