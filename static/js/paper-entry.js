/* Paper entry: codes typed from the keyboard, checked as they are typed, routing applied, saved without reloading. */
(function () {
  "use strict";
  var form = document.getElementById("paper-form");
  if (!form) { return; }
  var implied = JSON.parse(form.getAttribute("data-implied") || "{}");
  var rows = Array.prototype.slice.call(form.querySelectorAll(".pe-row"));
  var questions = rows.map(function (row) {
    return { code: row.getAttribute("data-item"), conditions: JSON.parse(row.getAttribute("data-conditions") || "[]"),
             codes: (row.getAttribute("data-codes") || "").split(",").filter(Boolean).map(Number),
             multiple: row.getAttribute("data-multiple") === "1", text: row.getAttribute("data-text") === "1",
             row: row, input: row.querySelector("input, textarea"), msg: row.querySelector(".pe-msg") };
  });
  var count = 0, longest = {};
  questions.forEach(function (q) { longest[q.code] = Math.max.apply(null, q.codes.map(function (c) { return String(c).length; }).concat([1])); });

  function parse(q) {
    var raw = q.input.value.trim();
    if (!raw || q.text) { return raw || undefined; }
    if (q.multiple) { return raw.split(/[\s,;]+/).filter(Boolean).map(function (x) { return /^\d+$/.test(x) ? Number(x) : x; }); }
    return /^\d+$/.test(raw) ? Number(raw) : raw;
  }

  function problem(q) {
    var v = parse(q);
    if (v === undefined || q.text) { return ""; }
    var list = Array.isArray(v) ? v : [v];
    var bad = list.filter(function (x) { return q.codes.indexOf(x) < 0; });
    if (bad.length) { return String(bad[0]) + " ∉ {" + q.codes.join(" ") + "}"; }
    if (Array.isArray(v) && new Set(v).size !== v.length) { return "×2"; }
    return "";
  }

  function answers() {
    var out = {};
    questions.forEach(function (q) { var v = parse(q); if (v !== undefined && !q.input.disabled) { out[q.code] = v; } });
    return out;
  }

  function route() {
    var asked = window.surveyAsked(questions, answers(), implied);
    questions.forEach(function (q) {
      var on = !!asked[q.code];
      q.row.classList.toggle("pe-skip", !on);
      if (!on && q.input.value) { q.input.value = ""; }
      q.input.disabled = !on;
    });
  }

  function check(q) {
    var text = problem(q);
    q.msg.textContent = text;
    q.input.setAttribute("aria-invalid", text ? "true" : "false");
    return !text;
  }

  function move(from, step) {
    var i = questions.indexOf(from) + step;
    while (questions[i] && questions[i].input.disabled) { i += step; }
    if (questions[i]) { questions[i].input.focus(); questions[i].input.select && questions[i].input.select(); }
    else if (step > 0) { document.getElementById("pe-save").focus(); }
  }

  questions.forEach(function (q) {
    q.input.addEventListener("input", function () {
      var ok = check(q);
      route();
      var v = q.input.value.trim();
      if (ok && v && !q.multiple && !q.text && v.length >= longest[q.code]) { move(q, 1); }
    });
    q.input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); save(); }
      else if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); move(q, 1); }
      else if (ev.key === "Enter" && ev.shiftKey) { ev.preventDefault(); move(q, -1); }
    });
  });

  function uuid() {
    return crypto.randomUUID ? crypto.randomUUID() : "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ crypto.getRandomValues(new Uint8Array(1))[0] & 15 >> c / 4).toString(16);
    });
  }

  function save() {
    if (!questions.every(check)) { return; }
    var status = document.getElementById("pe-status");
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { "Accept": "application/json" },
                         credentials: "same-origin" })
      .then(function (resp) { return resp.json().then(function (body) { return { status: resp.status, body: body }; }); })
      .then(function (res) {
        form.querySelectorAll(".pe-msg").forEach(function (m) { m.textContent = ""; });
        if (res.status === 200 || res.status === 201) {
          count += 1;
          document.getElementById("pe-count").textContent = String(count);
          status.setAttribute("data-last", res.body.id);
          questions.forEach(function (q) { q.input.value = ""; q.input.setAttribute("aria-invalid", "false"); });
          form.querySelectorAll(".pe-more input").forEach(function (i) { if (i.name === "dossier") { i.value = ""; } });
          form.elements.id.value = uuid();
          route();
          if (form.elements.questionnaire) { form.elements.questionnaire.value = ""; form.elements.questionnaire.focus(); return; }
          questions[0].input.focus();
          return;
        }
        var fields = res.body.fields || {}, first = null;
        Object.keys(fields).forEach(function (name) {
          var input = form.elements[name] || form.elements[name.replace(/^[ar]\./, "")];
          var msg = input && input.parentNode.querySelector(".pe-msg") || input && input.nextElementSibling;
          if (msg) { msg.textContent = fields[name]; }
          if (input && input.setAttribute) { input.setAttribute("aria-invalid", "true"); first = first || input; }
        });
        status.setAttribute("data-error", res.body.message || String(res.status));
        if (first) { first.focus(); }
        else { window.alert(res.body.message || res.status); }
      });
  }

  form.addEventListener("submit", function (ev) { ev.preventDefault(); save(); });
  route();
  if (questions[0]) { questions[0].input.focus(); }
})();
