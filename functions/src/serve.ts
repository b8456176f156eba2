import { createEdgeServer } from "./edge-server.js";
import { createLogger, stdoutSink } from "#foundation/observability/logger.js";

/**
 * How a deployed instance is started (`npm start` in functions/lib, i.e. `node server.mjs`):
 * loads its FUNCTION_TARGET as deploy.ts does, then serves it on PORT through the edge server,
 * which caps and parses request bodies before functions-framework's app sees them. Started with
 * the framework's own CLI instead (`functions-framework --target`), the function still works but
 * without that cap (docs/security.md, "Request bodies").
 */
const target = process.env.FUNCTION_TARGET;
const log = createLogger({ sink: stdoutSink, labels: { scope: "instance", function: target ?? "" } });
if (!target) {
  log.error("FUNCTION_TARGET is not set; nothing to serve");
  process.exit(1);
}
await import("./deploy.js");
const server = createEdgeServer(target, {
  onRefused: (refusal) => log.info("request refused before parsing", { ...refusal }),
});
server.listen(Number(process.env.PORT ?? 8080));
