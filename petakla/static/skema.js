/* Peta Kota Layak Anak — a JSON Schema validator (draft 2020-12) for exactly the keywords
 * petakla/data/fasilitas.schema.json uses, for the editors' form (tambah.js, periksa.js).
 * tests/test_tambah.py checks it against Python's jsonschema on every fixture. */
(function () {
  "use strict";

  // --- a JSON Schema validator for exactly the keywords fasilitas.schema.json uses -------------
  // type, enum, const, minLength, maxLength, pattern, required, additionalProperties,
  // properties, items, prefixItems, minItems, maxItems, minimum, maximum, uniqueItems,
  // minProperties, allOf, dependentSchemas, anyOf, not, if/then/else. Annotations ($schema,
  // title, description, examples …) are ignored. Errors are {path, keyword, expected, value}, one per failing
  // keyword as Python's jsonschema reports them (one per missing property for `required`).

  function isType(v, t) {
    switch (t) {
      case "object": return v !== null && typeof v === "object" && !Array.isArray(v);
      case "array": return Array.isArray(v);
      case "string": return typeof v === "string";
      case "number": return typeof v === "number" && isFinite(v);
      case "integer": return typeof v === "number" && Number.isInteger(v);
      case "boolean": return typeof v === "boolean";
      case "null": return v === null;
    }
    return false;
  }

  function equal(a, b) {
    if (a === b) return true;
    if (Array.isArray(a) || Array.isArray(b)) {
      return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
        a.every(function (x, i) { return equal(x, b[i]); });
    }
    if (isType(a, "object") && isType(b, "object")) {
      var ka = Object.keys(a), kb = Object.keys(b);
      return ka.length === kb.length && ka.every(function (k) {
        return Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]);
      });
    }
    return false;
  }

  var patterns = {};
  function matches(pattern, text) {
    if (!patterns[pattern]) patterns[pattern] = new RegExp(pattern, "u");
    return patterns[pattern].test(text);
  }

  function codePoints(text) { return Array.from(text).length; }

  function check(schema, value, path, out) {
    if (schema === true) return;
    if (schema === false) { out.push({ path: path, keyword: "false", expected: false, value: value }); return; }
    var s = schema;
    function fail(keyword, expected, where) {
      out.push({ path: where || path, keyword: keyword, expected: expected, value: value, schema: s });
    }
    if ("type" in s && ![].concat(s.type).some(function (t) { return isType(value, t); })) fail("type", s.type);
    if ("enum" in s && !s.enum.some(function (e) { return equal(e, value); })) fail("enum", s.enum);
    if ("const" in s && !equal(s.const, value)) fail("const", s.const);
    if (typeof value === "string") {
      if ("minLength" in s && codePoints(value) < s.minLength) fail("minLength", s.minLength);
      if ("maxLength" in s && codePoints(value) > s.maxLength) fail("maxLength", s.maxLength);
      if ("pattern" in s && !matches(s.pattern, value)) fail("pattern", s.pattern);
    }
    if (typeof value === "number") {
      if ("minimum" in s && value < s.minimum) fail("minimum", s.minimum);
      if ("maximum" in s && value > s.maximum) fail("maximum", s.maximum);
    }
    if (Array.isArray(value)) {
      if ("minItems" in s && value.length < s.minItems) fail("minItems", s.minItems);
      if ("maxItems" in s && value.length > s.maxItems) fail("maxItems", s.maxItems);
      if (s.uniqueItems === true && value.some(function (x, i) {
        return value.slice(i + 1).some(function (y) { return equal(x, y); });
      })) fail("uniqueItems", true);
      var prefix = s.prefixItems || [];
      prefix.forEach(function (sub, i) {
        if (i < value.length) check(sub, value[i], path.concat([i]), out);
      });
      if ("items" in s) {
        for (var i = prefix.length; i < value.length; i++) check(s.items, value[i], path.concat([i]), out);
      }
    }
    if (isType(value, "object")) {
      (s.required || []).forEach(function (key) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) {
          out.push({ path: path, keyword: "required", expected: key, value: value });
        }
      });
      var props = s.properties || {};
      Object.keys(props).forEach(function (key) {
        if (Object.prototype.hasOwnProperty.call(value, key)) check(props[key], value[key], path.concat([key]), out);
      });
      if ("additionalProperties" in s) {
        var extra = Object.keys(value).filter(function (k) { return !Object.prototype.hasOwnProperty.call(props, k); });
        if (s.additionalProperties === false) {
          if (extra.length) fail("additionalProperties", extra);
        } else {
          extra.forEach(function (k) { check(s.additionalProperties, value[k], path.concat([k]), out); });
        }
      }
      if ("minProperties" in s && Object.keys(value).length < s.minProperties) fail("minProperties", s.minProperties);
    }
    (s.allOf || []).forEach(function (sub) { check(sub, value, path, out); });
    if (s.dependentSchemas && isType(value, "object")) {
      Object.keys(s.dependentSchemas).forEach(function (key) {
        if (Object.prototype.hasOwnProperty.call(value, key)) check(s.dependentSchemas[key], value, path, out);
      });
    }
    if ("anyOf" in s && !s.anyOf.some(function (sub) { return valid(sub, value); })) fail("anyOf", null);
    if ("not" in s && valid(s.not, value)) fail("not", null);
    if ("if" in s) {
      if (valid(s["if"], value)) { if ("then" in s) check(s.then, value, path, out); }
      else if ("else" in s) check(s["else"], value, path, out);
    }
  }

  function validate(schema, value) {
    var out = [];
    check(schema, value, [], out);
    return out;
  }

  function valid(schema, value) { return validate(schema, value).length === 0; }

  window.PetaSkema = { validate: validate, valid: valid, equal: equal, isType: isType };
})();
