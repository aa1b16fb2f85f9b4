// A stand-in for the Teams JavaScript library, for browser tests only: served only with Pipeline:TeamsTestMode, which
// the app refuses in Azure. The test driving the browser sets window.pipelineTest = { token, subPageId } first.
'use strict';
window.microsoftTeams = {
  app: {
    initialize: () => Promise.resolve(),
    getContext: () => Promise.resolve({ page: { subPageId: (window.pipelineTest && window.pipelineTest.subPageId) || '' } }),
  },
  authentication: {
    getAuthToken: () => window.pipelineTest && window.pipelineTest.token
      ? Promise.resolve(window.pipelineTest.token)
      : Promise.reject(new Error('No token')),
  },
};
