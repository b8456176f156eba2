import { z } from "zod";

/**
 * Secret names: "/"-separated segments of letters, digits, '_', '-' or '.', 255 characters at most
 * (DESIGN.md §5 names tenant credentials `cloud-creds/{tenant}/{provider}`). Secret Manager ids
 * allow only [A-Za-z0-9_-], so its adapter maps the separators; local stores enforce this rule
 * so that a name that works locally also maps cleanly in production.
 */
export const SecretNameSchema = z
  .string()
  .max(255, "secret names are at most 255 characters")
  .regex(
    /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/,
    "secret names are '/'-separated segments of letters, digits, '_', '-' or '.'",
  )
  .refine((n) => !n.split("/").some((seg) => seg === "." || seg === ".."), "secret names may not contain '.' or '..' segments");

export function validateSecretName(name: string): string {
  const r = SecretNameSchema.safeParse(name);
  if (!r.success) throw new TypeError(`invalid secret name: ${r.error.issues[0]?.message ?? "bad name"}`);
  return r.data;
}

/** Secret Manager's payload limit is 64 KiB; keep the same limit locally. */
export function validateSecretValue(value: string): string {
  if (typeof value !== "string") throw new TypeError("secret value must be a string");
  if (Buffer.byteLength(value, "utf8") > 65_536) throw new TypeError("secret value exceeds 64 KiB");
  return value;
}
