/* Peta Kota Layak Anak — the map's behaviour, loaded by the Folium-generated map documents.
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
  function pinHtml(cat) {
    return '<span class="pk-pin" style="background:' + esc(cat.warna) + '">' +
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

  function hashParams() {
    var out = {};
    (location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {
      if (!part) return;
      var i = part.indexOf("=");
      var k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
      out[k] = i < 0 ? "" : decodeURIComponent(part.slice(i + 1).replace(/\+/g, " "));
    });
    return out;
  }

  var DAYS = { Mo: "Sen", Tu: "Sel", We: "Rab", Th: "Kam", Fr: "Jum", Sa: "Sab", Su: "Min",
               PH: "Libur nasional", off: "tutup" };
  function jamBuka(text) {
    return String(text).replace(/\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off)\b/g, function (d) { return DAYS[d]; });
  }

  function popupFor(row, cols, opts) {
    var get = function (name) { return row[cols[name]]; };
    var cat = opts.kategori[get("kategori")];
    var box = el("div", { "class": "pk-popup" });
    box.appendChild(el("strong", { "class": "pk-nama" }, get("nama")));
    var kat = el("div", { "class": "pk-kat" });
    kat.innerHTML = pinHtml(cat);  // vocabulary only
    kat.appendChild(el("span", {}, cat.label));
    box.appendChild(kat);
    var where = [get("alamat"), get("kelurahan")].filter(Boolean).join(", ");
    if (where) box.appendChild(el("div", { "class": "pk-alamat" }, where));
    if (get("jam_buka")) box.appendChild(el("div", { "class": "pk-jam" }, "Jam buka: " + jamBuka(get("jam_buka"))));
    if (get("status") && get("status") !== "aktif") {
      box.appendChild(el("div", { "class": "pk-status" }, "Status: " + opts.status[get("status")]));
    }
    var ver = get("verifikasi");
    box.appendChild(el("div", { "class": "pk-ver " + (ver ? "pk-ver-ya" : "pk-ver-belum") },
      ver ? "Terverifikasi " + ver : "Belum diverifikasi"));
    if (get("perkiraan")) {
      box.appendChild(el("div", { "class": "pk-perkiraan" }, opts.perkiraan[get("perkiraan")] || "Lokasi perkiraan"));
    }
    box.appendChild(el("a", { href: opts.base + "fasilitas/" + encodeURIComponent(get("id")) + "/",
                              target: "_top" }, "Lihat detail"));
    return box;
  }

  function main(map, opts) {
    var params = hashParams();
    var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false,
                                         maxClusterRadius: 50 });
    map.addLayer(cluster);
    var byCat = {};
    window.PetaKLA.ready = false;
    fetch(opts.data).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(function (data) {
      var cols = {};
      data.kolom.forEach(function (name, i) { cols[name] = i; });
      var bounds = [];
      data.baris.forEach(function (row) {
        var slug = row[cols.kategori];
        if (params.kategori && params.kategori !== slug) return;
        if (params.kecamatan && params.kecamatan !== row[cols.kecamatan]) return;
        var cat = opts.kategori[slug];
        if (!cat) return;
        var latlng = [row[cols.lat], row[cols.lon]];
        var m = L.marker(latlng, { icon: iconFor(slug, cat), title: row[cols.nama],
                                   alt: row[cols.nama] + " (" + cat.label + ")" });
        m.bindPopup(function () { return popupFor(row, cols, opts); });
        m.pkId = row[cols.id];
        (byCat[slug] = byCat[slug] || []).push(m);
        bounds.push(latlng);
      });
      var overlays = {};
      Object.keys(opts.kategori).forEach(function (slug) {
        if (!byCat[slug]) return;
        var cat = opts.kategori[slug];
        var group = L.layerGroup();
        group.pkSlug = slug;
        overlays[pinHtml(cat) + " " + esc(cat.label) + " (" + byCat[slug].length + ")"] = group;
        map.addLayer(group);
        cluster.addLayers(byCat[slug]);
      });
      if (Object.keys(overlays).length > 1) {
        L.control.layers(null, overlays, { collapsed: true, position: "topright" }).addTo(map);
      }
      map.on("overlayadd", function (e) { if (e.layer.pkSlug) cluster.addLayers(byCat[e.layer.pkSlug]); });
      map.on("overlayremove", function (e) { if (e.layer.pkSlug) cluster.removeLayers(byCat[e.layer.pkSlug]); });
      if ((params.kategori || params.kecamatan) && bounds.length) {
        map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
      }
      window.PetaKLA.markers = byCat;
      window.PetaKLA.ready = true;
      document.documentElement.setAttribute("data-pk-ready", String(bounds.length));
    }).catch(function (err) {
      var note = el("div", { "class": "pk-galat", role: "alert" },
        "Data peta tidak dapat dimuat (" + err.message + "). Coba muat ulang halaman.");
      map.getContainer().appendChild(note);
    });
  }

  function mini(map, opts) {
    var p = hashParams();
    var lat = parseFloat(p.lat), lon = parseFloat(p.lon);
    var cat = opts.kategori[p.k];
    if (!isFinite(lat) || !isFinite(lon) || !cat) return;
    var m = L.marker([lat, lon], { icon: iconFor(p.k, cat), title: p.n || cat.label,
                                   alt: (p.n || "") + " (" + cat.label + ")" }).addTo(map);
    if (p.approx) {
      L.circle([lat, lon], { radius: 150, color: cat.warna, weight: 1, fillOpacity: 0.08 }).addTo(map);
      m.bindTooltip(opts.perkiraan[p.approx] || "Lokasi perkiraan", { permanent: false });
    }
    map.setView([lat, lon], opts.zoom || 16);
    document.documentElement.setAttribute("data-pk-ready", "1");
  }

  window.PetaKLA = { main: main, mini: mini };
})();
