import type { EventBus } from "#kernel/ports.js";

/** An event bus that publishes into an array, so a test reads exactly what went on which topic. */
export function recordingBus(): EventBus & { sent: { topic: string; data: unknown }[] } {
  const sent: { topic: string; data: unknown }[] = [];
  return {
    sent,
    async publish(topic, data) {
      sent.push({ topic, data });
      return String(sent.length);
    },
    subscribe() {},
    async drain() {},
    async close() {},
  };
}
