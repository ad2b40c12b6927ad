/* Vận hành › Kiểm tra nhật ký (console/pages/operations_system.py): follows the running check's progress.
   Each "tien-do" event gives the count checked so far; "xong" means it has ended: the page is reloaded
   to show the result. Without this script the link "Xem tiến độ mới nhất" reloads the page. */
(function () {
  "use strict";
  var region = document.getElementById("kiem-tra");
  if (!region || !window.EventSource || !region.getAttribute("data-tien-do")) { return; }
  var count = region.querySelector(".checked");
  var source = new EventSource(region.getAttribute("data-tien-do"));
  source.addEventListener("tien-do", function (message) {
    var progress = JSON.parse(message.data);
    if (count) { count.textContent = progress.checked.toLocaleString("vi-VN"); }
  });
  source.addEventListener("xong", function () {
    source.close();
    window.location.replace(window.location.pathname);
  });
}());
