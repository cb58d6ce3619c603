// A pull request's size leaves out what the repository's own .gitattributes
// marks generated, vendored or documentation (linguist attributes, recorded
// with the clone's history), as hotspots do: a PR that regenerates a 500-line
// client is not an oversized change.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyArchitecture } from '../../agent/analysis/architecture.js';
import { analyseDelivery } from '../../agent/analysis/delivery.js';
import { DEFAULT_CONFIG } from '../../agent/config.js';
import { Db } from '../../agent/store/db.js';
import { tempDir } from '../support/git-repo.js';

const t = (iso: string) => Date.parse(iso) / 1000;

async function sizeOfPr(attributes: string): Promise<number | null> {
  const db = await Db.open(join(tempDir(), 'dx.db'));
  try {
    await db.exec(`
      INSERT INTO repositories (id, name, github, created_at) VALUES (1, 'svc', 'acme/svc', 'now'), (2, 'web', 'acme/web', 'now');
      INSERT INTO collection_runs (id, source, scope, started_at, status) VALUES (1, 'github', 'acme/svc', 'now', 'done');
      INSERT INTO github_raw (id, run_id, repo_id, kind, method, url, status, fetched_at) VALUES (1, 1, 1, 'test', 'GET', '/', 200, 'now');
      ${attributes}
    `);
    await db.run(
      `INSERT INTO github_pull_requests (repo_id, number, title, author, author_is_bot, state, draft, created_at, ready_at,
        merged_at, closed_at, base_ref, head_ref, head_sha, additions, deletions, changed_files, commits_count,
        comments_count, first_commit_at, updated_at, raw_id)
       VALUES (1, 7, 't', 'ann', 0, 'MERGED', 0, ?, ?, ?, ?, 'main', 'f', 'h', 1, 1, 1, 1, 0, ?, ?, 1)`,
      [
        t('2025-03-03T10:00:00Z'),
        t('2025-03-03T10:00:00Z'),
        t('2025-03-04T10:00:00Z'),
        t('2025-03-04T10:00:00Z'),
        t('2025-03-03T09:00:00Z'),
        t('2025-03-04T10:00:00Z'),
      ],
    );
    await db.exec(`
      INSERT INTO github_pr_files (repo_id, pr_number, path, additions, deletions, raw_id) VALUES
        (1, 7, 'src/a.ts', 10, 2, 1),
        (1, 7, 'gen/client.ts', 400, 100, 1),
        (1, 7, 'package-lock.json', 300, 0, 1);
    `);
    const analysis = await analyseDelivery(
      db,
      { since: t('2025-03-01T00:00:00Z'), until: t('2025-03-31T00:00:00Z') },
      DEFAULT_CONFIG,
      emptyArchitecture(),
      null,
      null,
    );
    return analysis.pullRequests?.items.find((i) => i.number === 7)?.size ?? null;
  } finally {
    await db.close();
  }
}

describe("a pull request's size", () => {
  it("leaves out the files its repository's linguist attributes mark generated", async () => {
    // the lock file is left out by default; the generated client only by the attribute
    expect(await sizeOfPr('')).toBe(12 + 500);
    expect(
      await sizeOfPr(
        "INSERT INTO git_path_attributes (repo_id, path, generated, vendored) VALUES (1, 'gen/client.ts', 1, NULL);",
      ),
    ).toBe(12);
    // another repository's attribute for the same path does not apply
    expect(
      await sizeOfPr(
        "INSERT INTO git_path_attributes (repo_id, path, generated, vendored) VALUES (2, 'gen/client.ts', 1, NULL);",
      ),
    ).toBe(12 + 500);
    // linguist-generated=false keeps a file the defaults would leave out
    expect(
      await sizeOfPr(
        "INSERT INTO git_path_attributes (repo_id, path, generated, vendored) VALUES (1, 'package-lock.json', 0, NULL);",
      ),
    ).toBe(12 + 500 + 300);
  });
});
