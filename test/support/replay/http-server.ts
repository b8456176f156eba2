import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Fault } from "./faults.js";

/** One request as the server saw it, for request-shape assertions. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export type ReplayHandler = (req: SeenRequest, res: ServerResponse) => void | Promise<void>;

export interface ReplayServer {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP(S) server on 127.0.0.1 with a random port that records every request and hands
 * it to `handler`. `tls` serves HTTPS (Azure's bearer policy refuses plain http).
 */
export async function startReplayServer(
  handler: ReplayHandler,
  tls?: { key: string; cert: string },
): Promise<ReplayServer> {
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: SeenRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(seen);
      Promise.resolve(handler(seen, res)).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      });
    });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A timeout: hold the request without answering, then drop the connection. */
export function hang(res: ServerResponse, ms: number): void {
  setTimeout(() => res.destroy(), ms).unref();
}

/** A connection reset mid-request. */
export function reset(res: ServerResponse): void {
  res.socket?.destroy();
}

/** How one provider renders the faults that differ between providers. */
export interface FaultAnswers {
  throttle(res: ServerResponse): void;
  serverError(res: ServerResponse): void;
  /** A truncated body in the provider's content type. */
  malformed: { contentType: string; body: string };
  hangMs: number;
}

/**
 * Answers an injected fault the way the provider would and returns true; returns false when there
 * is none to answer here (no fault, or one the server handles itself, such as BigQuery's
 * "job-running"), so the server serves the request normally.
 */
export function answerFault(res: ServerResponse, fault: Fault | null, answers: FaultAnswers): boolean {
  switch (fault) {
    case "throttle":
      answers.throttle(res);
      return true;
    case "server-error":
      answers.serverError(res);
      return true;
    case "timeout":
      hang(res, answers.hangMs);
      return true;
    case "reset":
      reset(res);
      return true;
    case "malformed":
      res.writeHead(200, { "content-type": answers.malformed.contentType });
      res.end(answers.malformed.body);
      return true;
    default:
      return false;
  }
}
