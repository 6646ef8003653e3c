/** The result of a deletion: who went, how many assets of each kind moved, and which API keys moved to the owner. */
import { skippedText } from '../../domain/changes/filter-targets';
import type { DeletionResult } from '../../domain/deletion/deletion-service';
import type { Reply } from '../reply';
import { escapeMrkdwn } from './format';

export function deletionMessage(result: DeletionResult): Reply {
  const first =
    result.deleted.slice(0, 20).join(', ') + (result.deleted.length > 20 ? ` …and ${result.deleted.length - 20} more` : '');
  const who = result.deleted.length === 1 ? result.deleted[0] : `${result.deleted.length} users (${first})`;
  const skipped = skippedText(result.skipped);
  return {
    text: `:wastebasket: Deleted ${who}. ${result.transferable} asset${result.transferable === 1 ? '' : 's'} moved to ${result.ownerEmail}; ${result.nonTransferable} non-transferable one${result.nonTransferable === 1 ? '' : 's'} moved too and need${result.nonTransferable === 1 ? 's' : ''} reconfiguring.${movedKeys(result)}${skipped ? ` ${skipped}` : ''}`,
  };
}

/** The API keys that moved to the owner (the first 20 by prefix), and whether the owner was told by DM. */
function movedKeys(result: DeletionResult): string {
  const keys = result.apiKeys ?? [];
  if (keys.length === 0) return '';
  const prefixes = keys
    .slice(0, 20)
    .map((k) => `\`${escapeMrkdwn(k.prefix)}…\``)
    .join(', ');
  const more = keys.length > 20 ? ` …and ${keys.length - 20} more` : '';
  const which = keys.length === 1 ? `Their API key (${prefixes})` : `${keys.length} API keys (${prefixes}${more})`;
  const told =
    result.ownerTold === false
      ? `${result.ownerEmail} could not be reached in Slack; their card lists the keys.`
      : `${result.ownerEmail} got a DM to revoke any they do not need.`;
  return ` ${which} moved to ${result.ownerEmail} and keep${keys.length === 1 ? 's' : ''} working in their name, with no more access than before. ${told}`;
}
