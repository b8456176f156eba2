import { vi } from "vitest";
import { main } from "#cli/main.js";

/** `costmon ARGS` run in-process: the exit code main() returns and what went to stdout and stderr. */
export async function runCostmon(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const capture = (into: string[]) => (chunk: unknown, ...rest: unknown[]) => {
    into.push(String(chunk));
    // Writers that wait for the flush pass a callback last.
    const cb = rest.find((r) => typeof r === "function") as ((err?: Error) => void) | undefined;
    cb?.();
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture(stdout) as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture(stderr) as typeof process.stderr.write);
  try {
    const code = await main(args);
    return { code, stdout: stdout.join(""), stderr: stderr.join("") };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
