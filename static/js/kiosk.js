/* Kiosk screen: one question per screen with big labelled buttons, thank-you, idle reset with a countdown,
   a language switch, and a staff panel behind a long press on the top-left corner. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kiosk-data").textContent);
  var S = data.settings, stage = document.getElementById("stage");
  var LANG_NAMES = { vi: "Tiếng Việt", en: "English" };
  var GUARD_MS = 450;  // taps right after a screen change are ignored: no double responses from double taps
  var THANKS_GUARD_MS = 500;  // the thank-you screen swallows the rest of a double or triple tap
  // After a tap on the thank-you screen the start screen takes taps sooner: the kiosk is ready for the next
  // person about 0.8 s after a submit (SPEC P4: ≤ 1 s), and a burst of taps shorter than that rates once.
  var NEXT_GUARD_MS = 300;
  var MOUTHS = { f1: "M30 72Q50 54 70 72", f2: "M32 70Q50 62 68 70", f3: "M32 66H68",
                 f4: "M32 60Q50 74 68 60", f5: "M28 56Q50 84 72 56" };
  var lang = S.lang, response = null, groups = [], at = 0, trail = [], screen = "start";
  var readyAt = 0, lastInput = Date.now(), thanksTimer = null;
  var attribution = JSON.parse(localStorage.getItem("kiosk-attribution") || "{}");
  if (data.token) { localStorage.setItem("kiosk-token", data.token); }

  var outbox = new window.KioskOutbox({
    api: data.api, heartbeat: data.heartbeat, token: data.token || localStorage.getItem("kiosk-token"),
    retryMaxSeconds: S.retry_max_seconds, onChange: function () { refreshStatus(); }
  });

  function t(key, vars) {
    var text = data.strings[lang][key] || key;
    Object.keys(vars || {}).forEach(function (k) { text = text.replace("{" + k + "}", vars[k]); });
    return text;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; }
      else if (k === "on") { node.addEventListener("click", guarded(attrs[k])); }
      else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(c); } });
    return node;
  }

  function guarded(fn) {
    return function (ev) { if (Date.now() >= readyAt) { fn(ev); } };
  }

  function face(kind) {
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("class", "k-face");
    svg.setAttribute("aria-hidden", "true");
    var parts = [["circle", { cx: 50, cy: 50, r: 46, "class": "k-face-bg" }],
                 ["circle", { cx: 35, cy: 40, r: 6 }], ["circle", { cx: 65, cy: 40, r: 6 }],
                 ["path", { d: MOUTHS[kind], "class": "k-mouth" }]];
    parts.forEach(function (p) {
      var node = document.createElementNS(ns, p[0]);
      Object.keys(p[1]).forEach(function (k) { node.setAttribute(k, p[1][k]); });
      svg.appendChild(node);
    });
    return svg;
  }

  function asked(answers) { return window.surveyAsked(data.questions, answers, data.implied); }

  function sameGates(a, b) { return JSON.stringify(a.conditions) === JSON.stringify(b.conditions); }

  // A free-text item joins the screen before it when both are asked under the same conditions (reasons + comment).
  data.questions.forEach(function (q) {
    var last = groups[groups.length - 1];
    if (q.free_text && last && sameGates(last[0], q)) { last.push(q); } else { groups.push([q]); }
  });

  function groupAsked(i, answers) { var set = asked(answers); return groups[i].some(function (q) { return set[q.code]; }); }

  function nextGroup(from) {
    for (var i = from; i < groups.length; i += 1) { if (groupAsked(i, response.answers)) { return i; } }
    return -1;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function localIso(d) {
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var off = -d.getTimezoneOffset(), sign = off >= 0 ? "+" : "-";
    off = Math.abs(off);
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + "T" + pad(d.getHours()) + ":" +
      pad(d.getMinutes()) + ":" + pad(d.getSeconds()) + sign + pad(Math.floor(off / 60)) + ":" + pad(off % 60);
  }

  function show(name, nodes, guard) {
    guard = guard || GUARD_MS;
    screen = name;
    stage.textContent = "";
    stage.setAttribute("data-screen", name);
    stage.removeAttribute("data-ready");
    nodes.forEach(function (n) { if (n) { stage.appendChild(n); } });
    readyAt = Date.now() + guard;
    setTimeout(function () { if (screen === name) { stage.setAttribute("data-ready", "1"); } }, guard);
    document.documentElement.lang = lang;
    document.getElementById("k-foot").textContent = t("anonymous");
    document.getElementById("k-lang").textContent = LANG_NAMES[lang === "vi" ? "en" : "vi"];
  }

  function begin() {
    if (!response) { response = { id: uuid(), answers: {}, started: localIso(new Date()) }; }
  }

  var first = groups[0] && groups[0][0];
  var oneTap = !!(first && first.required && !first.multiple && !first.free_text && groups[0].length === 1);

  function showStart(guard) {
    clearTimeout(thanksTimer);
    response = null; at = 0; trail = [];
    if (oneTap) { return renderGroup(0, "start", guard); }  // a one-tap rating: the question is the start screen
    show("start", [el("h1", { "class": "k-title", text: t("title") }),
                   el("button", { type: "button", "class": "k-btn k-primary k-big", "data-action": "start",
                                  text: t("start"), on: function () { begin(); go(nextGroup(0)); } })], guard);
  }

  function go(i) {
    if (i < 0) { return submit(false); }
    if (screen !== "start" || at !== i) { trail.push(at); }
    at = i;
    renderGroup(i, "question");
  }

  function answer(code, value, advance) {
    begin();
    response.answers[code] = value;
    if (advance) { go(nextGroup(at + 1)); }
  }

  function optionButton(q, o, big) {
    var chosen = response && response.answers[q.code];
    var pressed = Array.isArray(chosen) ? chosen.indexOf(o.code) >= 0 : chosen === o.code;
    var cls = "k-opt" + (o.face ? " k-" + o.face : "") + (big ? "" : " k-quiet") + (pressed ? " k-on" : "");
    var btn = el("button", { type: "button", "class": cls, "data-code": String(o.code), "data-item": q.code,
                             "aria-pressed": pressed ? "true" : "false" },
                 [o.face ? face(o.face) : null, el("span", { "class": "k-opt-label", text: o.label[lang] })]);
    btn.addEventListener("click", guarded(function () {
      if (q.multiple) {
        begin();
        var list = (response.answers[q.code] || []).slice(), k = list.indexOf(o.code);
        if (k >= 0) { list.splice(k, 1); } else { list.push(o.code); }
        response.answers[q.code] = list;
        btn.classList.toggle("k-on", k < 0);
        btn.setAttribute("aria-pressed", k < 0 ? "true" : "false");
      } else {
        answer(q.code, o.code, true);
      }
    }));
    return btn;
  }

  function renderGroup(i, name, guard) {
    var group = groups[i], first = group[0], nodes = [], needsNext = false;
    var total = groups.length;
    if (total > 2 && name !== "start") {
      nodes.push(el("p", { "class": "k-progress", text: t("progress", { n: i + 1, total: total }) }));
    }
    group.forEach(function (q) {
      if (q.section && name !== "start" && total > 2 && !q.free_text) { nodes.push(el("p", { "class": "k-section", text: q.section[lang] })); }
      var sub = q !== first && q.free_text;  // a comment joined to the screen reads as a sub-question
      nodes.push(el(name === "start" ? "h1" : sub ? "h3" : "h2",
                    { "class": sub ? "k-subq" : "k-question", id: "q-" + q.code, text: q.text[lang] }));
      if (q.free_text) {
        var area = el("textarea", { "class": "k-text", rows: "3", maxlength: String(q.max_length || 500),
                                    placeholder: t("type_here"), "data-item": q.code, "aria-labelledby": "q-" + q.code });
        area.value = (response && response.answers[q.code]) || "";
        area.addEventListener("input", function () { begin(); response.answers[q.code] = area.value; });
        nodes.push(area);
        needsNext = true;
        return;
      }
      if (q.multiple) { nodes.push(el("p", { "class": "k-hint", text: t("choose_any") })); needsNext = true; }
      var main = q.options.filter(function (o) { return o.code !== 9 || q.type === "single" || q.multiple; });
      var quiet = q.options.filter(function (o) { return main.indexOf(o) < 0; });
      nodes.push(el("div", { "class": "k-options" + (q.multiple ? " k-chips" : "") + (q.options.length && q.options[0].face ? " k-faces" : ""),
                             role: "group", "aria-labelledby": "q-" + q.code },
                    main.map(function (o) { return optionButton(q, o, true); })));
      if (quiet.length && !q.required) {
        nodes.push(el("div", { "class": "k-quiet-row" }, quiet.map(function (o) { return optionButton(q, o, false); })));
      }
    });
    var nav = el("div", { "class": "k-nav" });
    if (name !== "start" && trail.length) {
      nav.appendChild(el("button", { type: "button", "class": "k-btn", "data-action": "back", text: t("back"),
                                     on: function () { at = trail.pop(); renderGroup(at, oneTap && at === 0 ? "start" : "question"); } }));
    }
    if (needsNext) {
      var last = nextGroup(i + 1) < 0;
      nav.appendChild(el("button", { type: "button", "class": "k-btn k-primary", "data-action": last ? "send" : "next",
                                     text: last ? t("send") : t("next"), on: function () { begin(); go(nextGroup(i + 1)); } }));
    }
    nodes.push(nav);
    show(name, nodes, guard);
  }

  function pruned(answers) {
    var set = asked(answers), out = {};
    Object.keys(answers).forEach(function (code) {
      var v = answers[code];
      if (!set[code] || v === "" || (Array.isArray(v) && !v.length)) { return; }
      out[code] = typeof v === "string" ? v.normalize("NFC").trim() : v;
      if (out[code] === "") { delete out[code]; }
    });
    return out;
  }

  function submit(quiet) {
    var current = response;
    response = null;
    if (!current || !Object.keys(pruned(current.answers)).length) { return showStart(); }
    var body = { id: current.id, instrument: data.instrument, version: data.version, channel: "kiosk",
                 submitted_at: localIso(new Date()), answers: pruned(current.answers) };
    if (current.started) { body.started_at = current.started; }  // quality flag: completion time
    if (attribution.counter) { body.counter = attribution.counter; }
    if (attribution.officer) { body.officer = attribution.officer; }
    var stored = outbox.add(body);
    if (quiet) { return stored.then(showStart, showStart); }
    showThanks();
    return stored;
  }

  function showThanks() {
    show("thanks", [el("div", { "class": "k-check", "aria-hidden": "true", text: "✓" }),
                    el("h1", { "class": "k-title", text: t("thanks") }),
                    el("p", { "class": "k-lead", text: t("thanks_more") })], THANKS_GUARD_MS);
    thanksTimer = setTimeout(function () { if (screen === "thanks") { showStart(); } }, S.thanks_seconds * 1000);
  }

  stage.addEventListener("click", function () {
    if (screen === "thanks" && Date.now() >= readyAt) { showStart(NEXT_GUARD_MS); }
  });

  // Idle: after idle_seconds without a touch a partial response is dropped (or sent, per idle_action).
  var idleBox = document.getElementById("k-idle"), idleCount = document.getElementById("k-idle-count");
  var countdown = Math.min(10, Math.max(3, Math.round(S.idle_seconds / 3)));
  // Full screen needs a user gesture: the first touch asks for it (a kiosk browser may already be full screen).
  document.addEventListener("pointerdown", function () {
    var root = document.documentElement;
    if (S.fullscreen !== false && document.fullscreenEnabled && !document.fullscreenElement && root.requestFullscreen) {
      root.requestFullscreen().catch(function () {});
    }
  }, { once: true });
  ["pointerdown", "keydown", "input"].forEach(function (ev) {
    document.addEventListener(ev, function () { lastInput = Date.now(); if (!idleBox.hidden) { idleBox.hidden = true; } }, true);
  });
  document.getElementById("k-idle-continue").addEventListener("click", function () { idleBox.hidden = true; });
  setInterval(function () {
    var left = S.idle_seconds * 1000 - (Date.now() - lastInput);
    var busy = screen === "question" || (screen === "start" && response);
    if (!busy) {
      if (screen === "start" && lang !== S.lang && left <= 0) { lang = S.lang; showStart(); }
      idleBox.hidden = true;
      return;
    }
    if (left <= 0) {
      idleBox.hidden = true;
      lang = S.lang;
      if (S.idle_action === "submit") { submit(true); } else { response = null; showStart(); }
      return;
    }
    if (left <= countdown * 1000) {
      document.getElementById("k-idle-title").textContent = t("still_there");
      document.getElementById("k-idle-continue").textContent = t("continue");
      idleCount.textContent = t("restart_in", { n: Math.ceil(left / 1000) });
      idleBox.hidden = false;
    }
  }, 250);

  document.getElementById("k-lang").addEventListener("click", function () {
    lang = lang === "vi" ? "en" : "vi";
    if (screen === "thanks") { showThanks(); } else if (screen === "start" && !response) { showStart(); }
    else { renderGroup(at, screen); }
  });

  var staffPanel = window.KioskStaff({ panel: document.getElementById("k-staff"), corner: document.getElementById("staff-corner"),
                                      outbox: outbox, t: t, el: el, counters: S.counters, device: data.device.name,
                                      pin: S.staff_pin, lang: function () { return lang; },
                                      attribution: function () { return attribution; },
                                      save: function (value) { attribution = value; localStorage.setItem("kiosk-attribution", JSON.stringify(value)); } });

  function refreshStatus() {
    outbox.counts().then(function (c) {
      document.body.setAttribute("data-queue", String(c.pending));
      document.body.setAttribute("data-rejected", String(c.rejected));
      staffPanel.update(c);
    });
  }

  window.addEventListener("online", function () { outbox.flush(true); });
  setInterval(function () { outbox.heartbeat(); outbox.flush(); }, 60000);

  if ("serviceWorker" in navigator && data.sw) {
    navigator.serviceWorker.register(data.sw, { scope: "./" }).then(function (reg) {
      var assets = [location.pathname].concat(Array.prototype.map.call(
        document.querySelectorAll("link[rel=stylesheet], script[src], link[rel=manifest]"),
        function (n) { return n.href || n.src; }));
      var worker = reg.active || reg.waiting || reg.installing;
      if (worker) { worker.postMessage({ type: "precache", urls: assets }); }
      navigator.serviceWorker.ready.then(function (r) { r.active.postMessage({ type: "precache", urls: assets }); });
    }).catch(function () {});
  }

  window.kiosk = { outbox: outbox, state: function () { return { screen: screen, response: response, lang: lang }; } };
  showStart();
  outbox.flush(true);
  outbox.heartbeat();
  refreshStatus();
})();
