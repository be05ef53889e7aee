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
      if (!burst) return;  /* a product's photos: nothing to like */
      burst.classList.add("show");
      setTimeout(function () { burst.classList.remove("show"); }, 700);
      var article = carousel.closest("article") || document;
      var button = article.querySelector('.like-button[data-liked="false"]');
      if (button) button.click();  /* double-tap only ever likes, as people expect */
    }
    track.addEventListener("touchend", function (event) {
      if (event.target.closest(".photo-tags")) return;  /* taps on product tags are theirs */
      var now = Date.now();
      if (now - lastTap < 300) { event.preventDefault(); like(); lastTap = 0; } else { lastTap = now; }
    });
    track.addEventListener("dblclick", function (event) {
      if (event.target.closest(".photo-tags")) return;
      event.preventDefault(); like();
    });
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

/* == posts: the post's ⋯ sheet (copy link, share), the comment bar (the Create flow is web/create.js) == */
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

  function init(root) { showShare(root); }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
