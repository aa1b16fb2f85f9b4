// The function app: Pipeline's custom handler (host.json customHandler, "dotnet Pipeline.Functions.dll") on Flex
// Consumption, following Microsoft's .NET custom-handler pattern (runtime dotnet-isolated), or on Elastic Premium.
// Every connection is identity-based: no keys or connection strings.
param name string
param planName string
param location string
param tags object
@allowed([ 'FlexConsumption', 'ElasticPremium' ])
param hostingPlan string
param identityId string
param identityClientId string
param storageAccountName string
param storageBlobEndpoint string
param storageTableEndpoint string
param deploymentContainerName string
param serviceBusNamespace string
param keyVaultName string
param applicationInsightsConnectionString string
param senderMailbox string
param teamsAppId string
@description('App settings that hold feed secrets (named by auth.secret in feeds.json); each becomes a Key Vault reference to the secret of the same name in lower case with dashes (FEED_NORTHFIELD_KEY -> feed-northfield-key).')
param feedSecretSettings array = []
@description('The .NET runtime the handler needs (the app targets net10.0).')
param dotnetVersion string = '10.0'
@description('Flex Consumption: most instances; Graph allows about 4 concurrent requests per mailbox, so keep it low.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

var isFlex = hostingPlan == 'FlexConsumption'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex ? { tier: 'FlexConsumption', name: 'FC1' } : { tier: 'ElasticPremium', name: 'EP1' }
  properties: {
    reserved: true // Linux
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: isFlex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
      runtime: { name: 'dotnet-isolated', version: dotnetVersion }
    } : null
    siteConfig: isFlex ? {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    } : {
      linuxFxVersion: 'DOTNET-ISOLATED|${dotnetVersion}'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

// Settings the code reads (kept in step with PipelineOptions and GraphOptions by SettingsConsistencyTests); the rest
// take their defaults. Secrets are Key Vault references, resolved with the app's identity.
var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  ServiceBusConnection__fullyQualifiedNamespace: serviceBusNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Flex takes the worker from functionAppConfig.runtime and refuses FUNCTIONS_WORKER_RUNTIME; Elastic Premium needs it.
var premiumSettings = isFlex ? {} : {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'custom'
  WEBSITE_RUN_FROM_PACKAGE: '1'
}

var pipelineSettings = {
  // feeds.json and requisitions.json travel in the package (see docs/admin.md, "Feeds and requisitions").
  Pipeline__ConfigDirectory: 'config'
  Pipeline__TableEndpoint: storageTableEndpoint
  Pipeline__ManagedIdentityClientId: identityClientId
  // Only used when Graph is not configured; the app's temp folder.
  Pipeline__OutboxDirectory: '/tmp/pipeline-outbox'
  Pipeline__SenderAddress: senderMailbox
  Pipeline__TeamsAppId: teamsAppId
  Pipeline__PublicBaseUrl: 'https://${site.properties.defaultHostName}'
  Pipeline__DecisionLinkKey: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=decision-link-key)'
  Graph__Mailbox: senderMailbox
  Graph__UseManagedIdentity: 'true'
  Graph__ManagedIdentityClientId: identityClientId
  Graph__NotificationClientState: '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=graph-notification-client-state)'
}

var feedSecrets = toObject(feedSecretSettings, n => n, n => '@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${toLower(replace(n, '_', '-'))})')

// These are all of the app's settings: each provision replaces them, so add settings here (or as feed secrets), not
// by hand in the portal.
resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(hostSettings, premiumSettings, pipelineSettings, feedSecrets)
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
