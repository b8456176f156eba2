import { redactFields } from "#kernel/redact.js";
import type { TraceContext } from "./trace-context.js";

/**
 * Structured JSON logs in Cloud Logging's format: one JSON object per line with `severity`,
 * `message`, `logging.googleapis.com/trace`, `logging.googleapis.com/spanId` and
 * `logging.googleapis.com/labels` (cloud.google.com/logging/docs/structured-logging).
 * Every field passes through `redactFields`, so secrets never reach a log line.
 */
export type Severity = "DEBUG" | "INFO" | "NOTICE" | "WARNING" | "ERROR" | "CRITICAL";
const RANK: Record<Severity, number> = { DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500, CRITICAL: 600 };

/** Where lines go: stdout in production; tests capture them. */
export type LogSink = (line: string) => void;
export const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  notice(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A domain event (`user.authenticated`, ...) as its own structured line. */
  event(name: string, fields?: Record<string, unknown>, severity?: Severity): void;
  /** A logger with more labels (tenant, session, workspace) for the rest of the request. */
  child(labels: Record<string, string>): Logger;
}

export interface LoggerOptions {
  sink?: LogSink;
  level?: Severity;
  projectId?: string;
  trace?: TraceContext;
  labels?: Record<string, string>;
}

/**
 * @example
 *   const log = createLogger({ projectId: "p", trace, labels: { function: "getCostSummary" } });
 *   log.info("served", { rows: 12 });
 *   // {"severity":"INFO","message":"served","rows":12,"logging.googleapis.com/trace":"projects/p/traces/…",…}
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const sink = opts.sink ?? stdoutSink;
  const min = RANK[opts.level ?? "INFO"];
  const labels = opts.labels ?? {};
  const traceFields: Record<string, unknown> = {};
  if (opts.trace) {
    traceFields["logging.googleapis.com/trace"] = opts.projectId
      ? `projects/${opts.projectId}/traces/${opts.trace.traceId}`
      : opts.trace.traceId;
    traceFields["logging.googleapis.com/spanId"] = opts.trace.spanId;
    traceFields["logging.googleapis.com/trace_sampled"] = opts.trace.sampled;
  }
  function write(severity: Severity, message: string, fields?: Record<string, unknown>): void {
    if (RANK[severity] < min) return;
    const entry = {
      severity,
      message,
      time: new Date().toISOString(),
      ...(fields ? (redactFields(fields) as Record<string, unknown>) : {}),
      ...traceFields,
      "logging.googleapis.com/labels": labels,
    };
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch {
      line = JSON.stringify({ severity, message, note: "fields not serializable", ...traceFields });
    }
    sink(line);
  }
  return {
    debug: (m, f) => write("DEBUG", m, f),
    info: (m, f) => write("INFO", m, f),
    notice: (m, f) => write("NOTICE", m, f),
    warn: (m, f) => write("WARNING", m, f),
    error: (m, f) => write("ERROR", m, f),
    event: (name, f, severity = "INFO") => write(severity, name, { event: name, ...f }),
    child: (more) => createLogger({ ...opts, labels: { ...labels, ...more } }),
  };
}
