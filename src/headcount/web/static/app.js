// headcount: the only script the pages load. It adds conveniences; every page works without it.
(function () {
  "use strict";
  // The filters beyond search and company fold away on phones (the table then starts on the
  // first screen); wider screens show them open.
  var more = document.getElementById("more-filters");
  if (more && window.matchMedia("(min-width: 641px)").matches) { more.open = true; }
  // Changing a drop-down filter applies the filters at once.
  document.querySelectorAll("form.filters select.autosubmit").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      // A year replaces an explicit date range.
      if (select.name === "year") {
        ["since", "until"].forEach(function (name) {
          var input = form.elements.namedItem(name);
          if (input) { input.value = ""; }
        });
      }
      form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  });
  // Empty fields are left out of the address so shared links stay short.
  document.querySelectorAll("form.filters").forEach(function (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && !el.value) { el.disabled = true; }
      });
    });
  });
})();
