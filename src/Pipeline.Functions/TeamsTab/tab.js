// The Teams tab: signs in through Teams single sign-on, then asks /api/teams/shortlist for the requisition and version
// the notification's deep link names (its subPageId, "requisition/version"), or for the viewer's requisitions.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const teams = window.microsoftTeams;
  let token = null;
  let requisition = null;

  function status(message) {
    $('status').textContent = message;
    $('status').hidden = !message;
  }

  // The version control stays where it is while another version loads, so keyboard focus stays on it.
  function clear() {
    $('content').replaceChildren();
    $('signin').hidden = true;
  }

  function hideControls() {
    $('versions').hidden = true;
    $('requisitions').hidden = true;
  }

  function signIn() {
    clear();
    hideControls();
    token = null;
    status('');
    $('signin').hidden = false;
  }

  function within(promise, ms) {
    return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
  }

  function showRequisitions(list) {
    hideControls();
    const items = list.map((r) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = r.title;
      button.addEventListener('click', () => load(r.id, null));
      const item = document.createElement('li');
      item.append(button);
      return item;
    });
    $('requisition-list').replaceChildren(...items);
    $('requisitions').hidden = false;
    status(list.length === 0 ? 'You are not hiring manager, delegate or recruiter of any requisition.' : '');
  }

  function showShortlist(data) {
    $('requisitions').hidden = true;
    requisition = data.requisition;
    $('title').textContent = data.title + ' shortlist';
    document.title = data.title + ' shortlist';
    const options = data.versions.map((v) => {
      const option = document.createElement('option');
      option.value = String(v);
      option.textContent = 'Version ' + v + (v === data.versions[0] ? ' (latest)' : '');
      option.selected = v === data.version;
      return option;
    });
    $('version').replaceChildren(...options);
    $('versions').hidden = options.length === 0;
    // Composed on the server by the same code as the email, with every value from outside HTML-encoded.
    $('content').innerHTML = data.html;
    status('');
  }

  async function load(requisitionId, version, anchor) {
    clear();
    status('Loading…');
    const query = new URLSearchParams();
    if (requisitionId) query.set('requisition', requisitionId);
    if (version) query.set('version', version);
    const response = await fetch('shortlist' + (requisitionId ? '?' + query.toString() : ''), {
      headers: { Authorization: 'Bearer ' + token },
      cache: 'no-store',
    });
    if (response.status === 401) return signIn();
    if (!response.ok) hideControls();
    if (response.status === 403) return status('Only the hiring manager, delegates and recruiters of a requisition see its shortlist.');
    if (!response.ok) return status('The shortlist could not be loaded (' + response.status + '). Try again later.');
    const data = await response.json();
    if (data.requisitions) return showRequisitions(data.requisitions);
    showShortlist(data);
    // A "decisions recorded" notification leads to the decisions.
    if (anchor === 'decisions' && $('decisions-heading')) $('decisions-heading').scrollIntoView();
  }

  async function start() {
    clear();
    hideControls();
    status('Signing you in…');
    let context = null;
    try {
      await within(teams.app.initialize(), 5000);
      context = await within(teams.app.getContext(), 5000);
      token = await within(teams.authentication.getAuthToken(), 15000);
    } catch (e) {
      return signIn();
    }
    const [requisitionId, version, anchor] = ((context && context.page && context.page.subPageId) || '').split('/');
    try {
      await load(requisitionId, version, anchor);
    } catch (e) {
      status('The shortlist could not be loaded. Try again later.');
    }
  }

  $('version').addEventListener('change', () => load(requisition, $('version').value));
  $('retry').addEventListener('click', start);
  start();
})();
