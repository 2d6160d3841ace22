// The plan for hard days (templates/plan/index.html): a Print button, and, only when the person asks for
// it, a copy of their plan kept on this device for when there's no connection. Without this file (or
// without JavaScript) the plan reads and prints the same; nothing is ever kept.
//
// The choice is per device and per person: localStorage holds the id of the person who chose it. The
// copy lives in the "mend-plan" cache; the service worker (templates/pwa/sw.js) shows it offline, and
// empties every cache when someone logs out or lands on the login page.
(function () {
  "use strict";
  var CACHE = "mend-plan";
  var KEY = "mend-plan-offline";

  var printButton = document.querySelector("[data-plan-print]");
  if (printButton && typeof window.print === "function") {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }

  var box = document.querySelector("[data-plan-offline]");
  var toggle = box && box.querySelector("input[data-plan-owner]");
  if (!toggle || !("caches" in window) || !("serviceWorker" in navigator)) return;
  var storage;
  try {
    storage = window.localStorage;
    storage.getItem(KEY);
  } catch (e) {
    return;  // private browsing that refuses storage: offer nothing
  }
  var owner = toggle.getAttribute("data-plan-owner");
  var files = (box.getAttribute("data-plan-files") || "").split(" ").filter(Boolean);
  var status = box.querySelector("[data-plan-offline-status]");

  // The words come from the page (data-say-*, in the reader's language), so this file holds none.
  function say(key) {
    if (status) status.textContent = status.getAttribute("data-say-" + key) || "";
  }

  // Fetch the plan page and its own files now, and keep them; a page that isn't the plan (the session
  // ended, so it sent the login page instead) is never kept.
  function keep() {
    return caches.open(CACHE).then(function (cache) {
      return Promise.all(files.map(function (path) {
        return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
          if (!response.ok || response.redirected) throw new Error("not kept");
          return cache.put(path, response);
        });
      }));
    });
  }

  function forget() {
    return caches.delete(CACHE);
  }

  function chosen() {
    return storage.getItem(KEY) === owner;
  }

  box.hidden = false;
  toggle.checked = chosen();
  if (chosen()) {
    keep().then(function () { say("kept"); }, function () {
      say("not-updated");
    });
  } else {
    forget();  // someone else's choice, or none: nothing of a plan stays on this device
  }

  toggle.addEventListener("change", function () {
    if (toggle.checked) {
      storage.setItem(KEY, owner);
      say("keeping");
      keep().then(function () {
        say("done");
      }, function () {
        storage.removeItem(KEY);
        toggle.checked = false;
        forget();
        say("not-kept");
      });
    } else {
      storage.removeItem(KEY);
      forget().then(function () { say("forgotten"); });
    }
  });
})();
