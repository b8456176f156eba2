import type { IncomingMessage } from "node:http";
import type { Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { AppError } from "#kernel/errors.js";

/**
 * F4: reads a request body with a hard cap on its size, on the wire and once decoded, before
 * anything parses it. The cap counts the compressed bytes as they arrive and the inflated bytes
 * as zlib produces them, and stops both streams the moment either passes the cap, so a gzip bomb
 * (300 KiB inflating to 300 MiB) costs at most the cap plus one zlib chunk of memory. A declared
 * `Content-Length` above the cap is refused before a byte is read.
 */

/** Why a body was refused; a caller-safe reason code, never any of the body's text. */
export type BodyRefusal = "body-too-large" | "bad-content-length" | "unsupported-encoding" | "bad-encoding" | "unsupported-charset" | "malformed-json" | "aborted";

/**
 * A refused body: `invalid-argument` for the callable protocol, answered with HTTP 413 when the
 * body is too large (RFC 9110 §15.5.14) and 400 otherwise. The message is fixed per reason.
 */
export class BodyRefused extends AppError {
  override readonly name = "BodyRefused";
  constructor(
    readonly reason: BodyRefusal,
    message: string,
    extra: Record<string, unknown> = {},
  ) {
    super("invalid-argument", message, { details: { reason, ...extra } });
  }

  override get httpStatus(): number {
    return this.reason === "body-too-large" ? 413 : 400;
  }
}

const tooLarge = (maxBytes: number) => new BodyRefused("body-too-large", `request body larger than ${maxBytes} bytes`, { maxBytes });

/** Whether the request announces a body at all (RFC 9112 §6.3: Transfer-Encoding or Content-Length). */
export function hasBody(req: Pick<IncomingMessage, "headers">): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
}

function decoderFor(encoding: string): Transform | null {
  switch (encoding) {
    case "identity":
      return null;
    case "gzip":
    case "x-gzip":
      return createGunzip();
    case "deflate":
      return createInflate();
    case "br":
      return createBrotliDecompress();
    default:
      throw new BodyRefused("unsupported-encoding", "unsupported content encoding");
  }
}

function declaredLength(req: Pick<IncomingMessage, "headers">, maxBytes: number): number | undefined {
  const raw = req.headers["content-length"];
  if (raw === undefined) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new BodyRefused("bad-content-length", "invalid content length");
  const n = Number(raw);
  if (n > maxBytes) throw tooLarge(maxBytes);
  return n;
}

/**
 * Reads the whole body of `req`, decoded per `Content-Encoding` (identity, gzip, deflate, br),
 * refusing it with {@link BodyRefused} as soon as the wire bytes or the decoded bytes pass
 * `maxBytes`. On refusal the request is left paused and unpiped: the caller answers and closes.
 *
 * @example
 *   const body = await readBoundedBody(req, 256 * 1024); // Buffer of at most 256 KiB
 */
export function readBoundedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let decoder: Transform | null;
    try {
      declaredLength(req, maxBytes);
      const encoding = String(req.headers["content-encoding"] ?? "identity").trim().toLowerCase() || "identity";
      decoder = decoderFor(encoding);
    } catch (err) {
      reject(err);
      return;
    }
    const chunks: Buffer[] = [];
    let wire = 0;
    let decoded = 0;
    let settled = false;
    const stop = (err: unknown) => {
      if (settled) return;
      settled = true;
      req.off("data", onWire);
      req.off("data", onDecoded);
      if (decoder) {
        req.unpipe(decoder);
        decoder.off("data", onDecoded);
        decoder.destroy();
      }
      req.pause();
      reject(err);
    };
    const onWire = (chunk: Buffer) => {
      wire += chunk.length;
      if (wire > maxBytes) stop(tooLarge(maxBytes));
    };
    const onDecoded = (chunk: Buffer) => {
      decoded += chunk.length;
      if (decoded > maxBytes) {
        stop(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const done = () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, decoded));
    };
    const aborted = () => stop(new BodyRefused("aborted", "request aborted"));
    // `on`, not `once`: a stream that errs again after we stopped must not crash the process.
    req.on("error", aborted);
    req.once("close", () => {
      if (!req.complete) aborted();
    });
    if (decoder) {
      decoder.on("data", onDecoded);
      decoder.once("end", done);
      decoder.on("error", () => stop(new BodyRefused("bad-encoding", "request body is not valid for its content encoding")));
      req.on("data", onWire);
      req.pipe(decoder);
    } else {
      // Without an encoding the wire bytes are the decoded bytes: one count.
      req.on("data", onDecoded);
      req.once("end", done);
    }
  });
}
