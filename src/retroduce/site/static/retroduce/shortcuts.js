// Keyboard shortcuts: pressing a key clicks the button (or focuses the field) that carries
// data-shortcut="key".
// Ignored while typing in a field, and with modifier keys, so browser shortcuts still work.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var button = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      // A field (the note) gets the focus; a button is pressed.
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(button.tagName)) button.focus();
      else button.click();
    }
  });
})();
