/** `/users list`: 20 users a page with Name, E-mail, Primary role, Status, Last login, Passcode, and paging. */
import { Blocks, Elements, Message } from 'slack-block-builder';
import type { ListFilter, UserPage } from '../../domain/directory/directory-service';
import { ACTIONS, BLOCKS } from '../ids';
import type { Reply } from '../reply';
import { escapeMrkdwn, passcodeText, whenOrNever } from './format';

/** The paging buttons carry the filter, so the next page is the same query. */
export function encodeListFilter(filter: ListFilter): string {
  return JSON.stringify(filter);
}

export function userListMessage(page: UserPage, filter: ListFilter): Reply {
  const summary =
    page.total === 0
      ? 'No users match.'
      : `${page.total} user${page.total === 1 ? '' : 's'} — page ${page.page} of ${page.pages}`;
  const rows = page.users.map((user) =>
    Blocks.Section({
      text: [
        `*${escapeMrkdwn(user.name ?? '—')}*  ${user.email}`,
        `${user.primaryRole?.name ?? 'no role'} · ${user.status} · last login ${whenOrNever(user.lastLoginAt)} · passcode ${passcodeText(user.passcode)}`,
      ].join('\n'),
    }).accessory(Elements.Button({ text: 'Show', actionId: ACTIONS.listShow, value: user.email })),
  );
  const paging = [];
  if (page.page > 1) {
    paging.push(
      Elements.Button({
        text: 'Previous',
        actionId: ACTIONS.listPrev,
        value: encodeListFilter({ ...filter, page: page.page - 1 }),
      }),
    );
  }
  if (page.page < page.pages) {
    paging.push(
      Elements.Button({ text: 'Next', actionId: ACTIONS.listNext, value: encodeListFilter({ ...filter, page: page.page + 1 }) }),
    );
  }
  const message = Message()
    .text(summary)
    .blocks(
      Blocks.Section({ text: `*${summary}*` }),
      Blocks.Divider(),
      ...rows,
      paging.length > 0 ? Blocks.Actions({ blockId: BLOCKS.listActions }).elements(...paging) : undefined,
    );
  return { text: summary, blocks: message.getBlocks() };
}
