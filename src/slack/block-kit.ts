/**
 * slack-block-builder's objects are Slack's Block Kit JSON, but its TypeScript types are declared
 * apart from @slack/types; these two casts are the one place the two are reconciled.
 */
import type { KnownBlock, View } from '@slack/types';

export function asBlocks(blocks: readonly object[] | undefined): KnownBlock[] | undefined {
  return blocks as KnownBlock[] | undefined;
}

export function asView(view: object): View {
  return view as View;
}
