import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createLocalOidcSigner, localCertificates, writeCertificates } from "#adapters/emulators/local-oidc.js";
import { googleOidcVerifier } from "#foundation/iam/google-oidc.js";

/**
 * The push tokens of the emulator runtime against the deployed verifier (googleOidcVerifier), with
 * only its certificate source swapped for the runtime's certificates file.
 */
describe("local OIDC tokens", () => {
  const dir = mkdtempSync(join(tmpdir(), "local-oidc-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const account = "pubsub-push@demo-test.iam.gserviceaccount.com";
  const audience = "https://push.emulators.costmon.invalid";

  it("are accepted by the deployed verifier reading the written certificates", async () => {
    // Prepare
    const signer = await createLocalOidcSigner();
    const file = join(dir, "certs.json");
    await writeCertificates(file, signer.certificates());
    const verify = googleOidcVerifier({ audience, allowedServiceAccounts: [account], certs: localCertificates(file) });
    // Act
    const identity = await verify(await signer.token(audience, account));
    // Assess
    expect(identity.email).toBe(account);
  });

  it.each([
    ["another audience", "https://elsewhere.invalid", account],
    ["a service account that is not allowed", audience, "intruder@demo-test.iam.gserviceaccount.com"],
  ])("are refused for %s", async (_name, aud, sa) => {
    // Prepare
    const signer = await createLocalOidcSigner();
    const file = join(dir, `certs-${Math.random()}.json`);
    await writeCertificates(file, signer.certificates());
    const verify = googleOidcVerifier({ audience, allowedServiceAccounts: [account], certs: localCertificates(file) });
    // Act and assess
    await expect(verify(await signer.token(aud, sa))).rejects.toThrow();
  });

  it("are refused when signed by a key whose certificate was not written", async () => {
    // Prepare
    const trusted = await createLocalOidcSigner();
    const other = await createLocalOidcSigner();
    const file = join(dir, "trusted.json");
    await writeCertificates(file, trusted.certificates());
    const verify = googleOidcVerifier({ audience, allowedServiceAccounts: [account], certs: localCertificates(file) });
    // Act and assess
    await expect(verify(await other.token(audience, account))).rejects.toThrow();
  });

  it("are refused, never accepted, when the certificates file is missing or not certificates", async () => {
    // Prepare
    const signer = await createLocalOidcSigner();
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ k: "not a key" }));
    const token = await signer.token(audience, account);
    // Act and assess
    for (const file of ["", join(dir, "missing.json"), bad]) {
      const verify = googleOidcVerifier({ audience, allowedServiceAccounts: [account], certs: localCertificates(file) });
      await expect(verify(token)).rejects.toMatchObject({ code: "failed-precondition" });
    }
  });

  it("reuses a token until it nears expiry", async () => {
    // Prepare
    const signer = await createLocalOidcSigner();
    // Act
    const [a, b] = [await signer.token(audience, account), await signer.token(audience, account)];
    // Assess
    expect(a).toBe(b);
  });
});
