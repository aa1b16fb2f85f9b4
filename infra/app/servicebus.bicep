// Service Bus (Standard) with a queue per serviceBusTrigger in src/Pipeline.Functions/*/function.json.
// Local (SAS) authentication is off: the function app and the pipeline CLI use Entra tokens.
param name string
param location string
param tags object
@description('Log Analytics workspace that receives the namespace metrics (dead-lettered and active message counts).')
param workspaceId string

// Kept in step with the function.json files by InfraTests.
var queues = [
  'feedreads'
  'candidates'
  'verifications'
  'shortlists'
  'notifications'
  'mailsync'
  'replies'
]

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for q in queues: {
  parent: namespace
  name: q
  properties: {
    // As the local host: redelivered on failure, dead-lettered after 10 deliveries; a 5-minute lock covers the
    // longest invocation (host.json functionTimeout is 10 minutes, the lock is renewed).
    maxDeliveryCount: 10
    lockDuration: 'PT5M'
    defaultMessageTimeToLive: 'P14D'
    deadLetteringOnMessageExpiration: true
    // Duplicate detection needs a message id the sender chooses; the host's output binding gives every message a
    // fresh one, so it would catch nothing. Every handler is idempotent instead (see README, exactly-once effects).
    requiresDuplicateDetection: false
  }
}]

// Metrics (DeadletteredMessages, ActiveMessages, ThrottledRequests per queue) to Log Analytics, for the admin guide's queries.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: workspaceId
    metrics: [ { category: 'AllMetrics', enabled: true } ]
    logs: [ { categoryGroup: 'allLogs', enabled: true } ]
  }
}

output id string = namespace.id
output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
