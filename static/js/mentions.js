// Mentions in Markdown fields: typing "@" and some letters in a textarea of a project page
// offers the project's members in a listbox (the ARIA combobox pattern: the focus stays in the
// textarea, aria-activedescendant names the highlighted option). Arrow keys move, Enter or Tab
// chooses, Escape closes. The choice is written as @[Name](user:ID), which the server renders
// as the member's current name. Without JavaScript one can type that form by hand.
(function () {
  "use strict";
  var source = document.querySelector("[data-mention-url]");
  if (!source) return;
  var url = source.getAttribute("data-mention-url");
  var listbox = null, field = null, start = -1, active = -1, request = 0;

  function ensureListbox() {
    if (listbox) return listbox;
    listbox = document.createElement("ul");
    listbox.id = "mention-listbox";
    listbox.className = "mention-listbox";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", source.getAttribute("data-mention-help") || "Members");
    listbox.hidden = true;
    listbox.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { event.preventDefault(); choose(option); }
    });
    document.body.appendChild(listbox);
    return listbox;
  }

  function options() { return listbox ? listbox.querySelectorAll("[role=option]") : []; }

  function close() {
    if (listbox) { listbox.hidden = true; listbox.innerHTML = ""; }
    if (field) field.removeAttribute("aria-activedescendant");
    active = -1; start = -1;
  }

  function highlight(index) {
    var all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
    field.setAttribute("aria-activedescendant", all[active].id);
  }

  function choose(option) {
    var text = "@[" + option.getAttribute("data-name").replace(/[\[\]]/g, "") + "](user:" +
      option.getAttribute("data-user-id") + ") ";
    var caret = field.selectionStart;
    field.value = field.value.slice(0, start) + text + field.value.slice(caret);
    var at = start + text.length;
    field.setSelectionRange(at, at);
    close();
    field.focus();
  }

  function query(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = /(^|\s)@([^\s@\[\]()]{0,30})$/.exec(before);
    if (!match) { close(); return; }
    field = textarea;
    start = before.length - match[2].length - 1;
    var mine = ++request;
    fetch(url + "?q=" + encodeURIComponent(match[2]), {credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (mine !== request || field !== textarea) return;
        var box = ensureListbox();
        box.innerHTML = html;
        if (!options().length) { close(); return; }
        var rect = textarea.getBoundingClientRect();
        box.style.setProperty("--mention-top", (window.scrollY + rect.bottom) + "px");
        box.style.setProperty("--mention-left", (window.scrollX + rect.left) + "px");
        box.hidden = false;
        textarea.setAttribute("aria-controls", box.id);
        highlight(0);
      });
  }

  document.addEventListener("input", function (event) {
    if (event.target.tagName === "TEXTAREA") query(event.target);
  });
  document.addEventListener("keydown", function (event) {
    if (!listbox || listbox.hidden || event.target !== field) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Enter" || event.key === "Tab") {
      var all = options();
      if (active >= 0 && all[active]) { event.preventDefault(); choose(all[active]); }
    } else if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  document.addEventListener("focusout", function (event) {
    if (event.target === field) setTimeout(function () { if (document.activeElement !== field) close(); }, 150);
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.tagName === "TEXTAREA" && !event.target.hasAttribute("aria-autocomplete")) {
      event.target.setAttribute("aria-autocomplete", "list");
    }
  });
})();
