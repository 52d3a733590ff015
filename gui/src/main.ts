// The application shell: login, role-aware navigation, the notice area, and hash routing.
import './styles.css';
import { api, RequestError, setUnauthenticatedHandler } from './api.ts';
import { fill, h } from './dom.ts';
import { field, textInput } from './forms.ts';
import { clearNotices, noticeArea } from './notices.ts';
import { currentPath, matchRoute, type View } from './router.ts';
import { applyTheme, themeToggle } from './theme.ts';
import { installKeys } from './keys.ts';
import type { Me } from '@netspotter/shared/api';
import { hasRole, me, setMe } from './session.ts';
import { targetsView } from './views/targets.ts';
import { tasksView } from './views/tasks.ts';
import { templatesView } from './views/templates.ts';
import { topologyView } from './views/topology.ts';
import { auditView } from './views/audit.ts';
import { agentsView } from './views/agents.ts';
import { sequencesView } from './views/sequences.ts';
import { resultsView } from './views/results.ts';
import { devicesView } from './views/device.ts';
import { searchView } from './views/search.ts';
import { alertsView } from './alerts/alerts-view.ts';
import { incidentView } from './alerts/incident-view.ts';
import { monitorsView } from './views/monitors.ts';

const views: View[] = [
  targetsView,
  tasksView,
  templatesView,
  sequencesView,
  resultsView,
  topologyView,
  monitorsView,
  agentsView,
  alertsView,
  incidentView,
  auditView,
  devicesView,
  searchView,
];
applyTheme();
installKeys();
const app = document.getElementById('app')!;
let cleanup: (() => void) | void;

function showLogin(): void {
  setMe(undefined);
  cleanup?.();
  cleanup = undefined;
  const username = field('Username', textInput('username', { autocomplete: 'username', required: true }));
  const password = field(
    'Password',
    h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true }),
  );
  const submit = h('button', { type: 'submit' }, 'Log in');
  const form = h(
    'form',
    { class: 'login', 'aria-label': 'Log in' },
    h('h1', {}, 'Netspotter'),
    username.wrap,
    password.wrap,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    password.setError();
    submit.disabled = true;
    try {
      const who = await api<Me>('POST', '/api/auth/login', {
        username: username.input.value,
        password: password.input.value,
      });
      clearNotices();
      setMe(who);
      showShell();
    } catch (err) {
      if (err instanceof RequestError && err.status === 401) password.setError(err.message);
      password.input.select();
    } finally {
      submit.disabled = false;
    }
  });
  fill(app, h('main', { class: 'login-page' }, form), noticeArea());
  username.input.focus();
}

async function logout(): Promise<void> {
  await api('POST', '/api/auth/logout').catch(() => undefined);
  location.hash = '';
  showLogin();
}

const main = h('main', { id: 'main', tabindex: '-1' });
const nav = h('nav', { 'aria-label': 'Sections' });
const searchBox = h('input', {
  type: 'search',
  id: 'global-search',
  name: 'q',
  placeholder: 'Search: device, port, MAC or IP  ( / )',
  'aria-label': 'Search devices, ports, MACs and addresses',
  autocomplete: 'off',
});
const searchForm = h('form', { role: 'search', class: 'global-search' }, searchBox);
searchForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const q = searchBox.value.trim();
  if (q) location.hash = `#/search?${new URLSearchParams({ q })}`;
});

function showShell(): void {
  const who = me()!;
  const header = h(
    'header',
    { class: 'top' },
    h('span', { class: 'brand' }, 'Netspotter'),
    nav,
    searchForm,
    h(
      'span',
      { class: 'who' },
      themeToggle(),
      h('span', { 'data-testid': 'whoami' }, `${who.username} (${who.role})`),
      h('button', { type: 'button', onclick: () => void logout() }, 'Log out'),
    ),
  );
  fill(
    app,
    header,
    who.role === 'viewer'
      ? h(
          'div',
          { class: 'readonly-banner', role: 'note' },
          'Read-only: viewers can look but not change anything.',
        )
      : null,
    noticeArea(),
    main,
  );
  void route();
}

async function route(): Promise<void> {
  if (!me()) return;
  const allowed = views.filter((v) => hasRole(v.minRole));
  const found = matchRoute(allowed, currentPath());
  const view = found?.view ?? allowed[0]!;
  fill(
    nav,
    ...allowed
      .filter((v) => !v.hidden)
      .map((v) => h('a', { href: `#${v.path}`, ...(v === view && { 'aria-current': 'page' }) }, v.title)),
  );
  cleanup?.();
  cleanup = undefined;
  // Notices belong to the page they were raised on.
  clearNotices();
  document.title = `${view.title} — Netspotter`;
  fill(main, h('h1', {}, view.title));
  const section = h('div', { class: 'view' });
  main.append(section);
  cleanup = await view.render(section, found?.rest ?? []);
}

window.addEventListener('hashchange', () => void route());
setUnauthenticatedHandler(showLogin);

api<Me>('GET', '/api/auth/me', undefined, { quietUnauthenticated: true })
  .then((who) => {
    setMe(who);
    showShell();
  })
  .catch((err) => {
    if (!(err instanceof RequestError) || err.status === 401) showLogin();
    else fill(app, noticeArea());
  });
