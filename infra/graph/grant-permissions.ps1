# azd postprovision hook on Windows: as grant-permissions.sh.
$ErrorActionPreference = 'Stop'
if ($env:PIPELINE_GRANT_GRAPH_PERMISSIONS -ne 'true') {
    Write-Host 'Graph permissions not granted (PIPELINE_GRANT_GRAPH_PERMISSIONS is not true); see docs/admin.md.'
    exit 0
}
$mailByExchangeRbac = if ($env:PIPELINE_MAIL_BY_EXCHANGE_RBAC) { $env:PIPELINE_MAIL_BY_EXCHANGE_RBAC } else { 'true' }
az deployment group create `
    --name graph-permissions `
    --resource-group $env:AZURE_RESOURCE_GROUP `
    --template-file (Join-Path $PSScriptRoot 'main.bicep') `
    --parameters identityPrincipalId=$env:AZURE_MANAGED_IDENTITY_PRINCIPAL_ID mailByExchangeRbac=$mailByExchangeRbac `
    --output none
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host "Graph application permissions granted to the function app's identity."
