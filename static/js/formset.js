/* "Add another" for Django formsets (templates/forms/_formset.html): clone the empty form,
   number it, bump TOTAL_FORMS. No framework. */
(function () {
  "use strict";
  document.querySelectorAll(".formset").forEach(function (box) {
    var prefix = box.dataset.prefix;
    var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var rows = box.querySelector(".formset-rows");
    var tpl = box.querySelector("template.formset-empty");
    box.querySelector(".formset-add").addEventListener("click", function () {
      var n = parseInt(total.value, 10);
      var holder = document.createElement("div");
      holder.innerHTML = tpl.innerHTML.replace(/__prefix__/g, String(n)).trim();
      var row = holder.firstElementChild;
      var no = row.querySelector(".row-no");
      if (no) { no.textContent = String(n + 1); }
      rows.appendChild(row);
      total.value = String(n + 1);
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });
})();
