/* Peta Kota Layak Anak — the map's behaviour, loaded by the Folium-generated map documents.
 *
 * One document (peta.html) serves the full map on /peta/ (with the filter panel, search,
 * "dekat saya" and the list alternative, its state kept in the page URL) and the small maps
 * embedded on kecamatan and kategori pages (state fixed by the iframe's own #fragment).
 * Record text is only ever put into the page with textContent / setAttribute, never as HTML. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  // Marker html comes only from the vocabulary (colour, icon path), never from records.
  // Colours come from a stylesheet class per category (no inline style: the CSP forbids it).
  function pinHtml(cat) {
    return '<span class="pk-pin pk-k-' + esc(cat.slug) + '">' +
      '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">' +
      '<path fill="#fff" d="' + esc(cat.ikon) + '"/></svg></span>';
  }

  var icons = {};
  function iconFor(slug, cat) {
    if (!icons[slug]) {
      icons[slug] = L.divIcon({
        className: "pk-marker pk-k-" + slug, html: pinHtml(cat),
        iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14]
      });
    }
    return icons[slug];
  }

  function parseParams(hash) {
    var out = {};
    (hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) return;
      var i = part.indexOf("=");
      try {
        var k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
        out[k] = i < 0 ? "" : decodeURIComponent(part.slice(i + 1).replace(/\+/g, " "));
      } catch (e) { /* a malformed parameter is ignored */ }
    });
    return out;
  }

  function buildHash(params) {
    var parts = [];
    Object.keys(params).forEach(function (k) {
      if (params[k] !== "" && params[k] !== undefined && params[k] !== null) {
        parts.push(encodeURIComponent(k) + "=" + encodeURIComponent(params[k]).replace(/%2C/g, ","));
      }
    });
    return parts.length ? "#" + parts.join("&") : "";
  }

  // Case- and accent-insensitive text for search.
  function fold(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // WITA (Asia/Makassar) is UTC+8 all year: minutes since Monday 00:00 WITA.
  function minuteOfWeekWITA(now) {
    var d = new Date(now.getTime() + 8 * 3600 * 1000);
    return ((d.getUTCDay() + 6) % 7) * 1440 + d.getUTCHours() * 60 + d.getUTCMinutes();
  }

  // `jam` is a flat list of [start, end) minute pairs in a normal week, computed at build
  // time from the OpenStreetMap opening_hours value; null when unknown.
  function isOpen(jam, minute) {
    if (!jam) return null;
    for (var i = 0; i < jam.length; i += 2) {
      if (minute >= jam[i] && minute < jam[i + 1]) return true;
    }
    return false;
  }

  function distanceM(a, b) {
    var R = 6371008.8, rad = Math.PI / 180;
    var dLat = (b[0] - a[0]) * rad, dLon = (b[1] - a[1]) * rad;
    var h = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a[0] * rad) * Math.cos(b[0] * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function formatDistance(m) {
    return m < 1000 ? Math.round(m / 10) * 10 + " m" : (m / 1000).toFixed(1).replace(".", ",") + " km";
  }

  function directionsUrl(f) {
    return "https://www.google.com/maps/dir/?api=1&destination=" + f.lat + "%2C" + f.lon;
  }

  function popupFor(f, opts) {
    var cat = opts.kategori[f.kategori];
    var box = el("div", { "class": "pk-popup" });
    box.appendChild(el("strong", { "class": "pk-nama" }, f.nama));
    var kat = el("div", { "class": "pk-kat" });
    kat.innerHTML = pinHtml(cat);  // vocabulary only
    kat.appendChild(el("span", {}, cat.label));
    box.appendChild(kat);
    var where = [f.alamat, f.kelurahan].filter(Boolean).join(", ");
    if (where) box.appendChild(el("div", { "class": "pk-alamat" }, where));
    if (f.jam_buka) box.appendChild(el("div", { "class": "pk-jam" }, "Jam buka: " + f.jam_buka));
    if (f.status && f.status !== "aktif") {
      box.appendChild(el("div", { "class": "pk-status" }, "Status: " + opts.status[f.status]));
    }
    box.appendChild(el("div", { "class": "pk-ver " + (f.verifikasi ? "pk-ver-ya" : "pk-ver-belum") },
      f.verifikasi ? "Terverifikasi " + f.verifikasi : "Belum diverifikasi"));
    if (f.perkiraan) {
      box.appendChild(el("div", { "class": "pk-perkiraan" }, opts.perkiraan[f.perkiraan] || "Lokasi perkiraan"));
    }
    box.appendChild(el("a", { href: opts.base + "fasilitas/" + encodeURIComponent(f.id) + "/",
                              target: "_top" }, "Lihat detail"));
    return box;
  }

  // ---- filters ------------------------------------------------------------------------

  var FILTER_KEYS = ["kategori", "klaster", "kecamatan", "kelurahan", "buka", "usia", "akses", "q"];

  function matcher(state, opts, now) {
    var cats = state.kategori ? state.kategori.split(",") : null;
    var q = fold(state.q).trim();
    var words = q ? q.split(/\s+/) : [];
    var usia = state.usia === "" || state.usia === undefined ? null : parseInt(state.usia, 10);
    var minute = minuteOfWeekWITA(now || new Date());
    return function (f) {
      if (cats && cats.indexOf(f.kategori) < 0) return false;
      if (state.klaster && opts.kategori[f.kategori].klaster !== state.klaster) return false;
      if (state.kecamatan && f.kecamatan !== state.kecamatan) return false;
      if (state.kelurahan && f.kel !== state.kelurahan) return false;
      if (state.akses && f.akses !== state.akses) return false;
      if (usia !== null && !isNaN(usia) && f.usia_min !== null &&
          (usia < f.usia_min || usia > f.usia_max)) return false;
      if (state.buka === "1" && isOpen(f.jam, minute) !== true) return false;
      for (var i = 0; i < words.length; i++) {
        if (f.teks.indexOf(words[i]) < 0) return false;
      }
      return true;
    };
  }

  function readRows(data, opts) {
    var cols = {};
    data.kolom.forEach(function (name, i) { cols[name] = i; });
    var kecNames = {};
    (opts.kecamatan || []).forEach(function (k) { kecNames[k.slug] = k.nama; });
    return data.baris.map(function (row) {
      var f = {};
      data.kolom.forEach(function (name) { f[name] = row[cols[name]]; });
      f.teks = fold([f.nama, f.alamat, f.kelurahan, kecNames[f.kecamatan] || "", f.pengelola].join(" "));
      return f;
    });
  }

  // ---- the panel (full map only) --------------------------------------------------------

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

  function buildPanel(app) {
    var opts = app.opts, state = app.state;
    var panel = el("section", { "class": "pk-panel", id: "pk-panel", "aria-label": "Filter, pencarian dan daftar fasilitas" });
    var toggle = el("button", { type: "button", "class": "pk-panel-toggle", "aria-controls": "pk-panel-isi",
                                "aria-expanded": "true" }, "Filter dan daftar");
    var body = el("div", { "class": "pk-panel-isi", id: "pk-panel-isi" });
    panel.appendChild(toggle);
    panel.appendChild(body);

    var search = el("input", { type: "search", autocomplete: "off", placeholder: "nama, alamat, kelurahan…" });
    search.value = state.q || "";
    body.appendChild(labelled("pk-cari", "Cari fasilitas", search));

    var cats = el("fieldset", { "class": "pk-kategori" });
    cats.appendChild(el("legend", {}, "Kategori"));
    var chosen = state.kategori ? state.kategori.split(",") : null;
    Object.keys(opts.kategori).forEach(function (slug) {
      var cat = opts.kategori[slug];
      var lab = el("label", { "class": "pk-cek" });
      var box = el("input", { type: "checkbox", value: slug, name: "kategori" });
      box.checked = !chosen || chosen.indexOf(slug) >= 0;
      lab.appendChild(box);
      var pin = el("span", {});
      pin.innerHTML = pinHtml(cat);  // vocabulary only
      lab.appendChild(pin);
      lab.appendChild(el("span", {}, cat.label + " (" + (app.counts[slug] || 0) + ")"));
      cats.appendChild(lab);
    });
    body.appendChild(cats);

    var klaster = el("select");
    klaster.appendChild(option("", "Semua klaster"));
    opts.klaster.forEach(function (k) { klaster.appendChild(option(k.slug, k.judul, state.klaster === k.slug)); });
    body.appendChild(labelled("pk-klaster", "Klaster KLA", klaster));

    var kec = el("select");
    kec.appendChild(option("", "Semua kecamatan"));
    opts.kecamatan.forEach(function (k) { kec.appendChild(option(k.slug, k.nama, state.kecamatan === k.slug)); });
    body.appendChild(labelled("pk-kecamatan", "Kecamatan", kec));

    var kel = el("select");
    function fillKelurahan() {
      kel.textContent = "";
      kel.appendChild(option("", "Semua kelurahan"));
      opts.kecamatan.forEach(function (k) {
        if (kec.value && k.slug !== kec.value) return;
        k.kelurahan.forEach(function (x) { kel.appendChild(option(x.slug, x.nama, app.state.kelurahan === x.slug)); });
      });
    }
    fillKelurahan();
    body.appendChild(labelled("pk-kelurahan", "Kelurahan", kel));

    var buka = el("input", { type: "checkbox" });
    buka.checked = state.buka === "1";
    var bukaLab = el("label", { "class": "pk-cek", "for": "pk-buka" });
    buka.id = "pk-buka";
    bukaLab.appendChild(buka);
    bukaLab.appendChild(el("span", {}, "Buka sekarang (WITA)"));
    body.appendChild(bukaLab);

    var usia = el("input", { type: "number", min: "0", max: "18", inputmode: "numeric" });
    usia.value = state.usia || "";
    body.appendChild(labelled("pk-usia", "Usia anak (tahun)", usia));

    var akses = el("select");
    akses.appendChild(option("", "Semua"));
    Object.keys(opts.akses).forEach(function (a) { akses.appendChild(option(a, opts.akses[a], state.akses === a)); });
    body.appendChild(labelled("pk-akses", "Akses", akses));

    var reset = el("button", { type: "button", "class": "pk-tombol pk-tombol--kedua" }, "Hapus filter");
    body.appendChild(reset);

    // Dekat saya: the browser's position (after the user agrees), or a kelurahan's centre.
    var near = el("div", { "class": "pk-dekat" });
    near.appendChild(el("h2", {}, "Dekat saya"));
    var locate = el("button", { type: "button", "class": "pk-tombol" }, "Gunakan lokasi saya");
    near.appendChild(locate);
    var from = el("select");
    from.appendChild(option("", "— atau pilih kelurahan —"));
    opts.kecamatan.forEach(function (k) {
      k.kelurahan.forEach(function (x) { if (x.titik) from.appendChild(option(x.slug, x.nama)); });
    });
    near.appendChild(labelled("pk-dari", "Dari pusat kelurahan", from));
    body.appendChild(near);

    var count = el("p", { "class": "pk-jumlah", id: "pk-jumlah", "aria-live": "polite" });
    body.appendChild(count);
    var list = el("ol", { "class": "pk-hasil", id: "pk-hasil", "aria-label": "Daftar fasilitas" });
    body.appendChild(list);

    function update(partial) {
      Object.keys(partial).forEach(function (k) { app.state[k] = partial[k]; });
      app.apply();
    }
    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update({ q: search.value.trim() }); }, 150);
    });
    cats.addEventListener("change", function () {
      var boxes = cats.querySelectorAll("input[type=checkbox]");
      var on = [];
      boxes.forEach(function (b) { if (b.checked) on.push(b.value); });
      update({ kategori: on.length === boxes.length ? "" : (on.join(",") || "-") });
    });
    klaster.addEventListener("change", function () { update({ klaster: klaster.value }); });
    kec.addEventListener("change", function () { app.state.kelurahan = ""; fillKelurahan(); update({ kecamatan: kec.value }); });
    kel.addEventListener("change", function () { update({ kelurahan: kel.value }); });
    buka.addEventListener("change", function () { update({ buka: buka.checked ? "1" : "" }); });
    usia.addEventListener("input", function () { update({ usia: usia.value }); });
    akses.addEventListener("change", function () { update({ akses: akses.value }); });
    reset.addEventListener("click", function () {
      FILTER_KEYS.forEach(function (k) { app.state[k] = ""; });
      search.value = ""; klaster.value = ""; kec.value = ""; fillKelurahan(); buka.checked = false;
      usia.value = ""; akses.value = "";
      cats.querySelectorAll("input").forEach(function (b) { b.checked = true; });
      app.origin = null;
      app.apply();
    });
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      panel.classList.toggle("pk-panel--tutup", !open);
      app.panelOpen = open;
      app.map.invalidateSize();
      if (open) app.apply();
    });
    // Closed until asked for (the list needs every name), unless a shared link set filters.
    app.panelOpen = FILTER_KEYS.some(function (k) { return state[k]; });
    toggle.setAttribute("aria-expanded", String(app.panelOpen));
    panel.classList.toggle("pk-panel--tutup", !app.panelOpen);

    locate.addEventListener("click", function () {
      if (!navigator.geolocation) {
        count.textContent = "Peramban ini tidak dapat memberi lokasi. Pilih kelurahan di bawah.";
        return;
      }
      count.textContent = "Mencari lokasi Anda…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        app.setOrigin([pos.coords.latitude, pos.coords.longitude], "lokasi Anda");
      }, function () {
        count.textContent = "Lokasi tidak tersedia atau tidak diizinkan. Pilih kelurahan di bawah.";
      }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
    });
    from.addEventListener("change", function () {
      var found = null;
      opts.kecamatan.forEach(function (k) { k.kelurahan.forEach(function (x) { if (x.slug === from.value) found = x; }); });
      if (found) app.setOrigin(found.titik, "pusat Kelurahan " + found.nama + (found.perkiraan ? " (perkiraan)" : ""));
      else { app.origin = null; app.apply(); }
    });

    app.renderList = function (shown) {
      list.textContent = "";
      var total = shown.length;
      var items = shown;
      if (app.origin) {
        items = shown.map(function (f) { return [distanceM(app.origin.point, [f.lat, f.lon]), f]; })
          .sort(function (a, b) { return a[0] - b[0]; }).slice(0, 10);
        count.textContent = total + " fasilitas cocok; 10 terdekat dari " + app.origin.label + ":";
      } else {
        items = shown.slice().sort(function (a, b) { return a.nama.localeCompare(b.nama, "id"); })
          .map(function (f) { return [null, f]; });
        count.textContent = total === app.rows.length ? total + " fasilitas" : total + " dari " + app.rows.length + " fasilitas cocok";
      }
      var LIMIT = 100;
      items.slice(0, LIMIT).forEach(function (pair) {
        var f = pair[1], cat = opts.kategori[f.kategori];
        var li = el("li", { "class": "pk-hasil-item" });
        var btn = el("button", { type: "button", "class": "pk-hasil-nama" }, f.nama);
        btn.addEventListener("click", function () { app.focus(f.id); });
        li.appendChild(btn);
        var meta = cat.label + " · " + f.kelurahan + (pair[0] !== null ? " · " + formatDistance(pair[0]) : "");
        li.appendChild(el("span", { "class": "pk-hasil-meta" }, meta));
        var links = el("span", { "class": "pk-hasil-tautan" });
        links.appendChild(el("a", { href: opts.base + "fasilitas/" + encodeURIComponent(f.id) + "/", target: "_top" }, "Detail"));
        if (pair[0] !== null) {
          links.appendChild(document.createTextNode(" · "));
          links.appendChild(el("a", { href: directionsUrl(f), target: "_blank", rel: "noopener" }, "Petunjuk arah"));
        }
        li.appendChild(links);
        list.appendChild(li);
      });
      if (items.length > LIMIT) {
        list.appendChild(el("li", { "class": "pk-hasil-lagi" }, "dan " + (items.length - LIMIT) + " lainnya — persempit pencarian atau filter."));
      }
    };
    return panel;
  }

  // ---- the main map ----------------------------------------------------------------------

  function syncTarget() {
    // The /peta/ page marks its iframe with data-pk-sync: state then lives in that page's URL.
    try {
      if (window.frameElement && window.frameElement.hasAttribute("data-pk-sync")) return window.parent;
    } catch (e) { /* another origin: keep our own fragment */ }
    return window.parent === window ? window : null;
  }

  // Filters that need the full records (names, hours, ages…), not just the marker file.
  var DETAIL_KEYS = ["kelurahan", "buka", "usia", "akses", "q"];
  function needsDetails(state) {
    return DETAIL_KEYS.some(function (k) { return state[k]; });
  }

  // The marker file: columns of small integers (see maps.marker_data).
  function readMarkers(t, opts) {
    var out = [];
    for (var i = 0; i < t.k.length; i++) {
      out.push({ i: i, kategori: t.kategori[t.k[i]], kecamatan: t.kecamatan[t.c[i]],
                 lat: t.asal[0] + t.lat[i] / t.skala, lon: t.asal[1] + t.lon[i] / t.skala });
    }
    return out;
  }

  function main(map, opts) {
    var target = syncTarget();
    var full = target !== null;
    var params = parseParams((full ? target : window).location.hash);
    var app = { opts: opts, map: map, state: {}, rows: [], markers: [], byId: {}, counts: {},
                origin: null, ready: false, details: false, panelOpen: false };
    FILTER_KEYS.forEach(function (k) { app.state[k] = params[k] || ""; });
    window.PetaKLA.app = app;

    if (!full && map.gestureHandling) map.gestureHandling.enable();  // embedded: scroll the page, not the map
    // chunkedLoading keeps the page responsive while tens of thousands of markers are
    // clustered; a 1 ms pause between chunks (default 50) yields without delaying the map.
    var cluster = L.markerClusterGroup({ chunkedLoading: true, chunkDelay: 1, showCoverageOnHover: false,
                                         maxClusterRadius: 50 });
    map.addLayer(cluster);

    // A marker gets its popup when first clicked (or Enter pressed on it): one listener on the
    // cluster instead of four per marker is most of what 10,000 markers cost to create.
    function withPopup(m) {
      if (!m.getPopup()) {
        var f = app.rows[m.pkRow];
        m.bindPopup(function (layer) {
          if (app.details) return popupFor(f, opts);
          app.loadDetails().then(function () { layer.setPopupContent(popupFor(f, opts)); });
          return el("div", { "class": "pk-popup", role: "status" }, "Memuat…");
        });
      }
      return m;
    }
    cluster.on("click keypress", function (e) {
      var m = e.layer;
      if (!m || m.pkRow === undefined || m.getPopup()) return;  // a bound popup opens itself
      if (e.type === "keypress" && e.originalEvent.keyCode !== 13) return;
      withPopup(m).openPopup();
    });
    var originMarker = null;

    function writeUrl() {
      if (!full) return;
      var c = map.getCenter();
      var p = {};
      FILTER_KEYS.forEach(function (k) { p[k] = app.state[k]; });
      p.peta = c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom();
      var loc = target.location;
      target.history.replaceState(target.history.state, "", loc.pathname + loc.search + buildHash(p));
    }

    function getJson(url) {
      return fetch(url).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      });
    }

    // Names, addresses, hours… arrive only when something needs them (a popup, the list,
    // search or a detail filter): looking at the map costs just the small marker file.
    app.loadDetails = function () {
      if (!app.detailsPromise) {
        app.detailsPromise = getJson(opts.data).then(function (data) {
          readRows(data, opts).forEach(function (d, i) {
            var f = app.rows[i];
            if (!f) return;
            Object.keys(d).forEach(function (k) { f[k] = d[k]; });
            app.byId[f.id] = i;
            var m = app.markers[i], label = opts.kategori[f.kategori].label;
            m.options.title = f.nama;
            m.options.alt = f.nama + " (" + label + ")";
            if (m._icon) m._icon.title = f.nama;
          });
          app.details = true;
          document.documentElement.setAttribute("data-pk-details", "1");
        });
      }
      return app.detailsPromise;
    };
    app.markerOf = function (id) { return id in app.byId ? app.markers[app.byId[id]] : null; };

    app.showList = function () {
      if (!app.renderList || !app.panelOpen) return;
      if (app.details) app.renderList(app.shown);
      else app.loadDetails().then(function () { app.renderList(app.shown); });
    };

    app.apply = function (fit) {
      if (needsDetails(app.state) && !app.details) {
        app.loadDetails().then(function () { app.apply(fit); });
        return;
      }
      var test = matcher(app.state, opts);
      var shown = [], layers = [];
      app.rows.forEach(function (f) {
        if (test(f)) { shown.push(f); layers.push(app.markers[f.i]); }
      });
      cluster.clearLayers();
      cluster.addLayers(layers);
      app.shown = shown;
      document.documentElement.setAttribute("data-pk-shown", String(shown.length));
      app.showList();
      if (fit && shown.length) map.fitBounds(shown.map(function (f) { return [f.lat, f.lon]; }), { padding: [30, 30], maxZoom: 16 });
      writeUrl();
    };

    app.focus = function (id) {
      var m = app.markerOf(id);
      if (!m) return;
      cluster.zoomToShowLayer(m, function () { withPopup(m).openPopup(); });
    };

    app.setOrigin = function (point, label) {
      app.origin = { point: point, label: label };
      if (originMarker) map.removeLayer(originMarker);
      originMarker = L.circleMarker(point, { radius: 8, color: "#0d47a1", weight: 3, fillOpacity: 0.4 })
        .bindTooltip(label).addTo(map);
      map.setView(point, Math.max(map.getZoom(), 14));
      app.apply();
    };

    if (full) {
      document.body.classList.add("pk-dengan-panel");
      if (map.zoomControl) map.zoomControl.setPosition("topright");
      map.on("moveend", writeUrl);
    }

    // The marker table is inside this document (maps.py); its rows are read now.
    new Promise(function (resolve) {
      resolve(JSON.parse(document.getElementById(opts.titik).textContent));
    }).then(function (t) {
      app.rows = readMarkers(t, opts);
      app.rows.forEach(function (f, i) {
        var cat = opts.kategori[f.kategori];
        var m = L.marker([f.lat, f.lon], { icon: iconFor(f.kategori, cat), title: cat.label, alt: cat.label });
        m.pkRow = i;
        app.markers.push(m);
        app.counts[f.kategori] = (app.counts[f.kategori] || 0) + 1;
      });
      var view = (params.peta || "").split(",").map(parseFloat);
      var filtered = FILTER_KEYS.some(function (k) { return app.state[k]; });
      if (view.length === 3 && view.every(isFinite)) {
        map.setView([view[0], view[1]], view[2]);
        app.apply(false);
      } else {
        app.apply(filtered);
      }
      // The markers first, then the controls around them.
      if (full) {
        var panel = buildPanel(app);
        map.getContainer().parentNode.insertBefore(panel, map.getContainer());
        L.DomEvent.disableClickPropagation(panel);
        L.DomEvent.disableScrollPropagation(panel);
        map.invalidateSize();
        app.showList();
      } else {
        addLayerControl(map, cluster, app);
      }
      app.ready = true;
      document.documentElement.setAttribute("data-pk-ready", String(app.shown ? app.shown.length : 0));
    }).catch(function (err) {
      var note = el("div", { "class": "pk-galat", role: "alert" },
        "Data peta tidak dapat dimuat (" + err.message + "). Coba muat ulang halaman.");
      map.getContainer().appendChild(note);
    });
  }

  // Embedded maps keep Leaflet's own layer control, one overlay per category.
  function addLayerControl(map, cluster, app) {
    var overlays = {}, byCat = {}, test = matcher(app.state, app.opts);
    app.rows.forEach(function (f) {
      if (test(f)) (byCat[f.kategori] = byCat[f.kategori] || []).push(app.markers[f.i]);
    });
    Object.keys(app.opts.kategori).forEach(function (slug) {
      if (!byCat[slug]) return;
      var cat = app.opts.kategori[slug];
      var group = L.layerGroup();
      group.pkSlug = slug;
      overlays[pinHtml(cat) + " " + esc(cat.label) + " (" + byCat[slug].length + ")"] = group;
      map.addLayer(group);
    });
    if (Object.keys(overlays).length > 1) {
      L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
    }
    map.on("overlayadd", function (e) { if (e.layer.pkSlug) cluster.addLayers(byCat[e.layer.pkSlug]); });
    map.on("overlayremove", function (e) { if (e.layer.pkSlug) cluster.removeLayers(byCat[e.layer.pkSlug]); });
    window.PetaKLA.markers = byCat;
  }

  function mini(map, opts) {
    var p = parseParams(location.hash);
    var lat = parseFloat(p.lat), lon = parseFloat(p.lon);
    var cat = opts.kategori[p.k];
    if (map.gestureHandling) map.gestureHandling.enable();
    if (!isFinite(lat) || !isFinite(lon) || !cat) return;
    var m = L.marker([lat, lon], { icon: iconFor(p.k, cat), title: p.n || cat.label,
                                   alt: (p.n || "") + " (" + cat.label + ")" }).addTo(map);
    map.setView([lat, lon], opts.zoom || 16);
    if (!p.approx) { document.documentElement.setAttribute("data-pk-ready", "1"); return; }
    // An approximate point says so in words; one known only to its kelurahan is drawn as the
    // kelurahan itself (never a small circle, which would read as "within so many metres").
    var label = opts.perkiraan[p.approx] || "Lokasi perkiraan";
    m.bindTooltip(label, { permanent: false });
    var note = L.control({ position: "bottomleft" });
    note.onAdd = function () {
      var box = L.DomUtil.create("div", "pk-ketelitian leaflet-bar");
      box.textContent = label;
      return box;
    };
    note.addTo(map);
    var ready = function () { document.documentElement.setAttribute("data-pk-ready", "1"); };
    if (p.approx !== "kelurahan" || !p.kel || !opts.batas) { ready(); return; }
    fetch(opts.batas).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      var shapes = (data.features || []).filter(function (f) {
        return f.properties && f.properties.tingkat === "kelurahan" && f.properties.kode === p.kel;
      });
      if (shapes.length) {
        var area = L.geoJSON(shapes, { interactive: false, style: function () {
          return { color: cat.warna, weight: 2, dashArray: "6 4", fillColor: cat.warna, fillOpacity: 0.12 };
        } }).addTo(map);
        area.pkKelurahan = p.kel;
        window.PetaKLA.area = area;
        map.fitBounds(area.getBounds(), { padding: [12, 12] });
      }
    }).catch(function () { /* without the outline the words still say it */ }).then(ready);
  }

  window.PetaKLA = { main: main, mini: mini, _isOpen: isOpen, _minute: minuteOfWeekWITA };
})();
