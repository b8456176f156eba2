output "topic_ids" {
  description = "Full id (projects/P/topics/T) of each topic, by unprefixed name."
  value       = { for t, topic in google_pubsub_topic.topic : t => topic.id }
}

output "push_subscriptions" {
  description = "Push subscription name of each Pub/Sub function."
  value       = { for name, s in google_pubsub_subscription.push : name => s.name }
}

output "dead_letter_subscriptions" {
  description = "Subscriptions that keep dead-lettered messages no function reads."
  value       = [for s in google_pubsub_subscription.retained : s.name]
}
