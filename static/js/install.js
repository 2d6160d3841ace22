// Register Mend's service worker (templates/pwa/sw.js): it lets Mend be added to a home screen,
// shows a kind page when there is no connection, and shows reminders sent by web push.
// Without it (or without JavaScript) every page still works the same.
(function () {
  "use strict";
  var script = document.currentScript;
  var worker = script && script.getAttribute("data-worker");
  if (!worker || !("serviceWorker" in navigator)) return;
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(worker)  // its scope: the folder it is served from, the site's root
      .catch(function () { /* e.g. plain http on another machine: Mend works as a normal site */ });
  });
})();
