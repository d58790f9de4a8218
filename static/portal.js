/* Small enhancements on top of htmx; every page works without this file. */
(function () {
  "use strict";
  // After htmx swaps in a form with errors, move focus to the first field
  // with an error, as the full page does with its autofocus attribute.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var invalid = target && target.querySelector && target.querySelector("[aria-invalid=true]");
    if (invalid) { invalid.focus(); }
  });
  // When the server cannot be reached, say so instead of doing nothing.
  document.addEventListener("htmx:sendError", function () {
    var flash = document.getElementById("flash");
    if (flash) {
      var lang = document.documentElement.lang;
      flash.innerHTML = "";
      var p = document.createElement("p");
      p.className = "flash flash-error";
      p.setAttribute("role", "alert");
      p.textContent = lang === "en" ? "No connection to the server. Check your connection and try again."
                                     : "Palvelimeen ei saatu yhteyttä. Tarkista yhteys ja yritä uudelleen.";
      flash.appendChild(p);
    }
  });
})();
