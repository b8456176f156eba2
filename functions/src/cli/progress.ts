/**
 * Progress on stderr for long steps: a live line on a terminal, plain periodic lines otherwise
 * (CI logs), and nothing when quiet. Results go to stdout so they can be piped.
 */
export interface Progress {
  step(label: string): void;
  tick(label: string, done: number, total: number): void;
  info(line: string): void;
  done(label: string, detail?: string): void;
}

export function createProgress(opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const out = opts.stream ?? process.stderr;
  const live = Boolean(out.isTTY);
  const started = new Map<string, number>();
  let lastPlain = 0;
  const write = (s: string) => {
    if (!opts.quiet) out.write(s);
  };
  return {
    step(label) {
      started.set(label, Date.now());
      write(`▸ ${label}\n`);
    },
    tick(label, done, total) {
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      if (live) write(`\r  ${label} ${done}/${total} (${pct}%)${done >= total ? "\n" : ""}`);
      else if (done >= total || Date.now() - lastPlain > 2000) {
        lastPlain = Date.now();
        write(`  ${label} ${done}/${total} (${pct}%)\n`);
      }
    },
    info(line) {
      write(`  ${line}\n`);
    },
    done(label, detail) {
      const ms = Date.now() - (started.get(label) ?? Date.now());
      write(`✔ ${label}${detail ? `: ${detail}` : ""} (${(ms / 1000).toFixed(1)} s)\n`);
    },
  };
}
