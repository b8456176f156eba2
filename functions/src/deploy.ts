import { isEntryPointName, loadEntryPoint } from "./entry-points.js";
import { startInstance } from "./instance-lifecycle.js";

/**
 * The entry of the deployed bundle (scripts/functions-bundle.mjs). An instance started for one
 * function (FUNCTION_TARGET) loads that function's module only; without a known target (a local
 * functions-framework serving them all) it loads every entry point (index.ts). Either way the
 * functions register with functions-framework as their modules load, before this module finishes.
 * Then the instance opens its stores and arms its SIGTERM handler (instance-lifecycle.ts).
 */
const target = process.env.FUNCTION_TARGET;
await (target && isEntryPointName(target) ? loadEntryPoint(target) : import("./index.js"));

void startInstance();
