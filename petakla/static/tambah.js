/* Peta Kota Layak Anak — the editors' form (tambah/form.html, made by petakla/form.py).
 *
 * It reads the form into a record, checks it with check's own rules and messages
 * (static/periksa.js, over the JSON Schema validator static/skema.js and the same schema file
 * `check` uses, served as tambah/fasilitas.schema.json), writes a new record as YAML (strings
 * quoted as JSON strings, in the canonical key order of `build_map.py fmt`) or an edited one
 * line by line (static/sunting.js), and links to GitHub's "new file" page.
 * Record text only ever reaches the page through textContent / value, never as HTML. */
(function () {
  "use strict";

  // The JSON Schema validator is static/skema.js.
  var validate = PetaSkema.validate, equal = PetaSkema.equal;
  function isType(v, t) { return PetaSkema.isType(v, t); }

  // --- YAML in the canonical form of `build_map.py fmt` ----------------------------------------

  var SCHEMA_LINE = "# yaml-language-server: $schema=../petakla/data/fasilitas.schema.json";

  function scalar(v) {
    return typeof v === "string" ? JSON.stringify(v) : String(v);
  }

  function ordered(obj, props) {
    var keys = Object.keys(props || {}).filter(function (k) { return k in obj; });
    return keys.concat(Object.keys(obj).filter(function (k) { return keys.indexOf(k) < 0; }));
  }

  function toYaml(record, schema) {
    var lines = [SCHEMA_LINE];
    ordered(record, schema.properties).forEach(function (key) {
      var v = record[key];
      if (Array.isArray(v)) {
        lines.push(key + ": [" + v.map(scalar).join(", ") + "]");
      } else if (isType(v, "object")) {
        lines.push(key + ":");
        var sub = (schema.properties[key] || {}).properties;
        ordered(v, sub).forEach(function (k) { lines.push("  " + k + ": " + scalar(v[k])); });
      } else {
        lines.push(key + ": " + scalar(v));
      }
    });
    return lines.join("\n") + "\n";
  }

  // Messages are check's own (static/periksa.js).

  // --- the form ------------------------------------------------------------------------------

  function $(id) { return document.getElementById(id); }
  function text(id) { return $(id).value.replace(/\s+/g, " ").trim(); }

  function number(raw, integer) {
    var t = String(raw).trim();
    if (!t) return undefined;
    if (t.indexOf(".") < 0 && (t.match(/,/g) || []).length === 1) t = t.replace(",", ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(t)) return t;  // kept as text: the schema says "angka"
    var n = Number(t);
    return integer ? n : Math.round(n * 1e6) / 1e6;
  }

  // A pasted "lintang, bujur" as two texts, read as `new` reads --lokasi: "-3.3263,114.5892",
  // "-3,3263; 114,5892", "-3,31, 114,57", "-3.3 114.5"; null for one number ("-3,31" is a
  // decimal comma, not a pair).
  function splitPair(raw) {
    var t = String(raw).trim().replace(/^[[(]|[\])]$/g, "").trim(), parts;
    var commas = (t.match(/,/g) || []).length;
    if (t.indexOf(";") >= 0) parts = t.split(";");
    else if (/,\s/.test(t)) parts = t.split(/,\s+/);
    else if (/\s/.test(t)) parts = t.split(/\s+/);
    else if (commas === 1 && t.indexOf(".") >= 0) parts = t.split(",");
    else if (commas === 3) { var q = t.split(","); parts = [q[0] + "." + q[1], q[2] + "." + q[3]]; }
    else return null;
    parts = parts.map(function (x) { return x.trim(); }).filter(Boolean);
    return parts.length === 2 ? parts : null;
  }

  function slugify(s) {
    return s.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  var ERROR_TARGET = {
    kategori: "g-kategori", nama: "g-nama", id: "g-id", kelurahan: "g-kelurahan", alamat: "g-alamat",
    lokasi: "g-lokasi", lokasi_perkiraan: "g-lokasi", ketelitian_lokasi: "g-ketelitian",
    sumber_lokasi: "g-sumber-lokasi", pengelola: "g-pengelola-nama",
    "pengelola.nama": "g-pengelola-nama", "pengelola.sektor": "g-sektor", jam_buka: "g-jam",
    usia: "g-usia", fasilitas: "g-fasilitas", kontak: "g-telepon", "kontak.telepon": "g-telepon",
    "kontak.email": "g-email", "kontak.situs": "g-situs", keterangan: "g-keterangan",
    sumber: "g-sumber", verifikasi: "g-ver-oleh", "verifikasi.tanggal": "g-ver-tanggal",
    "verifikasi.oleh": "g-ver-oleh"
  };

  function start(map, opts) {
    var state = { schema: null, records: {}, editing: "", idTouched: false, showAll: false,
                  touched: {}, yaml: "", marker: null, problems: [], onlyCheck: [], original: null };
    var form = $("pk-form");

    // The map lives in the form's location field.
    $("pk-peta-slot").appendChild(map.getContainer());
    map.invalidateSize();
    var bounds = L.latLngBounds(opts.batas);
    map.setMaxBounds(bounds.pad(0.5));
    // The whole city in view, clear of the zoom buttons (top left).
    var clear = { paddingTopLeft: [52, 12], paddingBottomRight: [12, 12], animate: false };
    map.fitBounds(bounds, clear);
    var existing = L.layerGroup().addTo(map);

    function protectedCategory() {
      var k = opts.kategori[$("f-kategori").value];
      return !!(k && k.dilindungi);
    }

    function setPoint(lat, lon, pan) {
      $("f-lat").value = lat.toFixed(6);
      $("f-lon").value = lon.toFixed(6);
      placeMarker(lat, lon, pan);
      state.touched.lokasi = true;
      update();
    }

    function placeMarker(lat, lon, pan) {
      var ll = L.latLng(lat, lon);
      if (!state.marker) {
        state.marker = L.marker(ll, {
          draggable: true, keyboard: true, title: "Lokasi fasilitas", alt: "Lokasi fasilitas",
          icon: L.divIcon({ className: "pk-titik", html: "<span></span>", iconSize: [40, 44], iconAnchor: [20, 44] })
        }).addTo(map);
        state.marker.on("dragend", function () {
          var p = state.marker.getLatLng();
          setPoint(p.lat, p.lng, false);
        });
      } else {
        state.marker.setLatLng(ll);
      }
      if (pan) map.setView(ll, Math.max(map.getZoom(), 16));
    }

    function removeMarker() {
      if (state.marker) { map.removeLayer(state.marker); state.marker = null; }
    }

    map.on("click", function (e) {
      if (protectedCategory()) return;
      setPoint(e.latlng.lat, e.latlng.lng, false);
    });

    function syncMarkerFromFields() {
      var lat = number($("f-lat").value), lon = number($("f-lon").value);
      if (typeof lat === "number" && typeof lon === "number" && isFinite(lat) && isFinite(lon) &&
          Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
        placeMarker(lat, lon, bounds.contains([lat, lon]));
      } else if (!$("f-lat").value.trim() && !$("f-lon").value.trim()) {
        removeMarker();
      }
    }

    function renderAmenities(checked) {
      var box = $("f-fasilitas");
      var k = opts.kategori[$("f-kategori").value];
      box.textContent = "";
      if (!k) {
        box.appendChild(el("p", "pk-bantuan", "Pilih kategori dulu."));
        return;
      }
      if (!k.fasilitas.length) {
        box.appendChild(el("p", "pk-bantuan", "Tidak ada pilihan sarana untuk kategori ini."));
        return;
      }
      k.fasilitas.forEach(function (pair) {
        var label = el("label", "pk-centang");
        var input = document.createElement("input");
        input.type = "checkbox";
        input.value = pair[0];
        input.checked = checked.indexOf(pair[0]) >= 0;
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + pair[1]));
        box.appendChild(label);
      });
    }

    function el(tag, cls, content) {
      var node = document.createElement(tag);
      if (cls) node.className = cls;
      if (content !== undefined) node.textContent = content;
      return node;
    }

    function checkedAmenities() {
      return Array.prototype.map.call($("f-fasilitas").querySelectorAll("input:checked"),
                                      function (i) { return i.value; });
    }

    function applyCategory() {
      var hide = protectedCategory();
      $("pk-dilindungi").hidden = !hide;
      Array.prototype.forEach.call(form.querySelectorAll(".pk-terbuka"), function (node) {
        node.hidden = hide;
        Array.prototype.forEach.call(node.querySelectorAll("input, select"), function (i) { i.disabled = hide; });
      });
      if (hide) removeMarker(); else syncMarkerFromFields();
      map.invalidateSize();
    }

    function readForm() {
      var rec = {};
      var hide = protectedCategory();
      function put(key, value) { if (value !== undefined && value !== "") rec[key] = value; }
      put("nama", text("f-nama"));
      put("kategori", $("f-kategori").value);
      if (!hide) put("alamat", text("f-alamat"));
      put("kelurahan", $("f-kelurahan").value);
      if (!hide) {
        var lat = number($("f-lat").value), lon = number($("f-lon").value);
        if (lat !== undefined || lon !== undefined) {
          rec.lokasi = [lat, lon].filter(function (v) { return v !== undefined; });
          if ($("f-perkiraan").checked) rec.lokasi_perkiraan = true;
        }
        // Kept without a point too, so that check's rule (only with `lokasi`) is shown.
        put("ketelitian_lokasi", $("f-ketelitian").value);
        put("sumber_lokasi", text("f-sumber-lokasi"));
      }
      var pengelola = {};
      if (text("f-pengelola-nama")) pengelola.nama = text("f-pengelola-nama");
      if ($("f-sektor").value) pengelola.sektor = $("f-sektor").value;
      if (Object.keys(pengelola).length) rec.pengelola = pengelola;
      put("jam_buka", text("f-jam"));
      var umin = number($("f-usia-min").value, true), umax = number($("f-usia-max").value, true);
      if (umin !== undefined || umax !== undefined) {
        rec.usia = [umin, umax].filter(function (v) { return v !== undefined; });
      }
      var amenities = checkedAmenities();
      if (amenities.length) rec.fasilitas = amenities;
      put("akses", $("f-akses").value);
      if (!hide) {
        var kontak = {};
        if (text("f-telepon")) kontak.telepon = text("f-telepon");
        if (text("f-situs")) kontak.situs = text("f-situs");
        if (text("f-email")) kontak.email = text("f-email");
        if (Object.keys(kontak).length) rec.kontak = kontak;
      }
      put("keterangan", text("f-keterangan"));
      put("sumber", text("f-sumber"));
      var ver = {};
      if ($("f-ver-tanggal").value) ver.tanggal = $("f-ver-tanggal").value;
      if (text("f-ver-oleh")) ver.oleh = text("f-ver-oleh");
      if (Object.keys(ver).length) rec.verifikasi = ver;
      put("status", $("f-status").value);
      return state.editing ? keepOriginal(rec, state.records[state.editing] || {}) : rec;
    }

    // An edited record keeps what the form did not change: values it shows the same (a
    // coordinate with more decimals than the form writes, text with its own spacing), keys it
    // has no field for, and a missing `status` (the form's "aktif" is check's default).
    var FORM_KEYS = ["nama", "kategori", "alamat", "kelurahan", "lokasi", "lokasi_perkiraan",
                     "ketelitian_lokasi", "sumber_lokasi", "pengelola", "jam_buka", "usia", "fasilitas", "akses", "kontak",
                     "keterangan", "sumber", "verifikasi", "status"];
    function shown(v) {
      if (typeof v === "number") return Math.round(v * 1e6) / 1e6;
      if (typeof v === "string") return v.replace(/\s+/g, " ").trim();
      if (Array.isArray(v)) return v.map(shown);
      if (v && typeof v === "object") {
        var o = {};
        Object.keys(v).sort().forEach(function (k) { o[k] = shown(v[k]); });
        return o;
      }
      return v;
    }
    function sortedIf(key, v) {  // the order of ticked amenities says nothing
      return key === "fasilitas" && Array.isArray(v) ? v.slice().sort() : v;
    }
    function keepOriginal(rec, orig) {
      var out = {};
      Object.keys(orig).forEach(function (k) {
        if (FORM_KEYS.indexOf(k) < 0) out[k] = orig[k];
        else if (k in rec && equal(shown(sortedIf(k, rec[k])), shown(sortedIf(k, orig[k])))) out[k] = orig[k];
        else if (k in rec) out[k] = rec[k];
      });
      Object.keys(rec).forEach(function (k) { if (!(k in out) && !(k in orig)) out[k] = rec[k]; });
      if (!("status" in orig) && out.status === "aktif") delete out.status;
      return out;
    }

    function currentId() {
      return state.editing || text("f-id");
    }

    // check's rules and messages (periksa.js), plus what only the form knows: the file name
    // must be new, and a record's id comes from its name.
    function formProblems(rec) {
      var id = currentId();
      var out = [];
      if (!id) out.push({ field: "id", severity: "error", message: "nama berkas belum ada; isi nama fasilitas." });
      else if (!state.editing && state.records[id]) {
        out.push({ field: "id", severity: "error", message: "sudah ada data dengan nama berkas ini. Untuk mengubahnya, pilih di \"Ubah data yang ada\"; untuk tempat lain, ganti nama berkasnya." });
      }
      var ctx = { schema: state.schema, validate: validate, kategori: opts.kategori,
                  kelurahan: opts.kelurahan, kota: opts.kota, kotaResmi: opts.kota_resmi,
                  batas: opts.batas, batasKelurahan: opts.batas_kelurahan,
                  cached: !!(state.editing && state.records[state.editing] && !state.records[state.editing].lokasi),
                  today: new Date().toISOString().slice(0, 10) };
      return out.concat(PetaPeriksa.invisible(rec), PetaPeriksa.problems(rec, id || "berkas", ctx).filter(function (p) {
        return !(id === "" && p.field === "");
      })).map(function (p) { return { field: p.field || "id", text: p.message, severity: p.severity }; });
    }

    function onlyCheck(rec) {
      return PetaPeriksa.onlyCheck(rec, { batasKelurahan: opts.batas_kelurahan });
    }

    function showProblems(problems) {
      Array.prototype.forEach.call(form.querySelectorAll(".pk-galat"), function (p) {
        p.hidden = true; p.textContent = "";
      });
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (i) {
        i.removeAttribute("aria-invalid");
      });
      var started = state.showAll || Object.keys(state.touched).length > 0;
      problems.forEach(function (pr) {
        var top = pr.field.split(".")[0];
        if (!state.showAll && !state.touched[top]) return;
        var target = $(ERROR_TARGET[pr.field] || ERROR_TARGET[top] || "");
        if (!target) return;
        target.textContent = target.textContent ? target.textContent + " " + pr.text : pr.text;
        target.hidden = false;
        var input = target.parentNode.querySelector("input, select, textarea");
        if (input) input.setAttribute("aria-invalid", "true");
      });
      var list = $("pk-masalah");
      list.textContent = "";
      var errors = problems.filter(function (pr) { return pr.severity !== "warning"; });
      // Before anything is typed the list stays empty: nothing is wrong yet, only unfilled.
      if (started) {
        problems.forEach(function (pr) {
          list.appendChild(el("li", pr.severity === "warning" ? "pk-peringatan-item" : "",
                              (pr.severity === "warning" ? "Peringatan: " : "") + pr.text));
        });
      }
      $("pk-ringkasan").textContent = !started
        ? "Isi formulir di atas. Yang masih kurang akan disebut di sini."
        : errors.length
          ? "Masih ada " + errors.length + " hal yang perlu dilengkapi atau diperbaiki:"
          : "Data sudah sesuai aturan pemeriksaan otomatis. Periksa sekali lagi, lalu kirim.";
      $("pk-ringkasan").className = !started ? "" : errors.length ? "pk-belum" : "pk-siap";
      var notes = $("pk-hanya-check");
      notes.textContent = "";
      state.onlyCheck.forEach(function (t) { notes.appendChild(el("li", "", t)); });
      $("pk-hanya-check-judul").hidden = !state.onlyCheck.length;
    }

    function update() {
      if (!state.schema) return;
      if (!state.editing && !state.idTouched) $("f-id").value = slugify(text("f-nama"));
      var rec = readForm();
      var problems = formProblems(rec);
      state.problems = problems;
      state.onlyCheck = onlyCheck(rec);
      var errors = problems.filter(function (pr) { return pr.severity !== "warning"; });
      state.yaml = toYaml(rec, state.schema);
      var orig = state.original;
      if (state.editing && orig && orig.id === state.editing) {
        var patched = PetaSunting.patch(orig.text, state.records[state.editing], rec, state.schema);
        if (patched.text !== null) state.yaml = patched.text;
      }
      $("pk-yaml").value = state.yaml;
      var id = currentId() || "…";
      $("pk-yaml-id").textContent = id;
      $("pk-id-contoh").textContent = id;
      Array.prototype.forEach.call(form.querySelectorAll(".pk-id-nama"), function (n) { n.textContent = id; });
      showProblems(problems);
      form.setAttribute("data-pk-valid", errors.length ? "false" : "true");
      var send = $("pk-kirim");
      if (send) {
        var ok = !errors.length;
        send.setAttribute("aria-disabled", ok ? "false" : "true");
        // A link without href may not carry target/rel (HTML): they come and go with it.
        if (ok) {
          send.href = githubUrl(id);
          send.target = "_blank";
          send.rel = "noopener";
        } else {
          ["href", "target", "rel"].forEach(function (a) { send.removeAttribute(a); });
        }
        send.textContent = state.editing ? "Salin dan buka berkas di GitHub" : "Kirim lewat GitHub";
      }
    }

    function githubUrl(id) {
      var branch = opts.cabang.split("/").map(encodeURIComponent).join("/");
      var base = "https://github.com/" + opts.repo;
      if (state.editing) return base + "/edit/" + branch + "/facilities/" + encodeURIComponent(id) + ".yml";
      return base + "/new/" + branch + "?filename=" + encodeURIComponent("facilities/" + id + ".yml") +
        "&value=" + encodeURIComponent(state.yaml);
    }

    function copy() {
      var area = $("pk-yaml");
      var status = $("pk-salin-status");
      if (form.getAttribute("data-pk-valid") !== "true") {
        status.textContent = "Belum disalin: isinya belum lolos pemeriksaan. Perbaiki dulu hal yang disebut di atas.";
        status.className = "pk-belum";
        $("pk-ringkasan").scrollIntoView({ block: "center" });
        return Promise.resolve();
      }
      status.className = "";
      function done(ok) {
        status.textContent = ok ? "Tersalin." + (state.onlyCheck.length ? " Perhatikan catatan di atas." : "")
          : "Tidak dapat menyalin otomatis: pilih teksnya, lalu salin.";
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        return navigator.clipboard.writeText(state.yaml).then(function () { done(true); }, function () {
          area.select(); done(document.execCommand && document.execCommand("copy"));
        });
      }
      area.select();
      done(document.execCommand && document.execCommand("copy"));
      return Promise.resolve();
    }

    function fill(id) {
      var rec = state.records[id] || {};
      state.original = null;
      form.removeAttribute("data-pk-asli");
      if (id) {
        // The file as it is, so an edit changes only the lines that changed (sunting.js).
        fetch("asli/" + encodeURIComponent(id) + ".yml").then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.text();
        }).then(function (text) {
          if (state.editing !== id) return;
          state.original = { id: id, text: text };
          update();
          form.setAttribute("data-pk-asli", id);
        }, function () { form.setAttribute("data-pk-asli", ""); });
      }
      state.editing = id;
      state.idTouched = !!id;
      state.touched = {};
      state.showAll = !!id;
      function set(fid, v) { $(fid).value = v === undefined || v === null ? "" : String(v); }
      set("f-nama", rec.nama); set("f-id", id);
      $("f-id").readOnly = !!id;
      set("f-kategori", rec.kategori); set("f-alamat", rec.alamat); set("f-kelurahan", rec.kelurahan);
      var lok = rec.lokasi || [];
      set("f-lat", lok[0]); set("f-lon", lok[1]);
      $("f-perkiraan").checked = !!rec.lokasi_perkiraan;
      set("f-ketelitian", rec.ketelitian_lokasi); set("f-sumber-lokasi", rec.sumber_lokasi);
      var pg = rec.pengelola || {};
      set("f-pengelola-nama", pg.nama); set("f-sektor", pg.sektor);
      set("f-jam", rec.jam_buka);
      var usia = rec.usia || [];
      set("f-usia-min", usia[0]); set("f-usia-max", usia[1]);
      set("f-akses", rec.akses);
      var k = rec.kontak || {};
      set("f-telepon", k.telepon); set("f-situs", k.situs); set("f-email", k.email);
      set("f-keterangan", rec.keterangan); set("f-sumber", rec.sumber);
      var v = rec.verifikasi || {};
      set("f-ver-tanggal", v.tanggal); set("f-ver-oleh", v.oleh);
      $("pk-verifikasi").open = !!rec.verifikasi;
      set("f-status", rec.status || "aktif");
      renderAmenities(rec.fasilitas || []);
      applyCategory();
      if (lok.length === 2) placeMarker(lok[0], lok[1], true);
      else { removeMarker(); map.fitBounds(bounds, clear); }
      update();
    }

    function panToKelurahan(name) {
      if ($("f-lat").value.trim() || $("f-lon").value.trim()) return;
      var point = (opts.titik_kelurahan || {})[name];
      if (point) { map.setView(point, 16, { animate: false }); return; }
      var pts = Object.keys(state.records).map(function (id) { return state.records[id]; })
        .filter(function (r) { return r.kelurahan === name && r.lokasi; })
        .map(function (r) { return r.lokasi; });
      if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.3), { maxZoom: 16, animate: false });
    }

    function showExisting() {
      Object.keys(state.records).forEach(function (id) {
        var r = state.records[id];
        if (!r.lokasi) return;
        var tip = document.createElement("span");
        tip.textContent = r.nama;
        L.circleMarker(r.lokasi, { radius: 5, weight: 1, color: "#555", fillColor: "#9e9e9e",
                                   fillOpacity: 0.8, className: "pk-ada" })
          .bindTooltip(tip).addTo(existing);
      });
    }

    // Events ------------------------------------------------------------------------------
    form.addEventListener("input", function (e) {
      var path = e.target.getAttribute("data-path");
      if (path) state.touched[path.split(".")[0]] = true;
      if (e.target.id === "f-id") state.idTouched = true;
      if (e.target.id === "f-lat" || e.target.id === "f-lon") {
        var parts = splitPair(e.target.value);
        if (e.target.id === "f-lat" && parts) {
          $("f-lat").value = parts[0]; $("f-lon").value = parts[1];  // a pasted "lat, lon"
        }
        syncMarkerFromFields();
      }
      update();
    });
    form.addEventListener("change", function (e) {
      var path = e.target.getAttribute("data-path");
      if (path) state.touched[path.split(".")[0]] = true;
      if (e.target.id === "f-kategori") {
        renderAmenities(checkedAmenities());
        applyCategory();
      } else if (e.target.id === "f-kelurahan") {
        panToKelurahan(e.target.value);
      } else if (e.target.id === "f-ubah") {
        fill(e.target.value);
        return;
      } else if (e.target.closest && e.target.closest("#f-fasilitas")) {
        state.touched.fasilitas = true;
      }
      update();
    });
    $("pk-lokasi-saya").addEventListener("click", function () {
      var status = $("pk-lokasi-status");
      if (!navigator.geolocation) { status.textContent = "Peramban ini tidak dapat memberi lokasi."; return; }
      status.textContent = "Mencari lokasi Anda…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        var lat = pos.coords.latitude, lon = pos.coords.longitude;
        if (!bounds.contains([lat, lon])) {
          status.textContent = "Lokasi Anda berada di luar " + opts.kota + "; ketuk tempatnya di peta.";
          return;
        }
        status.textContent = "Titik diisi dari lokasi Anda (ketelitian sekitar " + Math.round(pos.coords.accuracy) + " m); geser bila kurang tepat.";
        setPoint(lat, lon, true);
      }, function () {
        status.textContent = "Lokasi tidak dapat diambil (izin ditolak atau sinyal lemah); ketuk tempatnya di peta.";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
    $("pk-salin").addEventListener("click", function () {
      state.showAll = true;
      update();
      copy();
    });
    var send = $("pk-kirim");
    if (send) {
      send.addEventListener("click", function (e) {
        state.showAll = true;
        update();
        if (send.getAttribute("aria-disabled") === "true") {
          e.preventDefault();
          $("pk-ringkasan").scrollIntoView({ block: "center" });
          return;
        }
        if (state.editing) copy();  // GitHub's editor cannot be pre-filled: paste it there
      });
    }

    // The page scrolls as one: the form sizes its own iframe (same origin).
    function fit() {
      var frame = window.frameElement;
      if (frame) frame.style.height = Math.ceil(form.getBoundingClientRect().height + 32) + "px";
    }
    if (window.ResizeObserver) new ResizeObserver(fit).observe(form);
    fit();

    Promise.all([
      fetch(opts.schema).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); }),
      fetch(opts.data).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    ]).then(function (loaded) {
      state.schema = loaded[0];
      state.records = loaded[1];
      var select = $("f-ubah");
      Object.keys(state.records)
        .sort(function (a, b) { return state.records[a].nama.localeCompare(state.records[b].nama, "id"); })
        .forEach(function (id) {
          var o = document.createElement("option");
          o.value = id;
          o.textContent = state.records[id].nama + " — " + state.records[id].kelurahan;
          select.appendChild(o);
        });
      select.disabled = false;
      showExisting();
      $("f-status").value = "aktif";
      update();
      document.documentElement.setAttribute("data-pk-ready", "1");
    }, function () {
      $("pk-ringkasan").textContent = "Aturan pemeriksaan tidak dapat dimuat. Muat ulang halaman ini.";
    });
    PetaTambah.map = map;
    PetaTambah.state = state;
  }

  var PetaTambah = { validate: validate, equal: equal, toYaml: toYaml, splitPair: splitPair, start: start };
  window.PetaTambah = PetaTambah;
})();
