/** The sentence an admin reads after re-addressing an accepted user (edit-reply.ts): how each address was told. */
import { describe, expect, it } from 'vitest';
import type { EditResult } from '../../src/domain/changes/user-changes';
import { editedText } from '../../src/slack/views/edit-reply';

const edited = (told: EditResult['told']) => ({ email: 'amy.new@example.com', told }) as EditResult;

describe('the reply to an e-mail change', () => {
  it('names the addresses told by DM and by e-mail', () => {
    const text = editedText(
      edited([
        { email: 'amy@example.com', told: true, mailed: true },
        { email: 'amy.new@example.com', told: false, mailed: true },
      ]),
    );
    expect(text).toContain('Told them by Slack DM at amy@example.com.');
    expect(text).toContain('E-mailed amy@example.com and amy.new@example.com.');
    expect(text).not.toContain('yourself');
  });

  it('asks the admin to tell an address nothing reached', () => {
    const text = editedText(
      edited([
        { email: 'amy@example.com', told: true, mailed: false },
        { email: 'amy.new@example.com', told: false, mailed: false },
      ]),
    );
    expect(text).toContain('Neither Slack nor e-mail reached amy.new@example.com: tell them yourself.');
  });
});
