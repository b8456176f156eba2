/**
 * Service -> FOCUS ServiceCategory tables for the common services, copied from public maps.
 * test/domain/billing/normalize/service-category.test.ts checks every entry against the source files,
 * so a typo here fails the build.
 */

/**
 * AWS product code (CUR `lineItem/ProductCode`) -> category.
 * Source: finopsfoundation/focus_converters@c799bf9,
 * focus_converter_base/focus_converter/conversion_configs/aws/mapping_files/aws_category_mapping.csv
 */
export const AWS_CATEGORY_BY_PRODUCT_CODE: Readonly<Record<string, string>> = {
  AmazonEC2: "Compute",
  AWSLambda: "Compute",
  AmazonECS: "Compute",
  AmazonEKS: "Compute",
  AmazonECR: "Compute",
  AmazonLightsail: "Compute",
  AmazonS3: "Storage",
  AmazonEFS: "Storage",
  AmazonEBS: "Storage",
  AmazonGlacier: "Storage",
  AmazonFSx: "Storage",
  AWSBackup: "Storage",
  AmazonRDS: "Databases",
  AmazonDynamoDB: "Databases",
  AmazonElastiCache: "Databases",
  AmazonRedshift: "Databases",
  AmazonDocDB: "Databases",
  AmazonCloudFront: "Networking",
  AmazonRoute53: "Networking",
  AmazonVPC: "Networking",
  AWSELB: "Networking",
  AWSDataTransfer: "Networking",
  AmazonApiGateway: "Networking",
  AWSDirectConnect: "Networking",
  AWSQueueService: "Integration",
  AmazonSNS: "Integration",
  AmazonStates: "Integration",
  AmazonMQ: "Integration",
  AmazonCloudWatch: "Management and Governance",
  AWSCloudTrail: "Management and Governance",
  AWSConfig: "Management and Governance",
  AWSSystemsManager: "Management and Governance",
  AWSCloudFormation: "Management and Governance",
  AWSGlue: "Analytics",
  AmazonAthena: "Analytics",
  AmazonKinesis: "Analytics",
  AmazonKinesisFirehose: "Analytics",
  AmazonQuickSight: "Analytics",
  ElasticMapReduce: "Analytics",
  AmazonSageMaker: "AI and Machine Learning",
  AmazonBedrock: "AI and Machine Learning",
  AmazonRekognition: "AI and Machine Learning",
  awskms: "Security",
  AWSSecretsManager: "Security",
  AmazonGuardDuty: "Security",
  AWSSecurityHub: "Security",
  awswaf: "Security",
  AmazonCognito: "Security",
  AWSIoT: "Internet of Things",
};

/**
 * AWS service display name (FOCUS ServiceName, CUR `product/ProductName`) -> product code.
 * The pairs marked (sample) occur in focus_converters' aws-cur sample and are tested against it;
 * the others are AWS's published product names (not in that sample).
 */
export const AWS_PRODUCT_CODE_BY_NAME: Readonly<Record<string, string>> = {
  "Amazon Simple Storage Service": "AmazonS3", // (sample)
  "AWS Glue": "AWSGlue", // (sample)
  "Amazon Simple Queue Service": "AWSQueueService", // (sample)
  "Amazon Simple Notification Service": "AmazonSNS", // (sample)
  AmazonCloudWatch: "AmazonCloudWatch", // (sample)
  "AWS Key Management Service": "awskms", // (sample)
  "Amazon Elastic File System": "AmazonEFS", // (sample)
  "AWS Secrets Manager": "AWSSecretsManager", // (sample)
  "AWS CloudTrail": "AWSCloudTrail", // (sample)
  "AWS IoT": "AWSIoT", // (sample)
  "AWS Step Functions": "AmazonStates", // (sample)
  "AWS Data Transfer": "AWSDataTransfer", // (sample)
  "Amazon Elastic Compute Cloud": "AmazonEC2",
  "AWS Lambda": "AWSLambda",
  "Amazon Relational Database Service": "AmazonRDS",
  "Amazon DynamoDB": "AmazonDynamoDB",
  "Amazon CloudFront": "AmazonCloudFront",
  "Amazon Virtual Private Cloud": "AmazonVPC",
  "Elastic Load Balancing": "AWSELB",
  "Amazon Route 53": "AmazonRoute53",
  "Amazon Elastic Container Service": "AmazonECS",
  "Amazon Elastic Container Service for Kubernetes": "AmazonEKS",
  "Amazon EC2 Container Registry (ECR)": "AmazonECR",
  "AWS Systems Manager": "AWSSystemsManager",
  "AWS Security Hub": "AWSSecurityHub",
  "AWS WAF": "awswaf",
  "Amazon API Gateway": "AmazonApiGateway",
};

/**
 * Azure ServiceName -> category.
 * Source: microsoft/finops-toolkit@04d370f, src/open-data/Services.csv (ServiceName, ServiceCategory).
 */
export const AZURE_CATEGORY_BY_SERVICE_NAME: Readonly<Record<string, string>> = {
  "Virtual Machines": "Compute",
  "Virtual Machine Scale Sets": "Compute",
  "Azure Kubernetes Service": "Compute",
  "Azure Container Instances": "Compute",
  "Azure Container Apps": "Compute",
  Functions: "Compute",
  Batch: "Compute",
  "Storage Accounts": "Storage",
  "Azure Backup": "Storage",
  "Azure NetApp Files": "Storage",
  "Azure SQL Database": "Databases",
  "Azure DB for MySQL": "Databases",
  "Azure DB for PostgreSQL": "Databases",
  "Azure Cache for Redis": "Databases",
  "Cosmos DB": "Databases",
  "Virtual Network": "Networking",
  "Load Balancer": "Networking",
  "Application Gateway": "Networking",
  "Azure DNS": "Networking",
  "Azure Front Door": "Networking",
  "Azure Firewall": "Networking",
  "Azure Bastion": "Networking",
  "VPN Gateway": "Networking",
  "Azure ExpressRoute": "Networking",
  "Azure App Service": "Web",
  "Key Vault": "Security",
  "Microsoft Defender for Cloud": "Security",
  "Azure Monitor": "Management and Governance",
  "Event Hubs": "Integration",
  "Service Bus": "Integration",
  "Logic Apps": "Integration",
  "API Management": "Integration",
  "Azure Data Factory": "Integration",
  "Azure Synapse Analytics": "Analytics",
  "Azure Databricks": "Analytics",
  "Azure Machine Learning": "AI and Machine Learning",
  "Azure AI Services": "AI and Machine Learning",
};

/**
 * Azure resource provider (EA `ConsumedService`) -> category.
 * Source: finopsfoundation/focus_converters@c799bf9, .../conversion_configs/azure/mapping_files/azure_category_mapping.csv
 */
export const AZURE_CATEGORY_BY_CONSUMED_SERVICE: Readonly<Record<string, string>> = {
  "microsoft.compute": "Compute",
  "microsoft.containerservice": "Compute",
  "microsoft.containerinstance": "Compute",
  "microsoft.classiccompute": "Compute",
  "microsoft.storage": "Storage",
  "microsoft.classicstorage": "Storage",
  "microsoft.sql": "Databases",
  "microsoft.dbformysql": "Databases",
  "microsoft.documentdb": "Databases",
  "microsoft.network": "Networking",
  "microsoft.classicnetwork": "Networking",
  "microsoft.web": "Web",
  "microsoft.cdn": "Web",
  "microsoft.keyvault": "Security",
  "microsoft.security": "Security",
  "microsoft.insights": "Management and Governance",
  "microsoft.operationalinsights": "Management and Governance",
  "microsoft.recoveryservices": "Management and Governance",
  "microsoft.eventhub": "Integration",
  "microsoft.servicebus": "Integration",
  "microsoft.logic": "Integration",
  "microsoft.apimanagement": "Integration",
  "microsoft.datafactory": "Integration",
  "microsoft.synapse": "Analytics",
  "microsoft.kusto": "Analytics",
  "microsoft.machinelearningservices": "AI and Machine Learning",
  "microsoft.cognitiveservices": "AI and Machine Learning",
  "microsoft.databricks": "AI and Machine Learning",
};

/**
 * GCP service description (billing export `service.description`) -> category.
 * Source: finopsfoundation/focus_converters@c799bf9, .../conversion_configs/gcp/mapping_files/gcp_category_mapping.csv
 */
export const GCP_CATEGORY_BY_SERVICE: Readonly<Record<string, string>> = {
  "Compute Engine": "Compute",
  "Kubernetes Engine": "Compute",
  "Cloud Run": "Compute",
  "Cloud Functions": "Compute",
  "App Engine": "Compute",
  "Artifact Registry": "Compute",
  "Cloud Storage": "Storage",
  "Cloud Filestore": "Storage",
  BigQuery: "Databases",
  "Cloud SQL": "Databases",
  "Cloud Spanner": "Databases",
  "Cloud Bigtable": "Databases",
  "Cloud Memorystore for Redis": "Databases",
  "Cloud DNS": "Networking",
  "Cloud CDN": "Networking",
  Networking: "Networking",
  "Cloud Pub/Sub": "Integration",
  "Cloud Logging": "Management and Governance",
  "Vertex AI": "AI and Machine Learning",
  "Secret Manager": "Security",
  "Cloud Key Management Service (KMS)": "Security",
  "Cloud Build": "Developer Tools",
  "Cloud Dataflow": "Analytics",
  "Cloud Composer": "Analytics",
};
