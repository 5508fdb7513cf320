/* Console frame: collapsible navigation on small screens, area switcher submits on change. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  root.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("nav-toggle");
    var nav = document.getElementById("console-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    var switcher = document.getElementById("area-switcher");
    if (switcher && switcher.form) {
      switcher.addEventListener("change", function () {
        if (switcher.form.requestSubmit) {
          switcher.form.requestSubmit();
        } else {
          switcher.form.submit();
        }
      });
    }
  });
})();
