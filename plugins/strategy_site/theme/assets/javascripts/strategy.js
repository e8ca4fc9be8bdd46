// strategy-site: keyboard access to Material's menu and search toggles.
// Material draws them as <label>s for hidden checkboxes, which Tab never reaches. The header
// override adds real <button>s; each clicks the original label (so Material's own handlers
// run exactly as for a mouse), and reports whether its panel is open with aria-expanded.
// Escape closes the menu and returns focus to its button. Submitting the search form moves
// focus to the first result instead of reloading the page.
(function () {
  "use strict";
  function toggleButtons() {
    return document.querySelectorAll("button[data-strategy-toggle]");
  }
  function sync() {
    toggleButtons().forEach(function (button) {
      var box = document.getElementById(button.dataset.strategyToggle);
      button.setAttribute("aria-expanded", box && box.checked ? "true" : "false");
    });
  }
  toggleButtons().forEach(function (button) {
    var id = button.dataset.strategyToggle;
    var label = document.querySelector('label.strategy-replaced[for="' + id + '"]');
    var box = document.getElementById(id);
    if (!label || !box) return;
    button.addEventListener("click", function () { label.click(); });
    box.addEventListener("change", sync);
  });
  document.addEventListener("keydown", function (event) {
    var drawer = document.getElementById("__drawer");
    if (event.key === "Escape" && drawer && drawer.checked) {
      drawer.checked = false;
      drawer.dispatchEvent(new CustomEvent("change"));
      var button = document.querySelector('button[data-strategy-toggle="__drawer"]');
      if (button) button.focus();
    }
  });
  var form = document.forms.namedItem("search");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = document.querySelector(".md-search-result__link");
      if (first) first.focus();
    });
  }
  sync();
})();
