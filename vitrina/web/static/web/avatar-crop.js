/* Edit profile's photo picker with a square crop (loaded on that page only: social/edit.html). */
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
