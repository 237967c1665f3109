/* The new-project form (bidding/project_form.html): fields shown by selection method and
   funding, and the working-day help for the sign-up deadline (formset rows: formset.js). */
(function () {
  "use strict";

  function fieldBox(name) { return document.getElementById("field-" + name); }
  function showField(name, show) {
    var box = fieldBox(name);
    if (!box) { return; }
    box.hidden = !show && !box.classList.contains("has-error");
  }

  /* Price fields by selection method. */
  var methodData = document.getElementById("method-fields");
  var allData = document.getElementById("all-method-fields");
  var method = document.getElementById("id_method");
  if (methodData && allData && method) {
    var byMethod = JSON.parse(methodData.textContent);
    var all = JSON.parse(allData.textContent);
    var quote = document.getElementById("id_quote_mode");
    var syncMethod = function () {
      var wanted = byMethod[method.value] || all;
      all.forEach(function (name) { showField(name, wanted.indexOf(name) >= 0); });
      /* Quoting by discount rate needs the base amount too. */
      if (quote && wanted.indexOf("quote_mode") >= 0 && quote.value === "discount") {
        showField("amount", true);
      }
    };
    method.addEventListener("change", syncMethod);
    if (quote) { quote.addEventListener("change", syncMethod); }
    syncMethod();
  }

  /* Fiscal share only for mixed funding. */
  var funding = document.getElementById("id_funding");
  if (funding) {
    var syncFunding = function () { showField("fiscal_share", funding.value === "mixed"); };
    funding.addEventListener("change", syncFunding);
    syncFunding();
  }

  /* Working-day help: ask the server (its calendar, its clock) how long sign-up stays open. */
  var help = document.getElementById("period-help");
  var deadline = document.getElementById("id_signup_deadline");
  if (help && deadline) {
    var live = help.querySelector(".period-live");
    var check = function () {
      if (!deadline.value) { live.textContent = ""; return; }
      fetch(help.dataset.url + "?signup_deadline=" + encodeURIComponent(deadline.value),
            {headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || data.signup_working_days === undefined) { return; }
          var text = data.ok ? help.dataset.textOk : help.dataset.textShort;
          live.textContent = " " + text.replace("{n}", data.signup_working_days)
            .replace("{min}", data.min_days) +
            (data.note ? " " + data.note : "");
          live.className = "period-live " + (data.ok ? "ok" : "bad");
        })
        .catch(function () { /* the help is a convenience; the server checks on publish */ });
    };
    deadline.addEventListener("change", check);
    check();
  }
})();
