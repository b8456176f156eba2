/**
 * How a platform secret name maps onto a Secret Manager secret id, and back.
 *
 * Names are '/'-separated segments of letters, digits, '_', '-' and '.' (adapters/local/
 * secret-name.ts); Secret Manager ids allow only `[A-Za-z0-9_-]`, at most 255 characters. '_' is
 * the escape character, and every '_' in an id starts a two-character escape:
 *
 * | in the name | in the id |
 * |---|---|
 * | `/` | `__` |
 * | `_` | `_u` |
 * | `.` | `_d` |
 * | letters, digits, `-` | themselves |
 *
 * So `cloud-creds/acme/aws-payer.1` is `cloud-creds__acme__aws-payer_d1`, and `alert-secrets/acme/
 * slack_main` is `alert-secrets__acme__slack_umain`. No escape is a prefix of another and no
 * literal character is '_', so an id reads back in exactly one way: the mapping is reversible, and
 * therefore two names never share an id. Secret Manager ids are case-sensitive, as names are.
 *
 * Escapes lengthen a name: one whose id would pass 255 characters is refused ({@link toSecretId}
 * returns null). Credential names (`cloud-creds/{tenant}/{account}`) with ids of ordinary length
 * (a UUID account id, a tenant slug) stay far below it.
 *
 * @example
 *   toSecretId("cloud-creds/t1/gcp");          // "cloud-creds__t1__gcp"
 *   fromSecretId("cloud-creds__t1__gcp");      // "cloud-creds/t1/gcp"
 *   fromSecretId("made-by-someone_else");      // null: not an id this mapping produces
 */

export const SECRET_ID_MAX_LENGTH = 255;

const ESCAPES: Readonly<Record<string, string>> = { "/": "__", _: "_u", ".": "_d" };
const UNESCAPES: Readonly<Record<string, string>> = { _: "/", u: "_", d: "." };
const LITERAL = /^[A-Za-z0-9-]$/;

/** The id of a valid secret name, or null when it would be longer than Secret Manager allows. */
export function toSecretId(name: string): string | null {
  let id = "";
  for (const ch of name) id += ESCAPES[ch] ?? ch;
  return id.length <= SECRET_ID_MAX_LENGTH ? id : null;
}

/** The name an id was made from, or null for an id this mapping never produces. */
export function fromSecretId(id: string): string | null {
  let name = "";
  for (let i = 0; i < id.length; i++) {
    const ch = id.charAt(i);
    if (ch === "_") {
      const decoded = UNESCAPES[id.charAt(i + 1)];
      if (decoded === undefined) return null;
      name += decoded;
      i++;
    } else if (LITERAL.test(ch)) {
      name += ch;
    } else {
      return null;
    }
  }
  return name.length > 0 ? name : null;
}

/** Label keys and values: lower-case letters, digits, '_' and '-', at most 63 characters. */
function labelValue(segment: string): string {
  return segment
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "_")
    .slice(0, 63);
}

/** Marks the secrets this adapter manages, so that its cleanup lists only those. */
export const MANAGED_LABEL = { key: "managed-by", value: "costmon" } as const;

/**
 * Labels for a new secret: who manages it, its kind (the first segment, `cloud-creds`) and its
 * tenant (the second segment of a `{kind}/{tenant}/{item}` name). Labels are lower-case and 63
 * characters at most, so a tenant label is informative only (for filtering and billing reports):
 * the id, never a label, says which secret it is.
 */
export function secretLabels(name: string): Record<string, string> {
  const segments = name.split("/");
  const labels: Record<string, string> = { [MANAGED_LABEL.key]: MANAGED_LABEL.value };
  if (segments.length >= 2 && segments[0]) labels.kind = labelValue(segments[0]);
  if (segments.length >= 3 && segments[1]) labels.tenant = labelValue(segments[1]);
  return labels;
}
