import type { LogSink } from "#foundation/observability/logger.js";
import type { Progress } from "./progress.js";

const SHOWN = new Set(["WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY"]);

/**
 * The functions' structured logs as the command line shows them: warnings and errors as one
 * readable line each on the progress stream (stderr), everything else dropped, so that stdout
 * carries only the command's result. Lines were redacted by the logger already.
 */
export function cliLogSink(progress: Progress): LogSink {
  return (line) => {
    let entry: { severity?: string; message?: string; [k: string]: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      progress.info(line);
      return;
    }
    if (!entry.severity || !SHOWN.has(entry.severity)) return;
    const { severity, message, time: _t, timestamp: _ts, "logging.googleapis.com/trace": _tr, "logging.googleapis.com/spanId": _s, "logging.googleapis.com/labels": labels, ...fields } = entry;
    const fn = (labels as { function?: string } | undefined)?.function;
    progress.info(`${severity.toLowerCase()}${fn ? ` [${fn}]` : ""}: ${message ?? ""} ${Object.keys(fields).length ? JSON.stringify(fields) : ""}`.trimEnd());
  };
}
