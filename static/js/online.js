/* Online form: questions the routing skips are hidden (and not sent) as the respondent answers. */
(function () {
  "use strict";
  var form = document.getElementById("survey");
  var print = document.getElementById("print-card");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
  if (!form) { return; }
  var implied = JSON.parse(form.getAttribute("data-implied") || "{}");
  var sets = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-item]"));
  var questions = sets.map(function (f) {
    return { code: f.getAttribute("data-item"), conditions: JSON.parse(f.getAttribute("data-conditions") || "[]"), node: f };
  });

  function answers() {
    var out = {};
    questions.forEach(function (q) {
      var inputs = q.node.querySelectorAll("input:checked");
      if (!inputs.length) { return; }
      var codes = Array.prototype.map.call(inputs, function (i) { return parseInt(i.value, 10); });
      out[q.code] = inputs[0].type === "checkbox" ? codes : codes[0];
    });
    return out;
  }

  var progress = document.getElementById("sf-progress");
  var bar = document.getElementById("sf-progress-bar");
  var text = document.getElementById("sf-progress-text");

  function answered(q) {
    if (q.node.querySelector("input:checked")) { return true; }
    var area = q.node.querySelector("textarea");
    return !!(area && area.value.trim());
  }

  /* "Answered 5 of 23": of the questions the routing asks now, so skipping a branch never leaves the bar short. */
  function showProgress(asked) {
    var shown = questions.filter(function (q) { return asked[q.code]; });
    var done = shown.filter(answered).length;
    bar.max = shown.length || 1;
    bar.value = done;
    text.textContent = text.getAttribute("data-template").replace("{done}", done).replace("{total}", shown.length);
  }

  function update() {
    var asked = window.surveyAsked(questions, answers(), implied);
    questions.forEach(function (q) {
      var on = !!asked[q.code];
      if (on) { q.node.removeAttribute("data-hidden-by-routing"); } else { q.node.setAttribute("data-hidden-by-routing", ""); }
      Array.prototype.forEach.call(q.node.querySelectorAll("input, textarea"), function (i) { i.disabled = !on; });
    });
    showProgress(asked);
  }

  /* The contact fields open when the (unticked) consent box is ticked, or when they already hold something. */
  var consent = document.getElementById("f-consent");
  var fields = document.getElementById("sf-contact-fields");
  function contactBox() {
    var filled = Array.prototype.some.call(fields.querySelectorAll("input"), function (i) { return i.value; });
    fields.hidden = !(consent.checked || filled || fields.querySelector(".sf-error"));
  }

  form.addEventListener("change", update);
  form.addEventListener("input", function (e) { if (e.target.tagName === "TEXTAREA") { update(); } });
  if (consent && fields) { consent.addEventListener("change", contactBox); contactBox(); }
  if (progress) {
    progress.hidden = false;  // the live count replaces the static one (which counts every routed question)
    var count = document.querySelector(".sf-count");
    if (count) { count.hidden = true; }
  }
  update();
  var error = form.querySelector(".sf-error") || document.getElementById("sf-message");
  if (error) { (error.parentNode.tagName === "FIELDSET" ? error.parentNode : error).scrollIntoView({ block: "center" }); }
})();
