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

  // Icons built from DOM nodes rather than an HTML string: Leaflet's DivIcon sets innerHTML
  // for every marker and cluster it draws, and the HTML parser ran for each of the first
  // view's hundred-odd icons in one task. A pin is a copy of its category's template node; a
  // cluster icon is MarkerCluster's own markup (<div><span>N</span></div>), made directly.
  var NodeIcon = null;
  function nodeIcon(options) {
    if (!NodeIcon) {
      NodeIcon = L.DivIcon.extend({
        options: { html: false },
        createIcon: function (old) {
          var div = L.DivIcon.prototype.createIcon.call(this, old);
          div.appendChild(this.options.make());
          return div;
        }
      });
    }
    return new NodeIcon(options);
  }

  var icons = {};
  function iconFor(slug, cat) {
    if (!icons[slug]) {
      var box = document.createElement("div");
      box.innerHTML = pinHtml(cat);  // vocabulary only; parsed once per category
      var pin = box.firstChild;
      icons[slug] = nodeIcon({
        className: "pk-marker pk-k-" + slug, make: function () { return pin.cloneNode(true); },
        iconSize: [30, 30], iconAnchor: [15, 15], popupAnchor: [0, -14]
      });
    }
    return icons[slug];
  }

  function countIcon(n, extraClass) {
    var size = n < 10 ? "small" : n < 100 ? "medium" : "large";
    return nodeIcon({
      className: "marker-cluster marker-cluster-" + size + (extraClass || ""), iconSize: [40, 40],
      make: function () {
        var inner = document.createElement("div"), count = document.createElement("span");
        count.textContent = String(n);
        inner.appendChild(count);
        return inner;
      }
    });
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
  // Also in the URL, so a shared link reopens the same answer: the origin of "dekat saya"
  // (a kelurahan slug, "lat,lon" or "saya" = ask this browser) and the chosen facility.
  var ANSWER_KEYS = ["dari", "pilih"];

  function matcher(state, opts, now) {
    var cats = state.kategori ? state.kategori.split(",") : null;
    var q = fold(state.q).replace(/[^a-z0-9]+/g, " ").trim();
    var words = q ? q.split(/\s+/).map(function (w) { return " " + w; }) : [];
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
      // Words are matched at their start (" asi" is not found in "literasi"), in the name,
      // address, kelurahan, kecamatan, pengelola and the category's label and synonyms
      // (kategori.yml `sinonim`).
      var cat = opts.kategori[f.kategori] || {};
      f.teks = " " + fold([f.nama, f.alamat, f.kelurahan, kecNames[f.kecamatan] || "", f.pengelola,
                           cat.label || "", (cat.sinonim || []).join(" ")].join(" "))
        .replace(/[^a-z0-9]+/g, " ");
      return f;
    });
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
    FILTER_KEYS.concat(ANSWER_KEYS).forEach(function (k) { app.state[k] = params[k] || ""; });
    window.PetaKLA.app = app;
    // The tiles' credit from the start (their layer comes in a later task): the attribution
    // line keeps its width then, and nothing moves.
    if (opts.ubin && map.attributionControl) map.attributionControl.addAttribution(opts.ubin.attribution);

    if (!full && map.gestureHandling) map.gestureHandling.enable();  // embedded: scroll the page, not the map
    // chunkedLoading keeps the page responsive while tens of thousands of markers are
    // clustered; a 1 ms pause between chunks (default 50) yields without delaying the map.
    // Chunks of about 10 ms (default 200) keep panning, the panel and the page around the map
    // responsive meanwhile (no long task: the map shares the page's main thread).
    var cluster = L.markerClusterGroup({ chunkedLoading: true, chunkDelay: 1, chunkInterval: SLICE_MS,
                                         showCoverageOnHover: false, maxClusterRadius: clusterRadius(opts),
                                         iconCreateFunction: function (c) { return countIcon(c.getChildCount()); },
                                         chunkProgress: function (done, total) {
                                           if (done >= total) clustered();
                                         } });
    // MarkerCluster draws nothing until every marker is placed on every zoom level; the first
    // view's quick clusters (preview below) stand in until then. An apply() arriving while a
    // chunked addLayers is still running waits for it (MarkerCluster cannot cancel one).
    var building = false, pending = null, applied = false, waiting = [];
    function clustered() {
      if (!applied) return;  // MarkerCluster's own (empty) addLayers when put on the map
      building = false;
      if (app.preview) { map.removeLayer(app.preview.layer); app.preview = null; }
      document.documentElement.setAttribute("data-pk-cluster", "1");
      if (pending) { var fit = pending.fit; pending = null; app.apply(fit); }
      if (!building) {
        var calls = waiting;
        waiting = [];
        calls.forEach(function (fn) { fn(); });
      }
    }
    // fn() once every shown marker is in its cluster (at once when none is being filed).
    app.whenClustered = function (fn) { if (building) waiting.push(fn); else fn(); };
    // fn() in a task after the markers are made and the first filter applied.
    var afterMarkers = [];
    app.afterMarkers = function (fn) { if (afterMarkers) afterMarkers.push(fn); else setTimeout(fn, 0); };
    // Ready (data-pk-ready) once the controls are made and the markers are clustered.
    var parts = 2;
    function ready() {
      if (--parts) return;
      app.ready = true;
      document.documentElement.setAttribute("data-pk-ready", String(app.shown ? app.shown.length : 0));
    }
    app.cluster = cluster;

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
      FILTER_KEYS.concat(ANSWER_KEYS).forEach(function (k) { p[k] = app.state[k]; });
      p.peta = c.lat.toFixed(5) + "," + c.lng.toFixed(5) + "," + map.getZoom();
      var loc = target.location, hash = buildHash(p);
      // replaceState costs milliseconds of the page's main thread: only for a new address
      if (hash === loc.hash || (!hash && !loc.hash)) return;
      target.history.replaceState(target.history.state, "", loc.pathname + loc.search + hash);
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
            if (!m) return;  // not on this embedded map
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
    app.markerOf = function (id) { return id in app.byId ? app.markers[app.byId[id]] || null : null; };

    app.writeUrl = writeUrl;
    app.showList = function () {
      if (!app.shown) return;  // the first apply() still waits for the details file
      if (app.renderSummary) app.renderSummary(app.shown);
      if (!app.renderList || !app.panelOpen) return;
      if (app.details) app.renderList(app.shown);
      else app.loadDetails().then(function () { app.renderList(app.shown); });
    };

    app.apply = function (fit) {
      if (!app.made) return;  // a chip tapped before the markers exist: built() applies it
      if (needsDetails(app.state) && !app.details) {
        app.loadDetails().then(function () { app.apply(fit); });
        return;
      }
      if (building) { pending = { fit: fit || (pending && pending.fit) }; return; }
      var test = matcher(app.state, opts);
      var shown = [], layers = [];
      app.rows.forEach(function (f) {
        if (test(f)) { shown.push(f); layers.push(app.markers[f.i]); }
      });
      cluster.clearLayers();
      building = applied = true;
      document.documentElement.removeAttribute("data-pk-cluster");
      fileMarkers(cluster, layers, clustered);
      app.shown = shown;
      document.documentElement.setAttribute("data-pk-shown", String(shown.length));
      app.showList();
      // Room around the markers for the zoom buttons (top), the scale and the attribution
      // (bottom), which would otherwise cover a marker at the edge.
      if (fit && shown.length) {
        map.fitBounds(shown.map(function (f) { return [f.lat, f.lon]; }),
                      { paddingTopLeft: [36, 56], paddingBottomRight: [56, 56], maxZoom: 16 });
      }
      writeUrl();
    };

    // Shows a facility's marker (zooming into its cluster), then opens its popup unless
    // `popup` is false, then calls `done(marker)`.
    app.focus = function (id, popup, done) {
      app.whenClustered(function () {
        whenStill(function () {
          var m = app.markerOf(id);
          if (!m || !cluster.hasLayer(m)) return;
          cluster.zoomToShowLayer(m, function () {
            // The view settled first, then the popup: its autoPan keeps it inside the map's box
            // (opened before a fitBounds, it was left half outside on a wide screen).
            if (done) done(m);
            if (popup !== false) withPopup(m).openPopup();
          });
        });
      });
    };
    // fn() once the map and its clusters stand still: MarkerCluster's zoomToShowLayer waits
    // for a "moveend" that, when it comes during the clusters' own zoom animation, it ignores,
    // and then never calls back (an origin's setView just before a choice made that happen).
    function whenStill(fn) {
      var moving = map._animatingZoom || cluster._inZoomAnimation ||
        (map._panAnim && map._panAnim._inProgress);
      if (moving) setTimeout(function () { whenStill(fn); }, 50);
      else fn();
    }

    app.setOrigin = function (point, label, key) {
      app.origin = { point: point, label: label };
      app.state.dari = key || "";
      if (originMarker) map.removeLayer(originMarker);
      originMarker = L.circleMarker(point, { radius: 8, color: "#0d47a1", weight: 3, fillOpacity: 0.4 })
        .bindTooltip(label).addTo(map);
      // Not animated: Leaflet starts a zoom animation in the next frame, unseen by whenStill, and
      // its end would put the origin back in the middle after the answer fitted the view.
      map.setView(point, Math.max(map.getZoom(), 14), { animate: false });
      app.apply();
    };
    app.clearOrigin = function () {
      app.origin = null;
      app.state.dari = "";
      if (originMarker) map.removeLayer(originMarker);
      originMarker = null;
    };

    if (full) {
      document.body.classList.add("pk-dengan-panel");
      if (map.zoomControl) map.zoomControl.setPosition("topright");
      // After a move, the address is written in a task of its own (replaceState costs a
      // few milliseconds; a start-up's several moves write it once).
      var soon = null;
      map.on("moveend", function () {
        if (!soon) soon = setTimeout(function () { soon = null; writeUrl(); }, 0);
      });
    }

    // The map's parts each in a task of their own after the one that made the map (Leaflet's
    // start-up, Folium's script): the base map's tiles (opts.ubin, maps.py), the scale and
    // the (still empty) cluster layer, then the marker table inside this document (maps.py).
    nextTask().then(function () {
      if (opts.ubin) L.tileLayer(opts.ubin.url, opts.ubin).addTo(map);
      return nextTask();
    }).then(function () {
      // Metric only (Leaflet's default adds miles and feet).
      L.control.scale({ imperial: false }).addTo(map);
      map.addLayer(cluster);
      return nextTask();
    }).then(function () {
      return JSON.parse(document.getElementById(opts.titik).textContent);
    }).then(function (t) {
      app.rows = readMarkers(t, opts);
      app.rows.forEach(function (f) { app.counts[f.kategori] = (app.counts[f.kategori] || 0) + 1; });
      if (!full) return null;
      // The chips and the sheet first, while the map is still empty: placing them resizes
      // the map, which then has no marker to move yet. The rest of the panel waits for the
      // markers (app.afterMarkers).
      window.PetaKLA.panel(app, ready);  // peta-panel.js
      return nextTask();
    }).then(function () {
      var view = (params.peta || "").split(",").map(parseFloat);
      var filtered = FILTER_KEYS.some(function (k) { return app.state[k]; });
      var atView = view.length === 3 && view.every(isFinite);
      if (atView) map.setView([view[0], view[1]], view[2]);
      // Unfiltered and large: the quick clusters of this view first, painted before the
      // markers are made and clustered (which then run in later tasks).
      if (!filtered && app.rows.length >= (opts.pratinjau || Infinity)) {
        app.preview = preview(map, app.rows, opts);
        return new Promise(function (resolve) {
          var go = function () { if (resolve) { setTimeout(resolve, 0); resolve = null; } };
          requestAnimationFrame(go);
          setTimeout(go, 100);  // no frames in a hidden document
        }).then(function () { build(atView, filtered); });
      }
      build(atView, filtered);
    }).catch(failed);

    function failed(err) {
      var note = el("div", { "class": "pk-galat", role: "alert" },
        "Data peta tidak dapat dimuat (" + err.message + "). Coba muat ulang halaman.");
      map.getContainer().appendChild(note);
    }

    function build(atView, filtered) {
      // An embedded map's filter is fixed by its page (kecamatan, kategori): markers only for
      // the facilities it can ever show (a kecamatan page at 1,000 facilities needs a fifth).
      var keep = !full && !needsDetails(app.state) ? matcher(app.state, opts) : null;
      inSlices(app.rows, function (f, i) {
        if (keep && !keep(f)) return;
        var cat = opts.kategori[f.kategori];
        var m = L.marker([f.lat, f.lon], { icon: iconFor(f.kategori, cat), title: cat.label, alt: cat.label });
        m.pkRow = i;
        app.markers[i] = m;
      }, function () {
        try { built(atView, filtered); } catch (err) { failed(err); }
      });
    }

    function built(atView, filtered) {
      app.made = true;
      app.apply(atView ? false : filtered);
      app.whenClustered(ready);
      // Then the rest of the controls, each part in a task of its own (the map shares its
      // page's main thread: no long task while the page is in use).
      setTimeout(function () {
        try {
          var calls = afterMarkers;
          afterMarkers = null;
          if (!full) addLayerControl(map, cluster, app);
          calls.forEach(function (fn) { fn(); });
          if (!full) ready();
        } catch (err) { failed(err); }
      }, 0);
    }
  }

  // A promise kept in a task of its own (after whatever the current one still does).
  function nextTask() {
    return new Promise(function (resolve) { setTimeout(resolve, 0); });
  }

  // ---- the first view, quickly ------------------------------------------------------------

  var SLICE_MS = 8;
  var SYNC_MAX = 100;  // fewer markers are filed at once, as MarkerCluster's first chunk does
  var SYNC_ICONS = 20;  // fewer icons are drawn at once

  // inSlices' plain, synchronous twin.
  function atOnce(items, fn, done) {
    for (var i = 0; i < items.length; i++) fn(items[i], i);
    done();
  }

  // Clusters of 50 px keep a small city's facilities apart; a large map (the quick first view's
  // size) takes MarkerCluster's default 80 px: fewer icons to move after each pan (measured
  // at 100,000: the redraw after a move is the longest frame of panning).
  function clusterRadius(opts) {
    return opts.pratinjau && opts.jumlah >= opts.pratinjau ? 80 : 50;
  }
  // fn(item, index) over items in tasks of about SLICE_MS, the first one too (whatever ran
  // before stays a task of its own), then done() in a task of its own: making and clustering
  // thousands of markers is no long task on the page's main thread. The clock is read every
  // 20 items (a slow or busy phone takes longer per item than one expects).
  function inSlices(items, fn, done, every) {
    var i = 0, n = every || 20;
    function step() {
      var until = Date.now() + SLICE_MS;
      for (; i < items.length; i++) {
        if (i % n === n - 1 && Date.now() > until) { setTimeout(step, 0); return; }
        fn(items[i], i);
      }
      setTimeout(done, 0);
    }
    setTimeout(step, 0);
  }

  // MarkerCluster's chunked addLayers reads its clock only every 200 markers, and 200 markers
  // filed on nine zoom levels take longer than a frame on a slow phone (Lighthouse counted
  // them as long tasks at 1,000 facilities). This files them in our own slices with the
  // same steps its addLayers takes for a cluster group on a map (MarkerCluster 1.4–1.5:
  // _addLayer per marker, then bounds, icons and the visible clusters), falling back to
  // addLayers should those internals ever be missing.
  function fileMarkers(cluster, layers, done) {
    var top = cluster._topClusterLevel;
    if (!cluster._map || typeof cluster._addLayer !== "function" || !top ||
        typeof cluster._refreshClustersIcons !== "function") {
      cluster.addLayers(layers, true);  // its chunkProgress calls done
      return;
    }
    if (cluster._unspiderfy) cluster._unspiderfy();
    var zoom = cluster._maxZoom;
    var shown = cluster._featureGroup;
    (layers.length > SYNC_MAX ? inSlices : atOnce)(layers, function (m) {
      if (cluster.hasLayer(m)) return;
      cluster._addLayer(m, zoom);
      // as addLayers does: a marker drawn alone (after a move meanwhile) that now has company
      // leaves the map to its new cluster
      if (m.__parent && m.__parent.getChildCount() === 2) {
        var two = m.__parent.getAllChildMarkers();
        shown.removeLayer(two[0] === m ? two[1] : two[0]);
      }
    }, function () {
      top = cluster._topClusterLevel;
      top._recalculateBounds();
      cluster._refreshClustersIcons();
      drawInSlices(cluster, function () {
        top._recursivelyAddChildrenToMap(null, cluster._zoom, cluster._currentShownBounds);
      }, done);
    });
  }

  // The view's icons (a hundred-odd clusters and lone markers at 1,000 facilities) go on the
  // map in slices too: `draw` runs with the cluster group's visible layer collecting what it
  // is given, which then joins the map SLICE_MS at a time. A move or resize meanwhile adds the
  // rest at once first (MarkerCluster then redraws from a complete map, as after its own
  // addLayers).
  function drawInSlices(cluster, draw, done) {
    var shown = cluster._featureGroup, queue = [], map = cluster._map;
    shown.addLayer = function (layer) { queue.push(layer); return shown; };
    try { draw(); } finally { delete shown.addLayer; }  // its own method again
    var next = 0;
    function flush() {
      for (; next < queue.length; next++) shown.addLayer(queue[next]);
    }
    // A move already under way ends with MarkerCluster's redraw (zoomend, moveend): it needs
    // the complete view, so no slices then.
    var moving = map._animatingZoom || cluster._inZoomAnimation || (map._panAnim && map._panAnim._inProgress);
    if (queue.length <= SYNC_ICONS || moving) { flush(); done(); return; }
    map.on("movestart move", flush);  // "move": also a resize (invalidateSize has no start)
    inSlices(queue, function (layer, i) {
      if (i >= next) { shown.addLayer(layer); next = i + 1; }
    }, function () {
      map.off("movestart move", flush);
      done();
    }, 4);
  }

  // From opts.pratinjau facilities on (maps.PREVIEW_MIN), the first view is drawn from a plain
  // pixel grid before MarkerCluster has placed every marker (measured: at 10,000 most of the
  // time to the first marker is MarkerCluster's, which files every marker on all nine zoom
  // levels before it draws one).
  var PREVIEW_CELL = 80;  // px: about the clusters MarkerCluster makes on such a map

  // One pass over the rows in (and just around) the view: a count and a mean position per
  // grid cell, drawn like MarkerCluster's icons (a lone facility as its category's pin).
  // Redrawn after each move until the real clusters replace it; a cluster zooms in on click.
  function preview(map, rows, opts) {
    var layer = L.layerGroup().addTo(map);
    function draw() {
      layer.clearLayers();
      var zoom = map.getZoom(), b = map.getBounds().pad(0.25);
      var s = b.getSouth(), n = b.getNorth(), w = b.getWest(), e = b.getEast();
      var cells = {};
      for (var i = 0; i < rows.length; i++) {
        var f = rows[i];
        if (f.lat < s || f.lat > n || f.lon < w || f.lon > e) continue;
        var p = map.project([f.lat, f.lon], zoom);
        var key = Math.floor(p.x / PREVIEW_CELL) + ":" + Math.floor(p.y / PREVIEW_CELL);
        var c = cells[key] || (cells[key] = { n: 0, lat: 0, lon: 0, f: f });
        c.n++; c.lat += f.lat; c.lon += f.lon;
      }
      Object.keys(cells).forEach(function (key) {
        var c = cells[key], at = [c.lat / c.n, c.lon / c.n], m;
        if (c.n === 1) {
          var cat = opts.kategori[c.f.kategori];
          m = L.marker(at, { icon: iconFor(c.f.kategori, cat), title: cat.label, alt: cat.label });
        } else {
          m = L.marker(at, { title: c.n + " fasilitas", alt: c.n + " fasilitas",
                             icon: countIcon(c.n, " pk-pratinjau") });
          m.on("click keypress", function (ev) {
            if (ev.type === "keypress" && ev.originalEvent.keyCode !== 13) return;
            map.setView(at, Math.min(zoom + 2, map.getMaxZoom()));
          });
        }
        layer.addLayer(m);
      });
    }
    draw();
    map.on("moveend", function redraw() {
      if (map.hasLayer(layer)) draw(); else map.off("moveend", redraw);
    });
    return { layer: layer, redraw: draw };
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
    L.control.scale({ imperial: false }).addTo(map);
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

  // The full map's box is laid out for its chips and sheet before the document's first paint
  // (peta.css: html.pk-penuh), so nothing moves when they appear (a layout shift).
  if (syncTarget() !== null && document.documentElement) {
    document.documentElement.classList.add("pk-penuh");
  }

  window.PetaKLA = { main: main, mini: mini, _isOpen: isOpen, _minute: minuteOfWeekWITA,
                     FILTER_KEYS: FILTER_KEYS,
                     util: { el: el, esc: esc, pinHtml: pinHtml, fold: fold, distanceM: distanceM,
                             formatDistance: formatDistance, directionsUrl: directionsUrl,
                             matcher: matcher } };
})();
