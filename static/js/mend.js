// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // Quick exit: leave at once, replacing this page in history so "Back" doesn't return here.
  function quickExit(event) {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) return;
    if (event) event.preventDefault();
    document.body.hidden = true;
    window.location.replace(link.href);
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-quick-exit]");
    if (target) quickExit(event);
  });
  // Pressing Esc three times within 1.5 seconds also exits.
  var escTimes = [];
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    escTimes = escTimes.filter(function (t) { return now - t < 1500; });
    escTimes.push(now);
    if (escTimes.length >= 3) quickExit();
  });

  // Offer the browser's own time zone when the form still shows the default.
  var tzSelect = document.querySelector("select[data-browser-timezone]");
  if (tzSelect && window.Intl && Intl.DateTimeFormat) {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var hasOption = tz && Array.prototype.some.call(tzSelect.options, function (o) { return o.value === tz; });
    if (hasOption && (tzSelect.value === "UTC" || !tzSelect.value) && !tzSelect.closest(".has-error")) {
      tzSelect.value = tz;
    }
  }

  // On wide screens the main menu is always open.
  var menu = document.querySelector("details.menu");
  if (menu && window.matchMedia) {
    var wide = window.matchMedia("(min-width: 48rem)");
    var sync = function () { menu.open = wide.matches; };
    sync();
    if (wide.addEventListener) wide.addEventListener("change", sync);
  }

  // Copy buttons (hidden without JavaScript, where the text can be selected by hand).
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = "Copied";
      });
    });
  });

  // Move focus to a form's error summary so screen readers hear it first.
  var errors = document.getElementById("form-errors");
  if (errors) errors.focus();
})();
