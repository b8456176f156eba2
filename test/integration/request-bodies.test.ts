import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { createGzip } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BundleInstance, buildBundle, startInstance } from "./support/bundle-instance.js";

/**
 * Request bodies an attacker sends to the shipped bundle, served as a deployed instance serves
 * (`node server.mjs`, NODE_ENV=production): a gzip bomb, an oversized body, and every kind of
 * malformed body. Each is answered with a callable error (413 or 400 `INVALID_ARGUMENT`, JSON),
 * before authentication, without the process growing, and with nothing of the body in the answer
 * or in anything the process prints.
 */
const CANARY = "CANARY-5c1e-PRIVATE-KEY";
const MAX_RSS_BYTES = 300 * 1024 * 1024;

/** 300 MiB of zeros, gzipped as a stream (about 300 KiB), without holding 300 MiB here. */
async function gzipBomb(mebibytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const gz = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gz.on("data", (c: Buffer) => parts.push(c));
  const ended = new Promise((r) => gz.once("end", r));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < mebibytes; i++) {
    if (!gz.write(zeros)) await new Promise((r) => gz.once("drain", r));
  }
  gz.end();
  await ended;
  return new Uint8Array(Buffer.concat(parts));
}

const json = { "content-type": "application/json" };
const wrapped = `{"data":{"private_key":"${CANARY}"}}`;

/** Each kind of malformed body, with the canary planted wherever the kind can hold it. */
const MALFORMED: { kind: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> | string; status: number; planted: boolean }[] = [
  { kind: "trailing comma", headers: json, body: `{"data":{"private_key":"${CANARY}",}}`, status: 400, planted: true },
  { kind: "unterminated string", headers: json, body: `{"data":{"private_key":"${CANARY}`, status: 400, planted: true },
  { kind: "single quotes", headers: json, body: `{'data':{'private_key':'${CANARY}'}}`, status: 400, planted: true },
  { kind: "null body", headers: json, body: "null", status: 400, planted: false },
  { kind: "string body", headers: json, body: JSON.stringify(CANARY), status: 400, planted: true },
  { kind: "number body", headers: json, body: "1e999", status: 400, planted: false },
  { kind: "array body", headers: json, body: JSON.stringify([{ data: { private_key: CANARY } }]), status: 400, planted: true },
  { kind: "latin1 charset", headers: { "content-type": "application/json; charset=latin1" }, body: wrapped, status: 400, planted: true },
  { kind: "utf-16 charset", headers: { "content-type": "application/json; charset=utf-16le" }, body: Buffer.from(wrapped, "utf16le"), status: 400, planted: true },
  { kind: "invalid UTF-8", headers: json, body: Buffer.concat([Buffer.from(`{"data":{"k":"${CANARY}`), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]), status: 400, planted: true },
  { kind: "gzip that is not gzip", headers: { ...json, "content-encoding": "gzip" }, body: wrapped, status: 400, planted: true },
  { kind: "truncated gzip", headers: { ...json, "content-encoding": "gzip" }, body: gzipSync(`${wrapped}${" ".repeat(4000)}${CANARY}`).subarray(0, 40), status: 400, planted: true },
  { kind: "gzip of malformed JSON", headers: { ...json, "content-encoding": "gzip" }, body: gzipSync(`{"data":{"private_key":"${CANARY}",}}`), status: 400, planted: true },
  { kind: "deflate that is not deflate", headers: { ...json, "content-encoding": "deflate" }, body: `x${wrapped}`, status: 400, planted: true },
  { kind: "deflate of malformed JSON", headers: { ...json, "content-encoding": "deflate" }, body: deflateSync(`{${CANARY}}`), status: 400, planted: true },
  { kind: "unknown encoding", headers: { ...json, "content-encoding": "compress" }, body: wrapped, status: 400, planted: true },
  { kind: "text body", headers: { "content-type": "text/plain" }, body: wrapped, status: 400, planted: true },
  { kind: "form body", headers: { "content-type": "application/x-www-form-urlencoded" }, body: `data[private_key]=${CANARY}`, status: 400, planted: true },
  { kind: "oversized body", headers: json, body: `{"data":{"k":"${CANARY.repeat(20_000)}"}}`, status: 413, planted: true },
];

describe("request bodies at the deployed bundle", () => {
  let bundle: Awaited<ReturnType<typeof buildBundle>>;
  let instance: BundleInstance;

  beforeAll(async () => {
    bundle = await buildBundle();
    const dataDir = mkdtempSync(join(bundle.dir, "data-"));
    instance = await startInstance(bundle.dir, "getCostSummary", { NODE_ENV: "production", COSTMON_ENV: "prod", COSTMON_RUNTIME: "local", COSTMON_DATA_DIR: dataDir, COSTMON_PROJECT_ID: "bundle-test" });
  });
  afterAll(async () => {
    await instance?.stop();
    bundle?.remove();
  });

  it("refuses an unauthenticated 300 MiB gzip bomb with 413, inflating no more than the cap", async () => {
    // Prepare
    const bomb = await gzipBomb(300);
    // Act
    const res = await fetch(instance.url, { method: "POST", headers: { ...json, "content-encoding": "gzip" }, body: bomb });
    const body = (await res.json()) as { error: { status: string; details: { reason: string } } };
    const { maxRssBytes } = await instance.probe();
    // Assess
    expect(bomb.length).toBeLessThan(400 * 1024);
    expect(res.status).toBe(413);
    expect(body.error).toMatchObject({ status: "INVALID_ARGUMENT", details: { reason: "body-too-large" } });
    expect(maxRssBytes).toBeLessThan(MAX_RSS_BYTES);
  });

  it("refuses a declared Content-Length above the cap before reading it", async () => {
    const res = await fetch(instance.url, { method: "POST", headers: json, body: JSON.stringify({ data: { x: "y".repeat(2 * 1024 * 1024) } }) });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe("INVALID_ARGUMENT");
  });

  it("answers every kind of malformed body with a callable error, and prints none of it", async () => {
    // Prepare
    const answers: { kind: string; status: number; type: string | null; text: string; expected: number }[] = [];
    // Act
    for (const m of MALFORMED) {
      const res = await fetch(instance.url, { method: "POST", headers: m.headers, body: m.body });
      answers.push({ kind: m.kind, status: res.status, type: res.headers.get("content-type"), text: await res.text(), expected: m.status });
    }
    const output = instance.output();
    // Assess
    const planted = MALFORMED.filter((m) => m.planted).length;
    const found = answers.filter((a) => a.text.includes(CANARY)).length + output.split(CANARY).length - 1;
    expect({ planted, found }).toEqual({ planted: 17, found: 0 });
    for (const a of answers) {
      expect(a.type, a.kind).toMatch(/^application\/json/);
      expect({ kind: a.kind, status: a.status }).toEqual({ kind: a.kind, status: a.expected });
      expect(JSON.parse(a.text), a.kind).toMatchObject({ error: { status: "INVALID_ARGUMENT", message: expect.any(String) } });
    }
    expect(output).not.toMatch(/SyntaxError|<html|at JSON\.parse/i);
  });
});
