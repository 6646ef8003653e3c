// The playground's page: shows the workspace as one person sees it (long-polling /playground/state)
// and sends what they do to the playground, which passes it to Roster as Slack would. Block Kit and
// mrkdwn are rendered by block-kit.js and mrkdwn.js; every text goes through esc().
import { onAction, readValues, renderBlocks } from './block-kit.js';
import { esc, mrkdwn, personName, plain, textOf } from './mrkdwn.js';
import { workspace } from './workspace.js';

const $ = (id) => document.getElementById(id);
const state = { you: null, pane: 'channel:C0GENERAL01', data: null, revision: -1, modalKey: '', poll: null };

// ---------- talking to the playground ----------

async function call(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) toast(answer.error ?? `The playground answered ${response.status}.`);
  return answer;
}

function confirmFirst(confirm) {
  if (!confirm) return Promise.resolve(true);
  const layer = $('confirm-layer');
  layer.innerHTML = `<div class="confirm" role="alertdialog" aria-modal="true"><h2>${esc(plain(confirm.title))}</h2><div>${textOf(confirm.text)}</div><footer><button type="button" class="btn" data-answer="no">${esc(plain(confirm.deny) || 'Cancel')}</button><button type="button" class="btn ${confirm.style === 'danger' ? 'danger' : 'primary'}" data-answer="yes">${esc(plain(confirm.confirm) || 'Confirm')}</button></footer></div>`;
  layer.hidden = false;
  return new Promise((resolve) => {
    layer.onclick = (event) => {
      const answer = event.target.closest('[data-answer]')?.dataset.answer;
      if (!answer) return;
      layer.hidden = true;
      layer.innerHTML = '';
      resolve(answer === 'yes');
    };
  });
}

async function act(surface, click, confirm) {
  if (!(await confirmFirst(confirm))) return;
  if (surface.message) {
    await call('/playground/action', { as: state.you, message: surface.message, click });
  } else {
    const root = surface.viewId === state.data?.modal?.id ? $('modal-layer') : $('pane');
    await call('/playground/action', { as: state.you, viewId: surface.viewId, click, values: readValues(root) });
  }
}

function toast(text) {
  const el = $('toast');
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}

// ---------- the page ----------

function render() {
  const data = state.data;
  if (!data) return;
  $('team').textContent = data.team;
  $('now').textContent =
    `Now: ${new Date(data.now).toLocaleString()}${data.aheadDays ? ` (${data.aheadDays} ${data.aheadDays === 1 ? 'day' : 'days'} ahead)` : ''}`;
  markSeen(data);
  renderNav(data);
  renderPane(data);
  renderModal(data);
}

/** How many messages (or e-mails) each person has seen where, so a badge counts only what is new. */
const seen = new Map();

function markSeen(data) {
  const pane = state.pane === 'outbox' ? 'outbox' : state.pane.replace(/^channel:/, '');
  const shown = pane === 'outbox' ? data.outbox.length : data.channels.find((c) => c.id === pane)?.messages.length;
  if (shown !== undefined) seen.set(`${state.you}:${pane}`, shown);
}

function unread(where, count) {
  return Math.max(0, count - (seen.get(`${state.you}:${where}`) ?? 0));
}

function navButton(label, small, current, onClick, badge = 0) {
  const li = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.innerHTML = `${esc(label)}${badge ? `<span class="badge">${badge}</span>` : ''}${small ? `<small>${esc(small)}</small>` : ''}`;
  button.setAttribute('aria-current', String(current));
  button.addEventListener('click', onClick);
  li.append(button);
  return li;
}

function renderNav(data) {
  $('people').replaceChildren(
    ...data.people.map((p) => navButton(p.name, `${p.email} · ${p.about}`, p.slackId === state.you, () => switchTo(p.slackId))),
  );
  const channels = data.channels.filter((c) => c.id.startsWith('C'));
  $('channels').replaceChildren(
    ...channels.map((c) =>
      navButton(
        `# ${c.name}`,
        '',
        state.pane === `channel:${c.id}`,
        () => show(`channel:${c.id}`),
        unread(c.id, c.messages.length),
      ),
    ),
  );
  const dm = data.channels.find((c) => c.id.startsWith('D'));
  $('apps').replaceChildren(
    navButton('Roster · Home', '', state.pane === 'home', () => show('home')),
    navButton(
      'Roster · Messages',
      '',
      state.pane === `channel:${dm.id}`,
      () => show(`channel:${dm.id}`),
      unread(dm.id, dm.messages.length),
    ),
  );
  $('outside').replaceChildren(
    navButton(
      'E-mail outbox',
      'What Roster mailed',
      state.pane === 'outbox',
      () => show('outbox'),
      unread('outbox', data.outbox.length),
    ),
  );
}

function renderPane(data) {
  const pane = $('pane');
  const keepScroll = pane.scrollTop;
  if (state.pane === 'home') {
    $('pane-title').textContent = 'Roster · Home';
    $('pane-about').textContent = 'App Home: your own view of Roster';
    $('composer').hidden = true;
    pane.replaceChildren(
      data.home ? renderBlocks(data.home.view.blocks, { viewId: data.home.id }) : emptyNote('Opening App Home…'),
    );
    pane.scrollTop = keepScroll;
    return;
  }
  if (state.pane === 'outbox') {
    $('pane-title').textContent = 'E-mail outbox';
    $('pane-about').textContent = 'Every e-mail Roster sent; invite links open the real invite page';
    $('composer').hidden = true;
    pane.replaceChildren(
      ...(data.outbox.length
        ? [...data.outbox].reverse().map(renderMail)
        : [emptyNote('No e-mail yet. Invite someone: /users invite leo@example.com')]),
    );
    return;
  }
  const channel = data.channels.find((c) => `channel:${c.id}` === state.pane) ?? data.channels[0];
  $('pane-title').textContent = channel.id.startsWith('D') ? 'Roster · Messages' : `# ${channel.name}`;
  $('pane-about').textContent = channel.about;
  $('composer').hidden = false;
  const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight < 40;
  const items = channel.messages.map(renderMessage);
  if (channel.id === 'C0GENERAL01') items.unshift(welcome());
  if (!channel.messages.length && channel.id !== 'C0GENERAL01') items.push(emptyNote('Nothing here yet.'));
  pane.replaceChildren(...items);
  pane.scrollTop = atBottom ? pane.scrollHeight : keepScroll;
}

function welcome() {
  const el = document.createElement('div');
  el.className = 'welcome';
  el.innerHTML = `<strong>Welcome to the Roster playground.</strong> This is the real Roster, talking to a stand-in Slack on this machine.
Try <code>/users help</code>, <code>/users list</code>, <code>/users invite leo@example.com</code>, or <code>/users invite leo@example.com --role admin</code>
and approve it as Adam Alvarez in #roster-approvals. Switch who you are on the left.`;
  el.style.whiteSpace = 'pre-wrap';
  return el;
}

function emptyNote(text) {
  const el = document.createElement('div');
  el.className = 'empty';
  el.textContent = text;
  return el;
}

function renderMessage(message) {
  const el = document.createElement('div');
  el.className = 'message';
  el.dataset.ts = message.ts;
  const fromApp = message.from === 'roster';
  const name = fromApp ? 'Roster' : personName(message.from);
  const time = new Date(Number(message.ts.split('.')[0]) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  el.innerHTML = `<div class="avatar ${fromApp ? 'app' : ''}">${esc(name[0])}</div><div class="message-body"><div class="message-meta"><strong>${esc(name)}</strong>${fromApp ? '<span class="app-tag">APP</span>' : ''}${esc(time)}${message.ephemeralTo ? ' · <span class="only-you">Only visible to you</span>' : ''}</div></div>`;
  const body = el.querySelector('.message-body');
  if (message.blocks.length) body.append(renderBlocks(message.blocks, { message: { channel: message.channel, ts: message.ts } }));
  else {
    const text = document.createElement('div');
    text.className = 'text';
    text.style.whiteSpace = 'pre-wrap';
    text.innerHTML = fromApp ? mrkdwn(message.text) : esc(message.text);
    body.append(text);
  }
  for (const file of message.files ?? []) {
    const link = document.createElement('a');
    link.href = `/playground/files/${encodeURIComponent(file.id)}`;
    link.textContent = `📎 ${file.name}`;
    link.download = file.name;
    body.append(link);
  }
  return el;
}

function renderMail(mail) {
  const el = document.createElement('article');
  el.className = 'outbox-mail';
  const text = esc(mail.text).replace(
    /https?:\/\/[^\s<>"']+/g,
    (url) => `<a href="${url}" target="_blank" rel="noopener">${url}</a>`,
  );
  el.innerHTML = `<div><strong>${esc(mail.subject)}</strong></div><div class="message-meta">To ${esc(mail.to)} · ${esc(new Date(mail.at).toLocaleString())}</div><pre>${text}</pre>`;
  return el;
}

function renderModal(data) {
  const layer = $('modal-layer');
  const modal = data.modal;
  if (!modal) {
    layer.hidden = true;
    layer.replaceChildren();
    state.modalKey = '';
    return;
  }
  const key = `${modal.id}:${modal.hash}`;
  if (key === state.modalKey) {
    showModalErrors(layer, modal.errors);
    return;
  }
  state.modalKey = key;
  const view = modal.view;
  const box = document.createElement('form');
  box.className = 'modal';
  box.setAttribute('role', 'dialog');
  box.setAttribute('aria-modal', 'true');
  box.setAttribute('aria-label', plain(view.title));
  box.innerHTML = `<header><h2>${esc(plain(view.title))}</h2><button type="button" aria-label="Close" data-close>×</button></header>`;
  const body = renderBlocks(view.blocks, { viewId: modal.id });
  body.className = 'modal-body';
  box.append(body);
  const footer = document.createElement('footer');
  footer.innerHTML = `<button type="button" class="btn" data-close>${esc(plain(view.close) || 'Cancel')}</button>${view.submit ? `<button type="submit" class="btn primary">${esc(plain(view.submit))}</button>` : ''}`;
  box.append(footer);
  box.addEventListener('click', (event) => {
    if (event.target.closest('[data-close]')) call('/playground/close', { as: state.you, viewId: modal.id });
  });
  box.addEventListener('submit', (event) => {
    event.preventDefault();
    call('/playground/submit', { as: state.you, viewId: modal.id, values: readValues(box) });
  });
  layer.replaceChildren(box);
  layer.hidden = false;
  showModalErrors(layer, modal.errors);
}

function showModalErrors(layer, errors) {
  for (const el of layer.querySelectorAll('.input-block, .block')) {
    el.querySelector(':scope > .error')?.remove();
    const message = errors[el.dataset.blockId];
    if (!message) continue;
    const error = document.createElement('div');
    error.className = 'error';
    error.textContent = message;
    el.append(error);
  }
}

function show(pane) {
  state.pane = pane;
  if (pane === 'home') call('/playground/home-opened', { as: state.you });
  render();
}

function switchTo(slackId) {
  // Each person has their own DM with the app: the pane follows to theirs.
  if (state.pane.startsWith('channel:D')) state.pane = `channel:D${slackId.slice(1)}`;
  state.you = slackId;
  localStorage.setItem('roster-playground-you', slackId);
  state.modalKey = '';
  state.revision = -1;
  state.poll?.abort();
  if (state.pane === 'home') call('/playground/home-opened', { as: slackId });
}

async function pollForever() {
  for (;;) {
    state.poll = new AbortController();
    const asked = state.you;
    try {
      const response = await fetch(`/playground/state?as=${encodeURIComponent(asked)}&since=${state.revision}`, {
        signal: state.poll.signal,
      });
      if (response.ok) {
        const data = await response.json();
        // Someone else was chosen while this answer was on its way: it shows what they do not see.
        if (asked !== state.you) continue;
        state.data = data;
        workspace.people = data.people;
        workspace.channels = data.channels;
        state.revision = state.data.revision;
        render();
      } else if (response.status === 400) {
        state.you = 'U0OLIVIA01';
      } else await new Promise((resolve) => setTimeout(resolve, 1000));
    } catch {
      if (!state.poll.signal.aborted) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const input = $('message');
  const typed = input.value.trim();
  if (!typed) return;
  if (!/^\/users(\s|$)/.test(typed)) {
    toast('Only the /users command works here, e.g. /users help');
    return;
  }
  const channel = state.pane.startsWith('channel:') ? state.pane.slice('channel:'.length) : 'C0GENERAL01';
  input.value = '';
  await call('/playground/command', { as: state.you, channel, text: typed.replace(/^\/users\s*/, '') });
});

/** Moves the playground's clock and runs one scheduler pass, as the cron schedule would after that long. */
async function fastForward(days) {
  const answer = await call('/playground/fast-forward', { days });
  if (!answer.report) return;
  const r = answer.report;
  const count = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  toast(
    `${days === 1 ? 'A day' : `${days} days`} later: ${count(r.reminded, 'invite', 'invites')} reminded, ${count(r.expired, 'invite', 'invites')} expired, ${count(r.approvalsExpired, 'approval', 'approvals')} expired, ${count(r.sent, 'message', 'messages')} sent.`,
  );
}

for (const id of ['fast-forward-day', 'fast-forward']) {
  $(id).addEventListener('click', (event) => fastForward(Number(event.currentTarget.dataset.days)));
}

onAction(act);
state.you = localStorage.getItem('roster-playground-you') ?? 'U0OLIVIA01';
pollForever();
