/** What Roster says back in Slack: fallback text plus Block Kit blocks built by slack-block-builder. */
import type { SlackBlockDto } from 'slack-block-builder';

export interface Reply {
  text: string;
  blocks?: Readonly<SlackBlockDto>[];
}

/** A plain text reply. */
export function say(text: string): Reply {
  return { text };
}
