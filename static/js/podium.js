// Podium's small enhancements. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";

  // After an HTMX swap that shows a form with errors, move focus to the first invalid field.
  document.addEventListener("htmx:afterSwap", function (event) {
    var invalid = event.target.querySelector("[aria-invalid='true']");
    if (invalid) { invalid.focus(); }
  });

  // Forms that remove something ask first (data-confirm holds the question).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // "Insert at the cursor": put a snippet (e.g. an uploaded image's Markdown) into a
  // textarea where the cursor is, and let the live preview know.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert-into]");
    if (!button) { return; }
    var area = document.querySelector(button.getAttribute("data-insert-into"));
    if (!area) { return; }
    var text = button.getAttribute("data-insert-text") || "";
    var start = area.selectionStart || 0, end = area.selectionEnd || 0;
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    area.focus();
    area.selectionStart = area.selectionEnd = start + text.length;
    area.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // "Forgot your password?" takes along the address already typed on the sign-in form.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-carry-email]");
    if (!link) { return; }
    var field = document.querySelector(link.getAttribute("data-carry-email"));
    if (field && field.value.trim()) {
      link.href = link.pathname + "?email=" + encodeURIComponent(field.value.trim());
    }
  });

  // The header's "Menu" disclosure on phones and tablets: toggles aria-expanded (the CSS
  // shows the panel from it); Escape or a click outside closes it and returns focus.
  var menuButton = document.querySelector(".menu-toggle");
  if (menuButton) {
    var menuPanel = document.getElementById(menuButton.getAttribute("aria-controls"));
    var setMenu = function (open) {
      menuButton.setAttribute("aria-expanded", open ? "true" : "false");
    };
    menuButton.addEventListener("click", function () {
      setMenu(menuButton.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menuButton.getAttribute("aria-expanded") === "true") {
        setMenu(false);
        menuButton.focus();
      }
    });
    document.addEventListener("click", function (event) {
      if (menuButton.getAttribute("aria-expanded") === "true" && menuPanel &&
          !menuPanel.contains(event.target) && !menuButton.contains(event.target)) {
        setMenu(false);
      }
    });
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) { return ""; }
  }

  // Reading time: while a lesson is visible and the reader active, report the seconds spent
  // every 30 s (and when the page is hidden). The server bounds what it credits.
  var lesson = document.querySelector("[data-heartbeat-url]");
  if (!lesson) { return; }
  var url = lesson.getAttribute("data-heartbeat-url");
  var IDLE_MS = 120000, BEAT_MS = 30000;
  var lastActivity = Date.now(), since = Date.now();

  function active() {
    return document.visibilityState === "visible" && Date.now() - lastActivity < IDLE_MS;
  }
  function send() {
    var seconds = Math.min(60, Math.round((Date.now() - since) / 1000));
    since = Date.now();
    if (seconds < 1) { return; }
    fetch(url, {
      method: "POST", credentials: "same-origin", keepalive: true,
      headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" },
      body: "seconds=" + seconds
    }).catch(function () { /* offline: this beat is simply not counted */ });
  }
  ["scroll", "mousemove", "keydown", "touchstart", "pointerdown"].forEach(function (name) {
    window.addEventListener(name, function () { lastActivity = Date.now(); }, { passive: true });
  });
  setInterval(function () {
    if (active()) { send(); } else { since = Date.now(); }
  }, BEAT_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      if (Date.now() - lastActivity < IDLE_MS) { send(); }
    } else {
      since = Date.now(); lastActivity = Date.now();
    }
  });
})();
