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

  function update() {
    var asked = window.surveyAsked(questions, answers(), implied);
    questions.forEach(function (q) {
      var on = !!asked[q.code];
      if (on) { q.node.removeAttribute("data-hidden-by-routing"); } else { q.node.setAttribute("data-hidden-by-routing", ""); }
      Array.prototype.forEach.call(q.node.querySelectorAll("input, textarea"), function (i) { i.disabled = !on; });
    });
  }

  form.addEventListener("change", update);
  update();
  var error = form.querySelector(".sf-error");
  if (error) { error.parentNode.scrollIntoView({ block: "center" }); }
})();
