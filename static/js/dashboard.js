// Dashboards: a filter change reloads the page with the new filters (the Apply button stays for no-JS users).
(function () {
  "use strict";
  document.querySelectorAll("form.filters[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      if (event.target.matches("select, input[type=checkbox], input[type=radio]")) {
        form.classList.add("is-loading");
        form.submit();
      }
    });
  });
})();
