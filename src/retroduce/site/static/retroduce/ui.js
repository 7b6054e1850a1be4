// Small page behaviours that the Content-Security-Policy keeps out of the markup:
// - elements with data-colour get it as the CSS variable --code-colour (inline style attributes
//   are forbidden by our CSP, setting a property from a script is not);
// - a <select data-autosubmit> submits its form when changed.
(function () {
  "use strict";
  function paint(root) {
    root.querySelectorAll("[data-colour]").forEach(function (el) {
      var colour = el.getAttribute("data-colour");
      if (/^#[0-9a-fA-F]{6}$/.test(colour)) el.style.setProperty("--code-colour", colour);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paint(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paint(event.target); });
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
})();
