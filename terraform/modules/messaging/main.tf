# The bus: every topic the functions subscribe or publish to, each with its `<topic>.dead-letter`
# twin; one push subscription per Pub/Sub function (OIDC token of its own push identity, the
# function's audience, retry with backoff, dead-lettering after the configured attempts); a pull
# subscription on each dead-letter topic no function reads, because Pub/Sub drops messages of a
# topic that has no subscription (the emulator topology does the same: push-topology.ts).

locals {
  dead_letter_topics = toset([for t in var.base_topics : "${t}.dead-letter"])
  topics             = toset(concat(tolist(var.base_topics), tolist(local.dead_letter_topics)))

  subscribers       = { for name, f in var.functions : name => f if f.trigger == "pubsub" }
  subscribed_topics = [for f in values(local.subscribers) : f.topic]
  retained          = toset([for t in local.dead_letter_topics : t if !contains(local.subscribed_topics, t)])

  # Subscriptions Pub/Sub dead-letters from (a dead-letter topic's own subscription does not chain).
  dead_lettering = { for name, f in local.subscribers : name => f if !endswith(f.topic, ".dead-letter") }

  # function:topic → grant, for every topic a function publishes to (its own dead-letter twin
  # included: the code forwards what can never succeed there at once).
  publisher_grants = merge([
    for name, f in var.functions : { for t in f.publishes : "${name}:${t}" => { function = name, topic = t } }
  ]...)
}

resource "google_pubsub_topic" "topic" {
  for_each = local.topics
  project  = var.project_id
  name     = "${var.topic_prefix}${each.key}"
  labels = {
    app         = "costmon"
    dead-letter = endswith(each.key, ".dead-letter") ? "true" : "false"
  }
}

resource "google_pubsub_subscription" "push" {
  for_each                   = local.subscribers
  project                    = var.project_id
  name                       = "${var.topic_prefix}${each.value.topic}.${var.service_names[each.key]}"
  topic                      = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds       = min(600, each.value.timeout_seconds + 60)
  message_retention_duration = var.message_retention
  enable_message_ordering    = each.value.ordered

  push_config {
    push_endpoint = var.service_uris[each.key]
    oidc_token {
      service_account_email = var.push_service_accounts[each.key]
      audience              = var.oidc_audiences[each.key]
    }
  }

  retry_policy {
    minimum_backoff = "10s"
    maximum_backoff = "600s"
  }

  dynamic "dead_letter_policy" {
    for_each = endswith(each.value.topic, ".dead-letter") ? [] : [each.value.topic]
    content {
      dead_letter_topic     = google_pubsub_topic.topic["${dead_letter_policy.value}.dead-letter"].id
      max_delivery_attempts = var.dead_letter_max_attempts
    }
  }

  expiration_policy {
    ttl = ""
  }
}

# Keeps what lands on a dead-letter topic no function reads, for inspection and replay.
resource "google_pubsub_subscription" "retained" {
  for_each                   = local.retained
  project                    = var.project_id
  name                       = "${var.topic_prefix}${each.key}.retained"
  topic                      = google_pubsub_topic.topic[each.key].id
  ack_deadline_seconds       = 60
  message_retention_duration = var.message_retention

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = local.publisher_grants
  project  = var.project_id
  topic    = google_pubsub_topic.topic[each.value.topic].name
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${var.function_service_accounts[each.value.function]}"
}

# Dead-lettering: the Pub/Sub service agent publishes to the twin and acknowledges on the source.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = toset([for f in values(local.dead_lettering) : "${f.topic}.dead-letter"])
  project  = var.project_id
  topic    = google_pubsub_topic.topic[each.key].name
  role     = "roles/pubsub.publisher"
  member   = "serviceAccount:${var.pubsub_service_agent}"
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each     = local.dead_lettering
  project      = var.project_id
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${var.pubsub_service_agent}"
}

# Topics written from outside the platform: a tenant's LLM gateway publishes usage batches, signed
# with the tenant's API key (the function takes the tenant from the signature, never from the
# message). Publishing itself needs Google credentials: one service account per such topic, for a
# gateway to impersonate or federate into, plus any members the environment lists.
resource "google_service_account" "gateway" {
  for_each     = var.gateway_topics
  project      = var.project_id
  account_id   = "gw-${substr(replace(each.key, ".", "-"), 0, 25)}"
  display_name = "Publishes to ${var.topic_prefix}${each.key} (gateways)"
}

resource "google_pubsub_topic_iam_member" "gateway_publisher" {
  for_each = merge(
    { for t in var.gateway_topics : "${t}:gateway" => { topic = t, member = "serviceAccount:${google_service_account.gateway[t].email}" } },
    merge([for t in var.gateway_topics : { for m in var.gateway_publishers : "${t}:${m}" => { topic = t, member = m } }]...),
  )
  project = var.project_id
  topic   = google_pubsub_topic.topic[each.value.topic].name
  role    = "roles/pubsub.publisher"
  member  = each.value.member
}
