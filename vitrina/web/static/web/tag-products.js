/* The "Tag products" page (shop/post_tags.html): a tap on a photo chooses that photo and the point,
   shown by a marker; the number fields, which do the same without JavaScript, follow the tap. */
(function () {
  "use strict";

  function place(stage, x, y) {
    var form = stage.closest("form");
    form.querySelectorAll(".tag-marker").forEach(function (marker) { marker.hidden = true; });
    var marker = stage.querySelector(".tag-marker");
    /* Through the CSSOM, which the Content-Security-Policy allows (a style attribute it would refuse). */
    marker.style.setProperty("--x", x + "%");
    marker.style.setProperty("--y", y + "%");
    marker.hidden = false;
  }

  document.addEventListener("click", function (event) {
    var stage = event.target.closest && event.target.closest("[data-tag-stage]");
    if (!stage) return;
    var rect = stage.querySelector("img").getBoundingClientRect();
    var x = (event.clientX - rect.left) / rect.width, y = (event.clientY - rect.top) / rect.height;
    if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) return;
    var form = stage.closest("form");
    stage.parentElement.querySelector('input[name="media"]').checked = true;
    form.querySelector('input[name="x"]').value = (x * 100).toFixed(1);
    form.querySelector('input[name="y"]').value = (y * 100).toFixed(1);
    place(stage, (x * 100).toFixed(1), (y * 100).toFixed(1));
  });

  /* Typed points move the marker too, on the photo chosen. */
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest(".tag-form");
    if (!form) return;
    var chosen = form.querySelector('input[name="media"]:checked');
    var x = parseFloat(form.querySelector('input[name="x"]').value), y = parseFloat(form.querySelector('input[name="y"]').value);
    if (!chosen || !(x >= 0 && x <= 100 && y >= 0 && y <= 100)) return;
    place(chosen.closest(".tag-photo").querySelector("[data-tag-stage]"), x, y);
  });
})();
