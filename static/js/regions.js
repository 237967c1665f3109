// Region pickers (core/widgets.py). The page works without this script: every city and county
// is listed, grouped by its parent. With it, the city select lists the chosen province's
// cities and the county select the chosen city's counties (or, with no city, the counties
// directly under the province, e.g. 北京市's districts); the regions box suggests names.
(function () {
  "use strict";

  function picker(root) {
    if (root.dataset.ready) return;
    root.dataset.ready = "1";
    var selects = root.querySelectorAll("select");
    var province = selects[0], city = selects[1], county = selects[2];
    // a copy of every group, taken before the selects are narrowed
    function snapshot(select) {
      return [].slice.call(select.querySelectorAll("optgroup")).map(function (g) {
        return {parent: g.dataset.parent, node: g.cloneNode(true)};
      });
    }
    var groups = {city: snapshot(city), county: snapshot(county)};

    function fill(select, list, parents) {
      var keep = select.value;
      while (select.children.length > 1) select.removeChild(select.lastChild);
      list.forEach(function (group) {
        if (parents.indexOf(group.parent) >= 0) {
          [].slice.call(group.node.children).forEach(function (o) {
            select.appendChild(o.cloneNode(true));
          });
        }
      });
      select.value = keep;
      if (select.value !== keep) select.value = "";
    }

    function narrow() {
      var p = province.value, c = city.value;
      fill(city, groups.city, p ? [p] : []);
      c = city.value;
      fill(county, groups.county, c ? [c] : (p ? [p] : []));
    }

    province.addEventListener("change", function () { city.value = ""; county.value = ""; narrow(); });
    city.addEventListener("change", function () { county.value = ""; narrow(); });
    narrow();
  }

  function suggest(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var list = document.createElement("datalist");
    list.id = box.id + "_suggestions";
    var search = document.createElement("input");
    search.type = "search";
    search.setAttribute("list", list.id);
    search.className = "regions-search";
    search.placeholder = box.getAttribute("data-search-placeholder") || "";
    // A placeholder is not a label (WCAG 3.3.2): name the field as the box's own label says.
    var label = box.id && document.querySelector('label[for="' + box.id + '"]');
    search.setAttribute("aria-label", (label ? label.textContent.trim() + " — " : "") + search.placeholder);
    box.parentNode.insertBefore(search, box.nextSibling);
    box.parentNode.insertBefore(list, search.nextSibling);
    var timer = null;
    search.addEventListener("input", function () {
      var text = search.value.trim();
      var picked = /^(\d{6}) /.exec(search.value);
      if (picked) {
        var items = box.value.split(/[；;，,、\n]+/).map(function (s) { return s.trim(); })
          .filter(Boolean);
        if (box.value.indexOf(picked[1]) < 0) items.push(search.value.trim());
        box.value = items.join("；");
        search.value = "";
        return;
      }
      clearTimeout(timer);
      if (!text) return;
      timer = setTimeout(function () {
        fetch(box.dataset.regionsApi + "?q=" + encodeURIComponent(text), {headers: {Accept: "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (body) {
            list.innerHTML = "";
            (body.results || body).forEach(function (r) {
              var o = document.createElement("option");
              o.value = r.code + " " + r.name + (r.parent_name ? "（" + r.parent_name + "）" : "");
              list.appendChild(o);
            });
          });
      }, 200);
    });
  }

  function init() {
    document.querySelectorAll("[data-region-picker]").forEach(picker);
    document.querySelectorAll("textarea.regions-input").forEach(suggest);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
