/* The Create flow's frame editor (loaded on that page only: posts/create.html). */
(function () {
  "use strict";

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

  function init(root) { root.querySelectorAll(".create-form").forEach(setupComposer); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
