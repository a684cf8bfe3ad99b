/* Peta Kota Layak Anak — minimal edits for the editors' form (tambah.js).
 *
 * PetaSunting.patch(text, before, after, schema) changes a record's file text line by line:
 * only the lines of values that changed, keeping every other line byte for byte (comments,
 * quoting, blank lines, key order). A changed value keeps its line's quoting style and its
 * end-of-line comment; a new key goes after the key before it in the schema's order; a removed
 * key's lines go. `build_map.py fmt` stays the one place that canonicalises a whole file.
 * A value the patch cannot rewrite in place (a multi-line text, a block list) is rewritten as
 * its own lines only. tests/test_sunting.py checks every real record both ways. */
(function () {
  "use strict";

  var KEY = /^("[^"]*"|'[^']*'|[^\s#'"][^:#]*?):(?=\s|$)/;

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
  function isMap(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function unquote(k) { return /^["']/.test(k) ? k.slice(1, -1) : k; }
  function indentOf(line) { return line.match(/^ */)[0].length; }

  // Plain YAML text that PyYAML and ruamel read back as this same string.
  function plainOk(v) {
    return typeof v === "string" && v.length > 0 && v === v.trim() && !/[\n\t]/.test(v) &&
      !/^[-?:,[\]{}#&*!|>'"%@`]/.test(v) && !/:(\s|$)|\s#/.test(v) &&
      !/^(true|false|yes|no|on|off|y|n|null|~)$/i.test(v) &&
      !/^[-+]?(\d[\d_]*)?\.?\d*([eE][-+]?\d+)?$/.test(v) && !/^\d{4}-\d\d?-\d\d?/.test(v) &&
      !/^[-+]?(0x|0o|\.inf|\.nan)/i.test(v) && !/^[-+]?\d[\d_]*(:[0-5]?\d)+(\.\d*)?$/.test(v);
  }

  function scalar(v, style) {
    if (typeof v !== "string") return String(v);
    if (style === "'" && !/\n/.test(v)) return "'" + v.replace(/'/g, "''") + "'";
    if (style === "plain" && plainOk(v)) return v;
    return JSON.stringify(v);
  }

  // A one-line value: [value text, rest of the line (spaces and comment)], or null.
  function splitValue(raw) {
    var m;
    if (raw[0] === '"') m = raw.match(/^"(?:[^"\\]|\\.)*"/);
    else if (raw[0] === "'") m = raw.match(/^'(?:[^']|'')*'/);
    else if (raw[0] === "[") m = raw.match(/^\[[^\]]*\]/);
    else if (raw[0] === "{") return null;
    else m = raw.match(/^.*?(?=\s+#|\s*$)/);
    return m ? [m[0], raw.slice(m[0].length)] : null;
  }

  function styleOf(valueText) {
    if (valueText[0] === '"') return '"';
    if (valueText[0] === "'") return "'";
    if (valueText[0] === "[") {
      var first = valueText.slice(1).trim()[0];
      return first === '"' || first === "'" ? first : "plain";
    }
    return "plain";
  }

  function flow(list, style) {
    return "[" + list.map(function (x) { return scalar(x, style); }).join(", ") + "]";
  }

  // The blocks of keys at one indentation inside lines[from, to): {key, start, end}; a block
  // ends before the next key, a blank line or a comment at the key's own indentation.
  function blocks(lines, from, to, indent) {
    var out = [];
    for (var i = from; i < to; i++) {
      var line = lines[i];
      if (indentOf(line) !== indent || !line.trim() || line.trim()[0] === "#") continue;
      var m = line.slice(indent).match(KEY);
      if (!m) return null;
      var end = i + 1;
      // deeper lines, and the items of a block list at the key's own indentation ("key:\n- a")
      while (end < to && lines[end].trim() && (indentOf(lines[end]) > indent ||
             /^-(\s|$)/.test(lines[end].slice(indent)))) end++;
      out.push({ key: unquote(m[1].trim()), start: i, end: end, head: indent + m[0].length });
    }
    return out;
  }

  // Lines for `key: value` written anew (block maps for objects, flow lists), at `indent`.
  function fresh(key, value, indent, subOrder) {
    var pad = new Array(indent + 1).join(" ");
    if (Array.isArray(value)) return [pad + key + ": " + flow(value, '"')];
    if (isMap(value)) {
      var keys = (subOrder || []).filter(function (k) { return k in value; });
      keys = keys.concat(Object.keys(value).filter(function (k) { return keys.indexOf(k) < 0; }));
      return [pad + key + ":"].concat(keys.map(function (k) {
        return pad + "  " + k + ": " + scalar(value[k], '"');
      }));
    }
    return [pad + key + ": " + scalar(value, '"')];
  }

  // Rewrite lines[block] from `before` to `after` in place, as little as possible.
  function rewrite(lines, b, before, after, indent, subOrder) {
    var line = lines[b.start];
    var raw = line.slice(b.head).replace(/^\s+/, "");
    var lead = line.slice(0, line.length - raw.length);
    var one = b.end === b.start + 1 && raw && raw[0] !== "|" && raw[0] !== ">" ? splitValue(raw) : null;
    if (one && !isMap(after) && (Array.isArray(after) === (one[0][0] === "["))) {
      var text = Array.isArray(after) ? flow(after, styleOf(one[0])) : scalar(after, styleOf(one[0]));
      return [lead + text + one[1]];
    }
    if (isMap(before) && isMap(after) && b.end > b.start + 1 && !raw.replace(/^#.*/, "").trim()) {
      var inner = lines.slice(b.start + 1, b.end);
      var childIndent = indentOf(inner.filter(function (l) { return l.trim(); })[0] || "");
      var patched = patchLines(inner, before, after, subOrder || [], {}, childIndent);
      if (patched) return [line].concat(patched);
    }
    return fresh(b.key, after, indent, subOrder);
  }

  // Patch the mapping held in `lines` (keys at `indent`); null if its layout is not one this
  // function understands.
  function patchLines(lines, before, after, order, nested, indent) {
    var found = blocks(lines, 0, lines.length, indent);
    if (!found) return null;
    var byKey = {};
    found.forEach(function (b) { byKey[b.key] = b; });
    var keys = Object.keys(before).concat(Object.keys(after).filter(function (k) { return !(k in before); }));
    if (keys.some(function (k) { return k in before && !byKey[k]; })) return null;
    var replace = {}, drop = {}, add = [];
    keys.forEach(function (k) {
      if (k in before && k in after) {
        if (!same(before[k], after[k])) replace[k] = rewrite(lines, byKey[k], before[k], after[k], indent, nested[k]);
      } else if (k in before) {
        drop[k] = true;
      } else {
        add.push(k);
      }
    });
    var out = [], addAfter = {}, atEnd = [];
    add.forEach(function (k) {
      var pos = order.indexOf(k), anchor = null;
      for (var i = pos - 1; pos >= 0 && i >= 0; i--) {
        if (byKey[order[i]] && !drop[order[i]]) { anchor = order[i]; break; }
      }
      var chunk = fresh(k, after[k], indent, nested[k]);
      if (anchor) (addAfter[anchor] = addAfter[anchor] || []).push(chunk);
      else if (pos >= 0 && found.length) (addAfter["\u0000" + found[0].key] = addAfter["\u0000" + found[0].key] || []).push(chunk);
      else atEnd.push(chunk);
    });
    var starts = {};
    found.forEach(function (b) { starts[b.start] = b; });
    for (var i = 0; i < lines.length; i++) {
      var b = starts[i];
      if (!b) { out.push(lines[i]); continue; }
      (addAfter["\u0000" + b.key] || []).forEach(function (c) { out.push.apply(out, c); });
      if (!drop[b.key]) out.push.apply(out, replace[b.key] || lines.slice(b.start, b.end));
      (addAfter[b.key] || []).forEach(function (c) { out.push.apply(out, c); });
      i = b.end - 1;
    }
    atEnd.forEach(function (c) { out.push.apply(out, c); });
    return out;
  }

  function patch(text, before, after, schema) {
    if (same(before, after)) return { text: text, whole: false };
    var props = schema.properties || {};
    var nested = {};
    Object.keys(props).forEach(function (k) {
      if (props[k].properties) nested[k] = Object.keys(props[k].properties);
    });
    var ending = /\n$/.test(text) ? "\n" : "";
    var lines = (ending ? text.slice(0, -1) : text).split("\n");
    var out = patchLines(lines, before, after, Object.keys(props), nested, 0);
    if (!out) return { text: null, whole: true };
    return { text: out.join("\n") + "\n", whole: false };
  }

  window.PetaSunting = { patch: patch, plainOk: plainOk };
})();
