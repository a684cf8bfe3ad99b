/* Site behaviour around the maps (progressive enhancement: every page works without it).
 * Listeners sit on `document`, so they keep working when Material's instant navigation
 * swaps the page content without loading a new document. */
(function () {
  "use strict";

  // The copy buttons are hidden until this script runs (see situs.css: .pk-js).
  document.documentElement.classList.add("pk-js");

  // Map and form documents (iframes written with data-pk-src) start loading once the page
  // itself has loaded: a same-origin iframe shares the page's main thread, and Leaflet's
  // start-up there would otherwise delay the page's own first paint and text. Frames below
  // the fold still wait for the browser's loading="lazy".
  function startFrames() {
    var frames = document.querySelectorAll("iframe[data-pk-src]");
    for (var i = 0; i < frames.length; i++) {
      frames[i].src = frames[i].getAttribute("data-pk-src");
      frames[i].removeAttribute("data-pk-src");
    }
  }
  function afterLoad() {
    if (document.readyState === "complete") startFrames();
    else window.addEventListener("load", startFrames, { once: true });
  }
  // Material's instant navigation swaps page content without a new load: document$ (its
  // observable of each new page) covers both the first page and every later one.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(afterLoad);
  } else {
    afterLoad();
  }

  // Kecamatan and kategori pages show a still picture of their map (mapimage.py) and start
  // the interactive map in its place when asked: Leaflet's start-up in a same-origin frame
  // was most of those pages' main-thread time while they load on a phone.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".pk-peta-buka");
    var box = button && button.closest("[data-pk-peta]");
    if (!box) return;
    var frame = document.createElement("iframe");
    frame.title = box.getAttribute("data-pk-judul");
    frame.src = box.getAttribute("data-pk-peta");
    box.removeAttribute("data-pk-peta");
    box.classList.remove("pk-peta--gambar");
    box.replaceChildren(frame);
    frame.focus();  // the button is gone: keyboard focus goes on into the map
  });

  function say(button, text) {
    var box = button.closest(".pk-bagikan");
    var status = box && box.querySelector(".pk-salin-status");
    if (status) status.textContent = text;
  }

  function fallbackCopy(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.style.position = "fixed";
    field.style.opacity = "0";
    document.body.appendChild(field);
    field.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(field);
    return ok;
  }

  // The page's own address (no query or fragment): what a build without the site's address
  // shares, so a local or preview build never shares a made-up domain.
  function pageAddress() {
    return location.origin + location.pathname;
  }

  // WhatsApp links of such builds carry only the text; the address is added when clicked
  // (before the browser follows the link), so it is right after instant navigation too.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-pk-wa]");
    if (link) {
      link.href = "https://wa.me/?text=" +
        encodeURIComponent(link.getAttribute("data-pk-wa") + pageAddress());
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pk-salin]");
    if (!button) return;
    var url = button.getAttribute("data-pk-salin") || pageAddress();
    var done = function () { say(button, "Tautan disalin"); };
    var failed = function () {
      if (fallbackCopy(url)) done();
      else say(button, "Tautan tidak bisa disalin otomatis. Salin alamat ini: " + url);
    };
    say(button, "");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, failed);
    } else {
      failed();
    }
  });
})();
