// The JSON contract (SPEC §11, `schemaVersion`): the report model as it is.
// Other tools and scripts read it; the dashboard embeds the same object.
import type { Report } from '../analysis/model.js';

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
