// The board: drag-and-drop with SortableJS (following htmx's sortable example: set up in
// htmx.onLoad, a form posted when a drag ends), the lazy "Move to…" menu, and the pauses of
// the poller (board/_poller.html, which is plain htmx).
(function () {
  "use strict";

  var dragging = false;
  var lastDrag = null;

  function moveForm() { return document.getElementById("board-move-form"); }

  function cardId(el) { return el && el.classList.contains("card") ? el.dataset.id : ""; }

  function targetsOf(cell) { return (cell.dataset.targets || "").split(" ").filter(Boolean); }

  // Where someone may move cards at all, every cell takes drops (a developer drops into
  // acceptance, a column they cannot take cards out of); cards are picked up only in cells
  // they may leave, or be ranked in.
  function setUpCell(cell) {
    var grid = cell.closest(".board");
    if (cell._sortable || !grid) return;
    var canRank = grid.dataset.canRank === "true";
    if (!canRank && !grid.querySelector(".board-cell:not([data-targets=''])")) return;
    var movable = canRank || targetsOf(cell).length > 0;
    cell._sortable = new Sortable(cell, {
      group: { name: "lane-" + cell.dataset.lane, pull: true,
               put: function (to, from) { return targetsOf(from.el).indexOf(to.el.dataset.status) >= 0; } },
      sort: canRank,
      animation: 150,
      forceFallback: true,
      fallbackTolerance: 4,
      filter: movable ? ".move-menu" : ".card",
      preventOnFilter: false,
      onStart: function () { dragging = true; },
      onEnd: function (evt) {
        dragging = false;
        if (evt.from === evt.to && evt.oldIndex === evt.newIndex) return;
        lastDrag = { item: evt.item, from: evt.from, index: evt.oldIndex };
        var form = moveForm();
        htmx.ajax("POST", form.dataset.urlBase + evt.item.dataset.number + "/move", {
          source: form, swap: "none",
          values: {
            status: evt.to.dataset.status, from_status: evt.from.dataset.status,
            version: evt.item.dataset.version, context: "board",
            after: cardId(evt.item.previousElementSibling),
            before: cardId(evt.item.nextElementSibling)
          }
        });
      }
    });
  }

  htmx.onLoad(function (content) {
    if (typeof Sortable === "undefined" || !content.querySelectorAll) return;
    if (content.matches && content.matches(".board-cell")) setUpCell(content);
    content.querySelectorAll(".board-cell").forEach(setUpCell);
  });

  // Each column shows its first cards and "Show more" brings the next ones; the board's
  // requests say how many cards each column has loaded (n_<status>), so that a poll refreshes
  // as many as are shown, "Show more" brings those after them, and a move's answer knows
  // whether the moved card stands among them (the moved card itself not counted).
  function loadedCounts(params, statuses, except) {
    statuses.forEach(function (status) {
      var cards = document.querySelectorAll('.board-cell[data-status="' + status + '"] > li.card');
      var count = 0;
      cards.forEach(function (card) { if (card.dataset.number !== except) count += 1; });
      params["n_" + status] = String(count);
    });
  }

  function boardStatuses() {
    var seen = [];
    document.querySelectorAll("#board-grid .board-cell").forEach(function (cell) {
      if (seen.indexOf(cell.dataset.status) < 0) seen.push(cell.dataset.status);
    });
    return seen;
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (!document.getElementById("board-grid")) return;
    var elt = event.detail.elt;
    var params = event.detail.parameters;
    var moving = /\/items\/(\d+)\/move$/.exec(event.detail.path || "");
    if (elt.id === "board-poller") {
      loadedCounts(params, boardStatuses(), null);
    } else if (elt.classList && elt.classList.contains("board-more__link")) {
      loadedCounts(params, [elt.dataset.status], null);
    } else if (moving && event.detail.verb === "post" && params.context !== "item") {
      loadedCounts(params, boardStatuses(), moving[1]);
    }
  });

  // A refused drag (403, or the server unreachable) puts the card back where it was; 409 and
  // 422 answers carry the true state of the columns themselves.
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.elt !== moveForm() || !lastDrag) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (!event.detail.successful && status !== 409 && status !== 422 && lastDrag.item.parentNode) {
      lastDrag.from.insertBefore(lastDrag.item, lastDrag.from.children[lastDrag.index] || null);
    }
    lastDrag = null;
  });

  // The lazy "Move to…" menu: fetched when opened, so a board of a thousand cards stays light.
  // One delegated listener rather than an hx-get on each card's link: htmx takes ~30 ms more
  // to process a thousand such links, at every load and every swap of the columns.
  function closeMenus() {
    document.querySelectorAll(".card__menu").forEach(function (slot) {
      var link = slot.previousElementSibling;
      slot.remove();
      if (link) link.setAttribute("aria-expanded", "false");
    });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.js-move-menu");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    var slot = link.nextElementSibling;
    if (slot && slot.classList.contains("card__menu")) {
      closeMenus();
      link.focus();
      return;
    }
    closeMenus();
    slot = document.createElement("div");
    slot.className = "card__menu";
    slot.id = "menu-slot-" + link.closest(".card").dataset.number;
    link.after(slot);
    link.setAttribute("aria-expanded", "true");
    link.setAttribute("aria-controls", slot.id);
    var filters = new URLSearchParams(new FormData(moveForm()));
    filters.delete("csrf_token");
    var query = filters.toString();
    htmx.ajax("GET", link.getAttribute("href") + (query ? "?" + query : ""),
              { source: link, target: "#" + slot.id, swap: "innerHTML" })
      .then(function () {
        // htmx takes the swapped-in form over only when the swap settles (20 ms later); an
        // Enter on the focused button before then would post the form the plain way.
        htmx.process(slot);
        var first = slot.querySelector("button, textarea");
        if (first) first.focus();
      });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var slot = event.target.closest && event.target.closest(".card__menu");
    if (!slot) return;
    var link = slot.previousElementSibling;
    closeMenus();
    if (link) link.focus();
  });

  // The poller skips a beat while someone is dragging or has a menu or the dialog open, or the
  // page is out of sight. (A card that had focus keeps it: htmx focuses the element with the
  // same id after a swap.)
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id !== "board-poller") return;
    var dialog = document.getElementById("item-dialog");
    if (dragging || document.querySelector(".card__menu") || (dialog && dialog.open) ||
        document.hidden) {
      event.preventDefault();
    }
  });

  // Messages after a move show for a while, then step aside.
  document.addEventListener("htmx:afterSettle", function () {
    var box = document.getElementById("board-message");
    if (!box || box.hidden || box._timer) return;
    box._timer = window.setTimeout(function () { box.hidden = true; }, 10000);
  });
})();
