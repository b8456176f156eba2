# Production: COSTMON_ENV=prod selects config/prod.yaml (runtime gcp, the operations channel on);
# the most used callables keep a warm instance; nothing can be destroyed from Terraform.
module "platform" {
  source = "../../modules/platform"

  project_id            = var.project_id
  region                = var.region
  environment           = "prod"
  image                 = var.image
  firestore_location    = "eur3"
  bigquery_location     = "EU"
  dashboard_url         = var.dashboard_url
  cors_origins          = var.cors_origins
  billing_account       = var.billing_account
  monthly_budget        = var.monthly_budget
  alert_email           = var.alert_email
  ops_slack_enabled     = true
  ops_pagerduty_enabled = true
  min_instances = {
    getCostSummary = 1
    getSession     = 1
  }
  deletion_protection = true
}
