// A job's page: poll its status every second and move the progress bar; show the link or the error at the end.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-progress");
  var percent = document.getElementById("job-percent");
  var state = document.getElementById("job-state");
  var error = document.getElementById("job-error");
  var done = document.getElementById("job-done");
  var link = document.getElementById("job-download");
  var name = document.getElementById("job-name");
  var report = document.getElementById("job-report");
  var reportLink = document.getElementById("job-report-link");

  function show(s) {
    bar.value = s.progress;
    bar.textContent = s.progress + "%";
    percent.textContent = String(s.progress);
    state.textContent = s.label;
    box.setAttribute("data-state", s.state);
    if (s.state === "failed") { error.textContent = s.error || ""; error.hidden = false; }
    // A failed import keeps its row report: the link shows for either ending.
    if ((s.state === "done" || s.state === "failed") && s.download) {
      link.href = s.download; name.textContent = s.name || ""; done.hidden = false;
    }
    if (s.report && report) { reportLink.href = s.report; report.hidden = false; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (s) {
        show(s);
        if (s.state !== "done" && s.state !== "failed") { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });  // a dropped connection: keep trying, slower
  }

  var current = box.getAttribute("data-state");
  if (current !== "done" && current !== "failed") { poll(); }
}());
