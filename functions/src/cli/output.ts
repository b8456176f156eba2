import { open, writeFile } from "node:fs/promises";
import { resolve } from "node:path";

/** Writes a command's result to `--output FILE`, or to stdout for `-` (the default). */
export async function writeOutput(target: string | undefined, text: string): Promise<void> {
  if (target === undefined || target === "-") {
    process.stdout.write(text);
    return;
  }
  await writeFile(resolve(target), text);
}

/** A result written in pieces (large JSON), to a file or to stdout for `-`. */
export interface OutputSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

export async function openOutput(target: string): Promise<OutputSink> {
  if (target === "-") {
    return {
      // Waiting for each write keeps memory flat when stdout is a slow pipe.
      write: (text) => new Promise<void>((res, rej) => process.stdout.write(text, (err) => (err ? rej(err) : res()))),
      close: async () => {},
    };
  }
  const file = await open(resolve(target), "w");
  return {
    write: async (text) => {
      await file.write(text);
    },
    close: () => file.close(),
  };
}

/** How a target reads in a progress line. */
export const describeTarget = (target: string): string => (target === "-" ? "stdout" : target);
