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

/* == posts: the post's ⋯ sheet (copy link, share), the comment bar, the create flow's frame editor == */
(function () {
  "use strict";

  /* A toast like Django's messages (base.html), for what happened in the page itself. */
  function toast(text, isError) {
    var box = document.querySelector(".messages:not(.verify-banner)");
    if (!box) {
      box = document.createElement("div");
      box.className = "messages";
      box.setAttribute("role", "status");
      box.setAttribute("data-testid", "toasts");
      document.body.appendChild(box);
    }
    var message = document.createElement("p");
    message.className = "message toast" + (isError ? " error" : "");
    message.dataset.timed = "1";
    message.textContent = text;
    box.appendChild(message);
    setTimeout(function () { message.classList.add("hide"); }, 4000);
    setTimeout(function () { message.remove(); }, 4400);
  }
  function closeSheetOf(element) {
    var sheet = element.closest("details.sheet-host");
    if (sheet) sheet.open = false;
  }

  /* Copy link: the Clipboard API instead of opening the link (which is what happens without it). */
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard || !window.isSecureContext) return;
    event.preventDefault();
    navigator.clipboard.writeText(link.dataset.copyLink).then(
      function () { toast(link.dataset.copied); },
      function () { toast(link.dataset.copyFailed, true); });
    closeSheetOf(link);
  });
  /* Share: only where the browser has a share sheet of its own. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-share-url]");
    if (!button || !navigator.share) return;
    closeSheetOf(button);
    navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl })
      .catch(function () { /* dismissed: nothing to say */ });
  });
  /* A sheet closed and opened again starts from its list of actions, not inside a step (report, delete). */
  document.addEventListener("toggle", function (event) {
    var sheet = event.target;
    if (!sheet.matches || !sheet.matches("details.sheet-host") || sheet.open) return;
    sheet.querySelectorAll("details.sheet-step[open]").forEach(function (step) { step.open = false; });
  }, true);
  function showShare(root) {
    if (!navigator.share) return;
    root.querySelectorAll("[data-share-url][hidden]").forEach(function (button) { button.hidden = false; });
  }
  /* A comment just added sits above the fixed comment bar, in view (scroll-margin in vitrina.css). */
  document.addEventListener("htmx:afterSwap", function (event) {
    var list = event.detail.target;
    if (!list || list.id !== "comment-list" || !list.lastElementChild) return;
    list.lastElementChild.scrollIntoView({ block: "nearest" });
  });

  /* Create: the chosen photos in one frame (original, square or 4:5). The member places each photo in
     it (drag, arrow keys, zoom), removes and reorders photos (drag by the handle, or the buttons); the
     file input is rewritten in the order shown, and each photo's place goes as a `crop` field:
     "x,y,width,height" in fractions of the upright photo, or "center" for one the browser cannot show. */
  var MIN_RATIO = 0.8, MAX_RATIO = 1.91;
  function clamp(value, low, high) { return Math.min(high, Math.max(low, value)); }

  function setupComposer(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = form.querySelector("#images-input");
    var list = form.querySelector(".previews");
    var template = form.querySelector("#preview-template");
    var editor = form.querySelector(".crop-editor");
    var stage = editor.querySelector(".crop-stage");
    var stageImage = stage.querySelector("img");
    var zoom = editor.querySelector("input[type=range]");
    var share = form.querySelector('[data-testid="share"]');
    var maxPhotos = Number(form.dataset.maxPhotos) || 10;
    var items = [];  /* {file, url, alt, width, height (upright, 0 until known), zoom, cx, cy} */
    var current = null;
    var pan = null, reorder = null;

    function frameRatio() {
      var chosen = form.querySelector('input[name="frame"]:checked');
      var frame = chosen ? chosen.value : "original";
      if (frame === "square") return 1;
      if (frame === "portrait") return 0.8;
      var first = items[0];
      return first && first.width ? clamp(first.width / first.height, MIN_RATIO, MAX_RATIO) : null;
    }
    /* The item's box in the frame, in fractions; its centre is kept inside the photo. */
    function boxOf(item, ratio) {
      var shape = item.width / item.height, width = 1, height = 1;
      if (shape > ratio) width = ratio / shape; else height = shape / ratio;
      width /= item.zoom; height /= item.zoom;
      item.cx = clamp(item.cx, width / 2, 1 - width / 2);
      item.cy = clamp(item.cy, height / 2, 1 - height / 2);
      return { x: item.cx - width / 2, y: item.cy - height / 2, width: width, height: height };
    }
    function cropValue(item, ratio) {
      if (!item.width || !ratio) return "center";
      var box = boxOf(item, ratio);
      return [box.x, box.y, box.width, box.height].map(function (n) { return clamp(n, 0, 1).toFixed(6); }).join(",");
    }

    function paintStage() {
      editor.hidden = !current;
      if (!current) return;
      var ratio = frameRatio() || 1;
      stage.style.aspectRatio = String(ratio);  /* CSSOM, which the Content-Security-Policy allows */
      if (stageImage.getAttribute("src") !== current.url) stageImage.src = current.url;
      zoom.value = current.zoom;
      zoom.disabled = !current.width;
      stageImage.classList.toggle("unplaced", !current.width);
      if (!current.width) {
        stageImage.style.width = stageImage.style.height = stageImage.style.transform = "";
        return;
      }
      var box = boxOf(current, ratio);
      var shownWidth = stage.clientWidth / box.width, shownHeight = stage.clientWidth / ratio / box.height;
      stageImage.style.width = shownWidth + "px";
      stageImage.style.height = shownHeight + "px";
      stageImage.style.transform = "translate(" + (-box.x * shownWidth) + "px, " + (-box.y * shownHeight) + "px)";
    }
    function writeCrops() {
      var ratio = frameRatio();
      list.querySelectorAll('input[name="crop"]').forEach(function (field, i) { field.value = cropValue(items[i], ratio); });
    }
    function update() { writeCrops(); paintStage(); }

    function syncFiles() {
      var transfer = new DataTransfer();
      items.forEach(function (item) { transfer.items.add(item.file); });
      input.files = transfer.files;
      share.disabled = items.length === 0;
    }
    function renderList() {
      list.textContent = "";
      items.forEach(function (item, i) {
        var row = template.content.firstElementChild.cloneNode(true);
        row.dataset.index = i;
        row.classList.toggle("editing", item === current);
        row.querySelector(".preview-thumb img").src = item.url;
        row.querySelector(".preview-thumb").setAttribute("aria-pressed", item === current ? "true" : "false");
        row.querySelector(".order").textContent = i + 1;
        var alt = row.querySelector('input[name="alt_text"]');
        alt.value = item.alt;
        alt.addEventListener("input", function () { item.alt = alt.value; });
        row.querySelector('[data-action="up"]').disabled = i === 0;
        row.querySelector('[data-action="down"]').disabled = i === items.length - 1;
        list.appendChild(row);
      });
      update();
    }
    function changed() { syncFiles(); renderList(); }
    function move(from, to) {
      if (to < 0 || to >= items.length || from === to) return;
      items.splice(to, 0, items.splice(from, 1)[0]);
      changed();
    }
    function measure(item) {
      var probe = new Image();
      probe.onload = function () {
        item.width = probe.naturalWidth;  /* upright: browsers apply the EXIF orientation, as the server does */
        item.height = probe.naturalHeight;
        update();
      };
      probe.src = item.url;
    }

    input.addEventListener("change", function () {
      Array.prototype.slice.call(input.files, 0, Math.max(0, maxPhotos - items.length)).forEach(function (file) {
        var item = { file: file, url: URL.createObjectURL(file), alt: "", width: 0, height: 0, zoom: 1, cx: 0.5, cy: 0.5 };
        items.push(item);
        measure(item);
      });
      if (!current) current = items[0] || null;
      changed();
    });
    form.addEventListener("change", function (event) {
      if (event.target.name === "frame") update();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      var i = Number(button.closest("li").dataset.index), action = button.dataset.action;
      if (action === "place") { current = items[i]; renderList(); stage.focus({ preventScroll: true }); return; }
      if (action === "up" || action === "down") {
        move(i, action === "up" ? i - 1 : i + 1);
        var moved = list.children[action === "up" ? i - 1 : i + 1];
        if (moved) {  /* the focus stays on the photo moved: on the same button, or the other one at an end */
          var same = moved.querySelector('[data-action="' + action + '"]');
          (same.disabled ? moved.querySelector('[data-action="' + (action === "up" ? "down" : "up") + '"]') : same).focus();
        }
        return;
      }
      if (action === "remove") {
        var removed = items.splice(i, 1)[0];
        URL.revokeObjectURL(removed.url);
        if (current === removed) current = items[Math.min(i, items.length - 1)] || null;
        changed();
        var next = list.children[Math.min(i, items.length - 1)];
        (next ? next.querySelector('[data-action="remove"]') : input.labels[0] || share).focus();
      }
    });

    /* Reorder: drag a row by its handle (mouse, finger or pen) onto another row. */
    function rowAt(x, y) {
      var found = document.elementFromPoint(x, y);
      return found && found.closest(".previews > li");
    }
    list.addEventListener("pointerdown", function (event) {
      var handle = event.target.closest(".drag-handle");
      if (!handle) return;
      event.preventDefault();
      var row = handle.closest("li");
      reorder = { from: Number(row.dataset.index), row: row };
      row.classList.add("dragging");
      handle.setPointerCapture(event.pointerId);
    });
    list.addEventListener("pointermove", function (event) {
      if (!reorder) return;
      var over = rowAt(event.clientX, event.clientY);
      list.querySelectorAll(".drop-target").forEach(function (row) { row.classList.remove("drop-target"); });
      if (over && over !== reorder.row) over.classList.add("drop-target");
    });
    function endReorder(event) {
      if (!reorder) return;
      var over = event.type === "pointerup" ? rowAt(event.clientX, event.clientY) : null;
      var from = reorder.from;
      reorder.row.classList.remove("dragging");
      reorder = null;
      if (over) move(from, Number(over.dataset.index)); else renderList();
    }
    list.addEventListener("pointerup", endReorder);
    list.addEventListener("pointercancel", endReorder);

    /* Place: drag the photo in the frame, arrow keys nudge it, the slider zooms. */
    stage.addEventListener("pointerdown", function (event) {
      if (!current || !current.width) return;
      event.preventDefault();
      pan = { x: event.clientX, y: event.clientY, cx: current.cx, cy: current.cy };
      stage.setPointerCapture(event.pointerId);
      stage.classList.add("panning");
    });
    stage.addEventListener("pointermove", function (event) {
      if (!pan) return;
      var ratio = frameRatio() || 1, box = boxOf(current, ratio);
      var shownWidth = stage.clientWidth / box.width, shownHeight = stage.clientWidth / ratio / box.height;
      current.cx = pan.cx - (event.clientX - pan.x) / shownWidth;
      current.cy = pan.cy - (event.clientY - pan.y) / shownHeight;
      update();
    });
    function endPan() { pan = null; stage.classList.remove("panning"); }
    stage.addEventListener("pointerup", endPan);
    stage.addEventListener("pointercancel", endPan);
    stage.addEventListener("keydown", function (event) {
      var step = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
      if (!step || !current || !current.width) return;
      event.preventDefault();
      current.cx += step[0] * 0.02;
      current.cy += step[1] * 0.02;
      update();
    });
    zoom.addEventListener("input", function () {
      if (!current) return;
      current.zoom = clamp(Number(zoom.value) || 1, 1, 3);
      update();
    });
    window.addEventListener("resize", paintStage);

    share.disabled = !(input.files && input.files.length);
    if (input.files && input.files.length) input.dispatchEvent(new Event("change"));  /* kept by the browser on back */
  }

  function init(root) {
    showShare(root);
    root.querySelectorAll(".create-form").forEach(setupComposer);
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
