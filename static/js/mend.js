// Small enhancements only: every page works without this file.
(function () {
  "use strict";

  // Quick exit: hide the page at once, then leave, replacing this page in history so "Back"
  // doesn't return here. Without JavaScript the link still leaves (it just stays in history).
  function exitUrl() {
    var link = document.querySelector("[data-quick-exit]");
    return link ? link.href : null;
  }
  function hidePage() {
    document.title = "";
    document.body.hidden = true;
    // Take the words off the page too, so a screenshot or a slow exit shows nothing.
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
  }
  function quickExit(event, url) {
    url = url || exitUrl();
    if (!url) return;
    if (event) event.preventDefault();
    hidePage();
    window.location.replace(url);
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("a[data-quick-exit]");
    if (target) quickExit(event, target.href);
  });
  // "Quick exit and log out": end the session in the background, then leave the same way.
  // keepalive lets the request finish after the page has gone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-quick-logout]") || !window.fetch || !window.FormData) return;
    event.preventDefault();
    var url = form.getAttribute("data-exit-to") || exitUrl();
    var body = new FormData(form);
    body.append("quick", "1");  // the button's own name and value, which FormData leaves out
    var left = false;
    var leave = function () {
      if (left) return;
      left = true;
      window.location.replace(url);
    };
    hidePage();
    try {
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin", keepalive: true,
                           redirect: "manual" }).then(leave, leave);
    } catch (e) {
      leave();
    }
    window.setTimeout(leave, 1500);
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
  var browserZone = null;
  if (tzSelect && window.Intl && Intl.DateTimeFormat) {
    var tz = browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    var hasOption = tz && Array.prototype.some.call(tzSelect.options, function (o) { return o.value === tz; });
    if (hasOption && (tzSelect.value === "UTC" || !tzSelect.value) && !tzSelect.closest(".has-error")) {
      tzSelect.value = tz;
    }
  }

  // List the common time zones of the chosen country first, then every other zone (the server
  // does the same for the country it shows; this follows the country menu as it changes).
  var orderZones = function () {};
  var zoneMenu = document.querySelector("select[data-common-zones]");
  var zoneCountry = zoneMenu && zoneMenu.form ? zoneMenu.form.querySelector("select[name=country]") : null;
  if (zoneMenu && zoneCountry) {
    var common = {};
    try { common = JSON.parse(zoneMenu.getAttribute("data-common-zones")) || {}; } catch (e) { common = {}; }
    var allZones = Array.prototype.map.call(zoneMenu.options, function (o) { return o.value; })
      .filter(function (v, i, list) { return v && list.indexOf(v) === i; }).sort();
    var addOption = function (parent, value, label) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      parent.appendChild(option);
    };
    orderZones = function () {
      var entry = (common.countries || {})[zoneCountry.value];
      var chosen = zoneMenu.value;
      var first = {};
      zoneMenu.textContent = "";
      var rest = zoneMenu;
      if (entry) {
        var group = document.createElement("optgroup");
        group.label = entry.heading;
        entry.zones.forEach(function (z) { first[z[0]] = true; addOption(group, z[0], z[1]); });
        zoneMenu.appendChild(group);
        rest = document.createElement("optgroup");
        rest.label = common.other;
        zoneMenu.appendChild(rest);
      }
      allZones.forEach(function (z) { if (!first[z]) addOption(rest, z, z.replace(/_/g, " ")); });
      zoneMenu.value = chosen;
    };
    zoneCountry.addEventListener("change", orderZones);
  }

  // Suggest the country of the browser's time zone (first view only, until the person picks one).
  var countrySelect = document.querySelector("select[data-zone-countries]");
  if (countrySelect) {
    var zones = {};
    try { zones = JSON.parse(countrySelect.getAttribute("data-zone-countries")) || {}; } catch (e) { zones = {}; }
    var chosenByHand = !countrySelect.hasAttribute("data-suggest") || !!countrySelect.closest(".has-error");
    var suggest = function (zone) {
      if (chosenByHand || !zone || zone.indexOf("/") < 0 || zone.indexOf("Etc/") === 0) return;
      var code = zones[zone] || "ZZ";
      if (Array.prototype.some.call(countrySelect.options, function (o) { return o.value === code; })) {
        countrySelect.value = code;
        orderZones();
      }
    };
    countrySelect.addEventListener("change", function () { chosenByHand = true; });
    if (tzSelect) {
      suggest(browserZone || tzSelect.value);
      tzSelect.addEventListener("change", function () { suggest(tzSelect.value); });
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

  // On a phone the settings tabs scroll sideways: bring the current one into view.
  var currentTab = document.querySelector(".tabs [aria-current=page]");
  if (currentTab && currentTab.scrollIntoView) currentTab.scrollIntoView({block: "nearest", inline: "nearest"});

  // Copy buttons (hidden without JavaScript, where the text can be selected by hand). What the button says
  // once the text is copied comes from the page, in its language: data-copied="{{ _('Copied') }}".
  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.value).then(function () {
        button.textContent = button.getAttribute("data-copied") || "Copied";
      });
    });
  });

  // Move focus to a form's error summary so screen readers hear it first.
  var errors = document.getElementById("form-errors");
  if (errors) errors.focus();

  // A jump to #id lands just below the sticky header, however many rows the header takes at this width.
  // Without JavaScript the CSS keeps a fixed gap that clears the tallest header.
  var header = document.querySelector(".site-header");
  function fitJumps() {
    if (!header) return;
    var gap = Math.ceil(header.getBoundingClientRect().height) + 16;
    document.documentElement.style.setProperty("--jump-offset", gap + "px");
  }
  fitJumps();
  window.addEventListener("resize", fitJumps);
  if (location.hash && window.scrollY > 0) {
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && !errors) target.scrollIntoView();
  }
})();
