// The job progress page: asks lowcode.api.get_job_status every second and moves the bar until the job ends.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("job-progress");
    if (!box || box.dataset.running !== "1") return;
    var url = "/api/method/lowcode.api.get_job_status?job_id=" + encodeURIComponent(box.dataset.job);
    function show(job) {
      var bar = document.getElementById("job-bar");
      var percent = job.status === "finished" ? 100 : job.progress.percent;
      bar.style.width = percent + "%";
      bar.setAttribute("aria-valuenow", String(percent));
      bar.textContent = job.progress.total ? job.progress.done + " / " + job.progress.total : "";
      document.getElementById("job-status").textContent = job.status_text;
      document.getElementById("job-text").textContent = job.progress.text || "";
      if (job.status === "finished") {
        bar.classList.add("bg-success");
        var result = document.getElementById("job-result");
        result.textContent = (job.result && job.result.message) || "已完成";
        result.hidden = false;
        return true;
      }
      if (job.status === "failed" || job.status === "stopped" || job.status === "canceled") {
        bar.classList.add("bg-danger");
        var error = document.getElementById("job-error");
        error.textContent = job.error || job.status_text;
        error.hidden = false;
        return true;
      }
      return false;
    }
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (body) {
          if (body.message && !show(body.message)) setTimeout(poll, 1000);
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    poll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
