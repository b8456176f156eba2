# Secret Manager: the platform's own secrets (the operations channel's webhook and routing key,
# read as secret environment variables; health's probe secret), each with IAM on that secret for
# exactly the functions that read it; and the rights on tenant secrets, which the app creates at
# run time (`cloud-creds/{tenant}/{account}`, `alert-secrets/{tenant}/{channel}`), as narrow as
# IAM allows: bindings on the project with a condition on the secret's name prefix.
#
# What IAM allows (docs/deploy.md, "Secrets"): reading, adding versions and deleting are checked
# on the secret, so a condition `resource.name.startsWith("projects/NUMBER/secrets/<prefix>")`
# confines them to one kind. Creating a secret is checked on the project (secrets.create on
# projects/P), where no name is known, so the creators hold `secretmanager.secrets.create` on
# the project without a condition, alone in a custom role: they can create a secret of any id but
# read, change or delete only their kind.

locals {
  tenant_kinds = ["cloud-creds", "alert-secrets"]
  # Secret ids of tenant secrets start with the kind, then "__" (secret-id.ts maps '/' to '__').
  prefixes = { for k in local.tenant_kinds : k => "${replace(replace(k, "_", "_u"), ".", "_d")}__" }

  conditions = {
    for k, p in local.prefixes : k => "resource.name.startsWith(\"projects/${var.project_number}/secrets/${p}\")"
  }

  platform_secrets = toset(flatten([
    for f in values(var.functions) : [for s in concat(f.secrets.read, f.secrets.write, f.secrets.delete) : s if !contains(local.tenant_kinds, s)]
  ]))

  platform_readers = merge([
    for name, f in var.functions : { for s in f.secrets.read : "${name}:${s}" => { function = name, secret = s } if !contains(local.tenant_kinds, s) }
  ]...)

  ops_readers = merge([
    for name, f in var.functions : { for key, id in var.ops_secret_ids : "${name}:${key}" => { function = name, key = key } } if f.ops_alerts
  ]...)

  tenant_reads = merge([
    for name, f in var.functions : { for k in f.secrets.read : "${name}:${k}" => { function = name, kind = k } if contains(local.tenant_kinds, k) }
  ]...)
  tenant_writes = merge([
    for name, f in var.functions : { for k in f.secrets.write : "${name}:${k}" => { function = name, kind = k } if contains(local.tenant_kinds, k) }
  ]...)
  tenant_deletes = merge([
    for name, f in var.functions : { for k in f.secrets.delete : "${name}:${k}" => { function = name, kind = k } if contains(local.tenant_kinds, k) }
  ]...)
  creators = toset([for g in values(local.tenant_writes) : g.function])
}

resource "google_secret_manager_secret" "platform" {
  for_each  = local.platform_secrets
  project   = var.project_id
  secret_id = each.key
  labels = {
    app        = "costmon"
    managed-by = "terraform"
  }
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret" "ops" {
  for_each  = var.ops_secret_ids
  project   = var.project_id
  secret_id = each.value
  labels = {
    app        = "costmon"
    managed-by = "terraform"
    kind       = "ops-channel"
  }
  replication {
    auto {}
  }
}

# Cloud Run refuses to start a revision whose secret has no version: a placeholder, which the
# operators replace with `gcloud secrets versions add` (the newest version is what runs).
resource "google_secret_manager_secret_version" "ops_placeholder" {
  for_each        = var.ops_secret_ids
  secret          = google_secret_manager_secret.ops[each.key].id
  secret_data     = "unset"
  deletion_policy = "ABANDON"
}

resource "google_secret_manager_secret_iam_member" "platform_reader" {
  for_each  = local.platform_readers
  project   = var.project_id
  secret_id = google_secret_manager_secret.platform[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.function_service_accounts[each.value.function]}"
}

resource "google_secret_manager_secret_iam_member" "ops_reader" {
  for_each  = local.ops_readers
  project   = var.project_id
  secret_id = google_secret_manager_secret.ops[each.value.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${var.function_service_accounts[each.value.function]}"
}

resource "google_project_iam_custom_role" "secret_creator" {
  project     = var.project_id
  role_id     = "costmonTenantSecretCreator"
  title       = "costmon tenant secret creator"
  description = "Create secrets (checked on the project, so it cannot be narrowed to a name prefix)."
  permissions = ["secretmanager.secrets.create"]
}

resource "google_project_iam_custom_role" "secret_deleter" {
  project     = var.project_id
  role_id     = "costmonTenantSecretDeleter"
  title       = "costmon tenant secret deleter"
  description = "Delete secrets; granted only with a condition on the secret name prefix."
  permissions = ["secretmanager.secrets.delete"]
}

resource "google_project_iam_member" "tenant_secret_reader" {
  for_each = local.tenant_reads
  project  = var.project_id
  role     = "roles/secretmanager.secretAccessor"
  member   = "serviceAccount:${var.function_service_accounts[each.value.function]}"
  condition {
    title       = "${each.value.kind} secrets only"
    description = "Secrets whose id starts with ${local.prefixes[each.value.kind]}"
    expression  = local.conditions[each.value.kind]
  }
}

resource "google_project_iam_member" "tenant_secret_creator" {
  for_each = local.creators
  project  = var.project_id
  role     = google_project_iam_custom_role.secret_creator.id
  member   = "serviceAccount:${var.function_service_accounts[each.key]}"
}

resource "google_project_iam_member" "tenant_secret_writer" {
  for_each = local.tenant_writes
  project  = var.project_id
  role     = "roles/secretmanager.secretVersionAdder"
  member   = "serviceAccount:${var.function_service_accounts[each.value.function]}"
  condition {
    title       = "${each.value.kind} secrets only"
    description = "Secrets whose id starts with ${local.prefixes[each.value.kind]}"
    expression  = local.conditions[each.value.kind]
  }
}

resource "google_project_iam_member" "tenant_secret_deleter" {
  for_each = local.tenant_deletes
  project  = var.project_id
  role     = google_project_iam_custom_role.secret_deleter.id
  member   = "serviceAccount:${var.function_service_accounts[each.value.function]}"
  condition {
    title       = "${each.value.kind} secrets only"
    description = "Secrets whose id starts with ${local.prefixes[each.value.kind]}"
    expression  = local.conditions[each.value.kind]
  }
}
