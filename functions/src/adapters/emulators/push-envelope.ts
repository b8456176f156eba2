import type { IncomingMessage } from "node:http";
import { z } from "zod";

/** The largest push body the relay reads (Pub/Sub's message limit). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** A Pub/Sub push request, as the emulator sends it; fields the relay does not read pass through untouched. */
export const PushEnvelope = z.looseObject({
  subscription: z.string().min(1),
  message: z.looseObject({
    messageId: z.string().min(1),
    data: z.string().optional(),
    publishTime: z.string().optional(),
    attributes: z.record(z.string(), z.string()).optional(),
  }),
});
export type PushEnvelope = z.infer<typeof PushEnvelope>;

/** The request body as text; null when it is larger than a push may be. */
export function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** Parses a push body; null when it is not JSON or not a push. */
export function parsePush(text: string): PushEnvelope | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const envelope = PushEnvelope.safeParse(json);
  return envelope.success ? envelope.data : null;
}

/** The push body as the function receives it: the same, with its id mapped and the attempt numbered. */
export function forwardedBody(envelope: PushEnvelope, id: string, attempt: number): unknown {
  const { message } = envelope;
  const renamed = { ...message, messageId: id, ...("message_id" in message ? { message_id: id } : {}) };
  return { ...envelope, message: renamed, deliveryAttempt: attempt };
}
