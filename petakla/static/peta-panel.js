/* Peta Kota Layak Anak — the full map's controls (/peta/ only): the category chips, and the
 * panel with search, "dekat saya", the result list, the chosen facility's card and the
 * detailed filters. On a wide screen the panel is a side panel; on a phone a bottom sheet
 * with three heights (kecil, setengah, penuh) that is dragged, tapped or moved with the arrow
 * keys. The map's own box always stays between the chips and the sheet, so whatever it shows
 * (the chosen marker, the zoom buttons, the scale, the attribution) is never under the sheet.
 * Record text is only ever put into the page with textContent / setAttribute. */
(function () {
  "use strict";
  var P = window.PetaKLA, U = P.util, el = U.el;
  var HEIGHTS = ["kecil", "setengah", "penuh"];
  var PHONE = window.matchMedia("(max-width: 699px)");

  function option(value, label, selected) {
    var o = el("option", { value: value }, label);
    if (selected) o.selected = true;
    return o;
  }

  function labelled(id, text, control) {
    var wrap = el("div", { "class": "pk-field" });
    wrap.appendChild(el("label", { "for": id }, text));
    control.id = id;
    wrap.appendChild(control);
    return wrap;
  }

  function pin(cat) {
    var span = el("span", { "class": "pk-kat-ikon" });
    span.innerHTML = U.pinHtml(cat);  // vocabulary only
    return span;
  }

  function pageUrl(opts, f) { return opts.base + "fasilitas/" + encodeURIComponent(f.id) + "/"; }

  // One collator for sorting facility names, made when first needed (the list, once the
  // sheet opens): making it loads the locale's data, about 20 ms of a busy phone's main
  // thread; String.localeCompare with a locale pays much of that on every call.
  var collator = null;
  function compareNames(a, b) {
    if (!collator) collator = window.Intl && Intl.Collator ? new Intl.Collator("id") : { compare: function (x, y) { return x.localeCompare(y, "id"); } };
    return collator.compare(a || "", b || "");
  }
  // Kelurahan and kecamatan names are plain words: compared case- and accent-folded, with no
  // collator at start-up.
  function byName(a, b) {
    var x = U.fold(a.nama), y = U.fold(b.nama);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  // fn() in a task of its own: the panel is made in a few short tasks, not one long one.
  function later(fn) { setTimeout(fn, 0); }

  // Every kelurahan, grouped by kecamatan, both alphabetical; one without a point is listed
  // but cannot be chosen (it says why).
  function kelurahanSelect(opts, chosen) {
    var sel = el("select");
    sel.appendChild(option("", "— pilih kelurahan —"));
    opts.kecamatan.slice().sort(byName).forEach(function (k) {
      var group = el("optgroup", { label: "Kecamatan " + k.nama });
      k.kelurahan.slice().sort(byName).forEach(function (x) {
        var o = option(x.slug, x.titik ? x.nama : x.nama + " (titik belum ada)", chosen === x.slug);
        if (!x.titik) o.disabled = true;
        group.appendChild(o);
      });
      sel.appendChild(group);
    });
    return sel;
  }

  function findKelurahan(opts, slug) {
    var found = null;
    opts.kecamatan.forEach(function (k) { k.kelurahan.forEach(function (x) { if (x.slug === slug) found = x; }); });
    return found;
  }

  // ---- the chips: one tap, one category ---------------------------------------------------

  function buildChips(app) {
    var opts = app.opts;
    var row = el("div", { "class": "pk-chips", role: "group", "aria-label": "Pilih satu kategori" });
    var chips = [];
    function add(slug, label, n, cat) {
      var b = el("button", { type: "button", "class": "pk-chip", "data-kategori": slug });
      if (cat) b.appendChild(pin(cat));
      b.appendChild(el("span", {}, label));
      if (n !== null) b.appendChild(el("span", { "class": "pk-chip-n" }, n));
      b.addEventListener("click", function () { app.chooseCategory(slug); });
      chips.push(b);
      row.appendChild(b);
    }
    add("", "Semua", app.rows.length, null);
    Object.keys(opts.kategori).forEach(function (slug) {
      if (app.counts[slug]) add(slug, opts.kategori[slug].label, app.counts[slug], opts.kategori[slug]);
    });
    app.markChips = function () {
      chips.forEach(function (b) {
        var slug = b.getAttribute("data-kategori"), on = slug === app.state.kategori;
        b.setAttribute("aria-pressed", String(on));
        // a chosen chip out of sight scrolls into the row ("Semua", the first, never is;
        // measuring it would force a layout of the whole document while the map starts)
        if (on && slug && b.offsetLeft + b.offsetWidth > row.clientWidth) row.scrollLeft = b.offsetLeft - 8;
      });
    };
    app.markChips();
    return row;
  }

  // ---- the panel -------------------------------------------------------------------------

  function buildPanel(app, ready) {
    var opts = app.opts, state = app.state, map = app.map;
    var panel = el("section", { "class": "pk-panel", id: "pk-panel",
                                "aria-label": "Filter, pencarian dan daftar fasilitas" });
    var handle = el("button", { type: "button", "class": "pk-panel-toggle", "aria-controls": "pk-panel-isi",
                                "aria-expanded": "false",
                                "aria-describedby": "pk-pegangan-bantuan" });
    handle.appendChild(el("span", { "class": "pk-pegangan", "aria-hidden": "true" }));
    handle.appendChild(el("span", { "class": "pk-panel-judul" }, "Filter dan daftar"));
    var help = el("span", { "class": "pk-sr", id: "pk-pegangan-bantuan" },
                  "Ketuk untuk membuka atau menutup. Panah atas dan bawah mengubah tingginya.");
    var count = el("p", { "class": "pk-jumlah", id: "pk-jumlah", "aria-live": "polite" });
    var card = el("div", { "class": "pk-kartu-pilih", id: "pk-kartu", hidden: "" });
    var body = el("div", { "class": "pk-panel-isi", id: "pk-panel-isi" });
    [handle, help, count, card, body].forEach(function (n) { panel.appendChild(n); });

    // The body (search, "terdekat dari", the list, the filters) is filled in by later tasks
    // (see the end of this function); hidden at the smallest height, it is not needed at once.
    var list = el("ol", { "class": "pk-hasil", id: "pk-hasil", "aria-label": "Daftar fasilitas" });
    body.appendChild(list);
    var search = null, from = null;

    // -- heights: kecil (count and card), setengah, penuh; the map's box follows ----------
    var height = "kecil";
    // The map's box: below the chips and, on a phone, above the sheet. `sizes` are the
    // heights last seen; `placed` the box in force (at first the stylesheet's estimate,
    // html.pk-penuh in peta.css, which the map was made with).
    var sizes = { chips: 0, panel: 0 }, placed = null;
    function place(force) {
      var top = Math.round(sizes.chips) + "px";
      var bottom = PHONE.matches ? Math.round(sizes.panel) + "px" : "0px";
      if (!force && placed && placed[0] === top && placed[1] === bottom) return;
      placed = [top, bottom];
      var root = document.documentElement.style;
      root.setProperty("--pk-atas", top);
      root.setProperty("--pk-bawah", bottom);
      map.invalidateSize({ pan: false });
    }
    // Measured now (a forced layout): after a resize, a new height, a card shown or closed.
    function layout() {
      sizes.chips = app.chips.offsetHeight;
      sizes.panel = panel.offsetHeight;
      place(true);
    }
    // `settle`: leave the measuring to the ResizeObserver (after the browser's own layout)
    // rather than forcing a layout now; used while the page starts.
    app.setHeight = function (h, settle) {
      height = h;
      panel.setAttribute("data-tinggi", h);
      handle.setAttribute("aria-expanded", String(h !== "kecil"));
      app.panelOpen = h !== "kecil";
      if (!settle || !window.ResizeObserver) layout();
      app.showList();
    };
    function step(d) {
      var i = Math.max(0, Math.min(HEIGHTS.length - 1, HEIGHTS.indexOf(height) + d));
      app.setHeight(HEIGHTS[i]);
    }
    handle.addEventListener("click", function () {
      if (handle.pkDragged) { handle.pkDragged = false; return; }
      if (!PHONE.matches) app.setHeight(height === "kecil" ? "setengah" : "kecil");
      else app.setHeight(height === "penuh" ? "kecil" : HEIGHTS[HEIGHTS.indexOf(height) + 1]);
    });
    handle.addEventListener("keydown", function (e) {
      if (e.key === "ArrowUp") { step(1); e.preventDefault(); }
      if (e.key === "ArrowDown") { step(-1); e.preventDefault(); }
    });
    // Swipe: a vertical drag on the handle or the count line of 40 px or more changes the height.
    var startY = null;
    [handle, count].forEach(function (zone) {
      zone.addEventListener("pointerdown", function (e) { startY = e.clientY; });
    });
    panel.addEventListener("pointerup", function (e) {
      if (startY === null) return;
      var dy = e.clientY - startY;
      startY = null;
      if (Math.abs(dy) >= 40) { handle.pkDragged = e.target === handle || handle.contains(e.target); step(dy < 0 ? 1 : -1); }
    });
    panel.addEventListener("pointercancel", function () { startY = null; });
    PHONE.addEventListener("change", layout);
    window.addEventListener("resize", layout);

    // -- search and "terdekat dari…" (made by a later task) --------------------------------
    function buildSearch() {
      search = el("input", { type: "search", autocomplete: "off", enterkeyhint: "search",
                             placeholder: "mis. laktasi, taman, buku, puskesmas, kelurahan…" });
      search.value = state.q || "";
      body.insertBefore(labelled("pk-cari", "Cari fasilitas", search), list);

      // Dekat saya: the browser's position (after the user agrees), or a kelurahan's point.
      var near = el("div", { "class": "pk-dekat", role: "group", "aria-labelledby": "pk-dekat-judul" });
      near.appendChild(el("h2", { id: "pk-dekat-judul" }, "Terdekat dari…"));
      var locate = el("button", { type: "button", "class": "pk-tombol" }, "Gunakan lokasi saya");
      near.appendChild(locate);
      from = kelurahanSelect(opts, findKelurahan(opts, state.dari) ? state.dari : "");
      near.appendChild(labelled("pk-dari", "Dari kelurahan", from));
      body.insertBefore(near, list);

      var timer = null;
      search.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { app.update({ q: search.value.trim() }); }, 150);
      });
      search.addEventListener("keydown", function (e) { if (e.key === "Enter") search.blur(); });
      locate.addEventListener("click", function () { app.locate(); });
      from.addEventListener("change", function () {
        var x = findKelurahan(opts, from.value);
        if (x) fromKelurahan(x);
        else { app.clearOrigin(); app.apply(); }
      });
    }
    function fromKelurahan(x, quiet) {
      app.setOrigin(x.titik, "Kelurahan " + x.nama + (x.perkiraan ? " (titik perkiraan)" : ""), x.slug);
      if (!quiet) app.answer();
    }
    app.locate = function () {
      if (!navigator.geolocation) {
        count.textContent = "Peramban ini tidak dapat memberi lokasi. Pilih kelurahan.";
        return;
      }
      count.textContent = "Mencari lokasi Anda…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        // Rounded to about 100 m: the link may be shared, the answer stays the same.
        var p = [Math.round(pos.coords.latitude * 1000) / 1000, Math.round(pos.coords.longitude * 1000) / 1000];
        if (from) from.value = "";
        app.setOrigin([pos.coords.latitude, pos.coords.longitude], "lokasi Anda", p.join(","));
        app.answer();
      }, function () {
        count.textContent = "Lokasi tidak tersedia atau tidak diizinkan. Pilih kelurahan.";
        if (app.state.dari === "saya") { app.state.dari = ""; app.writeUrl(); }
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
    };

    // Nearest first once an origin is set; the origin and the nearest facility both in view.
    app.ranked = function (shown) {
      if (!app.origin) {
        return shown.slice().sort(function (a, b) { return compareNames(a.nama, b.nama); })
          .map(function (f) { return [null, f]; });
      }
      return shown.map(function (f) { return [U.distanceM(app.origin.point, [f.lat, f.lon]), f]; })
        .sort(function (a, b) { return a[0] - b[0]; });
    };
    app.fitNearest = function () {
      var r = app.ranked(app.shown || []);
      if (r.length) map.fitBounds([app.origin.point, [r[0][1].lat, r[0][1].lon]], { padding: [48, 48], maxZoom: 16 });
    };
    // The question "which is nearest?" answered: the nearest facility chosen, with its card.
    app.answer = function () {
      app.loadDetails().then(function () {  // ids and names come with the details file
        var r = app.ranked(app.shown || []);
        if (r.length) app.select(r[0][1].id);
      });
    };

    app.renderSummary = function (shown) {
      var total = shown.length, all = app.rows.length, cat = opts.kategori[state.kategori];
      var onlyCat = cat && P.FILTER_KEYS.every(function (k) { return k === "kategori" || !state[k]; });
      var text = onlyCat ? total + " " + cat.label
        : total === all ? total + " fasilitas"
        : total + " dari " + all + " fasilitas cocok";
      if (app.origin) text += "; terdekat dari " + app.origin.label;
      count.textContent = text;
      if (app.markChips) app.markChips();
    };

    app.renderList = function (shown) {
      list.textContent = "";
      var items = app.ranked(shown), LIMIT = 100;
      items.slice(0, LIMIT).forEach(function (pair) {
        var f = pair[1], cat = opts.kategori[f.kategori];
        var li = el("li", { "class": "pk-hasil-item" });
        var btn = el("button", { type: "button", "class": "pk-hasil-nama" }, f.nama);
        btn.addEventListener("click", function () { app.select(f.id); });
        li.appendChild(btn);
        var meta = el("span", { "class": "pk-hasil-meta" });
        if (pair[0] !== null) meta.appendChild(el("strong", { "class": "pk-jarak" }, U.formatDistance(pair[0])));
        meta.appendChild(document.createTextNode((pair[0] !== null ? " · " : "") + cat.label + " · " + f.kelurahan));
        li.appendChild(meta);
        var links = el("span", { "class": "pk-hasil-tautan" });
        links.appendChild(el("a", { href: pageUrl(opts, f), target: "_top" }, "Detail"));
        if (pair[0] !== null) {
          links.appendChild(document.createTextNode(" · "));
          links.appendChild(el("a", { href: U.directionsUrl(f), target: "_blank", rel: "noopener" }, "Petunjuk arah"));
        }
        li.appendChild(links);
        list.appendChild(li);
      });
      if (items.length > LIMIT) {
        list.appendChild(el("li", { "class": "pk-hasil-lagi" }, "dan " + (items.length - LIMIT) + " lainnya — persempit pencarian atau filter."));
      }
      if (!items.length) list.appendChild(el("li", { "class": "pk-hasil-lagi" }, "Tidak ada yang cocok. Coba kata lain atau pilih Semua."));
    };

    // The chosen facility: a compact card on top of the panel; on a phone the sheet goes down
    // to its smallest height and the marker is centred in the map's box above it.
    app.select = function (id) {
      var f = app.rows[app.byId[id]];
      if (!f) return;
      state.pilih = id;
      showCard(f);
      var phone = PHONE.matches;
      // A phone shows the card on the closed sheet; a wide screen's closed panel is just its
      // button, so it opens to show the card (a shared link with pilih= opens the same answer).
      if (phone) app.setHeight("kecil");
      else if (height === "kecil") app.setHeight("setengah");
      app.focus(id, !phone, function (m) {
        // The origin and the facility both in the map's box, unless that would hide the
        // marker in a cluster again: then the facility alone, at the zoom that shows it.
        var z = map.getZoom();
        if (app.origin) {
          map.fitBounds([app.origin.point, m.getLatLng()], { padding: [56, 56], maxZoom: 17, animate: false });
          if (app.cluster.getVisibleParent(m) !== m) map.setView(m.getLatLng(), z, { animate: false });
        } else {
          map.setView(m.getLatLng(), z, { animate: false });
        }
        markChosen(m);
        app.writeUrl();
        document.documentElement.setAttribute("data-pk-pilih", id);
      });
    };
    var chosenIcon = null;
    function markChosen(m) {
      if (chosenIcon) chosenIcon.classList.remove("pk-dipilih");
      chosenIcon = m.getElement ? m.getElement() : null;
      if (chosenIcon) chosenIcon.classList.add("pk-dipilih");
    }
    function showCard(f) {
      var cat = opts.kategori[f.kategori];
      card.textContent = "";
      card.hidden = false;
      card.appendChild(el("strong", { "class": "pk-kartu-nama" }, f.nama));
      var meta = el("div", { "class": "pk-kartu-meta" });
      meta.appendChild(pin(cat));
      var bits = [cat.label, f.kelurahan];
      if (app.origin) bits.push(U.formatDistance(U.distanceM(app.origin.point, [f.lat, f.lon])) + " dari " + app.origin.label);
      meta.appendChild(el("span", {}, bits.join(" · ")));
      card.appendChild(meta);
      if (f.perkiraan) card.appendChild(el("div", { "class": "pk-perkiraan" }, opts.perkiraan[f.perkiraan] || "Lokasi perkiraan"));
      var act = el("div", { "class": "pk-kartu-aksi" });
      act.appendChild(el("a", { href: pageUrl(opts, f), target: "_top", "class": "pk-tombol" }, "Detail"));
      act.appendChild(el("a", { href: U.directionsUrl(f), target: "_blank", rel: "noopener",
                                "class": "pk-tombol pk-tombol--kedua" }, "Arah"));
      var close = el("button", { type: "button", "class": "pk-tutup", "aria-label": "Tutup kartu" }, "×");
      close.addEventListener("click", function () {
        card.hidden = true; state.pilih = ""; app.writeUrl();
        if (chosenIcon) chosenIcon.classList.remove("pk-dipilih");
        layout();
      });
      act.appendChild(close);
      card.appendChild(act);
      layout();
    }

    app.update = function (partial) {
      Object.keys(partial).forEach(function (k) { state[k] = partial[k]; });
      app.apply();
    };
    app.chooseCategory = function (slug) {
      state.kategori = slug;
      if (app.syncFilters) app.syncFilters();  // the filters may still be on their way
      app.apply(!app.origin);
      if (app.origin) app.fitNearest();
    };

    // Open at the height the link asks for: a filter or an origin means a question to answer.
    var asked = P.FILTER_KEYS.some(function (k) { return state[k]; }) || state.dari;
    app.chips = buildChips(app);
    var mapEl = map.getContainer();
    mapEl.parentNode.insertBefore(app.chips, mapEl);
    mapEl.parentNode.insertBefore(panel, mapEl);
    [panel, app.chips].forEach(function (n) {
      L.DomEvent.disableClickPropagation(n);
      L.DomEvent.disableScrollPropagation(n);
    });
    if (window.ResizeObserver) {  // a count line that wraps, a card that appears…
      // The observer's own sizes (measured in the browser's layout, none forced here); the
      // map's box changes only when they differ from the box in force.
      var watch = new ResizeObserver(function (entries) {
        if (!placed) {  // the box the map was made with (the style is up to date here)
          var css = getComputedStyle(document.documentElement);
          placed = [css.getPropertyValue("--pk-atas").trim(), css.getPropertyValue("--pk-bawah").trim()];
        }
        entries.forEach(function (e) {
          var box = e.borderBoxSize && e.borderBoxSize[0];
          sizes[e.target === panel ? "panel" : "chips"] = box ? box.blockSize : e.target.offsetHeight;
        });
        place(false);
      });
      watch.observe(panel);
      watch.observe(app.chips);
    }
    app.setHeight(asked && !state.pilih ? "setengah" : "kecil", true);

    // Then, once the markers are made, the body in tasks of their own; ready() once
    // everything is in place.
    app.afterMarkers(function () {
      buildSearch();
      later(function () {
        body.appendChild(buildFilters(app));
        answerLink();
        ready();
      });
    });

    // The answer the link carries: its origin, then its chosen facility.
    function answerLink() {
      var kel = findKelurahan(opts, state.dari), xy = (state.dari || "").split(",").map(parseFloat);
      if (!asked && !state.pilih) return;  // just looking: the details file waits until needed
      var details = app.loadDetails();
      var quiet = !!state.pilih;  // the link names its answer already
      if (kel && kel.titik) details.then(function () { fromKelurahan(kel, quiet); });
      else if (xy.length === 2 && xy.every(isFinite)) {
        details.then(function () {
          app.setOrigin(xy, "titik pada tautan", state.dari);
          if (!quiet) app.answer();
        });
      } else if (state.dari === "saya") app.locate();
      if (state.pilih) details.then(function () { app.select(state.pilih); });
    }
  }

  // ---- the detailed filters (folded away under the list) --------------------------------

  function buildFilters(app) {
    var opts = app.opts, state = app.state;
    var box = el("details", { "class": "pk-lainnya" });
    if (["klaster", "kecamatan", "kelurahan", "buka", "usia", "akses"].some(function (k) { return state[k]; }) ||
        (state.kategori && state.kategori.indexOf(",") >= 0)) box.open = true;
    box.appendChild(el("summary", {}, "Filter lainnya"));

    var cats = el("fieldset", { "class": "pk-kategori" });
    cats.appendChild(el("legend", {}, "Kategori"));
    Object.keys(opts.kategori).forEach(function (slug) {
      var cat = opts.kategori[slug];
      var lab = el("label", { "class": "pk-cek" });
      var b = el("input", { type: "checkbox", value: slug, name: "kategori" });
      lab.appendChild(b);
      lab.appendChild(pin(cat));
      lab.appendChild(el("span", {}, cat.label + " (" + (app.counts[slug] || 0) + ")"));
      cats.appendChild(lab);
    });
    box.appendChild(cats);

    var klaster = el("select");
    klaster.appendChild(option("", "Semua klaster"));
    opts.klaster.forEach(function (k) { klaster.appendChild(option(k.slug, k.judul, state.klaster === k.slug)); });
    box.appendChild(labelled("pk-klaster", "Klaster KLA", klaster));

    var kec = el("select");
    kec.appendChild(option("", "Semua kecamatan"));
    opts.kecamatan.forEach(function (k) { kec.appendChild(option(k.slug, k.nama, state.kecamatan === k.slug)); });
    box.appendChild(labelled("pk-kecamatan", "Kecamatan", kec));

    var kel = el("select");
    function fillKelurahan() {
      kel.textContent = "";
      kel.appendChild(option("", "Semua kelurahan"));
      opts.kecamatan.forEach(function (k) {
        if (kec.value && k.slug !== kec.value) return;
        k.kelurahan.forEach(function (x) { kel.appendChild(option(x.slug, x.nama, state.kelurahan === x.slug)); });
      });
    }
    fillKelurahan();
    box.appendChild(labelled("pk-kelurahan", "Kelurahan", kel));

    // "Buka sekarang" can only be honest about facilities whose hours are recorded.
    var buka = el("input", { type: "checkbox", id: "pk-buka", "aria-describedby": "pk-buka-catatan" });
    buka.checked = state.buka === "1";
    var bukaLab = el("label", { "class": "pk-cek", "for": "pk-buka" });
    bukaLab.appendChild(buka);
    bukaLab.appendChild(el("span", {}, "Buka sekarang (WITA)"));
    box.appendChild(bukaLab);
    var n = opts.berjam || 0;
    var note = el("p", { "class": "pk-catatan", id: "pk-buka-catatan" }, n
      ? "Hanya " + n + " dari " + app.rows.length + " fasilitas mencatat jam buka; yang lain tidak ikut tampil."
      : "Belum bisa dipakai: belum ada fasilitas yang mencatat jam buka.");
    if (!n) { buka.disabled = true; buka.checked = false; }
    box.appendChild(note);

    var usia = el("input", { type: "number", min: "0", max: "18", inputmode: "numeric" });
    usia.value = state.usia || "";
    box.appendChild(labelled("pk-usia", "Usia anak (tahun)", usia));

    var akses = el("select");
    akses.appendChild(option("", "Semua"));
    Object.keys(opts.akses).forEach(function (a) { akses.appendChild(option(a, opts.akses[a], state.akses === a)); });
    box.appendChild(labelled("pk-akses", "Akses", akses));

    var reset = el("button", { type: "button", "class": "pk-tombol pk-tombol--kedua" }, "Hapus filter");
    box.appendChild(reset);

    app.syncFilters = function () {
      var chosen = state.kategori ? state.kategori.split(",") : null;
      cats.querySelectorAll("input").forEach(function (b) { b.checked = !chosen || chosen.indexOf(b.value) >= 0; });
    };
    app.syncFilters();
    cats.addEventListener("change", function () {
      var boxes = cats.querySelectorAll("input[type=checkbox]"), on = [];
      boxes.forEach(function (b) { if (b.checked) on.push(b.value); });
      app.update({ kategori: on.length === boxes.length ? "" : (on.join(",") || "-") });
    });
    klaster.addEventListener("change", function () { app.update({ klaster: klaster.value }); });
    kec.addEventListener("change", function () { state.kelurahan = ""; fillKelurahan(); app.update({ kecamatan: kec.value }); });
    kel.addEventListener("change", function () { app.update({ kelurahan: kel.value }); });
    buka.addEventListener("change", function () { app.update({ buka: buka.checked ? "1" : "" }); });
    usia.addEventListener("input", function () { app.update({ usia: usia.value }); });
    akses.addEventListener("change", function () { app.update({ akses: akses.value }); });
    reset.addEventListener("click", function () {
      P.FILTER_KEYS.forEach(function (k) { state[k] = ""; });
      klaster.value = ""; kec.value = ""; fillKelurahan(); buka.checked = false; usia.value = ""; akses.value = "";
      var s = document.getElementById("pk-cari"), d = document.getElementById("pk-dari");
      if (s) s.value = "";
      if (d) d.value = "";
      app.syncFilters();
      app.clearOrigin();
      app.apply();
    });
    return box;
  }

  // ready(): called once the whole panel is in place (peta.js then marks the map ready).
  P.panel = function (app, ready) {
    document.body.classList.add("pk-dengan-panel");
    buildPanel(app, ready || function () {});
  };
})();
