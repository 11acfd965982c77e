// Attachments: each chosen, dropped or pasted file is uploaded on its own through htmx, with a
// progress bar (htmx:xhr:progress) and its own outcome. Without JavaScript the form is a
// plain multipart post of all chosen files, and this script is not needed.
(function () {
  "use strict";

  function row(form, name) {
    var item = document.createElement("li");
    var label = document.createElement("span");
    var bar = document.createElement("progress");
    var outcome = document.createElement("span");
    label.textContent = name + " ";
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", name);
    outcome.className = "attachments-progress__outcome";
    item.append(label, bar, outcome);
    form.querySelector("[data-progress-list]").appendChild(item);
    return {item: item, bar: bar, outcome: outcome};
  }

  function messageOf(xhr) {
    var holder = document.createElement("div");
    holder.innerHTML = xhr.responseText || "";
    var text = holder.querySelector("p");
    return (text ? text.textContent : holder.textContent).trim() || String(xhr.status);
  }

  // One file, one request, one after the other (each answer is the whole list, so the last
  // answer must know every file): a throwaway form of the same action, posted into the list.
  function upload(form, file) {
    var shown = row(form, file.name || "image.png");
    form.queue = form.queue || [];
    form.queue.push(function () { send(form, file, shown); });
    if (form.queue.length === 1) form.queue[0]();
  }

  function next(form) {
    form.queue.shift();
    if (form.queue.length) form.queue[0]();
  }

  function send(form, file, shown) {
    var single = document.createElement("form");
    var input = document.createElement("input");
    var transfer = new DataTransfer();
    transfer.items.add(file);
    input.type = "file";
    input.name = "files";
    input.files = transfer.files;
    single.hidden = true;
    single.setAttribute("hx-post", form.getAttribute("action"));
    single.setAttribute("hx-encoding", "multipart/form-data");
    single.setAttribute("hx-target", "#" + form.dataset.list);
    single.setAttribute("hx-swap", "outerHTML");
    single.appendChild(form.querySelector("input[name=csrf_token]").cloneNode());
    single.appendChild(input);
    single.addEventListener("htmx:xhr:progress", function (event) {
      if (event.detail.lengthComputable) {
        shown.bar.value = Math.round(100 * event.detail.loaded / event.detail.total);
      }
    });
    single.addEventListener("htmx:responseError", function (event) {
      event.stopPropagation();  // the message goes beside the file, not in the page's banner
      shown.item.classList.add("attachments-progress--failed");
      shown.outcome.textContent = messageOf(event.detail.xhr);
    });
    single.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful) {
        shown.bar.value = 100;
        shown.item.remove();
      }
      single.remove();
      next(form);
    });
    document.body.appendChild(single);
    htmx.process(single);
    htmx.trigger(single, "submit");
  }

  function uploadAll(form, files) {
    Array.prototype.forEach.call(files, function (file) { upload(form, file); });
  }

  function enhance(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-drop-zone]");
    form.querySelector("[data-upload-button]").hidden = true;
    input.addEventListener("change", function () {
      uploadAll(form, input.files);
      input.value = "";
    });
    zone.tabIndex = 0;
    zone.addEventListener("dragover", function (event) {
      event.preventDefault();
      zone.classList.add("attachments-drop--over");
    });
    zone.addEventListener("dragleave", function () { zone.classList.remove("attachments-drop--over"); });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("attachments-drop--over");
      if (event.dataTransfer && event.dataTransfer.files.length) uploadAll(form, event.dataTransfer.files);
    });
    zone.addEventListener("paste", function (event) {
      var files = event.clipboardData && event.clipboardData.files;
      if (!files || !files.length) return;
      event.preventDefault();
      uploadAll(form, files);
    });
  }

  htmx.onLoad(function (content) {
    if (!content.querySelectorAll) return;
    if (content.matches && content.matches("[data-attachments-upload]")) enhance(content);
    content.querySelectorAll("[data-attachments-upload]").forEach(enhance);
  });
})();
