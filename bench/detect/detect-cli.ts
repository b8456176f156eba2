/**
 * Runnable `detect` for benchmarks until the package `bin` CLI is wired:
 *   npx tsx bench/detect/detect-cli.ts --input F.csv --output F.json
 * Prints {"series","anomalies"} on stdout; errors go to stderr with exit code 1.
 */
import { parseArgs } from "node:util";
import { runDetect } from "#cli/commands/detect.js";

try {
  const { values } = parseArgs({ options: { input: { type: "string" }, output: { type: "string" } } });
  const result = await runDetect({ input: values.input ?? "", output: values.output ?? "" });
  console.log(JSON.stringify(result));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
