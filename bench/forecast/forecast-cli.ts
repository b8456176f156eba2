// Benchmark entry for the `forecast` CLI contract until the real bin is wired:
//   npx tsx bench/forecast/forecast-cli.ts --input {in} --horizon {h} --output {out}
import { parseArgs } from "node:util";
import { runForecast } from "#cli/commands/forecast.js";

const { values } = parseArgs({
  options: { input: { type: "string" }, horizon: { type: "string" }, output: { type: "string" } },
});
if (!values.input || !values.output || !values.horizon) {
  console.error("usage: forecast-cli.ts --input F.csv --horizon H --output F.json");
  process.exit(2);
}
const result = await runForecast({ input: values.input, horizon: Number(values.horizon), output: values.output });
console.error(JSON.stringify(result));
