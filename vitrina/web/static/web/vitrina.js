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
  /* htmx leaves 4xx answers unswapped; a refused comment or a rate-limited like carries its message in the partial
     (still an error, so the comment form keeps its text). */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 422 || status === 429) {
      event.detail.shouldSwap = true;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest(".comment-form");
    if (!form || !event.detail.successful) return;
    form.reset();
    form.querySelector('[name="reply_to"]').value = "";  /* a hidden input keeps its value on reset */
  });

  /* The page's Content-Security-Policy forbids inline handlers (onchange=, onsubmit=):
     their behaviour lives here, keyed on data attributes. */
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("[data-autosubmit]") && field.form) field.form.submit();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  /* Bottom sheets (<details class="sheet-host">): they open and close without JavaScript (a tap on the
     backdrop closes them); here, one open at a time, Escape and [data-sheet-close] close them too. */
  function closeSheets(except) {
    document.querySelectorAll("details.sheet-host[open]").forEach(function (sheet) {
      if (sheet !== except) sheet.open = false;
    });
  }
  document.addEventListener("toggle", function (event) {
    var sheet = event.target;
    if (!sheet.matches || !sheet.matches("details.sheet-host") || !sheet.open) return;
    closeSheets(sheet);
    var first = sheet.querySelector(".sheet button, .sheet a, .sheet input");
    if (first) first.focus({ preventScroll: true });
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.sheet-host[open]");
    if (!open) return;
    open.open = false;
    open.querySelector("summary").focus();
  });
  document.addEventListener("click", function (event) {
    var close = event.target.closest && event.target.closest("[data-sheet-close]");
    if (!close) return;
    var sheet = close.closest("details.sheet-host");
    if (sheet) { sheet.open = false; sheet.querySelector("summary").focus(); }
  });

  /* Toasts: Django's messages fade after a few seconds (they stay readable without JavaScript). */
  function hideToasts(root) {
    root.querySelectorAll(".toast:not([data-timed])").forEach(function (toast) {
      toast.dataset.timed = "1";
      setTimeout(function () { toast.classList.add("hide"); }, 4000);
      setTimeout(function () { toast.remove(); }, 4400);
    });
  }

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

  /* BlurHash placeholders: a tiny decoded image behind each photo until it loads. */
  var B83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";
  function b83(str) { var v = 0; for (var i = 0; i < str.length; i++) v = v * 83 + B83.indexOf(str[i]); return v; }
  function toLinear(c) { c /= 255; return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }
  function toSrgb(v) { v = Math.max(0, Math.min(1, v)); return Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255); }
  function signPow(v, e) { return (v < 0 ? -1 : 1) * Math.pow(Math.abs(v), e); }
  function decodeBlurhash(hash, w, h) {
    var size = b83(hash[0]), ny = Math.floor(size / 9) + 1, nx = (size % 9) + 1;
    var maxAc = (b83(hash[1]) + 1) / 166, colors = [];
    var dc = b83(hash.substring(2, 6));
    colors.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
    for (var i = 1; i < nx * ny; i++) {
      var v = b83(hash.substring(4 + i * 2, 6 + i * 2));
      colors.push([signPow((Math.floor(v / 361) - 9) / 9, 2) * maxAc,
                   signPow((Math.floor(v / 19) % 19 - 9) / 9, 2) * maxAc,
                   signPow((v % 19 - 9) / 9, 2) * maxAc]);
    }
    var pixels = new Uint8ClampedArray(w * h * 4);
    for (var y = 0; y < h; y++) for (var x = 0; x < w; x++) {
      var r = 0, g = 0, b = 0;
      for (var j = 0; j < ny; j++) for (var k = 0; k < nx; k++) {
        var basis = Math.cos(Math.PI * x * k / w) * Math.cos(Math.PI * y * j / h), c = colors[k + j * nx];
        r += c[0] * basis; g += c[1] * basis; b += c[2] * basis;
      }
      var p = 4 * (x + y * w);
      pixels[p] = toSrgb(r); pixels[p + 1] = toSrgb(g); pixels[p + 2] = toSrgb(b); pixels[p + 3] = 255;
    }
    return pixels;
  }
  function paintBlurhash(figure) {
    var hash = figure.dataset.blurhash, img = figure.querySelector("img");
    if (!hash || hash.length < 6 || (img && img.complete && img.naturalWidth)) return;
    try {
      var canvas = document.createElement("canvas");
      canvas.width = 32; canvas.height = 32;
      var ctx = canvas.getContext("2d"), data = ctx.createImageData(32, 32);
      data.data.set(decodeBlurhash(hash, 32, 32));
      ctx.putImageData(data, 0, 0);
      figure.style.backgroundImage = "url(" + canvas.toDataURL() + ")";
      if (img) img.addEventListener("load", function () { figure.style.backgroundImage = ""; });
    } catch (e) { /* a bad hash only costs the placeholder */ }
  }

  function init(root) {
    root.querySelectorAll("[data-blurhash].slide").forEach(paintBlurhash);
    root.querySelectorAll(".carousel").forEach(setupCarousel);
    root.querySelectorAll(".create-form").forEach(setupCreate);
    hideToasts(root);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });

  /* The installable app (vitrina/web/pwa.py): registered after the page has loaded, so the
     worker's own downloads never compete with the first paint. */
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* the site works without it */ });
    });
  }
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();

/* == Settings: Edit profile's photo picker with a square crop == */
(function () {
  "use strict";

  /* The chosen photo is decoded here (createImageBitmap turns it upright from its EXIF orientation), framed
     by dragging, pinching, the zoom slider or the arrow keys, and replaced in the file input by the cropped
     square as a JPEG just before the form is sent. A photo the browser cannot decode (HEIC in most browsers)
     is sent unchanged: the server makes the square from its centre. */
  var OUTPUT_MAX = 1080;  /* px: no avatar is shown larger, and a phone's full photo would be ten times the upload */
  var MAX_ZOOM = 4;
  var KEY_STEP = 0.05;    /* arrow keys move the frame by 5% of its side */

  function setupAvatarCrop(form) {
    if (form.dataset.cropReady) return;
    form.dataset.cropReady = "1";
    var input = form.querySelector("input[type=file]");
    var box = form.querySelector("[data-crop]");
    var unsupported = form.querySelector("[data-crop-unsupported]");
    if (!input || !box || !window.createImageBitmap || !window.DataTransfer) return;
    var stage = box.querySelector("canvas");
    var zoom = box.querySelector("input[type=range]");
    var state = null;     /* {bitmap, file, cx, cy, zoom}: the crop's centre in the photo's pixels */
    var choice = 0;       /* a newer choice wins over a slower decode of an older one */
    var pointers = {};
    form.classList.add("js-crop");

    function side() { return Math.min(state.bitmap.width, state.bitmap.height) / state.zoom; }
    function clamp() {
      var half = side() / 2;
      state.cx = Math.min(Math.max(state.cx, half), state.bitmap.width - half);
      state.cy = Math.min(Math.max(state.cy, half), state.bitmap.height - half);
    }
    function paint(canvas, size) {
      var s = side(), ctx = canvas.getContext("2d");
      ctx.imageSmoothingQuality = "high";
      ctx.fillStyle = "#fff";  /* a transparent PNG becomes a JPEG on white, not on black */
      ctx.fillRect(0, 0, size, size);
      ctx.drawImage(state.bitmap, state.cx - s / 2, state.cy - s / 2, s, s, 0, 0, size, size);
    }
    function draw() {
      if (!state) return;
      var size = Math.round(stage.clientWidth * (window.devicePixelRatio || 1)) || 320;
      if (stage.width !== size) { stage.width = size; stage.height = size; }
      clamp();
      paint(stage, size);
    }
    function setZoom(value) {
      if (!state) return;
      state.zoom = Math.min(Math.max(value, 1), MAX_ZOOM);
      zoom.value = String(state.zoom);
      draw();
    }
    function moveBy(dx, dy) {  /* in screen pixels of the stage */
      var scale = side() / Math.max(stage.clientWidth, 1);
      state.cx -= dx * scale;
      state.cy -= dy * scale;
      draw();
    }
    function clear() {
      box.hidden = true;
      if (unsupported) unsupported.hidden = true;
      if (state) state.bitmap.close();
      state = null;
      pointers = {};
    }

    input.addEventListener("change", function () {
      clear();
      var file = input.files[0], mine = ++choice;
      form.classList.toggle("has-file", Boolean(file));
      if (!file) return;
      createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
        if (mine !== choice) { bitmap.close(); return; }
        state = { bitmap: bitmap, file: file, cx: bitmap.width / 2, cy: bitmap.height / 2, zoom: 1 };
        zoom.value = "1";
        box.hidden = false;
        draw();
      }, function () {
        if (mine === choice && unsupported) unsupported.hidden = false;
      });
    });

    zoom.addEventListener("input", function () { setZoom(Number(zoom.value)); });
    stage.addEventListener("wheel", function (event) {
      if (!state) return;
      event.preventDefault();
      setZoom(state.zoom * Math.exp(-event.deltaY / 400));
    }, { passive: false });
    stage.addEventListener("keydown", function (event) {
      if (!state) return;
      var step = KEY_STEP * stage.clientWidth;
      var moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (moves[event.key]) { event.preventDefault(); moveBy(moves[event.key][0], moves[event.key][1]); }
      else if (event.key === "+" || event.key === "=") { event.preventDefault(); setZoom(state.zoom * 1.1); }
      else if (event.key === "-") { event.preventDefault(); setZoom(state.zoom / 1.1); }
    });

    /* One finger (or the mouse) drags; two fingers pinch. */
    function spread() {
      var p = Object.keys(pointers).map(function (id) { return pointers[id]; });
      return p.length === 2 ? Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) : 0;
    }
    stage.addEventListener("pointerdown", function (event) {
      if (!state) return;
      stage.setPointerCapture(event.pointerId);
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
    });
    stage.addEventListener("pointermove", function (event) {
      var last = pointers[event.pointerId];
      if (!state || !last) return;
      var count = Object.keys(pointers).length, before = spread();
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      if (count === 1) moveBy(event.clientX - last.x, event.clientY - last.y);
      else if (count === 2 && before) setZoom(state.zoom * spread() / before);
    });
    function release(event) { delete pointers[event.pointerId]; }
    stage.addEventListener("pointerup", release);
    stage.addEventListener("pointercancel", release);

    form.addEventListener("submit", function (event) {
      if (!state || (event.submitter && event.submitter.name === "remove")) return;
      event.preventDefault();
      var size = Math.max(1, Math.round(Math.min(side(), OUTPUT_MAX)));
      var out = document.createElement("canvas");
      out.width = size;
      out.height = size;
      paint(out, size);
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
      var name = (state.file.name.replace(/\.[^.]*$/, "") || "avatar") + ".jpg";
      out.toBlob(function (blob) {
        if (blob) {  /* without a blob (out of memory) the original goes, as without JavaScript */
          var transfer = new DataTransfer();
          transfer.items.add(new File([blob], name, { type: "image/jpeg" }));
          input.files = transfer.files;
        }
        form.submit();
      }, "image/jpeg", 0.92);
    });
  }

  function init(root) { root.querySelectorAll("[data-avatar-form]").forEach(setupAvatarCrop); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
