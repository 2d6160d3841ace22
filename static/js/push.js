// "This device" on the Reminders page: turn web push on or off in this browser.
// The page works without this file (the list of devices and its Stop buttons are plain forms);
// asking the browser for permission and a subscription can only be done from here.
(function () {
  "use strict";

  var section = document.querySelector("[data-push]");
  if (!section) return;
  function part(name) { return section.querySelector("[data-push-" + name + "]"); }
  var status = part("status");
  var onButton = part("on");
  var offButton = part("off");

  function say(text) { status.textContent = text; }
  // The words this file shows, in the page's language: the section's data-say-* attributes (_push.html).
  function words(name) { return section.getAttribute("data-say-" + name) || ""; }
  // A reason to show the person as it is (the server's own words, or ours); anything else gets GENERIC.
  function Shown(message) { this.message = message; }
  var GENERIC = words("generic");
  function show(el, visible) { if (el) el.hidden = !visible; }

  part("needs-js").hidden = true;
  var supported = "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  if (!supported) {
    show(part("unsupported"), true);
    return;
  }
  if (Notification.permission === "denied") show(part("blocked"), true);
  show(part("controls"), true);

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": section.getAttribute("data-csrf-token") },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        answer.ok = response.ok && answer.ok !== false;
        return answer;
      });
    });
  }

  // The SHA-256 of an endpoint, as the server lists this person's devices (where the browser can work it out).
  function hashOf(text) {
    if (!window.crypto || !crypto.subtle || !window.TextEncoder) return Promise.resolve(null);
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    }, function () { return null; });
  }

  // The same worker static/js/install.js registers (the site's root is its scope): registering again is harmless.
  var registration = navigator.serviceWorker.register(section.getAttribute("data-worker-url"));

  // Mark this browser in the list if it already gets this person's reminders.
  registration.then(function (reg) {
    return reg.pushManager.getSubscription();
  }).then(function (subscription) {
    if (!subscription) return;
    return hashOf(subscription.endpoint).then(function (hash) {
      var row = hash && section.querySelector('[data-endpoint-hash="' + hash + '"]');
      if (!row) return;
      show(row.querySelector("[data-this-device]"), true);
      show(onButton, false);
      show(offButton, true);
    });
  }).catch(function () {
    show(part("controls"), false);
    show(part("unsupported"), true);
  });

  function turnOn() {
    onButton.disabled = true;
    say(words("asking"));
    // Ask first, while the click still counts as the person's own choice.
    var asked = Notification.permission === "granted" ? Promise.resolve("granted") : Notification.requestPermission();
    var replaced = null;
    var reg = null;
    Promise.resolve(asked).then(function (permission) {
      if (permission !== "granted") {
        show(part("blocked"), permission === "denied");
        throw new Shown(words("not-allowed"));
      }
      return registration;
    }).then(function (found) {
      reg = found;
      return reg.pushManager.getSubscription();
    }).then(function (old) {
      // Start afresh: the browser may still hold a subscription made for someone else who used it.
      if (!old) return null;
      replaced = old.endpoint;
      return old.unsubscribe();
    }).then(function () {
      return reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(section.getAttribute("data-public-key"))
      });
    }).then(function (subscription) {
      return post(section.getAttribute("data-subscribe-url"),
                  { subscription: subscription.toJSON(), replaces: replaced }).then(function (answer) {
        if (answer.ok) {
          window.location.reload();
          return;
        }
        subscription.unsubscribe();
        throw new Shown(answer.error || words("failed"));
      });
    }).catch(function (error) {
      onButton.disabled = false;
      say(error instanceof Shown ? error.message : GENERIC);
    });
  }

  function turnOff() {
    offButton.disabled = true;
    say(words("stopping"));
    registration.then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return window.location.reload();
      return post(section.getAttribute("data-unsubscribe-url"), { endpoint: subscription.endpoint })
        .then(function () { return subscription.unsubscribe(); })
        .then(function () { window.location.reload(); });
    }).catch(function () {
      offButton.disabled = false;
      say(words("stop-failed"));
    });
  }

  onButton.addEventListener("click", turnOn);
  offButton.addEventListener("click", turnOff);
})();
