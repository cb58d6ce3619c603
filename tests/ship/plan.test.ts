// `dx-audit plan`: shards of about equal collection cost, not equal count.
// Costs come from the previous run's database (commits + pull requests),
// else from repository size scaled by what known repositories cost per KB.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCosts, splitShards } from '../../agent/commands/plan.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/git-repo.js';
import { type GenOrg, generateOrg } from '../support/github-generator.js';
import { type GithubServer, startGithubServer } from '../support/github-server/server.js';
import { seedOrg } from '../support/seed-github.js';
import { type IssuesFront, startIssuesFront } from './issues-front.js';

describe('estimateCosts and splitShards', () => {
  const repos = [
    { name: 'o/a', sizeKb: 300 },
    { name: 'o/b', sizeKb: 100 },
    { name: 'o/c', sizeKb: 200 },
    { name: 'o/d', sizeKb: null },
    { name: 'O/E', sizeKb: 50 },
  ];
  const history = new Map([
    ['o/a', { commits: 100, pullRequests: 50 }],
    ['o/b', { commits: 30, pullRequests: 10 }],
  ]);

  it('prices known repositories by history and others by size at the known cost per KB', () => {
    // known: 190 units over 400 KB = 0.475 per KB; c = 200 × 0.475 = 95, E = 50 × 0.475 = 23.75 → 24
    expect(estimateCosts(repos, history)).toEqual([
      { name: 'o/a', cost: 150, basis: 'history' },
      { name: 'o/b', cost: 40, basis: 'history' },
      { name: 'o/c', cost: 95, basis: 'size' },
      { name: 'o/d', cost: 1, basis: 'unknown' },
      { name: 'O/E', cost: 24, basis: 'size' },
    ]);
  });

  it('fills the cheapest shard with the costliest repository first', () => {
    // a(150)→1; c(95)→2; b(40)→2 (135); E(24)→2 (159); d(1)→1 (151). By count, {a,b,c} would cost 285 against 25.
    expect(splitShards(estimateCosts(repos, history), 2)).toEqual([
      { shard: 'shard-1', repositories: 'o/a o/d', count: 2, cost: 151 },
      { shard: 'shard-2', repositories: 'O/E o/b o/c', count: 3, cost: 159 },
    ]);
  });

  it('never plans more shards than repositories, nor an empty one', () => {
    const plan = splitShards(estimateCosts(repos, history), 9);
    expect(plan.map((s) => s.count)).toEqual([1, 1, 1, 1, 1]);
    expect(plan.reduce((n, s) => n + s.cost, 0)).toBe(150 + 40 + 95 + 1 + 24);
  });
});

describe('dx-audit plan --org', () => {
  const dir = tempDir('dx-audit-plan-');
  const TOKEN = 'ghp_planTestTokenNeverStored0123456789';
  let org: GenOrg;
  let server: GithubServer;
  let front: IssuesFront;
  const env = () => ({
    GITHUB_TOKEN: TOKEN,
    GH_TOKEN: '',
    GITHUB_API_URL: front.url,
    GITHUB_GRAPHQL_URL: '',
  });

  beforeAll(async () => {
    // 4 active repositories with 30, 10, 20 and 20 pull requests, one archived, one fork
    org = generateOrg({
      seed: 3,
      repos: 4,
      archivedRepos: 1,
      forkRepos: 1,
      prsPerRepo: 20,
      repoPrs: [30, 10],
    });
    server = await startGithubServer(org, { token: TOKEN });
    const sizes = [600, 200, 400, 100, 5000, 9000];
    front = await startIssuesFront(server.url, {
      repoSizes: Object.fromEntries(org.repositories.map((r, i) => [`${r.owner}/${r.name}`, sizes[i]!])),
    });
    // the previous run knew the first two repositories
    await seedOrg(join(dir, 'previous.db'), { ...org, repositories: org.repositories.slice(0, 2) });
  }, 120_000);

  afterAll(async () => {
    await front?.close();
    await server?.close();
  });

  const slug = (i: number) => `${org.login}/${org.repositories[i]!.name}`;

  it('splits by size on the first run, leaving out archived repositories and forks', async () => {
    const result = await runCli(
      ['plan', '--org', org.login, '--shards', '2', '--previous', join(dir, 'none.db')],
      {
        env: env(),
        cwd: dir,
      },
    );
    expect(result.exitCode).toBe(0);
    // sizes 600, 200, 400, 100: 600→1, 400→2, 200→2 (600), 100→1 (700, the tie goes to the first)
    expect(JSON.parse(result.stdout)).toEqual({
      include: [
        { shard: 'shard-1', repositories: `${slug(0)} ${slug(3)}`, count: 2, cost: 700 },
        { shard: 'shard-2', repositories: `${slug(1)} ${slug(2)}`, count: 2, cost: 600 },
      ],
    });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('no previous database');
    expect(front.schemaProblems).toEqual([]);
  });

  it('prices repositories the previous run knew by their pull requests, the others by size at that rate', async () => {
    const result = await runCli(
      ['plan', '--org', org.login, '--shards', '2', '--previous', join(dir, 'previous.db')],
      { env: env(), cwd: dir },
    );
    expect(result.exitCode).toBe(0);
    // known: 30 + 10 pull requests over 600 + 200 KB = 0.05 per KB → 400 KB = 20, 100 KB = 5
    // 30→1, 20→2, 10→2 (30), 5→1 (35, tie to the first)
    expect(JSON.parse(result.stdout)).toEqual({
      include: [
        { shard: 'shard-1', repositories: `${slug(0)} ${slug(3)}`, count: 2, cost: 35 },
        { shard: 'shard-2', repositories: `${slug(1)} ${slug(2)}`, count: 2, cost: 30 },
      ],
    });
  });

  it('rejects a bad shard count with one line and exit 2', async () => {
    const result = await runCli(['plan', 'o/a', '--shards', '300'], { env: env(), cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--shards "300" is not a whole number from 1 to 256');
  });
});
