/**
 * The one layout of Roster's e-mails: what a message says, as data (`EmailContent`), written out twice
 * from the same words, as plain text and as HTML built with MJML (its tables work across mail clients,
 * so nobody hand-writes them). Every value is escaped here: names and notes are typed by people.
 */
import mjmlCore, { type Mjml2Html } from 'mjml-core';
import mjmlPresetCore from 'mjml-preset-core';

/** What one e-mail says, in the order a reader meets it. */
export interface EmailContent {
  subject: string;
  /** The line inboxes show beside the subject; hidden in the message itself. */
  preview: string;
  heading: string;
  /** What happened and what to do, one sentence or two each. */
  paragraphs: string[];
  /** Short labelled facts (the account, who sent it, the roles), shown as a list. */
  facts: { label: string; value: string }[];
  /** What the sender typed, shown apart and as typed. */
  note?: { from: string; text: string };
  /** The link to act on, as a button (and as the bare link under it, for clients that hide buttons). */
  button?: { label: string; href: string };
  /** What follows the button: when the link expires, what to do if it did. */
  after: string[];
  /** Who sent the e-mail and why the reader got it. */
  footer: string;
}

/** The message as plain text and as HTML, ready for the mailer. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** `&`, `<`, `>` and both quotes as entities: safe in MJML's text and in its attribute values alike. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Escaped, with the typed line breaks kept. */
function escapeLines(value: string): string {
  return escapeHtml(value).replace(/\r?\n/g, '<br />');
}

/** Only links of our own kind go in a button: anything else (`javascript:`, `data:`) is a bug upstream. */
function safeHref(href: string): string {
  if (!/^https?:\/\//i.test(href)) throw new Error('an e-mail button must link to an http(s) URL');
  return escapeHtml(href);
}

/** The plain-text part: the same words as the HTML, the link written out. */
export function emailText(content: EmailContent): string {
  const lines: string[] = [content.heading, '', ...content.paragraphs.flatMap((p) => [p, ''])];
  if (content.facts.length > 0) lines.push(...content.facts.map((fact) => `${fact.label}: ${fact.value}`), '');
  if (content.note) lines.push(`Note from ${content.note.from}: ${content.note.text}`, '');
  if (content.button) lines.push(`${content.button.label}: ${content.button.href}`, '');
  if (content.after.length > 0) lines.push(...content.after, '');
  lines.push('--', content.footer);
  return lines.join('\n');
}

const FONT = "-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/** The MJML source of the HTML part; every value in it is escaped. */
export function emailMjml(content: EmailContent): string {
  const text = (body: string, attributes = '') => `<mj-text${attributes}>${body}</mj-text>`;
  const parts: string[] = [
    text(escapeHtml(content.heading), ' font-size="22px" font-weight="600" padding-bottom="16px"'),
    ...content.paragraphs.map((p) => text(escapeLines(p))),
  ];
  if (content.facts.length > 0) {
    const rows = content.facts
      .map(
        (fact) =>
          `<tr><th align="left" style="padding:4px 16px 4px 0;color:#555;font-weight:400;vertical-align:top">${escapeHtml(fact.label)}</th><td style="padding:4px 0;font-weight:600">${escapeLines(fact.value)}</td></tr>`,
      )
      .join('');
    parts.push(`<mj-table padding="12px 25px">${rows}</mj-table>`);
  }
  if (content.note) {
    parts.push(
      text(`Note from ${escapeHtml(content.note.from)}:`, ' color="#555" padding-bottom="4px"'),
      text(escapeLines(content.note.text), ' container-background-color="#f4f4f5" padding="12px 25px" css-class="note"'),
    );
  }
  if (content.button) {
    const href = safeHref(content.button.href);
    parts.push(
      `<mj-button href="${href}" background-color="#1d4ed8" color="#ffffff" font-size="16px" font-weight="600" inner-padding="12px 24px" border-radius="6px" align="left" padding="20px 25px">${escapeHtml(content.button.label)}</mj-button>`,
      text(
        `Or open this link: <a href="${href}" style="color:#1d4ed8;word-break:break-all">${escapeHtml(content.button.href)}</a>`,
        ' font-size="13px" color="#555"',
      ),
    );
  }
  parts.push(...content.after.map((line) => text(escapeLines(line))));
  return `<mjml lang="en">
  <mj-head>
    <mj-title>${escapeHtml(content.subject)}</mj-title>
    <mj-preview>${escapeHtml(content.preview)}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${FONT}" />
      <mj-text font-size="15px" line-height="1.5" color="#18181b" />
    </mj-attributes>
  </mj-head>
  <mj-body background-color="#f4f4f5">
    <mj-section background-color="#ffffff" padding="24px 0">
      <mj-column>
        ${parts.join('\n        ')}
      </mj-column>
    </mj-section>
    <mj-section padding="12px 0">
      <mj-column>
        ${text(escapeHtml(content.footer), ' font-size="12px" color="#71717a"')}
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

// mjml-core and its preset are CommonJS with a `default` export: unwrap whichever way the loader hands them over.
const render: Mjml2Html = typeof mjmlCore === 'function' ? mjmlCore : mjmlCore.default;
const preset = 'default' in mjmlPresetCore ? mjmlPresetCore.default : mjmlPresetCore;

/**
 * Both parts of an e-mail. MJML is told to read no files (`mj-include` off) and no config, to link no web
 * fonts, and to refuse a template it finds invalid rather than send a broken one.
 */
export async function renderEmail(content: EmailContent): Promise<RenderedEmail> {
  const result = await render(emailMjml(content), {
    presets: [preset],
    fonts: {},
    ignoreIncludes: true,
    validationLevel: 'strict',
    keepComments: false,
  });
  return { subject: content.subject, text: emailText(content), html: result.html };
}
