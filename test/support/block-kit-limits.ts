/**
 * Slack's published Block Kit limits, checked as Slack checks them: the fake Slack refuses a
 * message (`invalid_blocks`) or view (`invalid_arguments`) past them, as the real one does.
 * https://docs.slack.dev/reference/block-kit — only the limits Roster's surfaces can reach.
 */

type Json = Record<string, unknown>;

const asArray = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);
const textOf = (value: unknown): string => String((value as Json | undefined)?.text ?? '');

/** Problems of a list of blocks on a surface (a message takes 50 blocks, a modal or App Home 100). */
export function blockProblems(blocks: unknown, surface: 'message' | 'modal' | 'home'): string[] {
  const problems: string[] = [];
  const list = asArray(blocks);
  const most = surface === 'message' ? 50 : 100;
  if (list.length > most) problems.push(`more than ${most} blocks (${list.length}) [json-pointer:/blocks]`);
  const over = (where: string, text: string, max: number) => {
    if (text.length > max) problems.push(`must be less than ${max + 1} characters [json-pointer:${where}]`);
  };
  list.forEach((block, i) => {
    const at = `/blocks/${i}`;
    if (typeof block.block_id === 'string') over(`${at}/block_id`, block.block_id, 255);
    switch (block.type) {
      case 'section': {
        if (block.text) over(`${at}/text`, textOf(block.text), 3000);
        const fields = asArray(block.fields);
        if (fields.length > 10) problems.push(`no more than 10 items allowed [json-pointer:${at}/fields]`);
        fields.forEach((field, f) => {
          over(`${at}/fields/${f}/text`, textOf(field), 2000);
        });
        if (block.accessory) problems.push(...elementProblems(block.accessory as Json, `${at}/accessory`));
        break;
      }
      case 'header':
        over(`${at}/text`, textOf(block.text), 150);
        break;
      case 'context': {
        const elements = asArray(block.elements);
        if (elements.length > 10) problems.push(`no more than 10 items allowed [json-pointer:${at}/elements]`);
        elements.forEach((element, e) => {
          over(`${at}/elements/${e}/text`, textOf(element), 3000);
        });
        break;
      }
      case 'actions': {
        const elements = asArray(block.elements);
        if (elements.length > 25) problems.push(`no more than 25 items allowed [json-pointer:${at}/elements]`);
        elements.forEach((element, e) => {
          problems.push(...elementProblems(element, `${at}/elements/${e}`));
        });
        break;
      }
      case 'input':
        over(`${at}/label`, textOf(block.label), 2000);
        if (block.hint) over(`${at}/hint`, textOf(block.hint), 2000);
        problems.push(...elementProblems(block.element as Json, `${at}/element`));
        break;
    }
  });
  return problems;
}

function elementProblems(element: Json | undefined, at: string): string[] {
  if (!element) return [];
  const problems: string[] = [];
  const over = (where: string, text: string, max: number) => {
    if (text.length > max) problems.push(`must be less than ${max + 1} characters [json-pointer:${where}]`);
  };
  if (typeof element.action_id === 'string') over(`${at}/action_id`, element.action_id, 255);
  if (element.placeholder) over(`${at}/placeholder`, textOf(element.placeholder), 150);
  const optionProblems = (options: Json[], where: string) => {
    if (options.length > 100) problems.push(`no more than 100 items allowed [json-pointer:${where}]`);
    options.forEach((option, o) => {
      over(`${where}/${o}/text`, textOf(option.text), 75);
      over(`${where}/${o}/value`, String(option.value ?? ''), 150);
      if (option.description) over(`${where}/${o}/description`, textOf(option.description), 75);
    });
  };
  switch (element.type) {
    case 'button':
      over(`${at}/text`, textOf(element.text), 75);
      if (element.value !== undefined) over(`${at}/value`, String(element.value), 2000);
      if (element.confirm) {
        const confirm = element.confirm as Json;
        over(`${at}/confirm/title`, textOf(confirm.title), 100);
        over(`${at}/confirm/text`, textOf(confirm.text), 300);
        over(`${at}/confirm/confirm`, textOf(confirm.confirm), 30);
        over(`${at}/confirm/deny`, textOf(confirm.deny), 30);
      }
      break;
    case 'checkboxes':
    case 'radio_buttons':
      if (element.options) optionProblems(asArray(element.options), `${at}/options`);
      break;
    case 'static_select':
    case 'multi_static_select': {
      if (element.options) optionProblems(asArray(element.options), `${at}/options`);
      const groups = asArray(element.option_groups);
      if (groups.length > 100) problems.push(`no more than 100 items allowed [json-pointer:${at}/option_groups]`);
      groups.forEach((group, g) => {
        over(`${at}/option_groups/${g}/label`, textOf(group.label), 75);
        optionProblems(asArray(group.options), `${at}/option_groups/${g}/options`);
      });
      break;
    }
    case 'plain_text_input':
      if (typeof element.max_length === 'number' && element.max_length > 3000)
        problems.push(`must be at most 3000 [json-pointer:${at}/max_length]`);
      if (typeof element.initial_value === 'string') over(`${at}/initial_value`, element.initial_value, 3000);
      break;
  }
  return problems;
}

/** Problems of a modal or App Home view (title, buttons, private_metadata, blocks). */
export function viewProblems(view: unknown): string[] {
  const v = (view ?? {}) as Json;
  const problems: string[] = [];
  const over = (where: string, text: string, max: number) => {
    if (text.length > max) problems.push(`must be less than ${max + 1} characters [json-pointer:/view${where}]`);
  };
  if (v.type === 'modal') {
    over('/title', textOf(v.title), 24);
    if (v.submit) over('/submit', textOf(v.submit), 24);
    if (v.close) over('/close', textOf(v.close), 24);
  }
  if (typeof v.private_metadata === 'string') over('/private_metadata', v.private_metadata, 3000);
  if (typeof v.callback_id === 'string') over('/callback_id', v.callback_id, 255);
  problems.push(
    ...blockProblems(v.blocks, v.type === 'home' ? 'home' : 'modal').map((p) => p.replace('json-pointer:', 'json-pointer:/view')),
  );
  return problems;
}
