import {
  type Auth,
  type MultiFactorResolver,
  PhoneAuthProvider,
  type PhoneMultiFactorInfo,
  PhoneMultiFactorGenerator,
  RecaptchaVerifier,
} from "firebase/auth";
import { html } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PageConfig } from "../config.js";

/**
 * The phone second factor of a manager's sign-in (Firebase's multi-factor flow: a code sent to the
 * enrolled phone, then `resolveSignIn`). Against the Auth emulator no SMS is sent and the reCAPTCHA
 * check is a stand-in (connectAuthEmulator turns app verification off), and the emulator lists the
 * codes it issued: the page shows the one it just asked for, as it shows the demo password.
 */
async function emulatorCode(config: PageConfig, sessionInfo: string): Promise<string | null> {
  const res = await fetch(`${config.authEmulatorUrl}/emulator/v1/projects/${config.projectId}/verificationCodes`);
  if (!res.ok) return null;
  const body = (await res.json()) as { verificationCodes?: { sessionInfo: string; code: string }[] };
  return body.verificationCodes?.find((c) => c.sessionInfo === sessionInfo)?.code ?? null;
}

export function SecondFactor(props: { auth: Auth; resolver: MultiFactorResolver; config: PageConfig; onError: (message: string) => void }) {
  const hint = props.resolver.hints.find((h) => h.factorId === PhoneMultiFactorGenerator.FACTOR_ID) as PhoneMultiFactorInfo | undefined;
  const recaptcha = useRef<HTMLDivElement>(null);
  const [verificationId, setVerificationId] = useState<string | null>(null);
  const [shownCode, setShownCode] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!hint || !recaptcha.current) return;
    const verifier = new RecaptchaVerifier(props.auth, recaptcha.current, { size: "invisible" });
    new PhoneAuthProvider(props.auth)
      .verifyPhoneNumber({ multiFactorHint: hint, session: props.resolver.session }, verifier)
      .then(async (id) => {
        setVerificationId(id);
        setShownCode(await emulatorCode(props.config, id).catch(() => null));
      })
      .catch((err: unknown) => props.onError(`Could not send the code (${(err as { code?: string }).code ?? String(err)}).`));
    return () => verifier.clear();
  }, [hint, props.auth, props.resolver, props.config, props.onError]);
  async function submit(e: Event) {
    e.preventDefault();
    if (!verificationId) return;
    setBusy(true);
    try {
      await props.resolver.resolveSignIn(PhoneMultiFactorGenerator.assertion(PhoneAuthProvider.credential(verificationId, code.trim())));
    } catch (err) {
      const c = (err as { code?: string }).code ?? "";
      props.onError(c.includes("invalid-verification-code") ? "Wrong code." : `Second factor failed (${c || String(err)}).`);
      setBusy(false);
    }
  }
  if (!hint) return html`<p class="error" role="alert">This account needs a second factor this page does not support.</p>`;
  return html`
    <form onSubmit=${submit} aria-labelledby="second-factor-h">
      <h2 id="second-factor-h">Second factor</h2>
      <p id="second-factor-sent">${verificationId ? `A code was sent to ${hint.phoneNumber}.` : `Sending a code to ${hint.phoneNumber}…`}</p>
      ${shownCode ? html`<p id="emulator-code">The Auth emulator's code: <code>${shownCode}</code></p>` : null}
      <label for="mfa-code">Code</label>
      <input id="mfa-code" name="code" inputMode="numeric" autocomplete="one-time-code" required value=${code} onInput=${(e: Event) => setCode((e.target as HTMLInputElement).value)} />
      <button type="submit" disabled=${busy || !verificationId}>Verify</button>
      <div ref=${recaptcha}></div>
    </form>`;
}
