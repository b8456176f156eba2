# The whole platform in one project: each environment root (envs/dev, envs/prod) calls this
# module with its settings. The function catalog (modules/catalog) drives every other module.

locals {
  repo_root = "${path.module}/../../.."
}

module "catalog" {
  source = "../catalog"
}

module "project" {
  source     = "../project"
  project_id = var.project_id
  functions  = module.catalog.functions
}

module "artifacts" {
  source      = "../artifacts"
  project_id  = var.project_id
  region      = var.region
  name_prefix = var.name_prefix
  depends_on  = [module.project]
}

module "secrets" {
  source                    = "../secrets"
  project_id                = var.project_id
  project_number            = module.project.project_number
  functions                 = module.catalog.functions
  function_service_accounts = module.project.function_service_accounts
}

module "bigquery" {
  source                    = "../bigquery"
  project_id                = var.project_id
  location                  = var.bigquery_location
  cost_dataset              = var.cost_dataset
  staging_dataset           = var.staging_dataset
  functions                 = module.catalog.functions
  function_service_accounts = module.project.function_service_accounts
  deletion_protection       = var.deletion_protection
}

module "firestore" {
  source            = "../firestore"
  project_id        = var.project_id
  location          = var.firestore_location
  indexes_file      = "${local.repo_root}/firestore.indexes.json"
  rules_file        = "${local.repo_root}/firestore.rules"
  delete_protection = var.deletion_protection
  depends_on        = [module.project]
}

module "functions" {
  source                     = "../functions"
  project_id                 = var.project_id
  region                     = var.region
  environment                = var.environment
  name_prefix                = var.name_prefix
  service_names              = module.project.service_names
  image                      = var.image
  functions                  = module.catalog.functions
  function_service_accounts  = module.project.function_service_accounts
  push_service_accounts      = module.project.push_service_accounts
  scheduler_service_accounts = module.project.scheduler_service_accounts
  oidc_audience_domain       = var.oidc_audience_domain
  topic_prefix               = var.topic_prefix
  bigquery_location          = var.bigquery_location
  cost_dataset               = module.bigquery.dataset_ids["cost_analytics"]
  staging_dataset            = module.bigquery.dataset_ids["staging"]
  dashboard_url              = var.dashboard_url
  cors_origins               = var.cors_origins
  ops_secret_ids             = module.secrets.ops_secret_ids
  ops_slack_enabled          = var.ops_slack_enabled
  ops_pagerduty_enabled      = var.ops_pagerduty_enabled
  min_instances              = var.min_instances
  max_instances              = var.max_instances
  deletion_protection        = var.deletion_protection
  depends_on                 = [module.secrets, module.firestore]
}

module "messaging" {
  source                    = "../messaging"
  project_id                = var.project_id
  topic_prefix              = var.topic_prefix
  base_topics               = module.catalog.base_topics
  functions                 = module.catalog.functions
  service_names             = module.project.service_names
  function_service_accounts = module.project.function_service_accounts
  push_service_accounts     = module.project.push_service_accounts
  service_uris              = module.functions.uris
  oidc_audiences            = module.functions.oidc_audiences
  pubsub_service_agent      = module.project.pubsub_service_agent
  dead_letter_max_attempts  = var.dead_letter_max_attempts
  gateway_topics            = module.catalog.gateway_topics
  gateway_publishers        = var.llm_gateway_publishers
}

module "scheduler" {
  source                     = "../scheduler"
  project_id                 = var.project_id
  region                     = var.region
  name_prefix                = var.name_prefix
  functions                  = module.catalog.functions
  service_names              = module.project.service_names
  service_uris               = module.functions.uris
  scheduler_service_accounts = module.project.scheduler_service_accounts
  oidc_audiences             = module.functions.oidc_audiences
  topic_ids                  = module.messaging.topic_ids
  scheduler_service_agent    = module.project.scheduler_service_agent
  nightly_schedule           = var.nightly_schedule
}

module "monitoring" {
  source          = "../monitoring"
  project_id      = var.project_id
  project_number  = module.project.project_number
  environment     = var.environment
  name_prefix     = var.name_prefix
  topic_prefix    = var.topic_prefix
  service_names   = module.functions.service_names
  billing_account = var.billing_account
  monthly_budget  = var.monthly_budget
  budget_currency = var.budget_currency
  alert_email     = var.alert_email
}
