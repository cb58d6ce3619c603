// linguist-documentation beside linguist-generated and linguist-vendored: a
// repository's .gitattributes can mark paths as documentation (left out of
// the architecture analysis like prose) or unmark a default such as *.md.
import type { Migration } from '../migrate.js';

export const documentationAttribute: Migration = {
  version: 11,
  name: 'documentation-attribute',
  sql: `
-- 1 = set or true, 0 = explicitly unset or false, NULL = unspecified.
ALTER TABLE git_path_attributes ADD COLUMN documentation INTEGER;
`,
};
