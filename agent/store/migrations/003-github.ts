// Placeholder for the GitHub schema step; replaced by the real migration when merged.
import type { Migration } from '../migrate.js';

export const github: Migration = { version: 3, name: 'github-placeholder', sql: '' };
