import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { getFunction, getTestServer } from "@google-cloud/functions-framework/testing";
import { type GuardRefusal, guardBody } from "#foundation/pipeline/body-guard.js";
import { BODY_LIMITS } from "#foundation/pipeline/body-limits.js";

/**
 * The HTTP server of one registered function: functions-framework's own Express app (the same
 * `getServer` its CLI uses, reached through its programmatic API), with the body guard
 * (body-guard.ts) in front of it. The framework parses bodies before any function of ours runs
 * and allows 1 GB, inflated; no option of it lowers that, so the guard must sit in front of its
 * app rather than inside it. The deployed bundle serves through this (serve.ts), and so do the
 * in-process tests.
 */
export interface EdgeServerOptions {
  /** Told about each refused request (reason and status only), e.g. to log it. */
  onRefused?: (refusal: GuardRefusal & { function: string }) => void;
}

/** The body cap a registered function declares (`maxBodyBytes`), else the default for plain HTTP functions. */
export function bodyLimitOf(name: string): number {
  const fn = getFunction(name) as { maxBodyBytes?: unknown } | undefined;
  return typeof fn?.maxBodyBytes === "number" && fn.maxBodyBytes > 0 ? fn.maxBodyBytes : BODY_LIMITS.plain;
}

/**
 * @example
 *   await import("./index.js");                 // registers the functions
 *   createEdgeServer("getCostSummary").listen(8080);
 */
export function createEdgeServer(name: string, opts: EdgeServerOptions = {}): Server {
  return createServer(edgeHandler(name, opts));
}

/**
 * The request handler of {@link createEdgeServer} without a server of its own, for a server that
 * routes several functions (the local dashboard serves the callables on its own origin).
 *
 * @example
 *   const handle = edgeHandler("listAnomalies");
 *   createServer((req, res) => (req.url === "/api/listAnomalies" ? handle(req, res) : notFound(res)));
 */
export function edgeHandler(name: string, opts: EdgeServerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const framework = getTestServer(name);
  const [app] = framework.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!app) throw new Error(`functions-framework built no request handler for ${name}`);
  const maxBytes = bodyLimitOf(name);
  return function guardThenServe(req, res) {
    guardBody(req, res, maxBytes).then(
      (refused) => {
        if (refused) opts.onRefused?.({ ...refused, function: name });
        else app(req, res);
      },
      () => {
        // guardBody answers every refusal itself; reaching here means the socket is gone.
        res.destroy();
      },
    );
  };
}
