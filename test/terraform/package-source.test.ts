import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { NODE_MAJOR, PROCFILE, sourceEntries, tarGz } from "../../scripts/terraform/package-source.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A built bundle's shape: server.mjs, index.mjs, a chunk, and the generated package.json. */
function fakeLib(start = "node server.mjs"): string {
  const lib = mkdtempSync(join(tmpdir(), "lib-"));
  dirs.push(lib);
  mkdirSync(join(lib, "chunks"));
  writeFileSync(join(lib, "server.mjs"), "export {};\n");
  writeFileSync(join(lib, "index.mjs"), "export {};\n");
  writeFileSync(join(lib, "chunks", "a.mjs"), "export const a = 1;\n");
  writeFileSync(join(lib, "package.json"), JSON.stringify({ name: "f", type: "module", scripts: { start }, engines: { node: "20" }, dependencies: {} }));
  return lib;
}

/** Names and texts of a gzipped ustar archive. */
function untar(archive: Buffer): Map<string, string> {
  const tar = gunzipSync(archive);
  const out = new Map<string, string>();
  for (let at = 0; at + 512 <= tar.length; ) {
    const name = tar.subarray(at, at + 100).toString("utf8").replace(/\0.*$/s, "");
    if (!name) break;
    const prefix = tar.subarray(at + 345, at + 500).toString("utf8").replace(/\0.*$/s, "");
    const size = Number.parseInt(tar.subarray(at + 124, at + 136).toString("ascii").replace(/\0.*$/s, ""), 8);
    out.set(prefix ? `${prefix}/${name}` : name, tar.subarray(at + 512, at + 512 + size).toString("utf8"));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

describe("the source archive", () => {
  it("holds the bundle, the config, a Procfile that starts node server.mjs and the Node.js version", () => {
    // Act
    const files = untar(tarGz(sourceEntries(fakeLib())));
    // Assess
    expect([...files.keys()]).toEqual(expect.arrayContaining(["server.mjs", "index.mjs", "chunks/a.mjs", "package.json", "config/base.yaml", "config/prod.yaml", "Procfile", "project.toml"]));
    expect(files.get("Procfile")).toBe(PROCFILE);
    expect(PROCFILE).toBe("web: node server.mjs\n");
    expect(JSON.parse(files.get("package.json") ?? "{}")).toMatchObject({ scripts: { start: "node server.mjs" }, engines: { node: `${NODE_MAJOR}.x` } });
    expect(files.get("project.toml")).toContain(`value = "${NODE_MAJOR}.x.x"`);
    expect([...files.keys()].some((k) => k.startsWith("config/demo"))).toBe(false);
  });

  it("is the same bytes for the same bundle", () => {
    const lib = fakeLib();
    expect(tarGz(sourceEntries(lib)).equals(tarGz(sourceEntries(lib)))).toBe(true);
  });

  it("refuses a bundle that would not start behind the request-body guard", () => {
    expect(() => sourceEntries(fakeLib("functions-framework --target=health"))).toThrow(/node server\.mjs/);
  });
});
