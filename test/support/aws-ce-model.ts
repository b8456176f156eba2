import { readFileSync } from "node:fs";
import { sharedData } from "./shared-data.js";

/**
 * The published Cost Explorer API model (ce-2017-10-25 from aws-sdk 2.1693.0, in ../shared/data)
 * and a checker of JSON bodies against an operation's input or output shape: every member must
 * exist in its shape, required members must be present, and lists, structures and scalars must
 * have the model's kind. Replay servers check what they answer with it, so that their bodies stay
 * on the real wire format.
 */
type Shape = { type?: string; shape?: string; members?: Record<string, Shape>; required?: string[]; member?: Shape; value?: Shape };

export const ceModel = JSON.parse(readFileSync(sharedData("aws-cost-explorer", "api-model-aws-sdk-js-v2", "ce-2017-10-25.min.json"), "utf8")) as {
  metadata: { targetPrefix: string; jsonVersion: string };
  operations: Record<string, { input: Shape; output: Shape }>;
  shapes: Record<string, Shape>;
};

function resolve(s: Shape): Shape {
  return s.shape ? resolve({ ...ceModel.shapes[s.shape], shape: undefined } as Shape) : s;
}

function check(value: unknown, shape: Shape, path: string): string[] {
  const s = resolve(shape);
  const type = s.type ?? "string";
  if (type === "structure") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${path}: expected a structure`];
    const o = value as Record<string, unknown>;
    const out = (s.required ?? []).filter((r) => o[r] === undefined).map((r) => `${path}.${r}: required`);
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) continue;
      const m = s.members?.[k];
      if (!m) out.push(`${path}.${k}: not in the model`);
      else out.push(...check(v, m, `${path}.${k}`));
    }
    return out;
  }
  if (type === "list") {
    if (!Array.isArray(value)) return [`${path}: expected a list`];
    return value.flatMap((v, i) => check(v, s.member ?? {}, `${path}[${i}]`));
  }
  if (type === "map") {
    if (typeof value !== "object" || value === null) return [`${path}: expected a map`];
    return Object.entries(value).flatMap(([k, v]) => check(v, s.value ?? {}, `${path}.${k}`));
  }
  if (type === "boolean") return typeof value === "boolean" ? [] : [`${path}: expected a boolean`];
  if (type === "integer" || type === "double" || type === "long") return typeof value === "number" ? [] : [`${path}: expected a number`];
  return typeof value === "string" ? [] : [`${path}: expected a string`];
}

/** Problems of `value` against one shape of the model (an operation's `input`/`output`, or a member), as "path: message". */
export function checkCeShape(value: unknown, shape: Shape): string[] {
  return check(value, shape, "$");
}

/** Problems of `body` against the operation's input or output shape, as "path: message"; [] when it fits. */
export function checkCeBody(operation: string, direction: "input" | "output", body: unknown): string[] {
  const op = ceModel.operations[operation];
  if (!op) return [`${operation}: not an operation of the model`];
  return check(body, op[direction], "$");
}
