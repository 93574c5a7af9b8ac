/* partnerbook worksheet: shows the print button, which needs JavaScript
 * (without it the button stays hidden: the browser's own Print works). */
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (!button) {
    return;
  }
  button.addEventListener("click", function () {
    window.print();
  });
  button.hidden = false;
})();
