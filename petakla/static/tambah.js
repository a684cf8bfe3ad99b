/* Peta Kota Layak Anak — the editors' form (tambah/form.html, made by petakla/form.py).
 *
 * It reads the form into a record (static/tambah-isian.js), checks it with check's own rules
 * and messages (static/periksa.js, over the JSON Schema validator static/skema.js and the same
 * schema file `check` uses, served as tambah/fasilitas.schema.json), writes a new record as
 * YAML (static/tambah-yaml.js) or an edited one line by line (static/sunting.js), and links to
 * GitHub's "new file" page. The records it can edit come from static/tambah-data.js, its map
 * from static/tambah-peta.js (started when the form is first used).
 * Record text only ever reaches the page through textContent / value, never as HTML. */
(function () {
  "use strict";

  var I = window.PetaIsian, $ = I.$, text = I.text, el = I.el;

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

  // opts: the form's options (petakla/form.py); makeMap: Folium's map script, as a function.
  function start(opts, makeMap) {
    // editing: the id of the record being edited ("" for a new one); record: its data as
    // `check` read it; original: {id, text} of its file as written.
    var state = { schema: null, editing: "", record: null, idTouched: false, showAll: false,
                  touched: {}, yaml: "", problems: [], onlyCheck: [], original: null };
    var form = $("pk-form");
    var data = PetaTambahData.create(opts);

    function protectedCategory() {
      var k = opts.kategori[$("f-kategori").value];
      return !!(k && k.dilindungi);
    }

    var peta = PetaTambahPeta.create(makeMap, opts, {
      point: function () { return protectedCategory() ? null : I.point(); },
      hidden: protectedCategory,
      kelurahan: function () { return $("f-kelurahan").value; },
      onPoint: function (lat, lon) { setPoint(lat, lon, false); }
    });

    function setPoint(lat, lon, pan) {
      $("f-lat").value = lat.toFixed(6);
      $("f-lon").value = lon.toFixed(6);
      peta.placeMarker(lat, lon, pan);
      state.touched.lokasi = true;
      update();
    }

    function syncMarkerFromFields() {
      var p = I.point();
      if (p) peta.placeMarker(p[0], p[1], peta.contains(p[0], p[1]));
      else if (!$("f-lat").value.trim() && !$("f-lon").value.trim()) peta.removeMarker();
    }

    function applyCategory() {
      var hide = protectedCategory();
      $("pk-dilindungi").hidden = !hide;
      Array.prototype.forEach.call(form.querySelectorAll(".pk-terbuka"), function (node) {
        node.hidden = hide;
        Array.prototype.forEach.call(node.querySelectorAll("input, select"), function (i) { i.disabled = hide; });
      });
      if (hide) peta.removeMarker(); else syncMarkerFromFields();
      peta.invalidate();
    }

    function readForm() {
      var rec = I.read(protectedCategory());
      return state.editing ? I.keepOriginal(rec, state.record || {}) : rec;
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
      else if (!state.editing && data.exists(id)) {
        out.push({ field: "id", severity: "error", message: "sudah ada data dengan nama berkas ini. Untuk mengubahnya, pilih di \"Ubah data yang ada\"; untuk tempat lain, ganti nama berkasnya." });
      }
      var ctx = { schema: state.schema, validate: PetaSkema.validate, kategori: opts.kategori,
                  kelurahan: opts.kelurahan, kota: opts.kota, kotaResmi: opts.kota_resmi,
                  batas: opts.batas, batasKelurahan: opts.batas_kelurahan,
                  cached: !!(state.editing && state.record && !state.record.lokasi),
                  today: new Date().toISOString().slice(0, 10) };
      return out.concat(PetaPeriksa.invisible(rec), PetaPeriksa.problems(rec, id || "berkas", ctx).filter(function (p) {
        return !(id === "" && p.field === "");
      })).map(function (p) { return { field: p.field || "id", text: p.message, severity: p.severity }; });
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
      if (!state.editing && !state.idTouched) $("f-id").value = I.slugify(text("f-nama"));
      var rec = readForm();
      var problems = formProblems(rec);
      state.problems = problems;
      state.onlyCheck = PetaPeriksa.onlyCheck(rec, { batasKelurahan: opts.batas_kelurahan });
      var errors = problems.filter(function (pr) { return pr.severity !== "warning"; });
      state.yaml = PetaYaml.toYaml(rec, state.schema);
      var orig = state.original;
      if (state.editing && orig && orig.id === state.editing) {
        var patched = PetaSunting.patch(orig.text, state.record, rec, state.schema);
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

    // The form shows a record: `record` and `original` for an edit of `id`, nothing for a new one.
    function show(id, record, original) {
      state.editing = id;
      state.record = record;
      state.original = original;
      state.idTouched = !!id;
      state.touched = {};
      state.showAll = !!id;
      I.fill(record || {}, id, opts.kategori);
      applyCategory();
      peta.sync(true);
      update();
    }

    // "Ubah data yang ada": the chosen record is fetched, then shown (data-pk-asli says which,
    // "" when its file could not be read and the YAML is written whole).
    var choosing = "";
    function choose(id) {
      choosing = id;
      form.removeAttribute("data-pk-asli");
      $("pk-ubah-status").textContent = "";
      if (!id) { show("", null, null); return; }
      form.setAttribute("aria-busy", "true");
      $("pk-ubah-status").textContent = "Memuat data…";
      data.choose(id).then(function (got) {
        if (choosing !== id) return;
        form.removeAttribute("aria-busy");
        $("pk-ubah-status").textContent = "";
        show(id, got.record, got.text === null ? null : { id: id, text: got.text });
        form.setAttribute("data-pk-asli", got.text === null ? "" : id);
      }, function () {
        if (choosing !== id) return;
        form.removeAttribute("aria-busy");
        $("pk-ubah-status").textContent = "Data ini tidak dapat dimuat. Periksa sambungan, lalu pilih lagi.";
        $("f-ubah").value = state.editing;
        choosing = state.editing;
      });
    }

    // Events ------------------------------------------------------------------------------
    form.addEventListener("input", function (e) {
      var path = e.target.getAttribute("data-path");
      if (path) state.touched[path.split(".")[0]] = true;
      if (e.target.id === "f-id") state.idTouched = true;
      if (e.target.id === "f-lat" || e.target.id === "f-lon") {
        var parts = I.splitPair(e.target.value);
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
        I.renderAmenities(opts.kategori, I.checkedAmenities());
        applyCategory();
      } else if (e.target.id === "f-kelurahan") {
        if (!$("f-lat").value.trim() && !$("f-lon").value.trim()) peta.showKelurahan(e.target.value);
      } else if (e.target.id === "f-ubah") {
        choose(e.target.value);
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
        if (!peta.contains(lat, lon)) {
          status.textContent = "Lokasi Anda berada di luar " + opts.kota + "; ketuk tempatnya di peta.";
          return;
        }
        status.textContent = "Titik diisi dari lokasi Anda (ketelitian sekitar " + Math.round(pos.coords.accuracy) + " m); geser bila kurang tepat.";
        setPoint(lat, lon, true);
        peta.start().catch(function () { /* the fields hold the point */ });
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

    // The page scrolls as one: the form sizes its own iframe (same origin). The observer
    // reports after layout (also once at the start), so reading the size forces none.
    function fit() {
      var frame = window.frameElement;
      if (frame) frame.style.height = Math.ceil(form.getBoundingClientRect().height + 32) + "px";
    }
    if (window.ResizeObserver) new ResizeObserver(fit).observe(form);
    else fit();

    Promise.all([
      fetch(opts.schema).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); }),
      data.load()
    ]).then(function (loaded) {
      state.schema = loaded[0];
      peta.setPoints(loaded[1]);
      $("f-status").value = "aktif";
      update();
      data.fillSelect($("f-ubah"));
      $("f-ubah").disabled = false;
      document.documentElement.setAttribute("data-pk-ready", "1");
    }, function () {
      $("pk-ringkasan").textContent = "Aturan pemeriksaan tidak dapat dimuat. Muat ulang halaman ini.";
    });
    // For tests and the console: a promise of the map, started if it was not yet.
    PetaTambah.peta = peta.start;
    PetaTambah.state = state;
  }

  var PetaTambah = { validate: PetaSkema.validate, equal: PetaSkema.equal,
                     toYaml: PetaYaml.toYaml, splitPair: PetaIsian.splitPair, start: start };
  window.PetaTambah = PetaTambah;
})();
