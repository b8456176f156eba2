import type { PubSub } from "@google-cloud/pubsub";
import { AppError } from "#kernel/errors.js";
import type { TopicNames } from "../pubsub/topic-names.js";

/** An event function and the topic it reads (the code's topic name). */
export interface EventFunctionRoute {
  name: string;
  topic: string;
}

/** One push subscription of the plan. */
export interface PlannedPush extends EventFunctionRoute {
  subscriptionId: string;
  /** The topic's dead-letter twin (the code's name). */
  deadLetterTopic: string;
  ordered: boolean;
}

export interface TopologyPlan {
  /** Every topic to create (the code's names): each function's topic and its dead-letter twin. */
  topics: string[];
  pushes: PlannedPush[];
  /** Dead-letter topics no function reads: each gets a pull subscription that keeps what arrives. */
  retained: string[];
  /** Every dead-letter topic: each may get a recorder subscription that keeps a dead-letter record of what arrives. */
  recorded: string[];
}

/**
 * What the emulator runtime creates on the Pub/Sub emulator for the event functions: every topic a
 * function reads with its `<topic>.dead-letter` twin (a dead-letter topic's twin too, so that a
 * failing `collectAccountFailed` ends somewhere), one push subscription per function, and a
 * retaining pull subscription on each twin that no function reads (a topic without subscriptions
 * would drop what is dead-lettered to it), and the twins whose messages are kept as dead-letter
 * records (all of them).
 *
 * @example
 *   const plan = planTopology([{ name: "collectAccount", topic: "collect-account" }], names, (t) => t === "alerts");
 *   // topics: collect-account, collect-account.dead-letter; retained and recorded: collect-account.dead-letter
 */
export function planTopology(functions: readonly EventFunctionRoute[], names: TopicNames, ordered: (topic: string) => boolean): TopologyPlan {
  const topics = new Set<string>();
  const pushes: PlannedPush[] = [];
  for (const fn of functions) {
    const deadLetterTopic = names.deadLetterOf(fn.topic);
    topics.add(fn.topic);
    topics.add(deadLetterTopic);
    pushes.push({ ...fn, subscriptionId: `${names.topicId(fn.topic)}.${fn.name}`, deadLetterTopic, ordered: ordered(fn.topic) });
  }
  const read = new Set(functions.map((f) => f.topic));
  const retained = [...topics].filter((t) => names.isDeadLetter(t) && !read.has(t));
  const recorded = [...topics].filter((t) => names.isDeadLetter(t));
  return { topics: [...topics], pushes, retained, recorded };
}

const GRPC_ALREADY_EXISTS = 6;

async function ignoreExisting(what: string, create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === GRPC_ALREADY_EXISTS || code === 409) return;
    throw new AppError("unavailable", `cannot create ${what} on the Pub/Sub emulator`, { cause: err, retryable: true });
  }
}

/** How each push subscription delivers: its endpoint, its token, its dead-letter attempts. */
export interface PushSettings {
  endpoint(name: string): string;
  serviceAccount: string;
  audience: string;
  maxDeliveryAttempts: number;
  /** Where a dead-letter topic's recorder subscription pushes; without it, no recorder subscriptions. */
  recorderEndpoint?: (deadLetterTopic: string) => string;
}

/** The id of a dead-letter topic's recorder subscription (a function name never holds a dash). */
export const recorderSubscriptionId = (topicId: string): string => `${topicId}.dl-recorder`;

/**
 * Creates the plan on the emulator (existing topics and subscriptions are kept). Each push
 * subscription declares the OIDC token Google would attach (service account and audience), a
 * dead-letter policy to its topic's twin after `maxDeliveryAttempts`, an ack deadline long enough
 * for an analysis, a short retry backoff (the emulator waits at least a second), and message
 * ordering where its topic publishes with ordering keys. With `recorderEndpoint`, each dead-letter
 * topic also gets a recorder push subscription, without a dead-letter policy of its own: keeping
 * the record is retried until it succeeds.
 */
export async function provisionTopology(client: PubSub, names: TopicNames, plan: TopologyPlan, push: PushSettings): Promise<void> {
  for (const t of plan.topics) {
    await ignoreExisting(`topic ${t}`, () => client.createTopic(names.topicId(t)));
  }
  for (const p of plan.pushes) {
    await ignoreExisting(`subscription ${p.subscriptionId}`, () =>
      client.topic(names.topicId(p.topic)).createSubscription(p.subscriptionId, {
        pushConfig: {
          pushEndpoint: push.endpoint(p.name),
          oidcToken: { serviceAccountEmail: push.serviceAccount, audience: push.audience },
        },
        deadLetterPolicy: { deadLetterTopic: client.topic(names.topicId(p.deadLetterTopic)).name, maxDeliveryAttempts: push.maxDeliveryAttempts },
        retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 10 } },
        ackDeadlineSeconds: 600,
        enableMessageOrdering: p.ordered,
      }),
    );
  }
  const recorder = push.recorderEndpoint;
  for (const t of recorder ? plan.recorded : []) {
    const id = recorderSubscriptionId(names.topicId(t));
    await ignoreExisting(`subscription ${id}`, () =>
      client.topic(names.topicId(t)).createSubscription(id, {
        pushConfig: { pushEndpoint: recorder?.(t) ?? "" },
        retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 10 } },
        ackDeadlineSeconds: 60,
      }),
    );
  }
  for (const t of plan.retained) {
    const id = names.topicId(t);
    await ignoreExisting(`subscription ${id}.retained`, () => client.topic(id).createSubscription(`${id}.retained`));
  }
}
