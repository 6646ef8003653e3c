// Slack's text as the page shows it: mrkdwn (links, mentions, emphasis, code, quotes, emoji) and plain
// text, every piece escaped for HTML first.
import { workspace } from './workspace.js';

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

export function esc(text) {
  return String(text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );
}

/** Slack escapes only &, < and > in message text; turn them back before escaping for HTML. */
function unescapeSlack(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

export function personName(id) {
  return workspace.people.find((p) => p.slackId === id)?.name ?? id;
}

function channelName(id) {
  return workspace.channels.find((c) => c.id === id)?.name ?? id;
}

/** Slack's mrkdwn: links, mentions, *bold*, _italic_, ~strike~, `code`, ``` blocks, > quotes, :emoji:. */
export function mrkdwn(text) {
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

export function textOf(obj) {
  if (!obj) return '';
  return obj.type === 'mrkdwn'
    ? mrkdwn(obj.text)
    : esc(obj.text).replace(/:([a-z0-9_+-]+):/g, (w, n) => (obj.emoji === false ? w : (emoji(n) ?? w)));
}

export function plain(obj) {
  return obj?.text ?? '';
}
