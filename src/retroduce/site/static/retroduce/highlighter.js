// The document highlighter: select a passage, pick codes, and the passage becomes a fragment.
//
// Offsets are code points into the document's extracted text (what Python's str indexes),
// not the UTF-16 units JavaScript strings count, so an emoji is one position, not two.
(function () {
  "use strict";
  var text = document.getElementById("doc-text");
  var dialog = document.getElementById("code-picker");
  if (!text || !dialog || !text.dataset.codeUrl) return;

  var codes = JSON.parse(document.getElementById("codes-data").textContent);
  var pageStart = parseInt(text.dataset.pageStart, 10) || 0;
  var button = document.getElementById("code-selection");
  var status = document.getElementById("selection-status");
  var filter = document.getElementById("picker-filter");
  var list = document.getElementById("picker-list");
  var chosenView = document.getElementById("picker-chosen");
  var parentSelect = document.getElementById("picker-parent");
  var errorView = document.getElementById("picker-error");
  var quoteView = document.getElementById("picker-quote");
  var selection = null; // {start, end, quote}
  var chosen = [];
  var shown = [];
  var active = 0;

  codes.forEach(function (code) {
    var option = document.createElement("option");
    option.value = code.id;
    option.textContent = code.path;
    parentSelect.appendChild(option);
  });

  function codePoints(s) { return Array.from(s).length; }

  function offsetOf(node, offset) {
    var range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  }

  function readSelection() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return null;
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    var quote = range.toString();
    if (!quote.trim() || end <= start) return null;
    return { start: pageStart + start, end: pageStart + end, quote: quote };
  }

  function onSelectionChange() {
    // Typing in the picker moves the focus and clears the page selection: keep the passage.
    if (dialog.open) return;
    selection = readSelection();
    button.disabled = !selection;
    status.textContent = selection
      ? "Selected " + codePoints(selection.quote) + " characters. Press c to code them."
      : "Select a passage, then press c (or the button) to code it.";
  }

  function render() {
    var needle = filter.value.trim().toLowerCase();
    shown = codes.filter(function (c) { return !needle || c.path.toLowerCase().indexOf(needle) >= 0; });
    var exact = codes.some(function (c) { return c.name.toLowerCase() === needle; });
    list.innerHTML = "";
    shown.forEach(function (code, i) {
      var item = document.createElement("li");
      item.id = "picker-option-" + code.id;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      item.className = "picker-option" + (i === active ? " active" : "");
      var swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.setProperty("--code-colour", code.colour);
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(code.path));
      item.addEventListener("click", function () { active = i; submit(); });
      list.appendChild(item);
    });
    if (needle && !exact) {
      var create = document.createElement("li");
      create.setAttribute("role", "option");
      create.id = "picker-option-new";
      create.className = "picker-option create" + (active === shown.length ? " active" : "");
      create.setAttribute("aria-selected", active === shown.length ? "true" : "false");
      create.textContent = "Create code “" + filter.value.trim() + "”";
      create.addEventListener("click", function () { active = shown.length; submit(); });
      list.appendChild(create);
    }
    if (active > list.children.length - 1) active = Math.max(0, list.children.length - 1);
    var current = list.children[active];
    if (current) {
      filter.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    }
    chosenView.textContent = chosen.length
      ? "Also coding with: " + chosen.map(function (c) { return c.name; }).join(", ")
      : "";
  }

  function open() {
    if (!selection) return;
    chosen = [];
    active = 0;
    filter.value = "";
    errorView.textContent = "";
    quoteView.textContent = selection.quote.length > 300 ? selection.quote.slice(0, 300) + "…" : selection.quote;
    render();
    dialog.showModal();
    filter.focus();
  }

  function highlighted() {
    if (active < shown.length) return { code: shown[active] };
    if (filter.value.trim()) return { create: filter.value.trim() };
    return null;
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  function submit() {
    var pick = highlighted();
    var ids = chosen.map(function (c) { return c.id; });
    var body = { start: selection.start, end: selection.end, codes: ids };
    if (pick && pick.code && ids.indexOf(pick.code.id) < 0) body.codes.push(pick.code.id);
    if (pick && pick.create) {
      body.new_code = pick.create;
      body.new_code_parent = parentSelect.value || null;
    }
    if (!body.codes.length && !body.new_code) { errorView.textContent = "Pick a code first."; return; }
    fetch(text.dataset.codeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (!result.ok) { errorView.textContent = result.data.error || "Could not code the passage."; return; }
      var url = new URL(window.location.href);
      url.searchParams.set("coded", result.data.id);
      url.hash = "fragment-" + result.data.id;
      window.location.assign(url.toString());
    }).catch(function () { errorView.textContent = "The server could not be reached; nothing was saved."; });
  }

  document.addEventListener("selectionchange", onSelectionChange);
  button.addEventListener("click", open);
  document.addEventListener("keydown", function (event) {
    if (dialog.open || event.ctrlKey || event.metaKey || event.altKey) return;
    var t = event.target;
    if (t && /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
    if (event.key === "c" && selection) { event.preventDefault(); open(); }
  });
  filter.addEventListener("input", function () { active = 0; render(); });
  filter.addEventListener("keydown", function (event) {
    var count = list.children.length;
    if (event.key === "ArrowDown") { event.preventDefault(); active = Math.min(active + 1, count - 1); render(); }
    else if (event.key === "ArrowUp") { event.preventDefault(); active = Math.max(active - 1, 0); render(); }
    else if (event.key === "Enter" && event.shiftKey) {
      event.preventDefault();
      var pick = highlighted();
      if (pick && pick.code && chosen.indexOf(pick.code) < 0) chosen.push(pick.code);
      filter.value = ""; active = 0; render();
    } else if (event.key === "Enter") { event.preventDefault(); submit(); }
  });
  document.getElementById("picker-apply").addEventListener("click", submit);
  document.getElementById("picker-cancel").addEventListener("click", function () { dialog.close(); });
})();
