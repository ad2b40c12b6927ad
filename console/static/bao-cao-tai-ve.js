/* Báo cáo › Tải về (console/templates/dashboard.html): shows how a download is going while the hub makes the file.
   A national report takes seconds to gather from the agencies' systems: the status line counts the seconds
   while the hub works, then the bytes received (the file is sent with its length), then says the file is
   saved. Without this script (or if it fails) the links are ordinary downloads and the browser shows its own
   progress; an answer that is not the file (a refusal, the sign-in page) is opened as the page it is. */
(function () {
  "use strict";
  var status = document.getElementById("tien-do-tai-ve");
  if (!status || !window.fetch || !window.URL || !window.Blob) { return; }
  var bar = status.querySelector("progress");
  var text = status.querySelector(".text");

  function say(message, value, max) {
    text.textContent = message;
    bar.hidden = false;
    if (max) { bar.max = max; bar.value = value; } else { bar.removeAttribute("value"); }
  }

  function filename(response, fallback) {
    var found = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
    return found ? found[1] : fallback;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = name;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  async function download(link) {
    var started = Date.now();
    var ticking = setInterval(function () {
      say("Đang lập báo cáo… " + Math.round((Date.now() - started) / 1000) + " giây");
    }, 1000);
    say("Đang lập báo cáo…");
    try {
      var response = await fetch(link.href, {credentials: "same-origin"});
      var disposition = response.headers.get("content-disposition") || "";
      if (!response.ok || response.redirected || disposition.indexOf("attachment") !== 0) {
        window.location.assign(response.url || link.href);
        return;
      }
      clearInterval(ticking);
      var total = Number(response.headers.get("content-length")) || 0;
      var parts = [];
      var received = 0;
      var reader = response.body.getReader();
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) { break; }
        parts.push(chunk.value);
        received += chunk.value.length;
        say("Đang tải về… " + Math.round(received / 1024).toLocaleString("vi-VN") + " KB", received, total);
      }
      var name = filename(response, link.getAttribute("data-ten") || "bao-cao");
      save(new Blob(parts, {type: response.headers.get("content-type") || ""}), name);
      say("Đã tải về " + name + ".", 1, 1);
    } catch (error) {
      window.location.assign(link.href);  // the browser's own download, with its own progress
    } finally {
      clearInterval(ticking);
    }
  }

  document.querySelectorAll("a[data-tai-ve]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      event.preventDefault();
      download(link);
    });
  });
}());
