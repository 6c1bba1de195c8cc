// Taking a quiz: one question at a time with Previous/Next and a navigator, a live
// "Answered 3 of 10", and a confirmation naming the unanswered questions before submitting.
// Without JavaScript every question stays on one page and the server asks the same
// question when answers are missing (the "Submit anyway" button).
(function () {
  "use strict";

  var form = document.querySelector("form.quiz-open");
  if (!form) { return; }
  var pages = Array.prototype.slice.call(form.querySelectorAll("[data-quiz-page]"));
  var pager = form.querySelector("[data-quiz-pager]");
  var position = form.querySelector("[data-quiz-position]");
  var prev = form.querySelector("[data-quiz-prev]");
  var next = form.querySelector("[data-quiz-next]");
  var progress = document.getElementById("quiz-progress");
  var dialog = document.getElementById("quiz-dialog");
  var current = 0;

  function questions() {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question]"));
  }

  // What the executive has given so far, read from the inputs themselves.
  function answered(fieldset) {
    var fields = fieldset.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      if (f.type === "hidden") { continue; }
      if (f.type === "radio" || f.type === "checkbox") {
        if (f.checked) { return true; }
      } else if (f.value && f.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function unansweredNumbers() {
    return questions().filter(function (q) { return !answered(q); })
      .map(function (q) { return q.getAttribute("data-number"); });
  }

  function sentence(numbers) {
    if (numbers.length === 1) { return "Question " + numbers[0] + " is unanswered."; }
    return "Questions " + numbers.slice(0, -1).join(", ") + " and " +
      numbers[numbers.length - 1] + " are unanswered.";
  }

  function refresh() {
    var all = questions();
    var done = 0;
    all.forEach(function (q) {
      var isAnswered = answered(q);
      if (isAnswered) { done += 1; }
      var link = document.getElementById("nav-q" + q.getAttribute("data-question"));
      if (link) {
        link.classList.toggle("is-answered", isAnswered);
        var label = link.querySelector(".visually-hidden");
        if (label) {
          label.textContent = ": question " + q.getAttribute("data-number") + ", " +
            (isAnswered ? "answered" : "not answered");
        }
      }
    });
    if (progress) {
      var text = "Answered " + done + " of " + all.length;
      if (progress.textContent.replace(/\s+/g, " ").trim() !== text) {
        progress.innerHTML = "Answered <strong>" + done + "</strong> of " + all.length;
      }
    }
  }

  function pageOf(questionId) {
    for (var i = 0; i < pages.length; i++) {
      if (pages[i].querySelector("#question-" + questionId)) { return i; }
    }
    return -1;
  }

  function show(index, focus) {
    if (pages.length < 2) { return; }
    current = Math.max(0, Math.min(pages.length - 1, index));
    pages.forEach(function (page, i) { page.hidden = i !== current; });
    prev.disabled = current === 0;
    next.disabled = current === pages.length - 1;
    position.textContent = "Question " + (current + 1) + " of " + pages.length;
    form.querySelectorAll(".quiz-nav-item").forEach(function (link) {
      var onPage = pageOf(link.getAttribute("data-quiz-goto")) === current;
      if (onPage) { link.setAttribute("aria-current", "step"); }
      else { link.removeAttribute("aria-current"); }
    });
    if (focus) {
      var legend = pages[current].querySelector("fieldset[data-question]");
      if (legend) {
        legend.setAttribute("tabindex", "-1");
        legend.focus({ preventScroll: true });
        legend.scrollIntoView({ block: "nearest" });
      }
    }
  }

  function goTo(questionId, focus) {
    var index = pageOf(questionId);
    if (index >= 0) { show(index, focus); }
  }

  if (pages.length > 1) {
    form.classList.add("quiz-paged");
    pager.hidden = false;
    var start = 0;
    var match = /^#question-(\d+)$/.exec(window.location.hash);
    if (match && pageOf(match[1]) >= 0) { start = pageOf(match[1]); }
    show(start, false);
    prev.addEventListener("click", function () { show(current - 1, true); });
    next.addEventListener("click", function () { show(current + 1, true); });
  }

  // The navigator and "Answer question 4" links move to that question's page.
  form.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quiz-goto]");
    if (!link) { return; }
    if (pages.length > 1) {
      event.preventDefault();
      goTo(link.getAttribute("data-quiz-goto"), true);
    } else {
      var target = document.getElementById("question-" + link.getAttribute("data-quiz-goto"));
      if (target) { target.setAttribute("tabindex", "-1"); target.focus(); }
    }
  });

  form.addEventListener("change", refresh);
  form.addEventListener("input", refresh);
  // After the autosave's out-of-band update, the page's own reading stays authoritative
  // (it also counts what is typed but not yet saved).
  document.body.addEventListener("htmx:oobAfterSwap", refresh);

  // Submitting with questions unanswered asks first, naming them.
  var confirmed = false;
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (confirmed || (submitter && submitter.name === "confirm_unanswered")) { return; }
    var missing = unansweredNumbers();
    if (!missing.length || !dialog || typeof dialog.showModal !== "function") {
      if (missing.length) {
        // No <dialog> support: the browser's own confirmation.
        if (!window.confirm(sentence(missing) + " Submit anyway?")) {
          event.preventDefault();
          return;
        }
        addConfirmation();
      }
      return;
    }
    event.preventDefault();
    dialog.querySelector("#quiz-dialog-title").textContent = sentence(missing) + " Submit anyway?";
    dialog.showModal();
  });

  function addConfirmation() {
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = "confirm_unanswered";
    field.value = "1";
    form.appendChild(field);
  }

  if (dialog) {
    dialog.querySelector("[data-quiz-confirm]").addEventListener("click", function () {
      confirmed = true;
      addConfirmation();
      dialog.close();
      form.submit();
    });
    dialog.querySelector("[data-quiz-cancel]").addEventListener("click", function () {
      dialog.close();
      var first = questions().filter(function (q) { return !answered(q); })[0];
      if (first) { goTo(first.getAttribute("data-question"), true); }
    });
  }

  // The server's confirmation (no JavaScript was needed to get there) takes the focus.
  var serverConfirm = document.getElementById("quiz-confirm");
  if (serverConfirm) { serverConfirm.focus(); }

  refresh();
})();
