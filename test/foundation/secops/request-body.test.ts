import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJsonBody } from "#foundation/secops/json-body.js";
import { BodyRefused, readBoundedBody } from "#foundation/secops/request-body.js";

/** readBoundedBody behind a real HTTP server: what it returns, or why it refused. */
const CAP = 64 * 1024;

describe("readBoundedBody", () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      readBoundedBody(req, CAP).then(
        (body) => res.end(JSON.stringify({ bytes: body.length, head: body.subarray(0, 16).toString("utf8") })),
        (err: unknown) => {
          res.setHeader("connection", "close");
          res.end(JSON.stringify({ refused: err instanceof BodyRefused ? err.reason : "other", status: err instanceof BodyRefused ? err.httpStatus : 0 }));
          req.resume();
        },
      );
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  /** Sends `body` chunked (no Content-Length), so only the streaming count can stop it. */
  function send(body: Buffer, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const req = request({ port, host: "127.0.0.1", method: "POST", headers: { "transfer-encoding": "chunked", ...headers } }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString("utf8");
        });
        res.on("end", () => resolve(JSON.parse(text) as Record<string, unknown>));
      });
      req.on("error", reject);
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
      req.end();
    });
  }

  it.each([
    ["gzip", (b: Buffer) => gzipSync(b)],
    ["deflate", (b: Buffer) => deflateSync(b)],
    ["br", (b: Buffer) => brotliCompressSync(b)],
  ])("refuses a %s bomb (16 MiB of zeros) as too large, 413", async (encoding, compress) => {
    const bomb = compress(Buffer.alloc(16 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(CAP);
    expect(await send(bomb, { "content-encoding": encoding })).toEqual({ refused: "body-too-large", status: 413 });
  });

  it.each([
    ["an identity body over the cap", Buffer.alloc(CAP + 1, 0x61), {}, { refused: "body-too-large", status: 413 }],
    ["gzip that is not gzip", Buffer.from('{"data":{}}'), { "content-encoding": "gzip" }, { refused: "bad-encoding", status: 400 }],
    ["an encoding we do not decode", Buffer.from("x"), { "content-encoding": "compress" }, { refused: "unsupported-encoding", status: 400 }],
    ["a gzip body within the cap", gzipSync(Buffer.from('{"data":{"a":1}}')), { "content-encoding": "gzip" }, { bytes: 16, head: '{"data":{"a":1}}' }],
  ])("answers %s", async (_label, body, headers, expected) => {
    expect(await send(body, headers)).toEqual(expected);
  });
});

describe("parseJsonBody", () => {
  it.each([
    ['{"a":1,}', "application/json", "malformed-json"],
    ['{"a":1}', "application/json; charset=latin1", "unsupported-charset"],
    [Buffer.from([0x7b, 0xff, 0x7d]), "application/json", "unsupported-charset"],
  ])("refuses %j (%s) without quoting it", (body, type, reason) => {
    const text = Buffer.isBuffer(body) ? body : Buffer.from(body);
    let refused: unknown;
    try {
      parseJsonBody(text, type);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(BodyRefused);
    expect((refused as BodyRefused).reason).toBe(reason);
    expect((refused as BodyRefused).message).not.toContain('"a"');
  });
});
