/** `/users partner rename | delete` as the parser reads them (issue 22, item 1). */
import { describe, expect, it } from 'vitest';
import { isRosterError } from '../../src/errors';
import { parseUsersCommand } from '../../src/slack/commands/parse-users-command';

function refusal(text: string): { message: string; hint?: string } {
  try {
    parseUsersCommand(text);
  } catch (error) {
    if (!isRosterError(error)) throw error;
    return { message: error.message, hint: error.hint };
  }
  throw new Error(`expected "${text}" to be refused`);
}

describe('partner rename and delete', () => {
  it.each([
    ['partner rename Acme "  Acme   Corp "', { kind: 'partner', action: 'rename', name: 'Acme', newName: 'Acme Corp' }],
    ['partner delete "Acme Corp"', { kind: 'partner', action: 'delete', name: 'Acme Corp', reassign: undefined }],
    ['partner DELETE Acme --reassign "Globex Inc"', { kind: 'partner', action: 'delete', name: 'Acme', reassign: 'Globex Inc' }],
  ])('%s', (text, expected) => {
    expect(parseUsersCommand(text)).toEqual(expected);
  });

  it.each([
    ['partner remove Acme', 'Say `list`, `add`, `rename` or `delete`.'],
    ['partner rename Acme', 'Give the old and the new name'],
    ['partner rename Acme " "', 'A partner name is 1 to 60 characters'],
    ['partner rename Acme Globex Initech', 'Unexpected'],
    ['partner delete', 'Give the partner’s name'],
    ['partner delete Acme Globex', 'Unexpected'],
    ['partner delete Acme --reassign a --reassign b', 'Give `--reassign` once.'],
    ['partner delete Acme --to Globex', '--to'],
  ])('refuses %s', (text, message) => {
    const error = refusal(text);
    expect(error.message).toContain(message);
    expect(error.hint).toContain(
      'Usage: `/users partner list | add <name> | rename <old> <new> | delete <name> [--reassign <partner>]`',
    );
  });
});
