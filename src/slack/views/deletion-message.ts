/** The result of a deletion: who went and how many assets of each kind moved. */
import { skippedText } from '../../domain/changes/filter-targets';
import type { DeletionResult } from '../../domain/deletion/deletion-service';
import type { Reply } from '../reply';

export function deletionMessage(result: DeletionResult): Reply {
  const first =
    result.deleted.slice(0, 20).join(', ') + (result.deleted.length > 20 ? ` …and ${result.deleted.length - 20} more` : '');
  const who = result.deleted.length === 1 ? result.deleted[0] : `${result.deleted.length} users (${first})`;
  const skipped = skippedText(result.skipped);
  return {
    text: `:wastebasket: Deleted ${who}. ${result.transferable} asset${result.transferable === 1 ? '' : 's'} moved to ${result.ownerEmail}; ${result.nonTransferable} non-transferable one${result.nonTransferable === 1 ? '' : 's'} moved too and need${result.nonTransferable === 1 ? 's' : ''} reconfiguring.${skipped ? ` ${skipped}` : ''}`,
  };
}
