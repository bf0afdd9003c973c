"""The service endpoints of the hashicorp/aws 5.100.0 provider (its `endpoints` block), from its schema.

Each service is set once, by its primary name: the provider warns ("Only one of the following attributes should
be set") when an alias of the same service is set too. A test compares primary names plus aliases with
`terraform providers schema -json`, so an upgrade that adds a service fails instead of sending it to real AWS.
"""

PROVIDER_ENDPOINTS = (
    "accessanalyzer", "account", "acm", "acmpca", "amp", "amplify", "apigateway", "apigatewayv2", "appautoscaling",
    "appconfig", "appfabric", "appflow", "appintegrations", "applicationinsights", "applicationsignals", "appmesh",
    "apprunner", "appstream", "appsync", "athena", "auditmanager", "autoscaling", "autoscalingplans", "backup",
    "batch", "bcmdataexports", "bedrock", "bedrockagent", "billing", "budgets", "ce", "chatbot", "chime",
    "chimesdkmediapipelines", "chimesdkvoice", "cleanrooms", "cloud9", "cloudcontrol", "cloudformation", "cloudfront",
    "cloudfrontkeyvaluestore", "cloudhsmv2", "cloudsearch", "cloudtrail", "cloudwatch", "codeartifact", "codebuild",
    "codecatalyst", "codecommit", "codeconnections", "codeguruprofiler", "codegurureviewer", "codepipeline",
    "codestarconnections", "codestarnotifications", "cognitoidentity", "cognitoidp", "comprehend", "computeoptimizer",
    "configservice", "connect", "connectcases", "controltower", "costoptimizationhub", "cur", "customerprofiles",
    "databrew", "dataexchange", "datapipeline", "datasync", "datazone", "dax", "deploy", "detective", "devicefarm",
    "devopsguru", "directconnect", "dlm", "dms", "docdb", "docdbelastic", "drs", "ds", "dsql", "dynamodb", "ec2",
    "ecr", "ecrpublic", "ecs", "efs", "eks", "elasticache", "elasticbeanstalk", "elasticsearch", "elastictranscoder",
    "elb", "elbv2", "emr", "emrcontainers", "emrserverless", "events", "evidently", "evs", "finspace", "firehose",
    "fis", "fms", "fsx", "gamelift", "glacier", "globalaccelerator", "glue", "grafana", "greengrass", "groundstation",
    "guardduty", "healthlake", "iam", "identitystore", "imagebuilder", "inspector", "inspector2", "internetmonitor",
    "invoicing", "iot", "iotanalytics", "iotevents", "ivs", "ivschat", "kafka", "kafkaconnect", "kendra", "keyspaces",
    "kinesis", "kinesisanalytics", "kinesisanalyticsv2", "kinesisvideo", "kms", "lakeformation", "lambda",
    "launchwizard", "lexmodels", "lexv2models", "licensemanager", "lightsail", "location", "logs", "lookoutmetrics",
    "m2", "macie2", "mediaconnect", "mediaconvert", "medialive", "mediapackage", "mediapackagev2", "mediapackagevod",
    "mediastore", "memorydb", "mgn", "mq", "mwaa", "neptune", "neptunegraph", "networkfirewall", "networkmanager",
    "networkmonitor", "notifications", "notificationscontacts", "oam", "opensearch", "opensearchserverless",
    "opsworks", "organizations", "osis", "outposts", "paymentcryptography", "pcaconnectorad", "pcs", "pinpoint",
    "pinpointsmsvoicev2", "pipes", "polly", "pricing", "qbusiness", "qldb", "quicksight", "ram", "rbin", "rds",
    "redshift", "redshiftdata", "redshiftserverless", "rekognition", "resiliencehub", "resourceexplorer2",
    "resourcegroups", "resourcegroupstaggingapi", "rolesanywhere", "route53", "route53domains", "route53profiles",
    "route53recoverycontrolconfig", "route53recoveryreadiness", "route53resolver", "rum", "s3", "s3control",
    "s3outposts", "s3tables", "sagemaker", "scheduler", "schemas", "secretsmanager", "securityhub", "securitylake",
    "serverlessrepo", "servicecatalog", "servicecatalogappregistry", "servicediscovery", "servicequotas", "ses",
    "sesv2", "sfn", "shield", "signer", "simpledb", "sns", "sqs", "ssm", "ssmcontacts", "ssmincidents",
    "ssmquicksetup", "ssmsap", "sso", "ssoadmin", "storagegateway", "sts", "swf", "synthetics", "taxsettings",
    "timestreaminfluxdb", "timestreamquery", "timestreamwrite", "transcribe", "transfer", "verifiedpermissions",
    "vpclattice", "waf", "wafregional", "wafv2", "wellarchitected", "worklink", "workspaces", "workspacesweb", "xray",
)

# Other names the provider accepts for a service above (e.g. `cloudwatchlogs` for `logs`).
ENDPOINT_ALIASES = (
    "amg", "appintegrationsservice", "applicationautoscaling", "appregistry", "beanstalk", "cloudcontrolapi",
    "cloudhsm", "cloudwatchevents", "cloudwatchevidently", "cloudwatchlog", "cloudwatchlogs",
    "cloudwatchobservabilityaccessmanager", "cloudwatchrum", "codedeploy", "cognitoidentityprovider", "config",
    "costandusagereportservice", "costexplorer", "databasemigration", "databasemigrationservice", "directoryservice",
    "elasticloadbalancing", "elasticloadbalancingv2", "elasticsearchservice", "es", "eventbridge", "gluedatabrew",
    "inspectorv2", "lex", "lexmodelbuilding", "lexmodelbuildingservice", "lexmodelsv2", "locationservice",
    "managedgrafana", "msk", "opensearchingestion", "opensearchservice", "prometheus", "prometheusservice",
    "recyclebin", "redshiftdataapiservice", "resourcegroupstagging", "s3api", "sdb",
    "serverlessapplicationrepository", "serverlessapprepo", "stepfunctions", "transcribeservice",
)
