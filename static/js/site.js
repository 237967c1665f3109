/* Every page: the large-text toggle and the phone menu (docs/conventions.md, "Pages").
   Both work without this script: the toggle posts to /display/text-size/ and the menu is
   simply shown open. */
(function () {
  "use strict";
  var root = document.documentElement;

  var size = document.getElementById("text-size");
  if (size) {
    size.addEventListener("click", function (event) {
      event.preventDefault();
      var large = !root.classList.contains("large-text");
      root.classList.toggle("large-text", large);
      size.setAttribute("aria-pressed", large ? "true" : "false");
      document.cookie = "large_text=" + (large ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax" +
        (location.protocol === "https:" ? "; Secure" : "");
    });
  }

  var toggle = document.querySelector(".nav-toggle");
  var nav = toggle && toggle.closest(".mainnav");
  if (toggle && nav) {
    nav.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
  }
})();
