import { Blocks, Elements, Message } from 'slack-block-builder';
import { describe, expect, it } from 'vitest';
import { chunkLines, fitList, fitText, withOptions } from '../../src/slack/views/block-limits';

/** An element as Slack receives it. */
function built(element: Parameters<ReturnType<typeof Blocks.Actions>['elements']>[0]): Record<string, unknown> {
  const [block] = Message().blocks(Blocks.Actions().elements(element)).getBlocks() as unknown as {
    elements: Record<string, unknown>[];
  }[];
  return block?.elements[0] ?? {};
}

describe('Block Kit limits', () => {
  it('cuts a list with "…and N more" within the limit', () => {
    const items = Array.from({ length: 100 }, (_, i) => `item-${i}`);
    const text = fitList(items, 100, ', ');
    expect(text.length).toBeLessThanOrEqual(100);
    const shown = text.split(', ').length - 1;
    expect(text).toMatch(new RegExp(`…and ${100 - shown} more$`));
    expect(fitList(['a', 'b'], 100)).toBe('a\nb');
  });

  it('cuts a one-line summary between its items and keeps its closing clause', () => {
    const summary = `Delete ${Array.from({ length: 90 }, (_, i) => `user${i}@example.com`).join(', ')}; 3 asset(s) move to o@x.com.`;
    const text = fitText(summary, 1000);
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text).toMatch(/user\d+@example\.com, …and \d+ more; 3 asset\(s\) move to o@x\.com\.$/);
    const shown = (text.match(/user\d+@/g) ?? []).length;
    expect(text).toContain(`…and ${90 - shown} more`);
  });

  it('keeps whole lines of a long summary and adds what its own "…and K more" counted', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `u${i}@example.com: ${'viewer, '.repeat(20)}→ editor`);
    const text = fitText(['Roles of 100 users change:', ...lines, '…and 80 more'].join('\n'), 1000);
    expect(text.length).toBeLessThanOrEqual(1000);
    const shown = text.split('\n').length - 2;
    expect(text.split('\n').at(-1)).toBe(`…and ${20 - shown + 80} more`);
  });

  it('never ends a hard cut inside an escaped entity', () => {
    expect(fitText('&amp;'.repeat(1000), 301)).toMatch(/(&amp;)+…$/);
  });

  it('spreads lines over sections and says what did not fit', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `${i}:${'x'.repeat(95)}`);
    const chunks = chunkLines(lines, 1000, 2);
    expect(chunks).toHaveLength(2);
    expect(chunks.every((c) => c.length <= 1000)).toBe(true);
    expect(chunks[1]).toMatch(/…and \d+ more$/);
    expect(chunkLines(lines.slice(0, 5), 1000, 2)).toEqual([lines.slice(0, 5).join('\n')]);
  });

  it('puts more than 100 choices in option groups of at most 100', () => {
    const choices = Array.from({ length: 250 }, (_, i) => ({ text: `Group ${i}`, value: `g${i}` }));
    const select = built(withOptions(Elements.StaticMultiSelect({ actionId: 'a' }), choices)) as {
      options?: unknown[];
      option_groups?: { label: { text: string }; options: { value: string }[] }[];
    };
    expect(select.options).toBeUndefined();
    expect(select.option_groups?.map((g) => g.options.length)).toEqual([100, 100, 50]);
    expect(select.option_groups?.[0]?.label.text).toBe('Group 0 – Group 99');
    const few = built(withOptions(Elements.StaticSelect({ actionId: 'b' }), choices.slice(0, 3))) as {
      options?: unknown[];
    };
    expect(few.options).toHaveLength(3);
  });
});
