import { existsSync, statSync } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { MAX_MANIFEST_FILES, manifestFiles, manifestPathSegments } from "#domain/billing/imports/export-manifest.js";
import { FocusImportError } from "#domain/billing/providers/focus/types.js";

/**
 * Resolves what `costmon import --file` names (files, folders, manifests) into the data files of
 * one import unit. A folder gives every export data file under it (.csv, .csv.gz, .parquet, in
 * path order); a manifest (AWS Data Exports `Manifest.json`, Azure export `manifest.json`) gives
 * the files it lists, found under the manifest's folder or one of its parents, since a downloaded
 * export keeps the tail of the bucket's layout but not its bucket. A file named twice is read once.
 *
 * @example
 * const unit = await resolveUnitFiles(["exports/focus/metadata/BILLING_PERIOD=2024-09/focus-Manifest.json"]);
 * // unit.files: the data parts the manifest lists; unit.manifests: what each manifest announced
 */

/** Upper bound on the files of one unit, as for a manifest. */
export const MAX_UNIT_FILES = MAX_MANIFEST_FILES;
/** A manifest is metadata: a few hundred kilobytes at most; anything far larger is refused unread. */
const MAX_MANIFEST_BYTES = 16 << 20;
/** How many parent folders of a manifest are searched for the files it lists. */
const MANIFEST_SEARCH_DEPTH = 4;

const DATA_FILE = /\.(csv|csv\.gz|parquet)$/i;

export interface UnitManifest {
  path: string;
  kind: "aws-data-exports" | "azure-export";
  files: number;
  announcedRows: number | null;
}

export interface UnitFiles {
  files: string[];
  manifests: UnitManifest[];
}

async function folderFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && DATA_FILE.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** The listed file under the manifest's folder or a parent, trying the longest tail of its path first. */
function locate(manifest: string, listed: string): string | null {
  const segments = manifestPathSegments(listed);
  let base = dirname(manifest);
  for (let depth = 0; depth <= MANIFEST_SEARCH_DEPTH; depth++) {
    for (let skip = 0; skip < segments.length; skip++) {
      const candidate = join(base, ...segments.slice(skip));
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    const parent = dirname(base);
    if (parent === base) break;
    base = parent;
  }
  return null;
}

async function manifestUnit(path: string): Promise<{ files: string[]; manifest: UnitManifest }> {
  const size = (await stat(path)).size;
  if (size > MAX_MANIFEST_BYTES) throw new FocusImportError(`${path}: a manifest of ${size} bytes is too large (at most ${MAX_MANIFEST_BYTES})`, path);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (e) {
    throw new FocusImportError(`${path}: not valid JSON: ${(e as Error).message}`, path);
  }
  const listed = manifestFiles(json);
  if (!listed) throw new FocusImportError(`${path}: not an export manifest (neither AWS Data Exports "dataFiles" nor an Azure export's "blobs")`, path);
  const files: string[] = [];
  const missing: string[] = [];
  for (const entry of listed.files) {
    let found: string | null;
    try {
      found = locate(path, entry);
    } catch (e) {
      throw new FocusImportError(`${path}: ${(e as Error).message}`, path);
    }
    if (found) files.push(found);
    else missing.push(entry);
  }
  if (missing.length > 0) {
    const shown = missing.slice(0, 5).map((m) => basename(m)).join(", ");
    throw new FocusImportError(`${path}: ${missing.length} of the ${listed.files.length} files the manifest lists are not under its folder (${shown}${missing.length > 5 ? ", …" : ""}); download the whole export`, path);
  }
  return { files, manifest: { path, kind: listed.kind, files: files.length, announcedRows: listed.announcedRows } };
}

export async function resolveUnitFiles(inputs: readonly string[]): Promise<UnitFiles> {
  const files: string[] = [];
  const manifests: UnitManifest[] = [];
  for (const input of inputs) {
    const path = resolve(input);
    const info = await stat(path).catch((e: Error) => {
      throw new FocusImportError(`${path}: cannot open: ${e.message}`, path);
    });
    if (info.isDirectory()) {
      const found = await folderFiles(path);
      if (found.length === 0) throw new FocusImportError(`${path}: the folder holds no export file (.csv, .csv.gz or .parquet)`, path);
      files.push(...found);
    } else if (/\.json$/i.test(path)) {
      const unit = await manifestUnit(path);
      files.push(...unit.files);
      manifests.push(unit.manifest);
    } else {
      files.push(path);
    }
  }
  // Real paths, so that a file reached through a folder and named on its own too is read once.
  const unique = [...new Map(await Promise.all(files.map(async (f) => [await realpath(f), f] as const))).values()];
  if (unique.length > MAX_UNIT_FILES) throw new FocusImportError(`an import unit has at most ${MAX_UNIT_FILES} files; this one has ${unique.length}`, "");
  return { files: unique, manifests };
}
