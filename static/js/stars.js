/* Star pickers: radio groups (keyboard arrows and touch work natively); this only lights the
   stars up to the chosen one and says the value in words. */
(function () {
  "use strict";
  var words = { 1: "1 / 5", 2: "2 / 5", 3: "3 / 5", 4: "4 / 5", 5: "5 / 5" };
  document.querySelectorAll(".star-picker").forEach(function (picker) {
    var inputs = picker.querySelectorAll("input[type=radio]");
    var text = picker.querySelector(".star-text");
    function paint() {
      var chosen = 0;
      inputs.forEach(function (i) { if (i.checked) chosen = +i.value; });
      inputs.forEach(function (i) {
        var label = picker.querySelector('label[for="' + i.id + '"]');
        if (label) label.classList.toggle("on", +i.value <= chosen);
      });
      if (text) text.textContent = chosen ? words[chosen] : "";
    }
    inputs.forEach(function (i) { i.addEventListener("change", paint); });
    paint();
  });
})();
