import { BodyRefused } from "./request-body.js";

/**
 * F4: turns a JSON request body into a value, or refuses it with {@link BodyRefused} and a fixed
 * message. V8's JSON.parse messages quote the text around the error ("Unexpected token ... is not
 * valid JSON"), which may hold a secret the client sent, so they are never passed on or logged.
 * JSON is UTF-8 (RFC 8259 §8.1): any other declared charset, or bytes that are not UTF-8, are
 * refused rather than guessed at.
 */

/** `application/json` and the `+json` suffix types (`application/cloudevents+json`, ...). */
export function isJsonType(contentType: string | undefined): boolean {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

function charsetOf(contentType: string): string | undefined {
  for (const param of contentType.split(";").slice(1)) {
    const [name, ...rest] = param.split("=");
    if (name?.trim().toLowerCase() === "charset") return rest.join("=").trim().replace(/^"(.*)"$/, "$1").toLowerCase();
  }
  return undefined;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Parses a JSON body; an empty body is `undefined` (no value, which the callable envelope then
 * refuses as it refuses any body without `data`).
 *
 * @example
 *   parseJsonBody(Buffer.from('{"data":{}}'), "application/json; charset=utf-8"); // { data: {} }
 */
export function parseJsonBody(body: Buffer, contentType: string): unknown {
  const charset = charsetOf(contentType);
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") {
    throw new BodyRefused("unsupported-charset", "JSON bodies must be UTF-8");
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BodyRefused("unsupported-charset", "request body is not valid UTF-8");
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyRefused("malformed-json", "request body is not valid JSON");
  }
}
