import { getMultiFactorResolver, type MultiFactorError, type MultiFactorResolver, signInWithEmailAndPassword } from "firebase/auth";
import { html } from "htm/preact";
import { useEffect, useState } from "preact/hooks";
import type { Api } from "../api.js";
import type { PageConfig } from "../config.js";
import { SecondFactor } from "./second-factor.js";

/** E-mail and password sign-in against the Auth emulator; the demo users are listed to pick from. */
export function SignIn(props: { api: Api; config: PageConfig }) {
  const [email, setEmail] = useState(props.config.demoUsers[0]?.email ?? "");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [resolver, setResolver] = useState<MultiFactorResolver | null>(null);
  useEffect(() => {
    if (performance.getEntriesByName("sign-in-ready").length === 0) performance.mark("sign-in-ready");
  }, []);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signInWithEmailAndPassword(props.api.auth, email, password);
    } catch (err) {
      const code = (err as { code?: string }).code ?? "";
      if (code === "auth/multi-factor-auth-required") {
        setResolver(getMultiFactorResolver(props.api.auth, err as MultiFactorError));
        return;
      }
      setError(code.includes("invalid-credential") || code.includes("wrong-password") || code.includes("user-not-found") ? "Wrong e-mail or password." : `Sign-in failed (${code || String(err)}).`);
    } finally {
      setBusy(false);
    }
  }
  return html`
    <main id="main" class="sign-in">
      <h1>costmon dashboard</h1>
      <form onSubmit=${submit} aria-describedby="demo-users">
        <label for="email">E-mail</label>
        <input id="email" name="email" type="email" autocomplete="username" required value=${email} onInput=${(e: Event) => setEmail((e.target as HTMLInputElement).value)} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value=${password} onInput=${(e: Event) => setPassword((e.target as HTMLInputElement).value)} />
        <button type="submit" disabled=${busy || resolver !== null}>${busy ? "Signing in…" : "Sign in"}</button>
      </form>
      ${resolver ? html`<${SecondFactor} auth=${props.api.auth} resolver=${resolver} config=${props.config} onError=${setError} />` : null}
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <section id="demo-users" aria-labelledby="demo-users-h">
        <h2 id="demo-users-h">Demo users (Auth emulator)</h2>
        <p>Password for each: <code>${props.config.demoPassword}</code>. Managers (phone second factor, its code shown here) also change budgets; operators triage anomalies; viewers only read.</p>
        <ul>
          ${props.config.demoUsers.map((u) => html`<li><code>${u.email}</code> — ${u.role}, tenant ${u.tenantId}</li>`)}
        </ul>
      </section>
    </main>`;
}
