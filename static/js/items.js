// Items on the backlog and the board: the item dialog and the inline-edit keys. No inline
// script (strict CSP): everything is delegated here.
(function () {
  "use strict";

  var opener = null;

  function dialog() { return document.getElementById("item-dialog"); }

  function openItem(link) {
    var box = dialog();
    if (!box || typeof box.showModal !== "function") return false;
    opener = link;
    var url = link.getAttribute("href");
    htmx.ajax("GET", url + (url.indexOf("?") < 0 ? "?" : "&") + "dialog=1",
              { source: link, target: "#item-dialog-body", swap: "innerHTML" })
      .then(function () {
        // As the move menu (board.js): the dialog's forms are htmx's before anyone can use them.
        htmx.process(document.getElementById("item-dialog-body"));
        var full = document.getElementById("item-dialog-full");
        if (full) full.setAttribute("href", url);
        var heading = box.querySelector("#item-heading");
        if (heading) box.setAttribute("aria-labelledby", "item-heading");
        if (!box.open) box.showModal();
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
      });
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    var link = event.target.closest("a.js-item-dialog");
    if (link && !link.closest("#item-dialog") && openItem(link)) {
      event.preventDefault();
      return;
    }
    if (event.target.closest(".js-dialog-close")) {
      var box = dialog();
      if (box) box.close();
    }
  });

  document.addEventListener("close", function (event) {
    if (event.target.id !== "item-dialog") return;
    document.getElementById("item-dialog-body").innerHTML = "";
    var back = opener;
    if (back && !document.body.contains(back) && back.id) back = document.getElementById(back.id);
    if (back) back.focus();
    opener = null;
  }, true);

  // Escape leaves an inline edit without saving.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("form.inline-edit");
    if (!form) return;
    var cancel = form.querySelector(".js-inline-cancel");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });
})();
