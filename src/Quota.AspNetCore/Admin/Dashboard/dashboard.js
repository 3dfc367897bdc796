// Quota's admin dashboard. Reads the JSON API beside it and draws each policy's subjects as usage bars, fullest first.
// Data (subject keys, meter and policy names, reasons) is written with textContent or as attribute values only, never as
// markup; URLs are built with URLSearchParams. State-changing requests send the X-Quota-Admin header the API requires.
'use strict';

(() => {
  const ADMIN_HEADER = 'X-Quota-Admin';
  const MAX_SUBJECTS = 5000; // per policy; the API's export serves more
  const sorts = new Map(); // policy name -> { column, descending }
  let current = null; // the subject shown in the dialog: { policy, key }

  const byId = (id) => document.getElementById(id);

  /** Creates an element; props sets text, class, attributes; children are nodes or strings (as text). */
  function el(tag, props = {}, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined || value === null) continue;
      if (name === 'text') element.textContent = value;
      else if (name === 'class') element.className = value;
      else element.setAttribute(name, String(value));
    }
    element.append(...children.filter((child) => child !== null && child !== undefined));
    return element;
  }

  class ApiError extends Error {}

  async function api(url, body) {
    const init = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.method = 'POST';
      init.headers['Content-Type'] = 'application/json';
      init.headers[ADMIN_HEADER] = '1';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(url, init);
    if (response.status === 401) throw new ApiError('You are signed out. Reload the page to sign in again.');
    if (response.status === 403) throw new ApiError('Your account may not use the quota admin API.');
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
    if (!response.ok) {
      throw new ApiError((json && json.detail) || `The server answered ${response.status} ${response.statusText}.`);
    }
    return json;
  }

  const query = (params) => new URLSearchParams(params).toString();
  const number = (n) => n.toLocaleString('en-US');
  const utc = (iso) => iso.slice(0, 16).replace('T', ' ') + ' UTC';
  const instant = (iso) => Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));

  /** How full a subject is: its fullest limited meter, used / limit (Infinity when a limit of 0 was used). */
  function fullness(item, meter) {
    let most = -1;
    for (const m of item.meters) {
      if (m.limit === null || (meter !== undefined && m.name !== meter)) continue;
      const ratio = m.limit === 0 ? (m.used > 0 ? Infinity : 1) : m.used / m.limit;
      most = Math.max(most, ratio);
    }
    return most;
  }

  function level(used, limit) {
    if (used > limit) return 'over';
    if (limit === 0 || used === limit) return 'full';
    return used / limit >= 0.8 ? 'near' : 'ok';
  }

  function bar(meter, key) {
    if (!meter || meter.limit === null) return el('span', { class: 'muted', text: meter ? number(meter.used) : '—' });
    const { used, limit } = meter;
    const state = level(used, limit);
    const percent = meter.percent.toLocaleString('en-US', { maximumFractionDigits: 1 });
    const words = `${number(used)} of ${number(limit)} ${meter.name} (${percent} %)${state === 'over' ? ', over the limit' : ''}`;
    const fill = el('span', { class: 'fill' });
    fill.style.width = `${limit === 0 ? 100 : Math.min(100, (used / limit) * 100)}%`;
    return el('div', { class: `usage ${state}` },
      el('div', {
        class: 'bar', role: 'meter', 'aria-label': `${meter.name} used by ${key}`,
        'aria-valuemin': 0, 'aria-valuemax': limit, 'aria-valuenow': Math.min(used, limit), 'aria-valuetext': words,
      }, fill),
      el('span', { class: 'figures', 'aria-hidden': 'true', text: `${number(used)} / ${number(limit)}` }));
  }

  function compare(column, descending) {
    const direction = descending ? -1 : 1;
    const byKey = (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    return (a, b) => {
      let order;
      if (column === 'key') order = byKey(a, b);
      else if (column === 'reset') order = instant(a.nextReset) - instant(b.nextReset);
      else if (column === 'alerts') order = a.alerts.length - b.alerts.length;
      else order = fullness(a, column === 'fullest' ? undefined : column) - fullness(b, column === 'fullest' ? undefined : column);
      return order * direction || byKey(a, b);
    };
  }

  function renderPolicy(policy, items, truncated, index) {
    const meters = Object.keys(policy.allowances).sort();
    for (const item of items) {
      for (const m of item.meters) if (m.limit !== null && !meters.includes(m.name)) meters.push(m.name);
    }

    const sort = sorts.get(policy.name) || { column: 'fullest', descending: true };
    const sorted = [...items].sort(compare(sort.column, sort.descending));
    const section = el('section', { 'aria-labelledby': `policy-${index}` });
    section.append(el('h2', { id: `policy-${index}`, text: policy.name }));

    const thresholds = Object.entries(policy.thresholds).map(([m, p]) => `${m} at ${p.join(' %, ')} %`);
    const allowances = Object.entries(policy.allowances).map(([m, n]) => `${number(n)} ${m}`);
    section.append(el('p', {
      class: 'muted',
      text: [policy.period, policy.timeZone, policy.anchorMode === 'FirstUse' ? 'from first use' : policy.anchorMode.toLowerCase(),
        allowances.length ? allowances.join(' and ') + ' a cycle' : 'no allowances',
        thresholds.length ? 'alerts: ' + thresholds.join('; ') : null, policy.dynamicAllowances ? 'allowances per subject' : null]
        .filter(Boolean).join(' · '),
    }));

    if (items.length === 0) {
      section.append(el('p', { text: 'No subject has used this policy in its current cycle.' }));
      return section;
    }

    const columns = [
      { id: 'key', label: 'Subject' },
      ...meters.map((m) => ({ id: m, label: m })),
      { id: 'reset', label: 'Next reset' },
      { id: 'alerts', label: 'Alerts' },
    ];
    const sortedBy = columns.find((c) => c.id === sort.column);
    const caption = `Subjects of ${policy.name} in their current cycles, sorted by ${sortedBy ? sortedBy.label : 'fullest meter'}, `
      + `${sort.descending ? 'descending' : 'ascending'}${truncated ? ` (the first ${number(items.length)} only)` : ''}.`;

    const head = el('tr');
    for (const column of columns) {
      const active = column.id === sort.column;
      const button = el('button', { type: 'button', text: column.label });
      button.addEventListener('click', () => {
        const descending = active ? !sort.descending : column.id !== 'key';
        sorts.set(policy.name, { column: column.id, descending });
        section.replaceWith(renderPolicy(policy, items, truncated, index));
        document.querySelector(`#policy-${index} ~ table th[data-column="${CSS.escape(column.id)}"] button`)?.focus();
      });
      head.append(el('th', {
        scope: 'col', 'data-column': column.id, 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : null,
      }, button));
    }
    head.append(el('th', { scope: 'col' }, el('span', { class: 'visually-hidden', text: 'Actions' })));

    const body = el('tbody');
    for (const item of sorted) {
      const row = el('tr', { 'data-level': level(...worst(item)) });
      row.append(el('th', { scope: 'row', class: 'key', text: item.key }));
      for (const m of meters) row.append(el('td', {}, bar(item.meters.find((x) => x.name === m), item.key)));
      row.append(el('td', {}, el('time', { datetime: item.nextReset, text: utc(item.nextReset) })));
      row.append(el('td', { text: item.alerts.map((a) => `${a.percent} % ${a.meter}`).join(', ') || '—' }));
      const details = el('button', { type: 'button', 'aria-label': `Details of ${item.key}`, text: 'Details' });
      details.addEventListener('click', () => openSubject(policy, item.key));
      row.append(el('td', {}, details));
      body.append(row);
    }

    section.append(el('table', {}, el('caption', { text: caption }), el('thead', {}, head), body));
    return section;
  }

  /** The used and limit of a subject's fullest limited meter, for its row's level. */
  function worst(item) {
    let best = [0, 1];
    let most = -1;
    for (const m of item.meters) {
      if (m.limit === null) continue;
      const ratio = fullness({ meters: [m] });
      if (ratio > most) { most = ratio; best = [m.used, m.limit]; }
    }
    return best;
  }

  async function listSubjects(policy) {
    const items = [];
    let url = 'api/usage?' + query({ policy: policy.name, pageSize: 1000 });
    while (url) {
      const page = await api(url);
      items.push(...page.items);
      if (items.length >= MAX_SUBJECTS) return { items: items.slice(0, MAX_SUBJECTS), truncated: true };
      url = page.next;
    }
    return { items, truncated: false };
  }

  async function load() {
    const main = byId('policies');
    const status = byId('status');
    document.body.dataset.state = 'loading';
    main.setAttribute('aria-busy', 'true');
    status.textContent = 'Loading…';
    try {
      const { policies } = await api('api/policies');
      const sections = [];
      let subjects = 0;
      for (const [index, policy] of policies.entries()) {
        const { items, truncated } = await listSubjects(policy);
        subjects += items.length;
        sections.push(renderPolicy(policy, items, truncated, index));
      }
      main.replaceChildren(...sections);
      status.textContent = `${policies.length} ${policies.length === 1 ? 'policy' : 'policies'}, ${number(subjects)} `
        + `${subjects === 1 ? 'subject' : 'subjects'} in their current cycles. Updated ${new Date().toLocaleTimeString('en-GB')}.`;
      document.body.dataset.state = 'ready';
    } catch (error) {
      status.textContent = error instanceof ApiError ? error.message : `Could not load usage: ${error.message}`;
      document.body.dataset.state = 'error';
    } finally {
      main.setAttribute('aria-busy', 'false');
    }
  }

  function showSubject(usage) {
    byId('subject-title').textContent = `${usage.key} — ${usage.policy}`;
    byId('subject-cycle').textContent = `Cycle ${usage.cycle.index} from ${utc(usage.cycle.start)}; resets ${utc(usage.nextReset)}. `
      + `Anchored ${utc(usage.anchor)}.`;
    const rows = usage.meters.map((m) => el('tr', {},
      el('th', { scope: 'row', text: m.name }),
      el('td', { text: number(m.used) }),
      el('td', { text: m.limit === null ? 'none' : number(m.limit) }),
      el('td', { text: number(m.granted) }),
      el('td', { text: m.remaining === null ? '—' : number(m.remaining) })));
    byId('subject-meters').tBodies[0].replaceChildren(...rows);
    byId('subject-grants').replaceChildren(...(usage.grants.length
      ? usage.grants.map((g) => el('li', { text: `${number(g.amount)} ${g.meter} on ${utc(g.grantedAt)}: ${g.reason}` }))
      : [el('li', { text: 'None.' })]));
    byId('subject-alerts').replaceChildren(...(usage.alerts.length
      ? usage.alerts.map((a) => el('li', { text: `${a.percent} % of ${a.meter} reached on ${utc(a.firedAt)}` }))
      : [el('li', { text: 'None.' })]));
  }

  async function openSubject(policy, key) {
    const dialog = byId('subject');
    current = { policy: policy.name, key };
    byId('subject-error').textContent = '';
    const select = byId('grant-meter');
    select.replaceChildren(...Object.keys(policy.allowances).sort().map((m) => el('option', { value: m, text: m })));
    try {
      showSubject(await api('api/subject?' + query({ policy: policy.name, key })));
      if (!dialog.open) dialog.showModal();
    } catch (error) {
      byId('status').textContent = error.message;
    }
  }

  async function act(path, body) {
    const error = byId('subject-error');
    error.textContent = '';
    try {
      showSubject(await api(path, body));
      await load();
      return true;
    } catch (e) {
      error.textContent = e.message;
      return false;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    byId('refresh').addEventListener('click', load);
    byId('grant-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const amount = Number(byId('grant-amount').value);
      const done = await act('api/grants', {
        ...current, meter: byId('grant-meter').value, amount, reason: byId('grant-reason').value,
      });
      if (done) event.target.reset();
    });
    byId('reset').addEventListener('click', () => {
      if (current && window.confirm(`Reset ${current.key}'s usage of ${current.policy} in this cycle to zero?`)) act('api/reset', current);
    });
    load();
  });
})();
