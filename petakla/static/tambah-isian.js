/* Peta Kota Layak Anak — the editors' form: its fields read into a record, a record written into
 * its fields, and what an edit keeps of the original record. Record text only ever reaches the
 * page through textContent / value, never as HTML. */
(function () {
  "use strict";

  function $(id) { return document.getElementById(id); }
  function text(id) { return $(id).value.replace(/\s+/g, " ").trim(); }

  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined) node.textContent = content;
    return node;
  }

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

  // The point typed in the fields, or null when they hold no usable coordinate.
  function point() {
    var lat = number($("f-lat").value), lon = number($("f-lon").value);
    if (typeof lat === "number" && typeof lon === "number" && isFinite(lat) && isFinite(lon) &&
        Math.abs(lat) <= 90 && Math.abs(lon) <= 180) return [lat, lon];
    return null;
  }

  function checkedAmenities() {
    return Array.prototype.map.call($("f-fasilitas").querySelectorAll("input:checked"),
                                    function (i) { return i.value; });
  }

  // The amenity boxes the chosen category allows (kategori: the form's options).
  function renderAmenities(kategori, checked) {
    var box = $("f-fasilitas");
    var k = kategori[$("f-kategori").value];
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

  // The record the fields say; `hide` (a protected category) leaves out where it is.
  function read(hide) {
    var rec = {};
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
    return rec;
  }

  // A record's values into the fields (an empty record and id: a new one).
  function fill(rec, id, kategori) {
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
    renderAmenities(kategori, rec.fasilitas || []);
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
    var equal = PetaSkema.equal, out = {};
    Object.keys(orig).forEach(function (k) {
      if (FORM_KEYS.indexOf(k) < 0) out[k] = orig[k];
      else if (k in rec && equal(shown(sortedIf(k, rec[k])), shown(sortedIf(k, orig[k])))) out[k] = orig[k];
      else if (k in rec) out[k] = rec[k];
    });
    Object.keys(rec).forEach(function (k) { if (!(k in out) && !(k in orig)) out[k] = rec[k]; });
    if (!("status" in orig) && out.status === "aktif") delete out.status;
    return out;
  }

  window.PetaIsian = {
    $: $, text: text, el: el, number: number, splitPair: splitPair, slugify: slugify,
    point: point, checkedAmenities: checkedAmenities, renderAmenities: renderAmenities,
    read: read, fill: fill, keepOriginal: keepOriginal
  };
})();
