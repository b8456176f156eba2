import { type HttpFunction, http } from "@google-cloud/functions-framework";
import { type AppDeps, getDeps, getPipelineServices } from "../deps.js";
import { definePipeline } from "#foundation/pipeline/define-pipeline.js";
import type { EventMessage } from "#foundation/pipeline/event-stack.js";
import { deadLetterRecord } from "#foundation/selfops/dead-letter-record.js";
import { keepDeadLetter } from "#foundation/selfops/dead-letter-store.js";

const DEAD_LETTER = ".dead-letter";

/**
 * A message that can never succeed is kept as a dead-letter record (listed and replayed by
 * `costmon dead-letters`), then goes to its topic's dead-letter topic, with the attributes Pub/Sub
 * itself puts on dead-lettered messages plus the reason. The record comes first: once it exists,
 * the message can be found whatever happens next. A dead-letter topic's own failures are kept
 * too, but stop there (logged and audited by the pipeline) rather than chaining.
 */
async function deadLetter(message: EventMessage, reason: string): Promise<void> {
  const { bus, documents, clock } = await getDeps();
  await keepDeadLetter(documents, deadLetterRecord(message, { reason, recordedBy: "handler", now: clock.now() }));
  if (message.topic.endsWith(DEAD_LETTER)) return;
  await bus.publish(`${message.topic}${DEAD_LETTER}`, message.data, {
    ...message.attributes,
    CloudPubSubDeadLetterSourceTopic: message.topic,
    CloudPubSubDeadLetterSourceDeliveryCount: String(message.deliveryAttempt),
    CloudPubSubDeadLetterSourceTopicPublishTime: message.publishedAt,
    CloudPubSubDeadLetterSourceMessageId: message.id,
    deadLetterError: reason.slice(0, 1024),
  });
}

/**
 * `defineCallable`, `defineEventHandler` and `defineScheduledHandler` bound to this app's
 * composition root. Each function registers itself with functions-framework under its name, so
 * `--target=<name>` and getTestServer(name) find it: callables speak the callable protocol, event
 * functions take Pub/Sub pushes, scheduled ones take Cloud Scheduler's requests.
 */
export const { defineCallable, defineEventHandler, defineScheduledHandler } = definePipeline<AppDeps>({
  services: getPipelineServices,
  deps: getDeps,
  deadLetter,
  register: (name, fn) => http(name, fn as unknown as HttpFunction),
});
