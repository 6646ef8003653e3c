// Block Kit as the page renders it: the blocks and elements Roster sends in messages, App Home and
// modals, and what a modal's inputs hold in Slack's `state.values` shape. A click goes to the handler
// the page gives onAction().
import { esc, mrkdwn, plain, safeUrl, textOf } from './mrkdwn.js';
import { workspace } from './workspace.js';

let act = () => undefined;

/** Where clicks go: `(surface, click, confirm) => …`. */
export function onAction(handler) {
  act = handler;
}

/** Renders blocks into a container; `surface` says where clicks go: { message } or { viewId }. */
export function renderBlocks(blocks, surface, errors = {}) {
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

/** The values of the options an element starts with chosen (`initial_option` or `initial_options`). */
function initialValues(element) {
  return new Set([element.initial_option?.value, ...(element.initial_options ?? []).map((o) => o.value)].filter(Boolean));
}

function findOption(element, value) {
  return allOptions(element).find((o) => o.value === value);
}

function optionSelect(element, multiple) {
  const select = document.createElement('select');
  select.multiple = multiple;
  if (multiple) select.size = Math.min(6, allOptions(element).length || 1);
  const initial = initialValues(element);
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
  const channels = workspace.channels.filter((c) => c.id.startsWith('C'));
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
        workspace.people
          .map((p) => `<option value="${esc(p.slackId)}"${initial.has(p.slackId) ? ' selected' : ''}>${esc(p.name)}</option>`)
          .join('');
      break;
    }
    case 'checkboxes':
    case 'radio_buttons': {
      control = document.createElement('div');
      const initial = initialValues(element);
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
export function readValues(root) {
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
