import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromSecretId, secretLabels, toSecretId } from "#adapters/secret-manager/secret-id.js";
import { SecretNameSchema } from "#adapters/local/secret-name.js";

/** Valid secret names: 1 to 4 segments of the allowed characters, never "." or "..". */
const segment = fc
  .stringMatching(/^[A-Za-z0-9_.-]{1,40}$/)
  .filter((s) => s !== "." && s !== "..");
const name = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join("/"));

describe("secret name ↔ Secret Manager id", () => {
  it.each([
    ["cloud-creds/t1/gcp", "cloud-creds__t1__gcp"],
    ["cloud-creds/acme/aws-payer.1", "cloud-creds__acme__aws-payer_d1"],
    ["alert-secrets/acme/slack_main", "alert-secrets__acme__slack_umain"],
    ["a_/b", "a_u__b"],
    ["a/_b", "a___ub"],
    ["__proto__", "_u_uproto_u_u"],
  ])("maps %j to %j", (secretName, id) => {
    expect(toSecretId(secretName)).toBe(id);
    expect(fromSecretId(id)).toBe(secretName);
  });

  it("round-trips every valid name through an id of allowed characters only", () => {
    fc.assert(
      fc.property(name, (n) => {
        const id = toSecretId(n);
        if (id === null) return n.length > 127; // only names that grow past 255 are refused
        return /^[A-Za-z0-9_-]{1,255}$/.test(id) && fromSecretId(id) === n;
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it("never gives two names one id", () => {
    fc.assert(
      fc.property(name, name, (a, b) => a === b || toSecretId(a) === null || toSecretId(a) !== toSecretId(b)),
      { numRuns: 2000, seed: 11 },
    );
  });

  it("refuses a name whose id would pass 255 characters, and keeps one that just fits", () => {
    const fits = `cloud-creds/${"t".repeat(120)}/${"a".repeat(120)}`;
    const grows = `x/${"_".repeat(127)}`;
    expect(SecretNameSchema.safeParse(grows).success).toBe(true);
    expect(toSecretId(fits)).toHaveLength(255);
    expect(toSecretId(grows)).toBeNull();
  });

  it.each([["plain-id_x"], ["trailing_"], ["bad.char"], ["a_zb"], [""]])("reads %j as no id of ours", (id) => {
    expect(fromSecretId(id)).toBeNull();
  });
});

describe("secretLabels", () => {
  it.each([
    ["cloud-creds/acme/aws-1", { "managed-by": "costmon", kind: "cloud-creds", tenant: "acme" }],
    ["alert-secrets/Acme.EU/slack", { "managed-by": "costmon", kind: "alert-secrets", tenant: "acme_eu" }],
    ["cloud-creds/t1", { "managed-by": "costmon", kind: "cloud-creds" }],
    ["slack-webhook", { "managed-by": "costmon" }],
  ])("labels %j", (secretName, labels) => {
    expect(secretLabels(secretName)).toEqual(labels);
  });

  it("keeps label values within Secret Manager's rules", () => {
    const labels = secretLabels(`cloud-creds/${"T".repeat(128)}/a`);
    for (const v of Object.values(labels)) expect(v).toMatch(/^[a-z0-9_-]{0,63}$/);
  });
});
