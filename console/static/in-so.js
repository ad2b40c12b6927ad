/* Sổ nhận bản án (console/pages/inbox_register.py): the "In sổ" button opens the browser's print dialog.
   The button stays hidden without this script; the browser's own Print then prints the same page
   (console.css @media print leaves out the menu and the forms). */
(function () {
  "use strict";
  var button = document.getElementById("in-so");
  if (!button || !window.print) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
