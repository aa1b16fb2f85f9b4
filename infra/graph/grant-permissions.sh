#!/bin/sh
# azd postprovision hook: grants the function app's identity its Microsoft Graph application permissions
# (infra/graph/main.bicep) when PIPELINE_GRANT_GRAPH_PERMISSIONS is true. Needs the Azure CLI, signed in as an
# administrator who may grant application permissions. Without the setting it does nothing: grant them later with
# `PIPELINE_GRANT_GRAPH_PERMISSIONS=true azd hooks run postprovision`, or see docs/admin.md.
set -eu
if [ "${PIPELINE_GRANT_GRAPH_PERMISSIONS:-false}" != "true" ]; then
  echo "Graph permissions not granted (PIPELINE_GRANT_GRAPH_PERMISSIONS is not true); see docs/admin.md."
  exit 0
fi
az deployment group create \
  --name graph-permissions \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --template-file "$(dirname "$0")/main.bicep" \
  --parameters identityPrincipalId="$AZURE_MANAGED_IDENTITY_PRINCIPAL_ID" \
               mailByExchangeRbac="${PIPELINE_MAIL_BY_EXCHANGE_RBAC:-true}" \
  --output none
echo "Graph application permissions granted to the function app's identity."
