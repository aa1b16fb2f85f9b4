// Microsoft Graph application permissions for the function app's identity, through the Microsoft Graph Bicep
// extension. An entry point of its own, apart from ../main.bicep: the extension is fetched from a registry when the
// template compiles, and the main template must compile offline (CI). Deployed by azd's postprovision hook when
// PIPELINE_GRANT_GRAPH_PERMISSIONS is true (grant-permissions.sh / .ps1); granting needs an administrator
// (AppRoleAssignment.ReadWrite.All and Application.Read.All). Role ids are read from Graph's own service principal.
extension microsoftGraphV1

param identityPrincipalId string

@description('Leave the mail permissions to Exchange RBAC for Applications, which fences them to the shared mailbox (docs/admin.md). A tenant-wide Mail.Send consent would reach every mailbox: permissions add up.')
param mailByExchangeRbac bool = true

// What each permission is for: see the README, "Microsoft Graph".
var mailPermissions = [
  'Mail.Send'
  'Mail.ReadWrite'
]
var otherPermissions = [
  'TeamsActivity.Send'
  'AppCatalog.Read.All'
  'TeamsAppInstallation.ReadWriteForUser.All'
  'User.Read.All'
]
var permissions = mailByExchangeRbac ? otherPermissions : concat(mailPermissions, otherPermissions)

resource graph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: '00000003-0000-0000-c000-000000000000'
}

resource grants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [for permission in permissions: {
  principalId: identityPrincipalId
  resourceId: graph.id
  appRoleId: filter(graph.appRoles, role => role.value == permission)[0].id
}]
