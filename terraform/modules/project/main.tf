# Project services and identities: the APIs the platform uses, one service account per function
# (its runtime identity), one push identity per Pub/Sub subscription and one caller identity per
# scheduled job, and the project-level roles each runtime identity needs. Roles on single
# resources (topics, datasets, secrets, services) are granted where those resources live.

locals {
  services = toset([
    "artifactregistry.googleapis.com",
    "bigquery.googleapis.com",
    "billingbudgets.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "firebase.googleapis.com",
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "identitytoolkit.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])

  # getCostSummary -> get-cost-summary (service account ids: 6-30 characters).
  kebab = { for name, f in var.functions : name => lower(replace(name, "/([A-Z])/", "-$1")) }

  pubsub_functions    = { for name, f in var.functions : name => f if f.trigger == "pubsub" }
  scheduled_functions = { for name, f in var.functions : name => f if f.trigger == "scheduler" }

  datastore_users = var.functions
  auth_viewers    = { for name, f in var.functions : name => f if f.firebase_auth }
  bigquery_users  = { for name, f in var.functions : name => f if f.bigquery != "none" || f.llm_ledger }

  pubsub_agent    = "service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  scheduler_agent = "service-${data.google_project.this.number}@gcp-sa-cloudscheduler.iam.gserviceaccount.com"
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "api" {
  for_each           = local.services
  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# The runtime identity of each function.
resource "google_service_account" "function" {
  for_each     = var.functions
  project      = var.project_id
  account_id   = "fn-${local.kebab[each.key]}"
  display_name = "costmon ${each.key}"
  description  = "Runtime identity of the ${each.key} function (${each.value.trigger})."
  depends_on   = [google_project_service.api]
}

# The identity Pub/Sub signs each push subscription's OIDC token as; it may invoke that one function.
resource "google_service_account" "push" {
  for_each     = local.pubsub_functions
  project      = var.project_id
  account_id   = "push-${local.kebab[each.key]}"
  display_name = "costmon push to ${each.key}"
  description  = "OIDC identity of the push subscription on ${each.value.topic} that delivers to ${each.key}."
  depends_on   = [google_project_service.api]
}

# The identity Cloud Scheduler signs each job's OIDC token as; it may invoke that one function.
resource "google_service_account" "scheduler" {
  for_each     = local.scheduled_functions
  project      = var.project_id
  account_id   = "sched-${local.kebab[each.key]}"
  display_name = "costmon scheduler for ${each.key}"
  description  = "OIDC identity of the Cloud Scheduler job that calls ${each.key}."
  depends_on   = [google_project_service.api]
}

# Pub/Sub mints the push OIDC tokens as the push identity (needed explicitly on projects made
# before April 2021; harmless after).
resource "google_service_account_iam_member" "pubsub_token_creator" {
  for_each           = local.pubsub_functions
  service_account_id = google_service_account.push[each.key].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${local.pubsub_agent}"
}

# Every function keeps state in Firestore (sessions, audit chain, idempotency leases, lockouts).
resource "google_project_iam_member" "datastore_user" {
  for_each = local.datastore_users
  project  = var.project_id
  role     = "roles/datastore.user"
  member   = google_service_account.function[each.key].member
}

# Callables (and health's details) verify Firebase ID tokens with a revocation lookup (accounts:lookup).
resource "google_project_iam_member" "firebase_auth_viewer" {
  for_each = local.auth_viewers
  project  = var.project_id
  role     = "roles/firebaseauth.viewer"
  member   = google_service_account.function[each.key].member
}

# Queries and load jobs run as jobs of this project; data access is granted per dataset.
resource "google_project_iam_member" "bigquery_job_user" {
  for_each = local.bigquery_users
  project  = var.project_id
  role     = "roles/bigquery.jobUser"
  member   = google_service_account.function[each.key].member
}
