// The trainer's authoring pages (loaded from authoring/_head.html): row menus, collapsible
// modules, drag-and-drop and Alt+arrow reordering of the course structure, and the
// question editor's answer rows. Everything here also works without it: the server pages
// keep their forms (move buttons, <details> forms); this only makes them quicker.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) { return ""; }
  }

  // ---- Row menus: a disclosure button and its panel ---------------------------------------
  function menuPanel(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }
  function closeMenu(button, focusButton) {
    var panel = menuPanel(button);
    if (!panel || button.getAttribute("aria-expanded") !== "true") { return; }
    button.setAttribute("aria-expanded", "false");
    panel.hidden = true;
    panel.querySelectorAll("details[open]").forEach(function (d) { d.open = false; });
    if (focusButton) { button.focus(); }
  }
  function closeAllMenus(except) {
    document.querySelectorAll(".au-menu-button[aria-expanded='true']").forEach(function (b) {
      if (b !== except) { closeMenu(b, false); }
    });
  }
  function openMenu(button) {
    var panel = menuPanel(button);
    if (!panel) { return; }
    closeAllMenus(button);
    button.setAttribute("aria-expanded", "true");
    panel.hidden = false;
    var first = panel.querySelector("button:not([disabled]), summary, select, a[href]");
    if (first) { first.focus(); }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".au-menu-button");
    if (button) {
      if (button.getAttribute("aria-expanded") === "true") { closeMenu(button, true); }
      else { openMenu(button); }
      return;
    }
    if (!(event.target.closest && event.target.closest(".au-menu-panel"))) { closeAllMenus(null); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var panel = event.target.closest && event.target.closest(".au-menu-panel");
    var button = panel ? document.querySelector(".au-menu-button[aria-controls='" + panel.id + "']")
      : document.querySelector(".au-menu-button[aria-expanded='true']");
    if (button && button.getAttribute("aria-expanded") === "true") {
      event.preventDefault();
      closeMenu(button, true);
    }
  });
  document.addEventListener("focusout", function (event) {
    var panel = event.target.closest && event.target.closest(".au-menu");
    if (!panel || !event.relatedTarget) { return; }
    if (!panel.contains(event.relatedTarget)) {
      var button = panel.querySelector(".au-menu-button");
      if (button) { closeMenu(button, false); }
    }
  });
  // A removal asks first: opening "Remove…" moves focus to its confirming button.
  document.addEventListener("toggle", function (event) {
    var details = event.target;
    if (details.classList && details.classList.contains("au-confirm") && details.open) {
      var confirm = details.querySelector("button[type='submit']");
      if (confirm) { confirm.focus(); }
    }
  }, true);

  // ---- The course structure ---------------------------------------------------------------
  var structure = document.querySelector(".au-structure[data-reorder-url]");
  if (structure) { initStructure(structure); }

  function initStructure(root) {
    var modulesList = root.querySelector(".au-modules");
    var status = root.querySelector("#order-status");
    var storageKey = "podium.author.collapsed." + root.getAttribute("data-course");
    root.classList.add("is-enhanced");

    // Collapsible modules, their open state remembered in this browser.
    function collapsed() {
      try { return JSON.parse(window.localStorage.getItem(storageKey) || "[]"); }
      catch (e) { return []; }
    }
    function remember(slug, isOpen) {
      var list = collapsed().filter(function (s) { return s !== slug; });
      if (!isOpen) { list.push(slug); }
      try { window.localStorage.setItem(storageKey, JSON.stringify(list)); } catch (e) { /* private mode */ }
    }
    function setOpen(module, isOpen, save) {
      var toggle = module.querySelector(".au-toggle");
      var body = document.getElementById(toggle.getAttribute("aria-controls"));
      toggle.setAttribute("aria-expanded", isOpen ? "true" : "false");
      body.hidden = !isOpen;
      if (save) { remember(module.getAttribute("data-module"), isOpen); }
    }
    var closed = collapsed();
    modules().forEach(function (module) {
      // a module holding the target of the address (#lesson-…) or a form's error stays open
      var target = window.location.hash.replace(/[^\w-]/g, "");
      var keepOpen = module.querySelector("[aria-invalid='true'], details[open]") ||
        (target && document.getElementById(target) && module.contains(document.getElementById(target)));
      if (closed.indexOf(module.getAttribute("data-module")) >= 0 && !keepOpen) {
        setOpen(module, false, false);
      }
    });
    root.addEventListener("click", function (event) {
      var toggle = event.target.closest(".au-toggle");
      if (toggle) {
        setOpen(toggle.closest(".au-module"), toggle.getAttribute("aria-expanded") !== "true", true);
      } else if (event.target.closest("[data-expand-all]")) {
        modules().forEach(function (m) { setOpen(m, true, true); });
      } else if (event.target.closest("[data-collapse-all]")) {
        modules().forEach(function (m) { setOpen(m, false, true); });
      }
    });

    function modules() { return Array.prototype.slice.call(modulesList.querySelectorAll(":scope > .au-module")); }
    function rows(list) { return Array.prototype.slice.call(list.querySelectorAll(":scope > .au-row")); }

    // After any move: numbers, counts, empty states and the menus' move buttons follow.
    function refresh() {
      var all = modules();
      var allRows = [];
      all.forEach(function (module, index) {
        var number = module.querySelector(".au-module-number");
        if (number) { number.textContent = String(index + 1); }
        var list = module.querySelector(".au-lessons");
        var its = rows(list);
        allRows = allRows.concat(its);
        list.classList.toggle("is-empty", its.length === 0);
        var empty = module.querySelector(".au-lessons-empty");
        if (empty) { empty.hidden = its.length > 0; }
        var minutes = its.reduce(function (sum, r) { return sum + Number(r.getAttribute("data-minutes") || 0); }, 0);
        var meta = module.querySelector(".au-module-meta");
        if (meta) { meta.textContent = its.length + (its.length === 1 ? " item" : " items") + " · " + minutes + " min"; }
        setMoveButtons(module.querySelector(".au-module-head .au-menu-panel"), index === 0, index === all.length - 1);
        its.forEach(function (row) {
          var select = row.querySelector(".au-move-to select");
          if (!select) { return; }
          var here = module.getAttribute("data-module");
          select.innerHTML = "";
          all.forEach(function (other) {
            if (other.getAttribute("data-module") === here) { return; }
            var option = document.createElement("option");
            option.value = other.getAttribute("data-module");
            option.textContent = other.getAttribute("data-title");
            select.appendChild(option);
          });
        });
      });
      allRows.forEach(function (row, index) {
        setMoveButtons(row.querySelector(".au-menu-panel"), index === 0, index === allRows.length - 1);
      });
    }
    function setMoveButtons(panel, first, last) {
      if (!panel) { return; }
      var buttons = panel.querySelectorAll("form[action$='/move'] button");
      if (buttons[0]) { buttons[0].disabled = first; }
      if (buttons[1]) { buttons[1].disabled = last; }
    }

    function announce(text, isError) {
      status.textContent = text;
      status.classList.toggle("is-error", !!isError);
    }

    var saving = Promise.resolve();
    function save(movedMessage) {
      var body = new URLSearchParams();
      modules().forEach(function (module) {
        var slug = module.getAttribute("data-module");
        body.append("modules", slug);
        rows(module.querySelector(".au-lessons")).forEach(function (row) {
          body.append("lessons", slug + "/" + row.getAttribute("data-lesson"));
        });
      });
      body.append("csrf_token", csrfToken());
      announce(movedMessage + " Saving…", false);
      saving = saving.then(function () {
        return fetch(root.getAttribute("data-reorder-url"), {
          method: "POST", credentials: "same-origin",
          headers: { "X-CSRF-Token": csrfToken(), "Content-Type": "application/x-www-form-urlencoded",
                     "HX-Request": "true" },
          body: body.toString()
        }).then(function (response) {
          return response.text().then(function (text) {
            var message = new DOMParser().parseFromString(text, "text/html").body.textContent.trim();
            if (response.ok) {
              announce(movedMessage + " " + (message || "Saved."), false);
              root.dispatchEvent(new CustomEvent("au:saved", { bubbles: true }));
            } else {
              announce((message ? message :
                "The new order could not be saved. Reload the page and try again."), true);
            }
          });
        }).catch(function () {
          announce("The new order could not be saved (no connection). Reload the page and try again.", true);
        });
      });
    }

    function flash(element) {
      element.classList.remove("au-moved");
      void element.offsetWidth;
      element.classList.add("au-moved");
    }
    function lessonMessage(row) {
      var list = row.parentElement;
      var its = rows(list);
      var module = row.closest(".au-module");
      return "Lesson moved to position " + (its.indexOf(row) + 1) + " of " + its.length +
        " in “" + module.getAttribute("data-title") + "”.";
    }
    function moduleMessage(module) {
      var all = modules();
      return "Module moved to position " + (all.indexOf(module) + 1) + " of " + all.length + ".";
    }

    // Keyboard: Alt+ArrowUp / Alt+ArrowDown on a focused row (or a module's heading).
    root.addEventListener("keydown", function (event) {
      if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) { return; }
      if (event.target.closest("input, select, textarea, .au-menu-panel")) { return; }
      var up = event.key === "ArrowUp";
      var row = event.target.closest(".au-row");
      if (row) {
        event.preventDefault();
        moveRow(row, up);
        return;
      }
      var head = event.target.closest(".au-module-head");
      if (head) {
        event.preventDefault();
        moveModule(head.closest(".au-module"), up);
      }
    });

    function moveRow(row, up) {
      var list = row.parentElement;
      var module = row.closest(".au-module");
      var all = modules();
      var at = all.indexOf(module);
      var sibling = up ? row.previousElementSibling : row.nextElementSibling;
      while (sibling && !sibling.classList.contains("au-row")) {
        sibling = up ? sibling.previousElementSibling : sibling.nextElementSibling;
      }
      if (sibling) {
        list.insertBefore(row, up ? sibling : sibling.nextElementSibling);
      } else {
        // past the first or last lesson: into the module before or after (opened)
        var other = all[at + (up ? -1 : 1)];
        if (!other) {
          announce(up ? "This lesson is first already." : "This lesson is last already.", false);
          return;
        }
        setOpen(other, true, true);
        var target = other.querySelector(".au-lessons");
        if (up) { target.appendChild(row); } else { target.insertBefore(row, target.firstElementChild); }
      }
      row.focus();
      refresh();
      flash(row);
      save(lessonMessage(row));
    }

    function moveModule(module, up) {
      var all = modules();
      var at = all.indexOf(module);
      var other = all[at + (up ? -1 : 1)];
      if (!other) {
        announce(up ? "This module is first already." : "This module is last already.", false);
        return;
      }
      modulesList.insertBefore(module, up ? other : other.nextElementSibling);
      module.querySelector(".au-toggle").focus();
      refresh();
      flash(module);
      save(moduleMessage(module));
    }

    // Drag and drop (SortableJS, pointer events: mouse, pen and touch alike).
    if (window.Sortable) {
      var common = { animation: 150, forceFallback: true, fallbackTolerance: 4,
                     ghostClass: "au-ghost", chosenClass: "au-chosen", dragClass: "au-dragging" };
      window.Sortable.create(modulesList, Object.assign({}, common, {
        handle: ".au-module-grip", draggable: ".au-module",
        onEnd: function (event) {
          if (event.oldIndex === event.newIndex) { return; }
          refresh();
          flash(event.item);
          save(moduleMessage(event.item));
        }
      }));
      root.querySelectorAll(".au-lessons").forEach(function (list) {
        window.Sortable.create(list, Object.assign({}, common, {
          group: "au-lessons", handle: ".au-grip", draggable: ".au-row", emptyInsertThreshold: 24,
          onEnd: function (event) {
            if (event.from === event.to && event.oldIndex === event.newIndex) { return; }
            refresh();
            flash(event.item);
            save(lessonMessage(event.item));
          }
        }));
      });
    }
    refresh();
  }

  // ---- The question editor: add and remove answer rows --------------------------------------
  document.addEventListener("click", function (event) {
    var add = event.target.closest && event.target.closest("[data-add-row]");
    if (add) {
      var list = document.getElementById(add.getAttribute("data-add-row"));
      var template = document.getElementById(add.getAttribute("data-template"));
      if (!list || !template) { return; }
      var next = 0;
      list.querySelectorAll("[data-row-index]").forEach(function (row) {
        next = Math.max(next, Number(row.getAttribute("data-row-index")) + 1);
      });
      var html = template.innerHTML.replace(/__i__/g, String(next))
        .replace(/__n__/g, String(list.querySelectorAll("[data-row-index]").length + 1));
      list.insertAdjacentHTML("beforeend", html);
      var added = list.lastElementChild;
      var first = added && added.querySelector("input, textarea");
      if (first) { first.focus(); }
      renumberAnswers(list);
      list.dispatchEvent(new Event("input", { bubbles: true }));
      return;
    }
    var remove = event.target.closest && event.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest("[data-row-index]");
      var rowsList = row && row.parentElement;
      if (!row) { return; }
      var neighbour = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      renumberAnswers(rowsList);
      var focusTarget = neighbour ? neighbour.querySelector("input, textarea") :
        document.querySelector("[data-add-row='" + rowsList.id + "']");
      if (focusTarget) { focusTarget.focus(); }
      var live = document.getElementById("answers-status");
      if (live) { live.textContent = "Row removed."; }
      rowsList.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
  function renumberAnswers(list) {
    if (!list) { return; }
    list.querySelectorAll("[data-row-index]").forEach(function (row, index) {
      var legend = row.querySelector("legend");
      if (legend) { legend.textContent = row.getAttribute("data-label") + " " + (index + 1); }
      // the first field's label carries the number too ("Answer 2", "Number 2", "Question 2")
      var label = row.querySelector(".au-answer-main .field label");
      if (label) { label.textContent = label.textContent.replace(/\s*\S+$/, " " + (index + 1)); }
    });
  }
  // "Feedback (written)" once a row's feedback has text.
  document.addEventListener("input", function (event) {
    var details = event.target.closest && event.target.closest(".au-answer-feedback");
    if (details) { details.classList.toggle("has-value", event.target.value.trim() !== ""); }
  });
})();
