/* Kiosk staff panel, hidden from citizens: a long press (1.5 s) on the top-left corner, or Ctrl+Shift+S.
   Shows the outbox (waiting, refused with the server's reason), sends now, and sets counter/officer attribution.
   When the kiosk's settings hold a PIN, a keypad asks for it first; it is checked here against the salted
   SHA-256 the settings carry, so the panel opens offline too (survey/services/responses/kiosk.py). */
(function () {
  "use strict";
  var MAX_TRIES = 5, LOCK_MS = 30000, PIN_MAX = 8;

  // SHA-256 of an ASCII string as hex: WebCrypto where the page is a secure context, else this small fallback
  // (a kiosk on a plain-HTTP intranet address has no crypto.subtle).
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1,
    0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
    0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
    0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3,
    0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb,
    0xbef9a3f7, 0xc67178f2];

  function sha256Plain(text) {
    var bytes = [], i, j;
    for (i = 0; i < text.length; i += 1) { bytes.push(text.charCodeAt(i) & 255); }
    var bits = bytes.length * 8;
    bytes.push(0x80);
    while (bytes.length % 64 !== 56) { bytes.push(0); }
    for (i = 7; i >= 0; i -= 1) { bytes.push(i > 3 ? 0 : (bits >>> (i * 8)) & 255); }
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var rotr = function (x, n) { return (x >>> n) | (x << (32 - n)); };
    for (i = 0; i < bytes.length; i += 64) {
      var w = [];
      for (j = 0; j < 64; j += 1) {
        if (j < 16) {
          w[j] = (bytes[i + 4 * j] << 24) | (bytes[i + 4 * j + 1] << 16) | (bytes[i + 4 * j + 2] << 8) | bytes[i + 4 * j + 3];
        } else {
          var s0 = rotr(w[j - 15], 7) ^ rotr(w[j - 15], 18) ^ (w[j - 15] >>> 3);
          var s1 = rotr(w[j - 2], 17) ^ rotr(w[j - 2], 19) ^ (w[j - 2] >>> 10);
          w[j] = (w[j - 16] + s0 + w[j - 7] + s1) | 0;
        }
      }
      var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (j = 0; j < 64; j += 1) {
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[j] + w[j]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h = [h[0] + a, h[1] + b, h[2] + c, h[3] + d, h[4] + e, h[5] + f, h[6] + g, h[7] + k].map(function (x) { return x | 0; });
    }
    return h.map(function (x) { return ("00000000" + (x >>> 0).toString(16)).slice(-8); }).join("");
  }

  function sha256(text) {
    if (window.crypto && crypto.subtle && window.isSecureContext) {
      return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)).then(function (buf) {
        return Array.prototype.map.call(new Uint8Array(buf), function (x) { return (x + 256).toString(16).slice(1); }).join("");
      });
    }
    return Promise.resolve(sha256Plain(text));
  }

  window.KioskStaff = function (o) {
    var panel = o.panel, t = o.t, el = o.el, outbox = o.outbox, pressTimer = null;
    var pin = o.pin, typed = "", tries = 0, lockedUntil = 0, unlocked = false;

    function open() {
      panel.hidden = false;
      if (pin && !unlocked) { typed = ""; keypad(""); return; }
      outbox.counts().then(render);
    }

    function close() { panel.hidden = true; unlocked = false; typed = ""; }

    o.corner.addEventListener("pointerdown", function () { pressTimer = setTimeout(open, 1500); });
    ["pointerup", "pointerleave", "pointercancel"].forEach(function (ev) {
      o.corner.addEventListener(ev, function () { clearTimeout(pressTimer); });
    });
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey && ev.shiftKey && (ev.key === "S" || ev.key === "s")) { ev.preventDefault(); open(); return; }
      if (panel.hidden || !pin || unlocked) { return; }
      if (/^[0-9]$/.test(ev.key)) { press(ev.key); } else if (ev.key === "Backspace") { press("del"); }
      else if (ev.key === "Enter") { press("ok"); } else if (ev.key === "Escape") { close(); }
    });

    function keypad(message) {
      var keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"];
      panel.textContent = "";
      panel.appendChild(el("div", { "class": "k-dialog k-pin", id: "staff-pin", role: "dialog", "aria-labelledby": "staff-pin-title" }, [
        el("h2", { id: "staff-pin-title", text: t("staff_pin_title") }),
        el("p", { "class": "k-pin-dots", id: "staff-pin-dots", "aria-live": "polite",
                  text: typed ? new Array(typed.length + 1).join("●") : "—" }),
        el("p", { "class": "k-pin-message", id: "staff-pin-message", role: "alert", text: message || "" }),
        el("div", { "class": "k-keypad" }, keys.map(function (key) {
          var label = key === "del" ? t("staff_pin_delete") : key === "ok" ? t("staff_pin_open") : key;
          var button = el("button", { type: "button", "class": "k-key" + (key === "ok" ? " k-primary" : ""),
                                      "data-key": key, text: label });
          button.addEventListener("click", function () { press(key); });
          return button;
        })),
        el("div", { "class": "k-nav" }, [el("button", { type: "button", "class": "k-btn", id: "staff-pin-cancel",
                                                        text: t("staff_close") })])]));
      document.getElementById("staff-pin-cancel").addEventListener("click", close);
    }

    function press(key) {
      var now = Date.now();
      if (now < lockedUntil) { return keypad(t("staff_pin_locked", { n: Math.ceil((lockedUntil - now) / 1000) })); }
      if (key === "del") { typed = typed.slice(0, -1); return keypad(""); }
      if (key !== "ok") { if (typed.length < PIN_MAX) { typed += key; } return keypad(""); }
      var attempt = typed;
      typed = "";
      sha256(pin.salt + ":" + attempt).then(function (hex) {
        if (attempt && hex === pin.sha256) {
          tries = 0; unlocked = true;
          outbox.counts().then(render);
          return;
        }
        tries += 1;
        if (tries >= MAX_TRIES) { tries = 0; lockedUntil = Date.now() + LOCK_MS; }
        keypad(Date.now() < lockedUntil ? t("staff_pin_locked", { n: LOCK_MS / 1000 }) : t("staff_pin_wrong"));
      });
    }

    function field(key, label) {
      var input = el("input", { type: "text", id: "staff-" + key, maxlength: key === "counter" ? "40" : "80",
                                list: key === "counter" ? "staff-counters" : "" });
      input.value = o.attribution()[key] || "";
      return el("label", { "class": "k-field" }, [el("span", { text: label }), input]);
    }

    function refused(r) {
      return el("li", {}, [el("code", { text: r.id.slice(0, 8) + " · " + r.error.status }),
                           el("span", { text: " " + r.error.text.slice(0, 160) + " " }),
                           el("button", { type: "button", "class": "k-btn", text: t("staff_retry"), on: function () { outbox.retry(r.id); } }),
                           el("button", { type: "button", "class": "k-btn", text: t("staff_discard"), on: function () { outbox.remove(r.id); } })]);
    }

    // The last delivery survives a reload (kiosk-outbox.js keeps it): its date is shown when it was not today.
    function lastSent() {
      var at = outbox.lastDelivered, locale = o.lang() === "en" ? "en-GB" : "vi-VN";
      if (!at) { return t("staff_never"); }
      return at.toDateString() === new Date().toDateString() ? at.toLocaleTimeString(locale) : at.toLocaleString(locale);
    }

    function render(c) {
      panel.textContent = "";
      panel.appendChild(el("div", { "class": "k-dialog k-staff-box", role: "dialog", "aria-label": t("staff_title") }, [
        el("h2", { text: t("staff_title") + " — " + o.device }),
        el("p", { "class": "k-status", id: "staff-status" }, [
          el("strong", { id: "staff-pending", text: String(c.pending) }), el("span", { text: " " + t("staff_waiting") + " · " }),
          el("strong", { id: "staff-rejected", text: String(c.rejected) }), el("span", { text: " " + t("staff_rejected") + " · " }),
          el("span", { text: (outbox.online ? t("staff_online") : t("staff_offline")) + " · " + t("staff_last_sent") + ": " }),
          el("span", { id: "staff-last-sent", text: lastSent() })]),
        el("ul", { "class": "k-rejected" }, c.rows.filter(function (r) { return r.state !== "pending"; }).map(refused)),
        el("h3", { text: t("staff_attribution") }), field("counter", t("staff_counter")),
        el("datalist", { id: "staff-counters" }, o.counters.map(function (n) { return el("option", { value: n }); })),
        field("officer", t("staff_officer")),
        el("div", { "class": "k-nav" }, [
          el("button", { type: "button", "class": "k-btn", text: t("staff_send_now"), on: function () { outbox.flush(true); } }),
          el("button", { type: "button", "class": "k-btn", id: "staff-save", text: t("staff_save"), on: function () {
            o.save({ counter: document.getElementById("staff-counter").value.trim(),
                     officer: document.getElementById("staff-officer").value.trim() });
          } }),
          el("button", { type: "button", "class": "k-btn k-primary", id: "staff-close", text: t("staff_close"),
                         on: close })])]));
    }

    return { update: function (c) { if (!panel.hidden && (!pin || unlocked)) { render(c); } } };
  };
  window.KioskStaff.digest = sha256Plain;  // the fallback, checked against Python's hashlib by the browser test
})();
