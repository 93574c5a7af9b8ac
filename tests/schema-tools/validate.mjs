// Validates every instance listed in an index with ajv (draft-07), in three
// setups: patterns compiled without the u flag, with it, and with ajv-errors
// (which reads errorMessage, as the YAML language server does).
//
// Usage: node validate.mjs MODULES INDEX SCHEMA_DIR. MODULES is the folder
// that holds node_modules/ajv and node_modules/ajv-errors. Prints one JSON
// object: setup -> file -> list of error messages.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const [modules, indexPath, schemaDir] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(modules), "package.json"));
const Ajv = require("ajv").default;
const ajvErrors = require("ajv-errors").default;

const read = (file) => JSON.parse(readFileSync(file, "utf8"));
const schemas = {
  partner: read(path.join(schemaDir, "partner.schema.json")),
  config: read(path.join(schemaDir, "partnerbook.schema.json")),
};

// every pattern must compile in ECMA-262 with and without the u flag
function patterns(node, out) {
  if (Array.isArray(node)) node.forEach((n) => patterns(n, out));
  else if (node && typeof node === "object") {
    if (typeof node.pattern === "string") out.push(node.pattern);
    Object.values(node).forEach((n) => patterns(n, out));
  }
  return out;
}
for (const schema of Object.values(schemas)) {
  for (const p of patterns(schema, [])) {
    new RegExp(p);
    new RegExp(p, "u");
  }
}

const setups = {
  "ajv": () => new Ajv({ strict: false, unicodeRegExp: false }),
  "ajv-u": () => new Ajv({ strict: false, unicodeRegExp: true }),
  "ajv-errors": () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajvErrors(ajv);
    return ajv;
  },
};
const index = read(indexPath);
const out = {};
for (const [name, make] of Object.entries(setups)) {
  const ajv = make();
  const validate = {
    partner: ajv.compile(schemas.partner),
    config: ajv.compile(schemas.config),
  };
  out[name] = {};
  for (const entry of index) {
    const check = validate[entry.kind];
    check(read(entry.file));
    out[name][entry.file] = (check.errors || []).map(
      (e) => `${e.instancePath || "/"} ${e.message}`,
    );
  }
}
process.stdout.write(JSON.stringify(out));
