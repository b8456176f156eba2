# The deployed functions: one entry per function of functions/src/entry-points.ts, and nothing
# else. Each entry says how the function is triggered and what it needs; every other module is
# driven from this map. `npm run check:terraform` compares it with the code (docs/deploy.md,
# "Drift checks"): names, triggers, topics and schedules with the loaded functions, and
# `publishes`, `bigquery`, `secrets`, `ops_alerts` and `firebase_auth` with what the code calls.
#
# trigger:        callable (Firebase callable protocol, public: it checks ID tokens / API keys
#                 itself), http (plain HTTP, public), pubsub (push subscription on `topic`, OIDC),
#                 scheduler (Cloud Scheduler HTTP job on `schedule` in `time_zone`, OIDC)
# publishes:      topics it publishes to (unprefixed), its own dead-letter twin included
# bigquery:       none | read (jobUser + dataViewer on the ledger) | write (+ dataEditor, staging)
# llm_ledger:     uses the LLM usage ledger: jobUser + dataEditor on llm_usage (insertAll; every
#                 read may first send rows left in the ledger's Firestore outbox)
# secrets:        read / write / delete: tenant secret kinds (`cloud-creds`, `alert-secrets`,
#                 created at run time) or platform secrets by name (`health-probe`)
# ops_alerts:     sends to the platform's operations channel (its Slack webhook and PagerDuty
#                 routing key arrive as secret environment variables)
# firebase_auth:  verifies Firebase ID tokens with revocation checks (Auth API lookups)
# ordered:        the subscription delivers in ordering-key order (alerts: trigger before resolve)
# memory, cpu, min_instances, max_instances, timeout_seconds, concurrency: the Cloud Run revision.
# cpu_idle:       CPU only while a request is served (false: the function works after answering,
#                 as health evaluates its alert rules after the response).

locals {
  callable = {
    trigger       = "callable"
    topic         = null
    schedule      = null
    time_zone     = null
    ordered       = false
    publishes     = []
    bigquery      = "none"
    llm_ledger    = false
    secrets       = { read = [], write = [], delete = [] }
    ops_alerts    = false
    firebase_auth = true
    memory        = "512Mi"
    cpu           = "1"
    min_instances = 0
    # Rate limits are per instance: the bound per identity is the limit times this (docs/security.md).
    max_instances   = 10
    timeout_seconds = 60
    concurrency     = 80
    cpu_idle        = true
  }

  event = {
    trigger         = "pubsub"
    schedule        = null
    time_zone       = null
    ordered         = false
    bigquery        = "none"
    llm_ledger      = false
    secrets         = { read = [], write = [], delete = [] }
    ops_alerts      = false
    firebase_auth   = false
    memory          = "512Mi"
    cpu             = "1"
    min_instances   = 0
    max_instances   = 5
    timeout_seconds = 300
    concurrency     = 10
    cpu_idle        = true
  }

  scheduled = {
    trigger         = "scheduler"
    topic           = null
    ordered         = false
    publishes       = []
    bigquery        = "none"
    llm_ledger      = false
    secrets         = { read = [], write = [], delete = [] }
    ops_alerts      = false
    firebase_auth   = false
    memory          = "512Mi"
    cpu             = "1"
    min_instances   = 0
    max_instances   = 1
    timeout_seconds = 540
    concurrency     = 1
    cpu_idle        = true
  }

  functions = {
    getCostSummary = merge(local.callable, { bigquery = "read", memory = "1Gi", timeout_seconds = 120 })
    listAnomalies  = local.callable
    updateAnomaly  = merge(local.callable, { publishes = ["alerts"] })
    listRecommendations  = local.callable
    updateRecommendation = local.callable
    getForecast    = local.callable
    upsertBudget   = local.callable
    listBudgets    = local.callable
    deleteBudget   = local.callable
    connectCloudAccount = merge(local.callable, {
      secrets = { read = [], write = ["cloud-creds"], delete = [] }
    })
    listCloudAccounts = local.callable
    disconnectCloudAccount = merge(local.callable, {
      secrets = { read = [], write = [], delete = ["cloud-creds"] }
    })
    upsertAlertChannel = merge(local.callable, {
      secrets = { read = [], write = ["alert-secrets"], delete = [] }
    })
    testAlertChannel = merge(local.callable, {
      secrets = { read = ["alert-secrets"], write = [], delete = [] }
    })
    createApiKey    = local.callable
    revokeApiKey    = local.callable
    recordLlmUsage  = merge(local.callable, { max_instances = 20, publishes = ["alerts"], llm_ledger = true })
    getLlmUsage     = merge(local.callable, { llm_ledger = true })
    checkLlmBudget  = merge(local.callable, { max_instances = 20, llm_ledger = true })
    getLlmReconciliation = merge(local.callable, { llm_ledger = true })
    recordLlmInvoice     = local.callable
    getSession      = local.callable
    endSession      = local.callable
    saveWorkspace   = local.callable
    listWorkspaces  = local.callable
    deleteWorkspace = local.callable
    verifyAuditLog  = merge(local.callable, { memory = "1Gi", timeout_seconds = 300 })

    fanOutCollection = merge(local.event, {
      topic         = "nightly-collect"
      publishes     = ["collect-account", "costs-collected", "nightly-collect.dead-letter"]
      max_instances = 2
      concurrency   = 1
    })
    collectAccount = merge(local.event, {
      topic           = "collect-account"
      publishes       = ["collect-account.dead-letter", "costs-collected"]
      bigquery        = "write"
      secrets         = { read = ["cloud-creds"], write = [], delete = [] }
      memory          = "2Gi"
      cpu             = "2"
      max_instances   = 10
      timeout_seconds = 540
      concurrency     = 1
    })
    collectAccountFailed = merge(local.event, {
      topic           = "collect-account.dead-letter"
      publishes       = ["alerts", "costs-collected"]
      timeout_seconds = 60
    })
    analyzeTenant = merge(local.event, {
      topic           = "costs-collected"
      publishes       = ["alerts", "costs-collected.dead-letter"]
      # writes: AI spend from the usage ledger enters the cost ledger as CostRecords each night
      bigquery        = "write"
      llm_ledger      = true
      # read: a root cause is drilled down to resources through the account's own provider API
      secrets         = { read = ["cloud-creds"], write = [], delete = [] }
      memory          = "2Gi"
      cpu             = "2"
      max_instances   = 10
      timeout_seconds = 540
      concurrency     = 1
    })
    # Gateways publish usage batches here (outputs.tf gateway_topics: the messaging module grants
    # them publish); one instance handles a batch of up to 1,000 events at a time.
    ingestLlmUsage = merge(local.event, {
      topic         = "llm-usage"
      publishes     = ["alerts", "llm-usage.dead-letter"]
      llm_ledger    = true
      memory        = "1Gi"
      max_instances = 20
      concurrency   = 4
    })
    dispatchAlerts = merge(local.event, {
      topic           = "alerts"
      ordered         = true
      publishes       = ["alerts.dead-letter"]
      secrets         = { read = ["alert-secrets"], write = [], delete = [] }
      ops_alerts      = true
      timeout_seconds = 120
    })

    retryPendingAlerts = merge(local.scheduled, {
      schedule   = "*/10 * * * *"
      time_zone  = "Etc/UTC"
      secrets    = { read = ["alert-secrets"], write = [], delete = [] }
      ops_alerts = true
    })
    sendDigests = merge(local.scheduled, {
      schedule   = "0 8 * * *"
      time_zone  = "Etc/UTC"
      secrets    = { read = ["alert-secrets"], write = [], delete = [] }
      ops_alerts = true
    })
    syncRecommendations = merge(local.scheduled, {
      schedule  = "0 6 * * *"
      time_zone = "Etc/UTC"
      # read: realized savings compare the ledger before and after a recommendation was applied
      bigquery  = "read"
    })

    health = merge(local.callable, {
      trigger         = "http"
      bigquery        = "read"
      secrets         = { read = ["health-probe"], write = [], delete = [] }
      ops_alerts      = true
      max_instances   = 3
      timeout_seconds = 10
      cpu_idle        = false
    })

    # MCP over Streamable HTTP: verifies bearer ID tokens and API keys itself, reads the ledger.
    mcp = merge(local.callable, {
      trigger         = "http"
      bigquery        = "read"
      llm_ledger      = true
      memory          = "1Gi"
      timeout_seconds = 120
    })
  }
}
