// Podium's small enhancements. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // After an HTMX swap that replaced a form with errors, move focus to the first invalid field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var invalid = event.target.querySelector("[aria-invalid='true']");
    if (invalid) { invalid.focus(); }
  });
})();
