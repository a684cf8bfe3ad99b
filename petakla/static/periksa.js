/* Peta Kota Layak Anak — the rules of `build_map.py check` that a browser can decide, with
 * check's own Indonesian messages (petakla/validate.py), for the editors' form (tambah.js).
 *
 * PetaPeriksa.problems(record, id, ctx) returns [{field, severity, message}] exactly as check
 * reports them for facilities/<id>.yml: JSON Schema errors (from PetaTambah.validate), the file
 * name, kelurahan (with check's "Maksud Anda ...?", a port of Python's difflib), swapped or
 * outside coordinates, opening hours, age range, phone numbers (a port of lokal-id's
 * parse_phone), verification dates and protected categories. What only check can decide (a
 * geocoded address, kelurahan boundaries, opening hours beyond the subset below) is returned
 * by PetaPeriksa.onlyCheck(record, ctx) as sentences for the editor.
 * tests/test_form_check.py feeds every fixture and every real record through both. */
(function () {
  "use strict";

  // --- Python's str/json/repr of a value, as check's messages print it ---------------------
  function pyJson(v) {
    if (Array.isArray(v)) return "[" + v.map(pyJson).join(", ") + "]";
    if (v !== null && typeof v === "object") {
      return "{" + Object.keys(v).map(function (k) { return JSON.stringify(k) + ": " + pyJson(v[k]); }).join(", ") + "}";
    }
    return JSON.stringify(v);
  }
  function pyRepr(v) {
    if (typeof v === "string") return v.indexOf("'") >= 0 && v.indexOf('"') < 0 ? '"' + v + '"' : "'" + v.replace(/'/g, "\\'") + "'";
    if (Array.isArray(v)) return "[" + v.map(pyRepr).join(", ") + "]";
    if (v === true) return "True";
    if (v === false) return "False";
    if (v === null) return "None";
    if (typeof v === "object") return "{" + Object.keys(v).map(function (k) { return pyRepr(k) + ": " + pyRepr(v[k]); }).join(", ") + "}";
    return String(v);
  }
  function pyStr(v) { return typeof v === "string" ? v : pyRepr(v); }
  function len(s) { return Array.from(s).length; }
  function show(v) {
    var text = typeof v === "string" ? v : pyJson(v);
    var chars = Array.from(text);
    return chars.length <= 60 ? text : chars.slice(0, 57).join("") + "...";
  }

  // --- difflib.get_close_matches(word, choices, n=1, cutoff=0.6) ------------------------------
  function matchingBlocks(a, b) {
    var b2j = {};
    for (var j = 0; j < b.length; j++) (b2j[b[j]] = b2j[b[j]] || []).push(j);
    // Python's autojunk only applies to sequences of 200 items or more.
    if (b.length >= 200) {
      var ntest = Math.floor(b.length / 100) + 1;
      Object.keys(b2j).forEach(function (ch) { if (b2j[ch].length > ntest) delete b2j[ch]; });
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0, j2len = {};
      for (var i = alo; i < ahi; i++) {
        var newj2len = {};
        (b2j[a[i]] || []).forEach(function (jj) {
          if (jj < blo || jj >= bhi) return;
          var k = (j2len[jj - 1] || 0) + 1;
          newj2len[jj] = k;
          if (k > bestsize) { besti = i - k + 1; bestj = jj - k + 1; bestsize = k; }
        });
        j2len = newj2len;
      }
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1] && b2j[b[bestj - 1]] === undefined) { besti--; bestj--; bestsize++; }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && b2j[b[bestj + bestsize]] === undefined && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
      while (besti > alo && bestj > blo && b2j[b[bestj - 1]] !== undefined && a[besti - 1] === b[bestj - 1]) { besti--; bestj--; bestsize++; }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && b2j[b[bestj + bestsize]] !== undefined && a[besti + bestsize] === b[bestj + bestsize]) bestsize++;
      return [besti, bestj, bestsize];
    }
    var queue = [[0, a.length, 0, b.length]], blocks = [];
    while (queue.length) {
      var q = queue.pop(), m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        blocks.push(m);
        if (q[0] < m[0] && q[2] < m[1]) queue.push([q[0], m[0], q[2], m[1]]);
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]);
      }
    }
    return blocks;
  }
  function ratio(a, b) {
    var total = a.length + b.length;
    if (!total) return 1;
    var matches = matchingBlocks(a, b).reduce(function (s, m) { return s + m[2]; }, 0);
    return 2 * matches / total;
  }
  function closeMatch(word, choices) {
    var w = Array.from(word), best = null, bestScore = -1;
    choices.forEach(function (c) {
      var score = ratio(w, Array.from(c));
      // get_close_matches keeps the highest score; among equal scores, the greatest string
      if (score >= 0.6 && (score > bestScore || (score === bestScore && c > best))) { best = c; bestScore = score; }
    });
    return best;
  }
  function suggest(word, choices) {
    var c = closeMatch(String(word), choices);
    return c === null ? "" : " Maksud Anda '" + c + "'?";
  }

  // --- regions.normalise --------------------------------------------------------------------
  var VARIANTS = [[/\bsei\b/g, "sungai"], [/\bsg\b/g, "sungai"], [/\bmasjid\b/g, "mesjid"],
                  [/\bbenua\b/g, "banua"], [/\bkel\b/g, ""], [/\bkelurahan\b/g, ""]];
  function normalise(name) {
    var text = name.toLowerCase().replace(/[^a-z0-9]+/g, " ");
    VARIANTS.forEach(function (v) { text = text.replace(v[0], v[1]); });
    return text.split(/\s+/).filter(Boolean).join(" ");
  }

  // --- lokal-id's parse_phone(...).valid ------------------------------------------------------
  function phoneValid(input) {
    var clean = String(input).trim().replace(/[\s\u00a0\ufeff().-]/g, "");
    var rest;
    if (clean.indexOf("+62") === 0) rest = clean.slice(3);
    else if (clean.indexOf("62") === 0 && clean.length >= 10) rest = clean.slice(2);
    else if (clean[0] === "0") rest = clean.slice(1);
    else if (clean[0] === "8") rest = clean;
    else return false;
    rest = rest.replace(/^0+/, "");
    if (!/^[0-9]+$/.test(rest)) return false;
    if (rest[0] === "8") return rest.length >= 9 && rest.length <= 12;
    if ("2345679".indexOf(rest[0]) >= 0) return rest.length >= 7 && rest.length <= 11;
    return false;
  }

  // --- opening_hours: a subset the browser can decide ----------------------------------------
  // "valid": written in the common subset below, which the OpenStreetMap parser `check` uses
  // accepts; "invalid": a slip that parser always rejects (Indonesian day names, "08.00",
  // "8-16"); "unknown": anything else, left to `check`.
  var DAY = "(?:Mo|Tu|We|Th|Fr|Sa|Su)";
  var DAYS = DAY + "(?:-" + DAY + ")?(?:," + DAY + "(?:-" + DAY + ")?)*";
  var SEL = "(?:" + DAYS + "(?:,PH)?|PH(?:," + DAYS + ")?)";
  var HM = "(?:[01]?\\d|2[0-4]):[0-5]\\d";
  var SPANS = HM + "-" + HM + "(?:," + HM + "-" + HM + ")*";
  var RULE = new RegExp("^(?:24/7|(?:" + SEL + " )?" + SPANS + "|" + SEL + " (?:off|closed))$");
  var SLIPS = /\b(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|libur|pukul|jam)\b|\b\d{1,2}\.\d{2}\b|(^|[\s,;])\d{1,2}-\d{1,2}($|[\s,;])/i;
  // "00:00-00:00": a range that starts and ends at the same time; check refuses it as ambiguous
  var EMPTY_RANGE = /(?:^|[^\d:])(\d{1,2}:\d{2})\s*-\s*\1(?![\d:+])/;
  function hoursVerdict(text) {
    if (EMPTY_RANGE.test(text)) return "ambiguous";
    var rules = text.trim().split(/\s*;\s*/);
    if (rules.every(function (r) { return RULE.test(r); })) return "valid";
    return SLIPS.test(text) ? "invalid" : "unknown";
  }

  // --- the checks -----------------------------------------------------------------------------
  var TYPE_NAMES = { string: "teks", number: "angka", integer: "bilangan bulat", array: "daftar [ ... ]",
                     object: "kumpulan kunci (peta)", boolean: "true atau false" };
  var HINTS = { situs: "harus alamat web lengkap yang diawali https:// atau http://.",
                email: "alamat email tidak sah; contoh: dp3a@banjarmasinkota.go.id.",
                tanggal: "tulis tanggal sebagai TTTT-BB-HH, misalnya 2026-01-31." };

  function schemaProblems(err, schema, add) {
    var path = err.path, dotted = path.join("."), kw = err.keyword, value = err.value;
    var v = err.expected;
    if (kw === "required") {
      var key = err.expected, field = dotted ? dotted + "." + key : key;
      add(field, key === "alamat"
        ? "kolom 'alamat' wajib diisi bila 'lokasi' tidak diisi; tambahkan alamat jalan."
        : "kolom wajib '" + key + "' belum diisi; tambahkan baris `" + key + ": ...`.");
      return;
    }
    if (kw === "additionalProperties") {
      var allowed = Object.keys(err.schema.properties || {});
      v.forEach(function (k) {
        add(dotted ? dotted + "." + k : k, "kunci '" + k + "' tidak dikenal." + suggest(k, allowed) +
            " Hapus atau perbaiki nama kuncinya.");
      });
      return;
    }
    var top = path.length ? String(path[0]) : "";
    if (kw === "enum") {
      var choices = v.map(String);
      if (top === "fasilitas") {
        add(dotted, "'" + show(value) + "' tidak tersedia untuk kategori ini; pilih dari: " +
            (choices.join(", ") || "(tidak ada)") + ".");
      } else {
        add(dotted, "nilai '" + show(value) + "' tidak dikenal." + suggest(pyStr(value), choices) +
            " Pilih salah satu: " + choices.join(", ") + ".");
      }
    } else if (kw === "type") {
      var quote = v === "string" && (typeof value === "boolean" || typeof value === "number")
        ? " Bila memang teks, apit dengan tanda kutip: \"" + show(value) + "\"." : "";
      add(dotted, "harus berupa " + (TYPE_NAMES[v] || v) + ", bukan '" + show(value) + "'." + quote);
    } else if (kw === "minLength") {
      add(dotted, "tidak boleh kosong; isi atau hapus baris ini.");
    } else if (kw === "maxLength") {
      add(dotted, "terlalu panjang (" + len(value) + " karakter, paling banyak " + v + "); persingkat.");
    } else if (kw === "minItems" || kw === "maxItems") {
      if (top === "lokasi") add(dotted, "tulis tepat dua angka: [lintang, bujur], misalnya [-3.3263, 114.5892].");
      else if (top === "usia") add(dotted, "tulis tepat dua angka: [usia terendah, usia tertinggi], misalnya [0, 12].");
      else add(dotted, "jumlah isi daftar tidak sesuai (" + value.length + ").");
    } else if ((kw === "minimum" || kw === "maximum") && top === "lokasi") {
      return;  // the coordinates check says where the point is
    } else if (kw === "minimum" || kw === "maximum") {
      add(dotted, "nilai " + show(value) + " di luar batas (" + (kw === "minimum" ? "paling kecil" : "paling besar") +
          " " + v + "); perbaiki angkanya.");
    } else if (kw === "pattern") {
      add(dotted, HINTS[String(path[path.length - 1])] || "format '" + show(value) + "' tidak sah.");
    } else if (kw === "uniqueItems") {
      add(dotted, "ada nilai yang ditulis lebih dari sekali; hapus duplikatnya.");
    } else if (kw === "minProperties") {
      add(dotted, "isi paling sedikit satu dari: telepon, situs, email — atau hapus 'kontak'.");
    } else {
      add(dotted, "nilai '" + show(value) + "' tidak sesuai aturan (" + kw + ").");
    }
  }

  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function inBounds(ctx, lat, lon) {
    return ctx.batas[0][0] <= lat && lat <= ctx.batas[1][0] && ctx.batas[0][1] <= lon && lon <= ctx.batas[1][1];
  }

  // ctx: {schema, validate (PetaTambah.validate), kategori (slug -> {dilindungi}), kelurahan
  // (official names), kota (config's city name), kotaResmi (the city's official name),
  // batas, batasKelurahan (bool), today ("YYYY-MM-DD")}
  function problems(rec, id, ctx) {
    var out = [], seen = {};
    function add(field, message, severity) {
      var p = { field: field, severity: severity || "error", message: message };
      var key = p.field + "\u0000" + p.severity + "\u0000" + p.message;
      if (!seen[key]) { seen[key] = true; out.push(p); }
    }
    if (rec === null || typeof rec !== "object" || Array.isArray(rec)) {
      add("", "isi berkas harus berupa kumpulan kunci (nama: ..., kategori: ...), bukan daftar atau teks tunggal.");
      return out;
    }
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(id)) {
      var s = id.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "nama-fasilitas";
      add("", "nama berkas '" + id + "' harus huruf kecil, angka dan tanda hubung saja; ganti menjadi '" + s + ".yml'.");
    }
    ctx.validate(ctx.schema, rec, true).forEach(function (err) { schemaProblems(err, ctx.schema, add); });
    // kelurahan
    var found = null, name = rec.kelurahan;
    if (typeof name === "string" && name.trim()) {
      var index = {};
      ctx.kelurahan.forEach(function (k) { index[normalise(k)] = k; });
      found = index[normalise(name)] || null;
      if (found === null) {
        var close = closeMatch(normalise(name), Object.keys(index));
        add("kelurahan", "kelurahan '" + name + "' tidak ada di " + ctx.kotaResmi + "." +
            (close === null ? "" : " Maksud Anda '" + index[close] + "'?") +
            " Tulis nama kelurahan resmi (kecamatan tidak perlu ditulis).");
      } else if (found !== name) {
        add("kelurahan", "ejaan resmi: '" + found + "'; sebaiknya tulis ejaan itu.", "warning");
      }
    }
    // lokasi (its precision and point source describe a written point only)
    var p = rec.lokasi;
    if (p === undefined || p === null) {
      ["ketelitian_lokasi", "sumber_lokasi"].forEach(function (key) {
        if (key in rec) add(key, "'" + key + "' hanya berlaku untuk koordinat yang ditulis; tambahkan `lokasi: [lintang, bujur]` atau hapus baris ini.");
      });
    }
    if (Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]) &&
        rec.ketelitian_lokasi === "tepat" && rec.lokasi_perkiraan === true) {
      add("ketelitian_lokasi", "'tepat' bertentangan dengan `lokasi_perkiraan: true`; pilih jalan atau kelurahan, atau hapus `lokasi_perkiraan`.");
    }
    if (Array.isArray(p) && p.length === 2 && isNum(p[0]) && isNum(p[1]) && !inBounds(ctx, p[0], p[1])) {
      add("lokasi", inBounds(ctx, p[1], p[0])
        ? "lintang dan bujur tertukar; tulis [" + pyNum(p[1]) + ", " + pyNum(p[0]) + "] (lintang dulu, lalu bujur)."
        : "titik [" + pyNum(p[0]) + ", " + pyNum(p[1]) + "] berada di luar " + ctx.kota + "; periksa koordinatnya (lintang dulu, lalu bujur).");
    }
    // jam_buka
    var jam = rec.jam_buka;
    if (typeof jam === "string" && jam.trim() && hoursVerdict(jam) === "invalid") add("jam_buka", hoursMessage(jam));
    if (typeof jam === "string" && hoursVerdict(jam) === "ambiguous") {
      add("jam_buka", "rentang jam yang mulai dan selesai pada jam yang sama (misalnya 00:00-00:00) " +
          "bermakna ganda; tulis 00:00-24:00 atau 24/7 bila buka sepanjang hari, atau hapus hari " +
          "itu bila tutup.");
    }
    // usia
    var u = rec.usia;
    if (Array.isArray(u) && u.length === 2 && Number.isInteger(u[0]) && Number.isInteger(u[1]) && u[0] > u[1]) {
      add("usia", "usia terendah (" + u[0] + ") lebih besar dari usia tertinggi (" + u[1] + "); tukar urutannya.");
    }
    // kontak.telepon
    var k = rec.kontak;
    if (k && typeof k === "object" && !Array.isArray(k) && typeof k.telepon === "string" && k.telepon.trim() &&
        !phoneValid(k.telepon)) {
      add("kontak.telepon", "nomor telepon '" + show(k.telepon) + "' tidak sah; tulis nomor Indonesia lengkap dengan kode area, misalnya \"(0511) 3352155\".");
    }
    // verifikasi.tanggal
    var ver = rec.verifikasi;
    if (ver && typeof ver === "object" && typeof ver.tanggal === "string" && /^\d{4}-\d{2}-\d{2}$/.test(ver.tanggal)) {
      var t = ver.tanggal, d = new Date(t + "T00:00:00Z");
      if (isNaN(d) || d.toISOString().slice(0, 10) !== t) {
        add("verifikasi.tanggal", "tanggal '" + t + "' tidak ada di kalender; periksa tanggal dan bulannya.");
      } else if (t > ctx.today) {
        add("verifikasi.tanggal", "tanggal " + t + " belum terjadi; tulis tanggal pemeriksaan yang sebenarnya.");
      } else if ((Date.parse(ctx.today + "T00:00:00Z") - d) / 864e5 > 365) {
        add("verifikasi.tanggal", "diverifikasi lebih dari 12 bulan lalu (" + t + "); mohon periksa ulang di tempat.", "warning");
      }
    }
    // protected categories
    var cat = typeof rec.kategori === "string" ? ctx.kategori[rec.kategori] : null;
    if (cat && cat.dilindungi) {
      ["lokasi", "alamat", "kontak"].forEach(function (key) {
        if (key in rec) {
          add(key, "kategori '" + rec.kategori + "' dilindungi: jangan pernah menulis '" + key +
              "' (data ini publik dan bisa membahayakan anak). Hapus baris ini; cukup nama dan kelurahan.");
        }
      });
    }
    // a point for the map: without `lokasi` and without kelurahan boundaries, check knows the
    // point only from the committed geocode cache, which a new record is never in
    var errors = out.some(function (x) { return x.severity === "error"; });
    if (!errors && found && !(cat && cat.dilindungi) && !("lokasi" in rec) && !ctx.batasKelurahan && !ctx.cached) {
      add("alamat", "koordinat belum diketahui: tambahkan `lokasi: [lintang, bujur]` atau jalankan `python build_map.py geocode` (lihat panduan kontributor).");
    }
    return out;
  }

  function pyNum(n) { return Number.isInteger(n) ? String(n) : String(n); }

  function hoursMessage(jam) {
    return "jam buka '" + show(jam) + "' tidak sesuai sintaks opening_hours OpenStreetMap. Contoh: \"Mo-Fr 08:00-16:00; Sa 08:00-12:00\", \"24/7\".";
  }

  // What only `check` can decide about this record, said before the YAML is copied.
  function onlyCheck(rec, ctx) {
    var out = [];
    if (typeof rec.jam_buka === "string" && rec.jam_buka.trim() && hoursVerdict(rec.jam_buka) === "unknown") {
      out.push("Jam buka \"" + rec.jam_buka + "\" ditulis di luar bentuk yang dapat diperiksa formulir ini; pemeriksaan otomatis (check) akan memastikannya.");
    }
    if (ctx.batasKelurahan && Array.isArray(rec.lokasi)) {
      out.push("Apakah titik ini berada di dalam Kelurahan " + (rec.kelurahan || "yang dipilih") + " dipastikan oleh pemeriksaan otomatis (check) dengan peta batas kelurahan.");
    }
    if (ctx.batasKelurahan && !("lokasi" in rec) && rec.alamat) {
      out.push("Tanpa titik di peta, lokasinya diperkirakan dari alamat atau titik tengah kelurahan oleh pemeriksaan otomatis; lebih baik tandai titiknya di peta.");
    }
    return out;
  }

  // --- what check's loader (petakla/load.py) refuses in any text, in its words --------------
  // Invisible characters a record never needs: C0/C1 controls and DEL, bidi controls, lone
  // surrogates and noncharacters; tab and newline only in `keterangan`. (PetaPeriksa.problems
  // works on data as check's validation sees it, after the loader: this is apart.)
  var BIDI = [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
              0x2066, 0x2067, 0x2068, 0x2069];
  function invisibleChar(cp) {
    return cp <= 0x08 || (cp >= 0x0b && cp <= 0x1f) || (cp >= 0x7f && cp <= 0x9f) ||
      BIDI.indexOf(cp) >= 0 || (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
      cp === 0xfffe || cp === 0xffff;
  }
  function firstInvisible(text, multiline) {
    var cps = Array.from(text).map(function (c) { return c.codePointAt(0); });
    var found = cps.filter(invisibleChar)[0];
    if (found === undefined && !multiline) found = cps.filter(function (cp) { return cp === 9 || cp === 10; })[0];
    return found;
  }
  function invisible(rec) {
    var out = [];
    (function walk(v, path) {
      if (Array.isArray(v)) { v.forEach(function (x, i) { walk(x, path.concat([i])); }); return; }
      if (v !== null && typeof v === "object") { Object.keys(v).forEach(function (k) { walk(v[k], path.concat([k])); }); return; }
      if (typeof v !== "string") return;
      var cp = firstInvisible(v, path.join(".") === "keterangan");
      if (cp === undefined) return;
      var code = "U+" + ("000" + cp.toString(16).toUpperCase()).slice(-Math.max(4, cp.toString(16).length));
      var what = BIDI.indexOf(cp) >= 0
        ? "karakter pengarah teks tak terlihat (" + code + ") yang membalik atau menggeser urutan teks di sekitarnya"
        : cp === 9 || cp === 10 ? (cp === 9 ? "tab" : "baris baru") + " (" + code + "); kolom ini satu baris saja"
          : "karakter kendali tak terlihat (" + code + ")";
      out.push({ field: path.join("."), severity: "error",
                 message: "ada " + what + ". Hapus karakter itu (sering terbawa saat menyalin teks)." });
    })(rec, []);
    return out;
  }

  window.PetaPeriksa = { problems: problems, onlyCheck: onlyCheck, hoursVerdict: hoursVerdict,
                         phoneValid: phoneValid, closeMatch: closeMatch, normalise: normalise,
                         invisible: invisible };
})();
