// The dashboard page as text: escaping helpers, one page with exactly its three
// scripts, and the report embedded as the very object the JSON renderer prints.
import { describe, expect, it } from 'vitest';
import { loadAssets, renderDashboard } from '../../agent/render/dashboard.js';
import { embedJson, escapeHtml, fill, inlineScript } from '../../agent/render/escape.js';
import { renderJson } from '../../agent/render/json.js';
import { embeddedReport } from '../support/embedded-report.js';
import { fixtureReport, HOSTILE, sharedFixture } from '../support/report-fixture.js';

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
    const { chartJs, pageJs } = loadAssets();
    expect(chartJs).toContain('Chart.js v4');
    expect(chartJs).not.toContain('sourceMappingURL');
    // the page script is the bundle of dashboard/page/*.ts: one IIFE reading the embedded report
    expect(pageJs).toContain('dx-report');
  });

  it('renders one page with exactly three scripts, a CSP that allows only them, and the report embedded as JSON prints it', async () => {
    const report = await fixtureReport(await sharedFixture(true));
    const html = renderDashboard(report);
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html).toMatch(/script-src &#39;sha256-[A-Za-z0-9+/=]+&#39; &#39;sha256-[A-Za-z0-9+/=]+&#39;;/);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\bsrc=["']?https?:/i);
    const embedded = embeddedReport(html);
    // the same object `report --format json` prints, hostile strings included
    expect(embedded).toEqual(JSON.parse(renderJson(report)));
    expect(embedded.schemaVersion).toBe(2);
    expect(html).toContain(`Window ${escapeHtml(report.window.statement)}`);
    // time to wait for the fixture if it is still being built (tests/support/global-setup.ts)
  }, 120_000);
});
