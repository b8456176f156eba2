import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A node:http server on 127.0.0.1 and an ephemeral port, for receivers that stand in for SaaS APIs. */

export interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

export interface RunningReceiver {
  baseUrl: string;
  close(): Promise<void>;
}

export async function startHttpReceiver(
  handle: (req: IncomingMessage, body: string) => Reply | Promise<Reply>,
): Promise<RunningReceiver> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const reply = await handle(req, Buffer.concat(chunks).toString("utf8"));
      const body = Buffer.from(reply.body, "utf8");
      // One write with a length: header and body leave in the same segment.
      res.writeHead(reply.status, { "content-type": reply.contentType, "content-length": body.length, ...reply.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** Seeded transient faults: each request fails with probability `rate`, reproducibly for a seed. */
export interface FaultOptions {
  rate: number;
  seed: number;
  /**
   * "before" (default): the request fails before it is processed. "mixed": half of the faults
   * happen after processing, as when a response is lost on the way back; only receivers that
   * dedupe (PagerDuty, by dedup_key) should use it.
   */
  mode?: "before" | "mixed";
}

export function faultInjector(opts: FaultOptions | undefined): { next(): boolean; afterProcessing(): boolean; count: number } {
  const rng = opts ? xoroshiro128plus(opts.seed) : null;
  const state = {
    count: 0,
    next(): boolean {
      if (!rng || !opts) return false;
      const fail = uniformFloat64(rng) < opts.rate;
      if (fail) state.count++;
      return fail;
    },
    /** For a fault just drawn: does it strike after the request was processed? */
    afterProcessing(): boolean {
      if (!rng || opts?.mode !== "mixed") return false;
      return uniformFloat64(rng) < 0.5;
    },
  };
  return state;
}

/** A local port with nothing listening (fetch refuses well-known "bad ports" such as 9 outright). */
export async function closedPort(): Promise<number> {
  const r = await startHttpReceiver(() => ({ status: 200, body: "", contentType: "text/plain" }));
  const port = Number(new URL(r.baseUrl).port);
  await r.close();
  return port;
}
