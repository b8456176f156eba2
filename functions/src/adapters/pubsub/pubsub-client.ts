import type { PubSub } from "@google-cloud/pubsub";
import { z } from "zod";
import { AppError } from "#kernel/errors.js";

export interface PubSubClientSettings {
  projectId: string;
  /** host:port of the Pub/Sub emulator; absent or "" for Google's service. */
  emulatorHost?: string;
}

const Settings = z.strictObject({
  projectId: z.string().min(1),
  emulatorHost: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, "expected host:port")
    .or(z.literal(""))
    .optional(),
});

/**
 * The one way the code opens a `@google-cloud/pubsub` client: for Google's service with the
 * instance's own credentials, or for the emulator at `emulatorHost` (plain gRPC, no credentials).
 * The emulator host is given explicitly rather than through PUBSUB_EMULATOR_HOST, so that a
 * process that also talks to Google (a test) cannot send one by mistake to the other.
 *
 * @example
 *   const pubsub = await openPubSubClient({ projectId: "demo-test", emulatorHost: "127.0.0.1:8085" });
 */
export async function openPubSubClient(settings: PubSubClientSettings): Promise<PubSub> {
  const s = Settings.safeParse(settings);
  if (!s.success) throw new AppError("failed-precondition", `invalid Pub/Sub settings: ${z.prettifyError(s.error)}`);
  const { PubSub } = await import("@google-cloud/pubsub");
  const { projectId, emulatorHost } = s.data;
  return emulatorHost ? new PubSub({ projectId, apiEndpoint: emulatorHost, emulatorMode: true }) : new PubSub({ projectId });
}
