// The browsable API page: Swagger UI (static/vendor/swagger-ui) on the app's own OpenAPI document.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    // The page's CSP allows connections to this origin only: no validator badge from elsewhere.
    validatorUrl: null,
  });
})();
