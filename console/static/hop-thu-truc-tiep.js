/* Hộp thư đến, live (console/pages/inbox_live.py): follows the page's stream of arriving transfers.
   A new row is added at the end of the table when this page is the inbox's last, unfiltered one;
   otherwise "Có bản án mới — tải lại" says so. Without this script a reload shows the same rows. */
(function () {
  "use strict";
  var live = document.getElementById("truc-tiep");
  if (!live || !window.EventSource) { return; }
  var insert = live.getAttribute("data-chen") === "1";
  var source = new EventSource(live.getAttribute("data-su-kien"));

  function shown(id) {
    var rows = document.querySelectorAll("tr[data-transfer]");
    for (var i = 0; i < rows.length; i += 1) {
      if (rows[i].getAttribute("data-transfer") === id) { return true; }
    }
    return false;
  }

  function sayReload() {
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = "tải lại";
    live.className = "live notice";
    live.replaceChildren("Có bản án mới — ", link);
  }

  source.addEventListener("den", function (message) {
    var arrival = JSON.parse(message.data);
    if (shown(arrival.id)) { return; }
    var body = document.querySelector("table.inbox tbody");
    if (!insert || !body) { sayReload(); return; }
    body.insertAdjacentHTML("beforeend", arrival.row);
    var added = body.lastElementChild;
    added.classList.add("new");
    live.className = "live done";
    live.textContent = "Có bản án mới: " + added.querySelector("a").textContent + ".";
  });
  source.addEventListener("dung", function () { source.close(); });
}());
