import { loadAllEntryPoints } from "./entry-points.js";

/**
 * The deployed entry points, nothing else (DESIGN.md §3). Loading this module loads every function
 * of the one list in entry-points.ts, and each registers itself with functions-framework under its
 * name as its module loads; `functions` holds each by name.
 */
export const functions = await loadAllEntryPoints();
