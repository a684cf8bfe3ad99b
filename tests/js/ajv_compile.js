// Compile a JSON Schema (draft 2020-12) with Ajv in strict mode, as JS tools and editors do;
// print "ok" or Ajv's error, exit 1 on error. Usage: node ajv_compile.js SCHEMA.json
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020");

const schema = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: true });
try {
  ajv.compile(schema);
  console.log("ok");
} catch (err) {
  console.log(err.message);
  process.exit(1);
}
