/* Peta Kota Layak Anak — the editors' form: its map, where a tap or a dragged marker sets the
 * point and grey points show the records that exist.
 *
 * Leaflet (opts.leaflet, prefetched by the document) is loaded, and Folium's map script, which
 * arrives as a function (petakla/form.py, FormFigure), run, only when the editor first uses
 * the form — a tap, a key, focus or a wheel in the form, or the page
 * around it scrolled or touched (same origin) — or when something needs the map at once ("Lokasi
 * saya", the slot's button). The form is a same-origin iframe, so it shares the page's main
 * thread: starting Leaflet, and drawing a point per record, while the page loaded was most of
 * /tambah/'s blocking time. */
(function () {
  "use strict";

  var USE = ["pointerdown", "touchstart", "keydown", "focusin", "wheel"];
  // The whole city in view, clear of the zoom buttons (top left).
  var CLEAR = { paddingTopLeft: [52, 12], paddingBottomRight: [12, 12], animate: false };

  // hooks: point() -> [lat, lon] to show, or null (none, or a protected category);
  // hidden() -> true for a protected category (a tap sets nothing); kelurahan() -> the chosen
  // kelurahan; onPoint(lat, lon) -> a tap or a drag set the point.
  function create(makeMap, opts, hooks) {
    var slot = document.getElementById("pk-peta-slot");
    var button = document.getElementById("pk-peta-mulai");
    slot.appendChild(document.querySelector(".folium-map"));  // the map lives in the field
    var city = opts.batas;  // [[south, west], [north, east]]
    var map = null, bounds = null, marker = null, points = [], drawn = false, canvas = null;
    var loading = null;
    var targets = [document];
    try {
      if (window.parent !== window && window.parent.document) targets.push(window.parent.document);
    } catch (e) { /* another origin: only the form's own events count */ }

    function contains(lat, lon) {
      return lat >= city[0][0] && lat <= city[1][0] && lon >= city[0][1] && lon <= city[1][1];
    }

    function listen(add) {
      targets.forEach(function (t) {
        USE.forEach(function (name) {
          t[add ? "addEventListener" : "removeEventListener"](name, used, { capture: true, passive: true });
        });
        if (t !== document) {
          var win = t.defaultView;
          if (win) win[add ? "addEventListener" : "removeEventListener"]("scroll", used, { passive: true });
        }
      });
    }

    // After the event that asked for it, when the browser has a moment: the tap or key that
    // started it is answered first.
    var scheduled = false;
    function used() {
      if (scheduled || map) return;
      scheduled = true;
      listen(false);
      function go() { start().catch(function () { /* the button says so */ }); }
      if (window.requestIdleCallback) window.requestIdleCallback(go, { timeout: 1000 });
      else setTimeout(go, 200);
    }

    function leaflet() {
      if (window.L) return Promise.resolve();
      loading = loading || new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = opts.leaflet;
        script.onload = resolve;
        script.onerror = function () { script.remove(); loading = null; reject(new Error(opts.leaflet)); };
        document.head.appendChild(script);
      });
      return loading;
    }

    // The map, as a promise (Leaflet may still have to load).
    function start() {
      if (map) return Promise.resolve(map);
      listen(false);
      if (button) button.textContent = "Memuat peta…";
      return leaflet().then(make, function (e) {
        if (button) button.textContent = "Peta tidak dapat dimuat. Coba lagi";
        throw e;
      });
    }

    function make() {
      if (map) return map;
      map = makeMap();
      window.PetaTambah.map = map;  // for the console and tests
      if (button) button.remove();
      bounds = L.latLngBounds(city);
      map.setMaxBounds(bounds.pad(0.5));
      map.on("click", function (e) {
        if (!hooks.hidden()) hooks.onPoint(e.latlng.lat, e.latlng.lng);
      });
      sync(true);
      document.documentElement.setAttribute("data-pk-peta", "1");
      setTimeout(drawPoints, 0);  // its own task
      return map;
    }

    // The map shows what the fields say: their point, else the chosen kelurahan, else the city.
    function sync(pan) {
      if (!map) return;
      map.invalidateSize();
      var p = hooks.point();
      if (p) {
        placeMarker(p[0], p[1], pan && contains(p[0], p[1]));
      } else {
        removeMarker();
        if (pan && !showKelurahan(hooks.kelurahan())) map.fitBounds(bounds, CLEAR);
      }
    }

    function placeMarker(lat, lon, pan) {
      if (!map) return;
      var ll = L.latLng(lat, lon);
      if (!marker) {
        marker = L.marker(ll, {
          draggable: true, keyboard: true, title: "Lokasi fasilitas", alt: "Lokasi fasilitas",
          icon: L.divIcon({ className: "pk-titik", html: "<span></span>", iconSize: [40, 44], iconAnchor: [20, 44] })
        }).addTo(map);
        marker.on("dragend", function () {
          var q = marker.getLatLng();
          hooks.onPoint(q.lat, q.lng);
        });
      } else {
        marker.setLatLng(ll);
      }
      if (pan) map.setView(ll, Math.max(map.getZoom(), 16));
    }

    function removeMarker() {
      if (marker) { map.removeLayer(marker); marker = null; }
    }

    // The kelurahan's own point (from the boundaries), else the records there; false: none.
    function showKelurahan(name) {
      if (!map || !name) return false;
      var point = (opts.titik_kelurahan || {})[name];
      if (point) { map.setView(point, 16, { animate: false }); return true; }
      var pts = points.filter(function (r) { return r[2] === name && r[3] !== null; })
        .map(function (r) { return [r[3], r[4]]; });
      if (!pts.length) return false;
      map.fitBounds(L.latLngBounds(pts).pad(0.3), { maxZoom: 16, animate: false });
      return true;
    }

    // The records that exist, as grey points on one canvas (a thousand SVG elements, each
    // styled and laid out, cost more than the rest of the map).
    function drawPoints() {
      if (!map || drawn || !points.length) return;
      drawn = true;
      canvas = canvas || L.canvas({ padding: 0.2 });
      var layer = L.layerGroup();
      points.forEach(function (r) {
        if (r[3] === null) return;
        var tip = document.createElement("span");
        tip.textContent = r[1];
        L.circleMarker([r[3], r[4]], { renderer: canvas, radius: 5, weight: 1, color: "#555",
                                       fillColor: "#9e9e9e", fillOpacity: 0.8 })
          .bindTooltip(tip).addTo(layer);
      });
      layer.addTo(map);
    }

    function setPoints(rows) {
      points = rows;
      drawPoints();
    }

    if (button) button.addEventListener("click", function () { start().catch(function () {}); });
    listen(true);
    return {
      start: start, sync: sync, placeMarker: placeMarker, removeMarker: removeMarker,
      showKelurahan: showKelurahan, setPoints: setPoints, contains: contains,
      started: function () { return !!map; },
      invalidate: function () { if (map) map.invalidateSize(); }
    };
  }

  window.PetaTambahPeta = { create: create };
})();
