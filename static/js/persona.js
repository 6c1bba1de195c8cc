// The persona builder's step page: after each autosave the server sends the step's
// problems as data (#persona-field-errors); each field's message, red outline and
// aria-invalid follow them, so a message never outlives the problem (nor misses a new one).
(function () {
  "use strict";

  function container(name) {
    var field = document.getElementById("f-" + name);
    if (!field) { return null; }
    return field.tagName === "FIELDSET" ? field : field.closest(".field");
  }

  function apply(errors) {
    Object.keys(errors).forEach(function (name) {
      var box = container(name);
      if (!box) { return; }
      var message = errors[name];
      var id = "f-" + name + "-error";
      var existing = document.getElementById(id);
      if (message) {
        if (!existing) {
          existing = document.createElement("p");
          existing.className = "field-error";
          existing.id = id;
          box.appendChild(existing);
        }
        if (existing.textContent !== message) { existing.textContent = message; }
      } else if (existing) {
        existing.remove();
      }
      box.classList.toggle("field-invalid", Boolean(message));
      var input = box.tagName === "FIELDSET" ? null : document.getElementById("f-" + name);
      if (input) {
        var described = (input.getAttribute("aria-describedby") || "").split(/\s+/)
          .filter(function (token) { return token && token !== id; });
        if (message) {
          input.setAttribute("aria-invalid", "true");
          described.push(id);
        } else {
          input.removeAttribute("aria-invalid");
        }
        input.setAttribute("aria-describedby", described.join(" "));
      }
    });
  }

  document.addEventListener("htmx:oobAfterSwap", function (event) {
    // Fired on the swapped-in element (detail.target is the one it replaced).
    var data = event.target;
    if (!data || data.id !== "persona-field-errors") { return; }
    try {
      apply(JSON.parse(data.getAttribute("data-errors") || "{}"));
    } catch (e) { /* a malformed answer changes nothing on the page */ }
  });
})();
