#!/usr/bin/env node
// Writes firestore.indexes.json from the query registry
// (functions/src/adapters/firestore/query-registry.ts): exactly the composite indexes the
// registered DocumentStore queries need. `--check` writes nothing and exits 1 when the file
// differs from what the registry gives (test/adapters/firestore/query-registry.test.ts checks
// the same on every test run).
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { register } = await import("tsx/esm/api");
register();
const { QUERY_REGISTRY } = await import(pathToFileURL(join(root, "functions/src/adapters/firestore/query-registry.ts")).href);
const { indexesFor } = await import(pathToFileURL(join(root, "functions/src/adapters/firestore/composite-indexes.ts")).href);

const file = join(root, "firestore.indexes.json");
const text = `${JSON.stringify(indexesFor(QUERY_REGISTRY), null, 2)}\n`;
if (process.argv.includes("--check")) {
  const current = readFileSync(file, "utf8");
  if (current !== text) {
    console.error("firestore.indexes.json is out of date: run node scripts/firestore-indexes.mjs");
    process.exit(1);
  }
  console.log("firestore.indexes.json matches the query registry");
} else {
  writeFileSync(file, text);
  const n = JSON.parse(text).indexes.length;
  console.log(`wrote firestore.indexes.json: ${n} composite indexes from ${QUERY_REGISTRY.length} registered queries`);
}
