/**
 * The playground page's mrkdwn (src/playground/page/mrkdwn.js): Slack's text shown as Slack shows it,
 * and nothing in it ever becomes markup of its own.
 */
import { describe, expect, it } from 'vitest';
import { esc, mrkdwn, textOf } from '../../src/playground/page/mrkdwn.js';
import { workspace } from '../../src/playground/page/workspace.js';

describe('the playground page’s mrkdwn', () => {
  workspace.people = [{ slackId: 'U0ADAM0002', name: 'Adam Alvarez' }];
  workspace.channels = [{ id: 'C0APPROVALS', name: 'roster-approvals' }];

  it('renders emphasis, code, quotes, links, mentions and emoji', () => {
    expect(mrkdwn('*Grant Admin* _now_ ~old~ `code`')).toBe(
      '<strong>Grant Admin</strong> <em>now</em> <s>old</s> <code>code</code>',
    );
    expect(mrkdwn('&gt; quoted')).toBe('<blockquote>quoted</blockquote>');
    expect(mrkdwn('<https://example.com/a?b=1&amp;c=2|the page>')).toBe(
      '<a href="https://example.com/a?b=1&amp;c=2" target="_blank" rel="noopener">the page</a>',
    );
    expect(mrkdwn('by <@U0ADAM0002> in <#C0APPROVALS>')).toBe(
      'by <span class="mention">@Adam Alvarez</span> in <span class="mention">#roster-approvals</span>',
    );
    expect(mrkdwn(':white_check_mark: done :constructor:')).toBe('✅ done :constructor:');
    expect(mrkdwn('```a <b>\nc```')).toBe('<pre>a &lt;b&gt;\nc</pre>');
  });

  it('escapes whatever Roster or a user wrote, and links only to http(s) and mailto', () => {
    expect(mrkdwn('&lt;img src=x onerror=alert(1)&gt;')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(mrkdwn('<javascript:alert(1)|click>')).toBe('click');
    expect(mrkdwn('<https://x.example/"onmouseover="alert(1)|x>')).toBe(
      '<a href="https://x.example/&quot;onmouseover=&quot;alert(1)" target="_blank" rel="noopener">x</a>',
    );
    expect(textOf({ type: 'plain_text', text: '<b>*not bold*</b>' })).toBe('&lt;b&gt;*not bold*&lt;/b&gt;');
    expect(esc(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });
});
