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
      res.writeHead(reply.status, { "content-type": reply.contentType, ...reply.headers });
      res.end(reply.body);
    });
  });
  server.keepAliveTimeout = 1;
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
}

export function faultInjector(opts: FaultOptions | undefined): { next(): boolean; count: number } {
  const rng = opts ? xoroshiro128plus(opts.seed) : null;
  const state = {
    count: 0,
    next(): boolean {
      if (!rng || !opts) return false;
      const fail = uniformFloat64(rng) < opts.rate;
      if (fail) state.count++;
      return fail;
    },
  };
  return state;
}
