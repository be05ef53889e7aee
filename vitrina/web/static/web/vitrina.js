/* Vitrina's small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  /* Carousel: dots follow the scroll position; double-tap (or double-click) likes. */
  function setupCarousel(carousel) {
    if (carousel.dataset.ready) return;
    carousel.dataset.ready = "1";
    var track = carousel.querySelector(".carousel-track");
    var dots = carousel.querySelectorAll(".dot");
    track.addEventListener("scroll", function () {
      var index = Math.round(track.scrollLeft / Math.max(track.clientWidth, 1));
      dots.forEach(function (dot, i) { dot.classList.toggle("active", i === index); });
    }, { passive: true });

    var lastTap = 0;
    function like() {
      var burst = carousel.querySelector(".heart-burst");
      burst.classList.add("show");
      setTimeout(function () { burst.classList.remove("show"); }, 700);
      var article = carousel.closest("article") || document;
      var button = article.querySelector('.like-button[data-liked="false"]');
      if (button) button.click();  /* double-tap only ever likes, as people expect */
    }
    track.addEventListener("touchend", function (event) {
      var now = Date.now();
      if (now - lastTap < 300) { event.preventDefault(); like(); lastTap = 0; } else { lastTap = now; }
    });
    track.addEventListener("dblclick", function (event) { event.preventDefault(); like(); });
  }

  /* Comments: "Reply" fills the hidden reply_to and puts @name in the box. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".reply-link");
    if (!link) return;
    var form = document.querySelector(".comment-form");
    if (!form) return;
    form.querySelector('[name="reply_to"]').value = link.dataset.replyTo;
    var input = form.querySelector('[name="text"]');
    input.value = "@" + link.dataset.replyName + " ";
    input.focus();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest(".comment-form");
    if (form && event.detail.successful) form.querySelector('[name="reply_to"]').value = "";
  });

  /* Create: previews of the chosen photos, reorder (buttons or drag), alt text per photo.
     The order is applied to the file input itself, so the form posts the files as shown. */
  function setupCreate(form) {
    var input = form.querySelector("#images-input");
    var list = form.querySelector(".previews");
    var files = [];
    var dragFrom = null;

    function sync() {
      var transfer = new DataTransfer();
      files.forEach(function (f) { transfer.items.add(f.file); });
      input.files = transfer.files;
    }
    function render() {
      list.innerHTML = "";
      files.forEach(function (item, i) {
        var li = document.createElement("li");
        li.draggable = true;
        li.dataset.index = i;
        li.innerHTML = '<span class="order"></span><img alt=""><div class="move">' +
          '<button type="button" data-step="-1" aria-label="←">←</button>' +
          '<button type="button" data-step="1" aria-label="→">→</button></div>' +
          '<input name="alt_text" maxlength="300">';
        li.querySelector(".order").textContent = i + 1;
        li.querySelector("img").src = item.url;
        var alt = li.querySelector("input");
        alt.placeholder = form.dataset.altLabel || "Alt text";
        alt.value = item.alt;
        alt.addEventListener("input", function () { item.alt = alt.value; });
        list.appendChild(li);
      });
    }
    function move(from, to) {
      if (to < 0 || to >= files.length || from === to) return;
      files.splice(to, 0, files.splice(from, 1)[0]);
      sync(); render();
    }
    input.addEventListener("change", function () {
      var chosen = Array.prototype.slice.call(input.files);
      files = chosen.slice(0, 10).map(function (file) {
        return { file: file, url: URL.createObjectURL(file), alt: "" };
      });
      sync(); render();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-step]");
      if (!button) return;
      var from = Number(button.closest("li").dataset.index);
      move(from, from + Number(button.dataset.step));
    });
    list.addEventListener("dragstart", function (event) {
      var li = event.target.closest("li");
      dragFrom = Number(li.dataset.index);
      li.classList.add("dragging");
    });
    list.addEventListener("dragover", function (event) { event.preventDefault(); });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
      var li = event.target.closest("li");
      if (li && dragFrom !== null) move(dragFrom, Number(li.dataset.index));
      dragFrom = null;
    });
  }

  function init(root) {
    root.querySelectorAll(".carousel").forEach(setupCarousel);
    root.querySelectorAll(".create-form").forEach(setupCreate);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
