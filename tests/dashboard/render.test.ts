import { describe, expect, it } from 'vitest';
import { assembleDashboard } from '../../agent/report/dashboard-data.js';
import {
  embedJson,
  escapeHtml,
  fill,
  inlineScript,
  loadAssets,
  renderDashboard,
} from '../../dashboard/render.js';
import { fullReport, gitDays, HOSTILE, TEAMS } from './fixtures.js';

describe('page assembly helpers', () => {
  it('escapes HTML text and attribute values', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;',
    );
  });

  it('embeds JSON that cannot close its script element and parses back to the same value', () => {
    const value = { s: `${HOSTILE.script}${HOSTILE.comment}${HOSTILE.separators}` };
    const text = embedJson(value);
    expect(text).not.toMatch(/[<\u2028\u2029]/);
    expect(text).toContain('\\u003c/script>');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('fills placeholders in one pass, with $ patterns and placeholder names in values left as they are', () => {
    expect(fill('a {{X}} b {{Y}}', { X: "$& $1 $' {{Y}}", Y: 'y' })).toBe("a $& $1 $' {{Y}} b y");
    expect(() => fill('{{Z}}', {})).toThrow('no value for the placeholder {{Z}}');
  });

  it('makes inlined library code unable to end its script element', () => {
    expect(inlineScript('var a = "</script><!-- </SCRIPT>";')).toBe(
      'var a = "<\\/script><\\!-- <\\/SCRIPT>";',
    );
    const { chartJs } = loadAssets();
    expect(chartJs).toContain('Chart.js v4');
    expect(chartJs).not.toContain('sourceMappingURL');
  });

  it('renders one page with exactly three scripts, a CSP that allows only them, and no external reference', () => {
    const data = assembleDashboard({
      report: fullReport(true),
      gitDays: gitDays(true),
      fileRevisions: 23,
      teams: TEAMS,
      window: { since: new Date('2024-01-01T00:00:00Z'), until: new Date('2024-01-14T23:59:59Z') },
      generatedAt: new Date('2024-01-15T00:00:00Z'),
    });
    const html = renderDashboard(data);
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).toMatch(/script-src &#39;sha256-[A-Za-z0-9+/=]+&#39; &#39;sha256-[A-Za-z0-9+/=]+&#39;;/);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\bsrc=["']?https?:/i);
    // The data parses back intact, hostile strings included.
    const json = html.slice(html.indexOf('id="dx-data">') + 'id="dx-data">'.length);
    expect(JSON.parse(json.slice(0, json.indexOf('</script>')))).toEqual(data);
  });
});
