output "functions" {
  description = "Every deployed function, by name, with its trigger and needs (functions.tf)."
  value       = local.functions
}

output "base_topics" {
  description = "The topics functions subscribe or publish to, without dead-letter twins (unprefixed)."
  value = toset([
    for t in flatten([for f in values(local.functions) : concat(f.topic == null ? [] : [f.topic], f.publishes)]) :
    t if !endswith(t, ".dead-letter")
  ])
}

output "gateway_topics" {
  description = "Topics that publishers outside the platform (tenants' LLM gateways) write to; each gets a publisher identity (modules/messaging)."
  value       = toset(["llm-usage"])
}
