// The interactive API documentation at /api/docs: Swagger UI on the server's own OpenAPI
// document, loaded from a file so the page needs no inline script (CSP).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
});
