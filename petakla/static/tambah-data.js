/* Peta Kota Layak Anak — the editors' form: the published records. On start it reads only their
 * list (tambah/daftar.json, petakla/form_data.py: [id, nama, kelurahan, lintang, bujur, part]
 * per record, sorted by name), for "Ubah data yang ada", the check that a file name is new and
 * the map's grey points. The record an editor chooses comes from its part
 * (tambah/data/<part>.json, a hundred records) and its file as written (tambah/asli/<id>.yml),
 * fetched when chosen. */
(function () {
  "use strict";

  function json(url) {
    return fetch(url).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  function create(opts) {
    var rows = [], byId = {}, parts = {};

    function load() {
      return json(opts.daftar).then(function (list) {
        rows = list;
        rows.forEach(function (r) { byId[r[0]] = r; });
        return rows;
      });
    }

    // The list is sorted already (form_data.py): no collation work in the browser. The
    // options are added when the editor first reaches for the select (a tap, a key, focus):
    // Chromium computes the style of every option of a <select>, about 80 ms for a thousand
    // on this machine under load, which would otherwise fall in the page's load.
    var USE = ["focus", "pointerdown", "mousedown", "touchstart", "keydown"];
    function fillSelect(select) {
      var filled = false;
      function fill() {
        if (filled) return;
        filled = true;
        USE.forEach(function (name) { select.removeEventListener(name, fill, true); });
        var options = document.createDocumentFragment();
        rows.forEach(function (r) {
          var o = document.createElement("option");
          o.value = r[0];
          o.textContent = r[1] + " — " + r[2];
          options.appendChild(o);
        });
        select.appendChild(options);
      }
      USE.forEach(function (name) { select.addEventListener(name, fill, true); });
      return fill;
    }

    function exists(id) { return Object.prototype.hasOwnProperty.call(byId, id); }

    // {record, text}: the record as `check` read it and its file as written (null when it
    // could not be read).
    function choose(id) {
      var part = byId[id][5];
      parts[part] = parts[part] || json(opts.data + part + ".json").catch(function (e) {
        delete parts[part];  // a later choice tries again
        throw e;
      });
      var file = fetch("asli/" + encodeURIComponent(id) + ".yml").then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.text();
      }).catch(function () { return null; });  // then the YAML is written whole
      return Promise.all([parts[part], file]).then(function (got) {
        if (!got[0][id]) throw new Error("missing " + id);
        return { record: got[0][id], text: got[1] };
      });
    }

    return { load: load, fillSelect: fillSelect, exists: exists, choose: choose,
             rows: function () { return rows; } };
  }

  window.PetaTambahData = { create: create };
})();
