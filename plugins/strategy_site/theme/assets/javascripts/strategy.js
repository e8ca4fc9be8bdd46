// strategy-site: keyboard and screen reader access to Material's menu, search, colour scheme
// and scrolling boxes. Material opens and closes its panels with hidden checkboxes and
// <label>s, which Tab never reaches and which have no role or state. The theme overrides
// (plugins/strategy_site/theme/) write real <button>s instead; this script makes them work:
//
// - a button with data-strategy-toggle (the header's menu and search) or data-strategy-for
//   (the menu's sections, back arrows and the phone's table of contents) flips the checkbox it
//   names, so Material's stylesheet and script work as before, and reports it with
//   aria-expanded; anything with data-strategy-close (the overlays, the menu's title bar and
//   its close button, search's back arrow) unchecks it;
// - the phone menu is a dialog: while it is open, everything outside it is inert and focus
//   stays in its open panel (the stylesheet hides the panels beneath); opening a panel moves
//   focus to its back button, going back returns it to the button that opened the panel, and
//   Escape closes the menu and returns focus to the menu button;
// - opening search moves focus to the search box, closing it returns focus to the search
//   button (search itself is assets/javascripts/search.js); on a phone, where search covers
//   the page, it is a modal dialog while open (everything else inert, as for the menu), and on
//   a desktop, where it is a panel below the header's box, it is no dialog at all;
// - the colour scheme button clicks Material's (hidden) radio for the next scheme, and takes
//   that scheme's icon and name;
// - a table's or diagram's box (data-strategy-scroll) is a labelled, focusable region only
//   while it scrolls, so a reader can scroll it with the keyboard, and meets no extra tab stop
//   when it does not.
(function () {
  "use strict";
  var phoneMenu = window.matchMedia("(max-width: 76.234375em)");
  var drawer = document.getElementById("__drawer");
  var search = document.getElementById("__search");
  var menuButton = document.querySelector('button[data-strategy-toggle="__drawer"]');
  var searchButton = document.querySelector('button[data-strategy-toggle="__search"]');
  var sidebar = document.querySelector(".md-sidebar--primary");
  var focusable = "a[href], button:not([disabled]), input:not([type=hidden]):not([hidden]), " +
    "select, textarea, [tabindex]:not([tabindex='-1'])";

  // On screen, or about to be: a panel that is sliding in is still see-through.
  function shown(el) {
    return el.getClientRects().length > 0 && el.checkVisibility({ visibilityProperty: true });
  }

  function setChecked(box, checked) {
    if (!box || box.checked === checked) return;
    box.checked = checked;
    box.dispatchEvent(new Event("change"));
  }

  function syncExpanded() {
    document.querySelectorAll("button[data-strategy-toggle], button[data-strategy-for]" +
      ":not([data-strategy-back])").forEach(function (button) {
      var box = document.getElementById(button.dataset.strategyToggle ||
        button.dataset.strategyFor);
      if (box) button.setAttribute("aria-expanded", box.checked ? "true" : "false");
    });
  }

  // --- the phone menu as a dialog ----------------------------------------------------------

  // Everything but `inside` (and its ancestors) made inert; undo() gives it all back.
  function containIn(inside) {
    var madeInert = [];
    for (var node = inside; node && node !== document.body; node = node.parentElement) {
      Array.prototype.forEach.call(node.parentElement.children, function (sibling) {
        if (sibling === node || sibling.inert || sibling.classList.contains("md-overlay") ||
            sibling.matches("input, script")) return;
        sibling.inert = true;
        madeInert.push(sibling);
      });
    }
    return function undo() { madeInert.forEach(function (el) { el.inert = false; }); };
  }

  var releaseMenu = null;
  function containInMenu(open) {
    if (releaseMenu) releaseMenu();
    releaseMenu = open && sidebar ? containIn(sidebar) : null;
  }

  function firstShown(container) {
    var candidates = container.querySelectorAll(focusable);
    for (var i = 0; i < candidates.length; i++) {
      if (shown(candidates[i])) return candidates[i];
    }
    return null;
  }

  function onDrawerChange() {
    var open = drawer.checked && phoneMenu.matches;
    containInMenu(open);
    if (open) {
      var first = firstShown(sidebar);
      if (first) first.focus();
    } else if (sidebar && sidebar.contains(document.activeElement) && menuButton &&
               shown(menuButton)) {
      menuButton.focus();
    }
  }

  // A panel of the phone menu opened or closed by one of its buttons.
  function movedPanel(button, box) {
    if (!(drawer && drawer.checked && phoneMenu.matches)) return;
    if (box.checked) {
      var item = box.parentElement;
      var back = item && item.querySelector(":scope > .md-nav > [data-strategy-back]");
      if (back && shown(back)) back.focus({ preventScroll: true });
    } else {
      var opener = sidebar.querySelector('button[data-strategy-for="' + box.id + '"]' +
        ":not([data-strategy-back])");
      if (opener && shown(opener)) opener.focus({ preventScroll: true });
    }
  }

  // --- buttons ------------------------------------------------------------------------------

  document.querySelectorAll("button[data-strategy-toggle]").forEach(function (button) {
    var box = document.getElementById(button.dataset.strategyToggle);
    button.addEventListener("click", function () { setChecked(box, !box.checked); });
  });

  document.querySelectorAll("button[data-strategy-for]").forEach(function (button) {
    var box = document.getElementById(button.dataset.strategyFor);
    if (!box) return;
    button.addEventListener("click", function () {
      setChecked(box, "strategyBack" in button.dataset ? false : !box.checked);
      syncExpanded();
      movedPanel(button, box);
    });
  });

  document.querySelectorAll("[data-strategy-close]").forEach(function (el) {
    el.addEventListener("click", function (event) {
      if (el.tagName !== "BUTTON" && event.target.closest("a, button")) return;
      setChecked(document.getElementById(el.dataset.strategyClose), false);
    });
  });

  [drawer, search].forEach(function (box) {
    if (box) box.addEventListener("change", syncExpanded);
  });
  if (drawer) {
    drawer.addEventListener("change", onDrawerChange);
    phoneMenu.addEventListener("change", onDrawerChange);
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (drawer && drawer.checked) {
      setChecked(drawer, false);
      if (menuButton && shown(menuButton)) menuButton.focus();
    }
  });

  // --- search -------------------------------------------------------------------------------

  var searchDialog = document.querySelector("[data-strategy-search]");
  var releaseSearch = null;
  function searchAsDialog(open) {
    if (releaseSearch) releaseSearch();
    releaseSearch = null;
    if (!searchDialog) return;
    if (open) {
      searchDialog.setAttribute("role", "dialog");
      searchDialog.setAttribute("aria-modal", "true");
      searchDialog.setAttribute("aria-label", searchDialog.dataset.strategyLabel);
      releaseSearch = containIn(searchDialog);
    } else {
      ["role", "aria-modal", "aria-label"].forEach(function (name) {
        searchDialog.removeAttribute(name);
      });
    }
  }

  if (search) {
    search.addEventListener("change", function () {
      var box = document.querySelector(".md-search__input");
      // The Search button is shown where search covers the page (phones, tablets).
      searchAsDialog(search.checked && Boolean(searchButton && shown(searchButton)));
      if (search.checked) {
        if (box) box.focus();
      } else if (searchButton && shown(searchButton) &&
                 (document.activeElement === document.body ||
                  document.activeElement.closest(".md-search"))) {
        searchButton.focus();
      }
    });
  }

  // --- colour scheme ------------------------------------------------------------------------

  var paletteButton = document.querySelector(".strategy-palette-toggle");
  var options = document.querySelectorAll(".strategy-palette-option");
  function current() {
    for (var i = 0; i < options.length; i++) if (!options[i].hidden) return options[i];
    return null;
  }
  function syncPalette() {
    var option = current();
    if (!option || !paletteButton) return;
    paletteButton.setAttribute("aria-label", option.dataset.strategyName);
    paletteButton.setAttribute("title", option.dataset.strategyName);
    paletteButton.innerHTML = option.innerHTML;
  }
  if (paletteButton && options.length) {
    paletteButton.addEventListener("click", function () {
      var option = current();
      var next = option && document.getElementById(option.dataset.strategyNext);
      if (next) next.click();
    });
    var watcher = new MutationObserver(syncPalette);
    options.forEach(function (option) {
      watcher.observe(option, { attributes: true, attributeFilter: ["hidden"] });
    });
    syncPalette();
  }

  // --- scrolling boxes ----------------------------------------------------------------------

  function syncScroll(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls) {
      box.setAttribute("role", "region");
      box.setAttribute("tabindex", "0");
      box.setAttribute("aria-labelledby", box.dataset.strategyScroll);
    } else {
      box.removeAttribute("role");
      box.removeAttribute("tabindex");
      box.removeAttribute("aria-labelledby");
    }
  }
  var boxes = document.querySelectorAll("[data-strategy-scroll]");
  if (window.ResizeObserver) {
    var resized = new ResizeObserver(function (entries) {
      entries.forEach(function (entry) {
        syncScroll(entry.target.closest("[data-strategy-scroll]"));
      });
    });
    boxes.forEach(function (box) {
      resized.observe(box);
      if (box.firstElementChild) resized.observe(box.firstElementChild);
    });
  }
  boxes.forEach(syncScroll);

  syncExpanded();
})();
