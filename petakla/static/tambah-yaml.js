/* Peta Kota Layak Anak — the editors' form: a new record as YAML in the canonical form of
 * `build_map.py fmt` (strings quoted as JSON strings, keys in the schema's order). An edited
 * record is patched line by line instead (static/sunting.js). */
(function () {
  "use strict";

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
      } else if (PetaSkema.isType(v, "object")) {
        lines.push(key + ":");
        var sub = (schema.properties[key] || {}).properties;
        ordered(v, sub).forEach(function (k) { lines.push("  " + k + ": " + scalar(v[k])); });
      } else {
        lines.push(key + ": " + scalar(v));
      }
    });
    return lines.join("\n") + "\n";
  }

  window.PetaYaml = { toYaml: toYaml };
})();
