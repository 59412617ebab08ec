// Optional help on record forms; every form works without it.
// Shows only the subcategories of the chosen category, and only the chosen group's people.
(function () {
  "use strict";

  function filterOptions(select, keep) {
    Array.prototype.forEach.call(select.options, function (option) {
      var show = option.value === "" || keep(option);
      option.hidden = !show;
      option.disabled = !show;
      if (!show && option.selected) { select.value = ""; }
    });
  }

  function link(source, target, keep) {
    if (!source || !target) { return; }
    var update = function () { filterOptions(target, function (o) { return keep(o, source); }); };
    source.addEventListener("change", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    link(document.getElementById("id_category"), document.getElementById("id_subcategory"),
      function (option, category) {
        return !category.value || option.dataset.category === category.value;
      });
    link(document.getElementById("assign-group"), document.getElementById("assign-assignee"),
      function (option, group) {
        var label = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
        return !group.value || label === group.options[group.selectedIndex].text;
      });
  });
}());
