import type { Headers } from "../iam/authenticate.js";
import { clientSource, isCredentialFailure } from "../pipeline/layers/threat-guard.js";
import type { PipelineServices } from "../pipeline/services.js";

/**
 * F5: who may read health's details (each check's name, latency and error): a Google OIDC token
 * of an allowed service account (monitoring, Cloud Scheduler), or a platform admin signed in with
 * a second factor. Everyone else, with no credential or a failing one, gets the overall status
 * only. A credential that fails counts toward its source's lockout exactly as at a callable, so
 * health cannot be used to test stolen tokens; a locked-out source's credentials are not even
 * verified.
 *
 * @example
 *   const detailed = await mayReadHealthDetails(await getPipelineServices(), req);
 */
export async function mayReadHealthDetails(
  services: Pick<PipelineServices, "authenticate" | "bruteForce" | "config">,
  req: { headers: Headers; socket?: { remoteAddress?: string | undefined } },
): Promise<boolean> {
  if (req.headers.authorization === undefined) return false;
  const source = clientSource({ method: "GET", headers: req.headers, ...(req.socket ? { socket: req.socket } : {}) }, services.config.trustedProxyHops);
  if ((await services.bruteForce.check(source)).blocked) return false;
  try {
    const principal = await services.authenticate(req.headers, ["oidc", "id-token"]);
    return principal.kind === "service" || (principal.platformAdmin && principal.mfa);
  } catch (err) {
    if (isCredentialFailure(err)) await services.bruteForce.recordFailure(source);
    return false;
  }
}
