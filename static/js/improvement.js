/* Improvement screens: the print button of a scorecard. */
(function () {
  "use strict";
  var print = document.getElementById("print-card");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
