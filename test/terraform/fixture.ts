import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../support/shared-data.js";

/** One edit of a fixture copy: in `file` (relative to terraform/), `from` must occur and becomes `to`. */
export interface Edit {
  file: string;
  from: string | RegExp;
  to: string;
}

/**
 * A copy of terraform/ laid out like the repository (firestore.rules and firestore.indexes.json
 * three levels above the env roots, as the firestore module reads them), with `edits` applied.
 * Every edit must match, so a fixture cannot silently stop planting its error.
 */
export function fixtureCopy(edits: Edit[]): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "tf-fixture-"));
  cpSync(join(repoRoot, "terraform"), join(root, "terraform"), { recursive: true });
  for (const f of ["firestore.rules", "firestore.indexes.json"]) cpSync(join(repoRoot, f), join(root, f));
  const dir = join(root, "terraform");
  for (const e of edits) {
    const path = join(dir, e.file);
    const text = readFileSync(path, "utf8");
    const hit = typeof e.from === "string" ? text.includes(e.from) : e.from.test(text);
    if (!hit) throw new Error(`fixture edit did not match in ${e.file}: ${String(e.from)}`);
    writeFileSync(path, text.replace(e.from, e.to));
  }
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
