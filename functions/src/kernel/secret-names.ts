import { AppError } from "./errors.js";

/**
 * Names of the per-tenant secrets the platform keeps, in one place, like document-paths.ts for
 * documents. Cloud credentials are stored per cloud account, `cloud-creds/{tenant}/{account}`, so
 * that two accounts of one provider in one tenant (two AWS payers, two Azure subscriptions under
 * different service principals) each keep their own credentials.
 *
 * Both ids must fit the secret name rule every SecretStore enforces ('/'-separated segments of
 * letters, digits, '_', '-' or '.', 255 characters at most): an id that could escape its segment
 * (a '/', '.' or '..') or does not fit is refused with `invalid-argument` before any store is asked.
 *
 * @example
 *   cloudCredentialSecretName("acme", "aws-payer-1"); // "cloud-creds/acme/aws-payer-1"
 */

/** Tenant ids: a letter or digit, then letters, digits, '_' or '-'. */
export const CREDENTIAL_TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/**
 * Account ids that can name a credential secret: document ids allow '~' as well, which no secret
 * name may hold, so an account with credentials is held to this narrower rule.
 */
export const CREDENTIAL_ACCOUNT_ID = /^[A-Za-z0-9_.-]{1,128}$/;

const MAX_NAME = 255;
const PREFIX = "cloud-creds";

/** Whether `accountId` can name a credential secret (see {@link CREDENTIAL_ACCOUNT_ID}). */
export function isCredentialAccountId(accountId: string): boolean {
  return typeof accountId === "string" && CREDENTIAL_ACCOUNT_ID.test(accountId) && accountId !== "." && accountId !== "..";
}

/** `cloud-creds/{tenant}/{account}`; throws `invalid-argument` for ids that could not be a segment of it. */
export function cloudCredentialSecretName(tenantId: string, accountId: string): string {
  if (typeof tenantId !== "string" || !CREDENTIAL_TENANT_ID.test(tenantId)) {
    throw new AppError("invalid-argument", "invalid tenant id for credentials (letters, digits, '_' and '-' only)");
  }
  if (!isCredentialAccountId(accountId)) {
    throw new AppError("invalid-argument", "invalid account id for credentials (letters, digits, '_', '-' and '.' only, not '.' or '..')");
  }
  const name = `${PREFIX}/${tenantId}/${accountId}`;
  if (name.length > MAX_NAME) throw new AppError("invalid-argument", `tenant and account ids are too long for a secret name (${name.length} > ${MAX_NAME})`);
  return name;
}
