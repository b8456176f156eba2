#!/usr/bin/env -S npx tsx
/**
 * Packs the built functions (`npm run build` → functions/lib) into the source archive that is
 * uploaded to the source bucket and built into the functions' image by Cloud Build with Google
 * Cloud's buildpacks (docs/deploy.md, README "Deploying to Google Cloud"):
 *
 *   functions/lib/**          the bundle (index.mjs, server.mjs, chunks, source maps)
 *   package.json              functions/lib/package.json with engines.node set to the runtime
 *   config/base.yaml, config/<env>.yaml   F7 config, which every instance loads from ./config
 *   Procfile                  `web: node server.mjs`: the buildpacks' start process, so every
 *                             instance serves behind the request-body guard (docs/security.md)
 *   project.toml              buildpack settings: the Node.js version (GOOGLE_NODEJS_VERSION)
 *
 * The archive is a deterministic gzipped tar (sorted names, fixed times and owners), so the same
 * build gives the same file and the same SHA-256, which names it.
 *
 * Usage: npx tsx scripts/terraform/package-source.ts [--lib functions/lib] [--out dist/source]
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** The Node.js major the functions run on in Cloud Run (nodejs22: Cloud Run functions' supported runtime). */
export const NODE_MAJOR = 22;
export const PROCFILE = "web: node server.mjs\n";
export const PROJECT_TOML = `# Google Cloud's buildpacks (Cloud Build --pack): the runtime of the functions' image.\n[[build.env]]\nname = "GOOGLE_NODEJS_VERSION"\nvalue = "${NODE_MAJOR}.x.x"\n`;

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const MTIME = 315_532_800; // 1980-01-01, as zip tools use for reproducible archives

export interface ArchiveEntry {
  name: string;
  data: Buffer;
}

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  let path = name;
  let prefix = "";
  if (Buffer.byteLength(path) > 100) {
    const cut = path.lastIndexOf("/", 155);
    prefix = path.slice(0, cut);
    path = path.slice(cut + 1);
    if (Buffer.byteLength(path) > 100 || Buffer.byteLength(prefix) > 155) throw new Error(`path too long for a tar header: ${name}`);
  }
  h.write(path, 0, "utf8");
  h.write(octal(0o644, 8), 100, "ascii");
  h.write(octal(0, 8), 108, "ascii");
  h.write(octal(0, 8), 116, "ascii");
  h.write(octal(size, 12), 124, "ascii");
  h.write(octal(MTIME, 12), 136, "ascii");
  h.write("        ", 148, "ascii");
  h.write("0", 156, "ascii");
  h.write("ustar\0", 257, "ascii");
  h.write("00", 263, "ascii");
  h.write(prefix, 345, "utf8");
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return h;
}

/** A gzipped ustar archive of `entries` (regular files only), sorted by name. */
export function tarGz(entries: ArchiveEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    parts.push(header(e.name, e.data.length), e.data);
    const pad = (512 - (e.data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad, 0));
  }
  parts.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** The archive's entries for the bundle in `lib`. */
export function sourceEntries(lib: string, repo: string = REPO): ArchiveEntry[] {
  if (!existsSync(join(lib, "server.mjs")) || !existsSync(join(lib, "package.json"))) {
    throw new Error(`${lib} holds no built bundle (server.mjs, package.json): run npm run build first`);
  }
  const entries: ArchiveEntry[] = [];
  for (const f of files(lib)) {
    const name = relative(lib, f).split(sep).join("/");
    if (name === "package.json") continue;
    entries.push({ name, data: readFileSync(f) });
  }
  const pkg = JSON.parse(readFileSync(join(lib, "package.json"), "utf8")) as { scripts?: Record<string, string>; engines?: Record<string, string> };
  if (pkg.scripts?.start !== "node server.mjs") throw new Error(`${lib}/package.json must start "node server.mjs" (the request-body guard)`);
  pkg.engines = { ...pkg.engines, node: `${NODE_MAJOR}.x` };
  entries.push({ name: "package.json", data: Buffer.from(`${JSON.stringify(pkg, null, 2)}\n`) });
  const configDir = join(repo, "config");
  for (const f of readdirSync(configDir).filter((n) => n.endsWith(".yaml"))) {
    entries.push({ name: `config/${f}`, data: readFileSync(join(configDir, f)) });
  }
  entries.push({ name: "Procfile", data: Buffer.from(PROCFILE) });
  entries.push({ name: "project.toml", data: Buffer.from(PROJECT_TOML) });
  return entries;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (flag: string, dflt: string) => {
    const i = process.argv.indexOf(flag);
    return i > 0 && process.argv[i + 1] ? (process.argv[i + 1] as string) : dflt;
  };
  const lib = arg("--lib", join(REPO, "functions", "lib"));
  const outDir = arg("--out", join(REPO, "dist", "source"));
  const archive = tarGz(sourceEntries(lib));
  const sha = createHash("sha256").update(archive).digest("hex");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `costmon-functions-${sha.slice(0, 16)}.tar.gz`);
  writeFileSync(file, archive);
  console.log(JSON.stringify({ file: relative(process.cwd(), file), sha256: sha, bytes: archive.length }));
}
