// The report a dashboard page carries: the JSON in its
// <script type="application/json" id="dx-report">, which the page draws from.
import type { Report } from '../../agent/analysis/model.js';

/** Parses the report embedded in a dashboard's HTML. */
export function embeddedReport(html: string): Report {
  const marker = 'id="dx-report">';
  const start = html.indexOf(marker);
  if (start < 0) throw new Error('the page holds no embedded report (id="dx-report")');
  const from = start + marker.length;
  return JSON.parse(html.slice(from, html.indexOf('</script>', from))) as Report;
}
