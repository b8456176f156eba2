import { formatCount, formatPercent, formatSeconds } from "./format.js";

/**
 * Progress on stderr for long steps, so that stdout carries only the command's result. On a
 * terminal one live line is redrawn in place; anything else printed meanwhile (an alert, a
 * warning) first clears that line and then redraws it below, so the two never share a line.
 * Elsewhere (CI logs, a file) there are no control characters: a plain line now and then and one
 * when a count completes. `quiet` drops progress but keeps `print` lines, which are output
 * (console alerts), not progress.
 */
export interface Progress {
  step(label: string): void;
  /** `total` undefined: not known yet, so the line shows the count alone, never a ratio. */
  tick(label: string, done: number, total?: number): void;
  info(line: string): void;
  /** A line that is shown even when quiet (console alerts). */
  print(line: string): void;
  done(label: string, detail?: string): void;
}

export interface ProgressOptions {
  quiet?: boolean;
  stream?: Pick<NodeJS.WriteStream, "write"> & { isTTY?: boolean };
  /** Clock for the plain mode's pacing. */
  now?: () => number;
  /** Least time between two plain progress lines of one count. */
  plainEveryMs?: number;
}

const CLEAR_LINE = "\r\x1b[2K";

export function createProgress(opts: ProgressOptions = {}): Progress {
  const out = opts.stream ?? process.stderr;
  const live = Boolean(out.isTTY);
  const now = opts.now ?? Date.now;
  const every = opts.plainEveryMs ?? 2000;
  const started = new Map<string, number>();
  let liveText = "";
  let lastPlain = Number.NEGATIVE_INFINITY;

  const raw = (s: string) => out.write(s);
  /** Writes whole lines, keeping the live line (if any) below them. */
  const lines = (text: string) => {
    if (live && liveText) raw(`${CLEAR_LINE}${text}${liveText}`);
    else raw(text);
  };
  const progressLines = (text: string) => {
    if (!opts.quiet) lines(text);
  };
  const render = (label: string, done: number, total?: number) =>
    total === undefined ? `  ${label} ${formatCount(done)}…` : `  ${label} ${formatCount(done)}/${formatCount(total)} (${formatPercent(total > 0 ? done / total : 1)})`;

  return {
    step(label) {
      started.set(label, now());
      progressLines(`▸ ${label}\n`);
    },
    tick(label, done, total) {
      if (opts.quiet) return;
      const complete = total !== undefined && done >= total;
      const text = render(label, done, total);
      if (live) {
        liveText = complete ? "" : text;
        raw(`${CLEAR_LINE}${text}${complete ? "\n" : ""}`);
      } else if (complete || now() - lastPlain >= every) {
        lastPlain = complete ? Number.NEGATIVE_INFINITY : now();
        raw(`${text}\n`);
      }
    },
    info(line) {
      progressLines(`  ${line}\n`);
    },
    print(line) {
      lines(`${line}\n`);
    },
    done(label, detail) {
      if (live && liveText && !opts.quiet) {
        raw(`${CLEAR_LINE}`);
        liveText = "";
      }
      const seconds = (now() - (started.get(label) ?? now())) / 1000;
      progressLines(`✔ ${label}${detail ? `: ${detail}` : ""} (${formatSeconds(seconds)})\n`);
    },
  };
}
