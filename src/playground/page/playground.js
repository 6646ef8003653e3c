// The playground's page: shows the workspace as one person sees it (long-polling /playground/state)
// and sends what they do to the playground, which passes it to Roster as Slack would. Block Kit is
// rendered here for the blocks and elements Roster sends; every text goes through esc().

const $ = (id) => document.getElementById(id);
const state = { you: null, pane: 'channel:C0GENERAL01', data: null, revision: -1, modalKey: '', poll: null };

const EMOJI = {
  white_check_mark: '✅',
  x: '❌',
  warning: '⚠️',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  lock: '🔒',
  key: '🔑',
  wave: '👋',
  bust_in_silhouette: '👤',
  busts_in_silhouette: '👥',
  email: '📧',
  envelope: '✉️',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  rotating_light: '🚨',
  bell: '🔔',
  information_source: 'ℹ️',
  heavy_check_mark: '✔️',
  crown: '👑',
  link: '🔗',
  clock3: '🕒',
  calendar: '📅',
  inbox_tray: '📥',
  outbox_tray: '📤',
  page_facing_up: '📄',
  gear: '⚙️',
  tada: '🎉',
  arrows_counterclockwise: '🔄',
  pencil2: '✏️',
  wastebasket: '🗑️',
};

/** The emoji for a `:name:`, or undefined (never an inherited property such as `constructor`). */
function emoji(name) {
  return Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
}

function esc(text) {
  return String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

/** Slack escapes only &, < and > in message text; turn them back before escaping for HTML. */
function unescapeSlack(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

function personName(id) {
  return state.data?.people.find((p) => p.slackId === id)?.name ?? id;
}

function channelName(id) {
  return state.data?.channels.find((c) => c.id === id)?.name ?? id;
}

/** Slack's mrkdwn: links, mentions, *bold*, _italic_, ~strike~, `code`, ``` blocks, > quotes, :emoji:. */
function mrkdwn(text) {
  const parts = String(text ?? '').split('```');
  return parts.map((part, i) => (i % 2 === 1 ? `<pre>${esc(unescapeSlack(part))}</pre>` : inline(part))).join('');
}

function inline(text) {
  const lines = text.split('\n').map((line) => {
    const quoted = line.startsWith('&gt; ') || line.startsWith('> ');
    const body = quoted ? line.replace(/^(&gt;|>) /, '') : line;
    const html = body
      .split(/(<[^<>]+>)/g)
      .map((piece) => (piece.startsWith('<') && piece.endsWith('>') ? special(piece.slice(1, -1)) : styled(piece)))
      .join('');
    return quoted ? `<blockquote>${html}</blockquote>` : html;
  });
  return lines.join('\n');
}

function special(inner) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) return `<span class="mention">@${esc(personName(target.slice(1)))}</span>`;
  if (target.startsWith('#')) return `<span class="mention">#${esc(label ?? channelName(target.slice(1)))}</span>`;
  if (target.startsWith('!')) return `<span class="mention">@${esc(target.slice(1).split('^')[0])}</span>`;
  const url = safeUrl(unescapeSlack(target));
  if (!url) return esc(unescapeSlack(label ?? target));
  return `<a href="${esc(url)}" target="_blank" rel="noopener">${esc(unescapeSlack(label ?? target))}</a>`;
}

function styled(piece) {
  let html = esc(unescapeSlack(piece));
  html = html.replace(/`([^`\n]+)`/g, '<code>$1</code>');
  html = html.replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/g, '$1<strong>$2</strong>');
  html = html.replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/g, '$1<em>$2</em>');
  html = html.replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/g, '$1<s>$2</s>');
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => emoji(name) ?? whole);
}

function textOf(obj) {
  if (!obj) return '';
  return obj.type === 'mrkdwn'
    ? mrkdwn(obj.text)
    : esc(obj.text).replace(/:([a-z0-9_+-]+):/g, (w, n) => (obj.emoji === false ? w : (emoji(n) ?? w)));
}

function plain(obj) {
  return obj?.text ?? '';
}

// ---------- Block Kit ----------

/** Renders blocks into a container; `surface` says where clicks go: { message } or { viewId }. */
function renderBlocks(blocks, surface, errors = {}) {
  const root = document.createElement('div');
  for (const block of blocks ?? []) {
    const el = renderBlock(block, surface);
    if (!el) continue;
    el.dataset.blockId = block.block_id ?? '';
    if (errors[block.block_id]) {
      const error = document.createElement('div');
      error.className = 'error';
      error.textContent = errors[block.block_id];
      el.append(error);
    }
    root.append(el);
  }
  return root;
}

function renderBlock(block, surface) {
  const el = document.createElement('div');
  el.className = `block ${block.type}`;
  switch (block.type) {
    case 'section': {
      const text = document.createElement('div');
      text.className = 'text';
      text.innerHTML = textOf(block.text);
      if (block.fields) {
        const fields = document.createElement('div');
        fields.className = 'fields';
        fields.innerHTML = block.fields.map((f) => `<div>${textOf(f)}</div>`).join('');
        text.append(fields);
      }
      el.append(text);
      if (block.accessory) el.append(renderElement(block.accessory, block, surface));
      return el;
    }
    case 'header':
      el.textContent = plain(block.text);
      return el;
    case 'divider':
      return Object.assign(document.createElement('hr'), { className: 'divider' });
    case 'context':
      el.innerHTML = (block.elements ?? []).map((e) => (e.type === 'image' ? '' : textOf(e))).join(' · ');
      return el;
    case 'actions':
      for (const element of block.elements ?? []) el.append(renderElement(element, block, surface));
      return el;
    case 'input':
      return renderInput(block, el);
    case 'rich_text':
    case 'markdown':
      el.innerHTML = mrkdwn(block.text ?? '');
      return el;
    default:
      el.textContent = `[${block.type} block]`;
      return el;
  }
}

/** An interactive element of a message, App Home or modal (outside an input block). */
function renderElement(element, block, surface) {
  const click = (extra) =>
    act(surface, { actionId: element.action_id, blockId: block.block_id, type: element.type, ...extra }, element.confirm);
  switch (element.type) {
    case 'button': {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = `btn ${element.style ?? ''}`;
      button.textContent = plain(element.text);
      button.dataset.actionId = element.action_id;
      button.addEventListener('click', () => {
        if (element.url && safeUrl(element.url)) window.open(element.url, '_blank', 'noopener');
        click({ value: element.value, text: plain(element.text) });
      });
      return button;
    }
    case 'static_select':
    case 'overflow': {
      const select = optionSelect(element, false);
      select.dataset.actionId = element.action_id;
      select.addEventListener('change', () => {
        const option = findOption(element, select.value);
        if (option) click({ selectedOption: option });
      });
      return select;
    }
    case 'multi_static_select': {
      const select = optionSelect(element, true);
      select.addEventListener('change', () =>
        click({ selectedOptions: [...select.selectedOptions].map((o) => findOption(element, o.value)).filter(Boolean) }),
      );
      return select;
    }
    case 'conversations_select':
    case 'channels_select': {
      const select = conversationSelect(element);
      select.addEventListener('change', () => click({ selectedConversation: select.value }));
      return select;
    }
    default: {
      const span = document.createElement('span');
      span.textContent = `[${element.type}]`;
      return span;
    }
  }
}

function allOptions(element) {
  return [...(element.options ?? []), ...(element.option_groups ?? []).flatMap((g) => g.options ?? [])];
}

function findOption(element, value) {
  return allOptions(element).find((o) => o.value === value);
}

function optionSelect(element, multiple) {
  const select = document.createElement('select');
  select.multiple = multiple;
  if (multiple) select.size = Math.min(6, allOptions(element).length || 1);
  const initial = new Set(
    [element.initial_option?.value, ...(element.initial_options ?? []).map((o) => o.value)].filter(Boolean),
  );
  const option = (o) =>
    `<option value="${esc(o.value)}"${initial.has(o.value) ? ' selected' : ''}>${esc(plain(o.text))}</option>`;
  const placeholder = multiple
    ? ''
    : `<option value="" ${initial.size ? '' : 'selected'} disabled>${esc(plain(element.placeholder) || (element.type === 'overflow' ? '⋯' : 'Select…'))}</option>`;
  const groups = (element.option_groups ?? []).map(
    (g) => `<optgroup label="${esc(plain(g.label))}">${(g.options ?? []).map(option).join('')}</optgroup>`,
  );
  select.innerHTML = placeholder + (element.options ?? []).map(option).join('') + groups.join('');
  return select;
}

function conversationSelect(element) {
  const select = document.createElement('select');
  const initial = element.initial_conversation ?? element.initial_channel ?? '';
  const channels = (state.data?.channels ?? []).filter((c) => c.id.startsWith('C'));
  select.innerHTML = `<option value="">${esc(plain(element.placeholder) || 'Choose a channel')}</option>${channels
    .map((c) => `<option value="${esc(c.id)}"${c.id === initial ? ' selected' : ''}>#${esc(c.name)}</option>`)
    .join('')}`;
  return select;
}

/** An input block of a modal: its label, element and hint; values are read back by readValues(). */
function renderInput(block, el) {
  const element = block.element ?? {};
  el.className = 'block input-block';
  el.dataset.actionId = element.action_id ?? '';
  el.dataset.type = element.type ?? '';
  const id = `in-${block.block_id}`;
  const label = document.createElement('label');
  label.className = 'title';
  label.htmlFor = id;
  label.innerHTML = `${esc(plain(block.label))}${block.optional ? ' <span class="optional">(optional)</span>' : ''}`;
  el.append(label);
  let control;
  switch (element.type) {
    case 'plain_text_input':
      control = document.createElement(element.multiline ? 'textarea' : 'input');
      if (!element.multiline) control.type = 'text';
      if (element.multiline) control.rows = 4;
      control.value = element.initial_value ?? '';
      control.placeholder = plain(element.placeholder);
      break;
    case 'email_text_input':
    case 'number_input':
      control = document.createElement('input');
      control.type = element.type === 'number_input' ? 'number' : 'email';
      control.value = element.initial_value ?? '';
      control.placeholder = plain(element.placeholder);
      break;
    case 'datepicker':
      control = document.createElement('input');
      control.type = 'date';
      control.value = element.initial_date ?? '';
      break;
    case 'static_select':
    case 'multi_static_select':
      control = optionSelect(element, element.type === 'multi_static_select');
      break;
    case 'conversations_select':
    case 'channels_select':
      control = conversationSelect(element);
      break;
    case 'multi_users_select':
    case 'users_select': {
      control = document.createElement('select');
      control.multiple = element.type === 'multi_users_select';
      const initial = new Set([element.initial_user, ...(element.initial_users ?? [])].filter(Boolean));
      control.innerHTML =
        (control.multiple ? '' : '<option value="">Choose someone</option>') +
        (state.data?.people ?? [])
          .map((p) => `<option value="${esc(p.slackId)}"${initial.has(p.slackId) ? ' selected' : ''}>${esc(p.name)}</option>`)
          .join('');
      break;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      control = document.createElement('div');
      const initial = new Set(
        [element.initial_option?.value, ...(element.initial_options ?? []).map((o) => o.value)].filter(Boolean),
      );
      const kind = element.type === 'checkboxes' ? 'checkbox' : 'radio';
      control.innerHTML = (element.options ?? [])
        .map(
          (o, i) =>
            `<label class="choice"><input type="${kind}" name="${esc(id)}" value="${esc(o.value)}" id="${esc(id)}-${i}"${initial.has(o.value) ? ' checked' : ''}> <span>${textOf(o.text)}${o.description ? `<br><small>${textOf(o.description)}</small>` : ''}</span></label>`,
        )
        .join('');
      break;
    }
    default:
      control = document.createElement('span');
      control.textContent = `[${element.type}]`;
  }
  control.id = id;
  control.classList.add('control');
  el.append(control);
  if (block.hint) {
    const hint = document.createElement('div');
    hint.className = 'hint';
    hint.textContent = plain(block.hint);
    el.append(hint);
  }
  el.blockData = block;
  return el;
}

/** What a modal's inputs hold, in Slack's `state.values` shape. */
function readValues(root) {
  const values = {};
  for (const el of root.querySelectorAll('.input-block')) {
    const block = el.blockData;
    const element = block.element ?? {};
    const control = el.querySelector('.control');
    const entry = { type: element.type };
    switch (element.type) {
      case 'plain_text_input':
      case 'email_text_input':
      case 'number_input':
        entry.value = control.value === '' ? null : control.value;
        break;
      case 'datepicker':
        entry.selected_date = control.value || null;
        break;
      case 'static_select':
        entry.selected_option = findOption(element, control.value) ?? null;
        break;
      case 'multi_static_select':
        entry.selected_options = [...control.selectedOptions].map((o) => findOption(element, o.value)).filter(Boolean);
        break;
      case 'conversations_select':
      case 'channels_select':
        entry[element.type === 'channels_select' ? 'selected_channel' : 'selected_conversation'] = control.value || null;
        break;
      case 'multi_users_select':
        entry.selected_users = [...control.selectedOptions].map((o) => o.value);
        break;
      case 'users_select':
        entry.selected_user = control.value || null;
        break;
      case 'checkboxes':
        entry.selected_options = [...control.querySelectorAll('input:checked')].map((i) => findOption(element, i.value));
        break;
      case 'radio_buttons':
        entry.selected_option = findOption(element, control.querySelector('input:checked')?.value) ?? null;
        break;
      default:
        continue;
    }
    values[block.block_id] = { [element.action_id]: entry };
  }
  return values;
}

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
  renderNav(data);
  renderPane(data);
  renderModal(data);
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
    ...channels.map((c) => navButton(`# ${c.name}`, '', state.pane === `channel:${c.id}`, () => show(`channel:${c.id}`))),
  );
  const dm = data.channels.find((c) => c.id.startsWith('D'));
  $('apps').replaceChildren(
    navButton('Roster · Home', '', state.pane === 'home', () => show('home')),
    navButton('Roster · Messages', '', state.pane === `channel:${dm.id}`, () => show(`channel:${dm.id}`), dm.messages.length),
  );
  $('outside').replaceChildren(
    navButton('E-mail outbox', 'What Roster mailed', state.pane === 'outbox', () => show('outbox'), data.outbox.length),
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

state.you = localStorage.getItem('roster-playground-you') ?? 'U0OLIVIA01';
pollForever();
