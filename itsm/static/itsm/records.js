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

  // Suggestions (known errors) while the person types: the same fragment the form's
  // second step shows, fetched from the form's data-suggest-url.
  function suggestWhileTyping(form) {
    var target = document.getElementById("live-suggestions");
    var title = form.querySelector("[name=title]");
    var service = form.querySelector("[name=service]");
    if (!form.dataset.suggestUrl || !target || !title) { return; }
    var timer = null;
    var asked = "";
    var ask = function () {
      var query = new URLSearchParams({ title: title.value.trim(), service: service ? service.value : "" });
      if (query.toString() === asked) { return; }
      asked = query.toString();
      fetch(form.dataset.suggestUrl + "?" + asked, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) { if (query.toString() === asked) { target.innerHTML = html; } })
        .catch(function () { /* the second step still checks on submit */ });
    };
    var later = function () { clearTimeout(timer); timer = setTimeout(ask, 400); };
    title.addEventListener("input", later);
    if (service) { service.addEventListener("change", later); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var report = document.getElementById("report-form");
    if (report) { suggestWhileTyping(report); }
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
