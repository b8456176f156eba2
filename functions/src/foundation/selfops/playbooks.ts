import { BrokenCircuitError } from "cockatiel";

/**
 * F5 remediation playbooks: named reactions to operational signals. A playbook says when it
 * applies (`trigger`) and what to do (`run`); `runPlaybooks` runs every matching one and never
 * throws (a failing playbook yields a "failed" outcome), so remediation cannot break the caller.
 *
 * Built-ins (DESIGN.md §6): bounded retry with backoff, open-circuit cooldown, replay from dead letter.
 */
export interface Signal {
  /** e.g. "operation.failed", "circuit.open", "deadletter.replay". */
  type: string;
  /** Provider, topic or function the signal is about. */
  source?: string;
  /** 1-based attempt count of the failing operation. */
  attempt?: number;
  error?: unknown;
  data?: Record<string, unknown>;
}

export type PlaybookOutcome =
  | { status: "retry"; retryAfterMs: number; detail?: string }
  | { status: "defer"; retryAfterMs: number; detail?: string }
  | { status: "dead-letter"; detail?: string }
  | { status: "resolved"; detail?: string }
  | { status: "failed"; detail: string };

export interface Playbook {
  name: string;
  trigger: (signal: Signal) => boolean;
  run: (signal: Signal) => Promise<PlaybookOutcome>;
}

export interface PlaybookRun {
  name: string;
  outcome: PlaybookOutcome;
}

export interface PlaybookRegistry {
  registerPlaybook(playbook: Playbook): void;
  runPlaybooks(signal: Signal): Promise<PlaybookRun[]>;
  list(): string[];
}

export function createPlaybookRegistry(): PlaybookRegistry {
  const playbooks = new Map<string, Playbook>();
  return {
    registerPlaybook(playbook) {
      if (!playbook.name) throw new TypeError("playbook needs a name");
      if (playbooks.has(playbook.name)) throw new Error(`playbook "${playbook.name}" is already registered`);
      playbooks.set(playbook.name, playbook);
    },
    async runPlaybooks(signal) {
      const runs: PlaybookRun[] = [];
      for (const p of playbooks.values()) {
        let applies = false;
        try {
          applies = p.trigger(signal);
        } catch {
          applies = false;
        }
        if (!applies) continue;
        try {
          runs.push({ name: p.name, outcome: await p.run(signal) });
        } catch (e) {
          runs.push({ name: p.name, outcome: { status: "failed", detail: e instanceof Error ? e.message : String(e) } });
        }
      }
      return runs;
    },
    list: () => [...playbooks.keys()],
  };
}

const defaultRegistry = createPlaybookRegistry();

/** Registers on the process-wide registry. */
export function registerPlaybook(playbook: Playbook): void {
  defaultRegistry.registerPlaybook(playbook);
}

/** Runs every matching playbook of the process-wide registry. */
export function runPlaybooks(signal: Signal): Promise<PlaybookRun[]> {
  return defaultRegistry.runPlaybooks(signal);
}

function isNotRetryable(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { retryable?: unknown }).retryable === false;
}

/**
 * "operation.failed": retry after min(maxMs, baseMs·2^(attempt−1)) while attempt < maxAttempts,
 * then dead-letter. Errors marked `retryable: false` go to dead letter at once.
 */
export function boundedRetryPlaybook(opts: { maxAttempts: number; baseMs: number; maxMs: number }): Playbook {
  return {
    name: "bounded-retry",
    trigger: (s) => s.type === "operation.failed",
    run: async (s) => {
      const attempt = s.attempt ?? 1;
      if (isNotRetryable(s.error)) return { status: "dead-letter", detail: "error is not retryable" };
      if (attempt >= opts.maxAttempts) return { status: "dead-letter", detail: `gave up after ${attempt} attempts` };
      return { status: "retry", retryAfterMs: Math.min(opts.maxMs, opts.baseMs * 2 ** (attempt - 1)) };
    },
  };
}

/** "circuit.open" or a BrokenCircuitError: defer work for the provider until the breaker may half-open. */
export function openCircuitCooldownPlaybook(opts: { cooldownMs: number }): Playbook {
  return {
    name: "open-circuit-cooldown",
    trigger: (s) => s.type === "circuit.open" || s.error instanceof BrokenCircuitError,
    run: async (s) => ({
      status: "defer",
      retryAfterMs: opts.cooldownMs,
      detail: `circuit for ${s.source ?? "provider"} is open`,
    }),
  };
}

/**
 * "deadletter.replay" (an operator asks) or "circuit.closed" (a provider recovered): replays the
 * dead-lettered messages for `signal.source` through `replay`, which returns how many it replayed.
 */
export function replayFromDeadLetterPlaybook(opts: { replay: (signal: Signal) => Promise<number> }): Playbook {
  return {
    name: "replay-from-dead-letter",
    trigger: (s) => s.type === "deadletter.replay" || s.type === "circuit.closed",
    run: async (s) => {
      const replayed = await opts.replay(s);
      return { status: "resolved", detail: `replayed ${replayed} message(s) for ${s.source ?? "all sources"}` };
    },
  };
}
