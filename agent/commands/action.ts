// `dx-audit action`: the entry of the GitHub Action (action.yml). Reads the
// action's inputs (INPUT_*) and the environment GitHub Actions sets, collects,
// writes the dashboard and the reports into RUNNER_TEMP, appends the weekly
// report to the job summary, declares step outputs, and optionally opens or
// updates an issue with the weekly report.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveEndpoints, tokenFromEnv } from '../../collectors/github/endpoints.js';
import type { Report } from '../analysis/model.js';
import { parseSince } from '../config.js';
import type { Context } from '../context.js';
import { InputError, registerSecret, WorkError } from '../errors.js';
import { renderDashboard } from '../render/dashboard.js';
import { renderHtml } from '../render/html.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { analyseForContext, writeOutput } from '../render/outputs.js';
import { Db } from '../store/db.js';

/** What can be published, as the `publish` input names it. */
export const PUBLISH_TARGETS = ['summary', 'artifact', 'issue'] as const;
type PublishTarget = (typeof PUBLISH_TARGETS)[number];

/** The action's inputs, validated. */
export interface ActionInputs {
  repositories: string[];
  org: string | null;
  paths: string[];
  window: string;
  week: string | null;
  anonymize: boolean;
  publish: Set<PublishTarget>;
  issueTitle: string;
  database: string | null;
}

/** GitHub passes every input as a string, empty when unset. */
const input = (env: NodeJS.ProcessEnv, name: string): string => (env[`INPUT_${name}`] ?? '').trim();
const list = (text: string, separators: RegExp): string[] =>
  text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);

/** Reads and checks the INPUT_* variables; every mistake names the input and the fix. */
export function readInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const anonymize = input(env, 'ANONYMIZE').toLowerCase() || 'false';
  if (anonymize !== 'true' && anonymize !== 'false') {
    throw new InputError(`the input anonymize is "${anonymize}", not true or false`, {
      fix: "set anonymize: 'true' or 'false'",
    });
  }
  const publish = list(input(env, 'PUBLISH') || 'summary,artifact', /[\s,]+/);
  for (const target of publish) {
    if (!(PUBLISH_TARGETS as readonly string[]).includes(target)) {
      throw new InputError(
        `the input publish names "${target}", which is not one of ${PUBLISH_TARGETS.join(', ')}`,
        {
          fix: 'e.g. publish: summary,artifact,issue',
        },
      );
    }
  }
  const inputs: ActionInputs = {
    repositories: list(input(env, 'REPOSITORIES'), /[\s,]+/),
    org: input(env, 'ORG') || null,
    paths: list(input(env, 'PATHS'), /\n+/),
    window: input(env, 'WINDOW') || '90d',
    week: input(env, 'WEEK') || null,
    anonymize: anonymize === 'true',
    publish: new Set(publish as PublishTarget[]),
    issueTitle: input(env, 'ISSUE_TITLE') || 'Weekly DX report',
    database: input(env, 'DATABASE') || null,
  };
  // a database alone is reported as it is (e.g. the merge of a sharded collection)
  if (inputs.repositories.length === 0 && !inputs.org && inputs.paths.length === 0 && !inputs.database) {
    throw new InputError(
      'the action has nothing to audit: repositories, org, paths and database are all empty',
      {
        fix: 'set repositories (OWNER/REPO, ...), org, paths (local clones), or database (to report it as it is)',
      },
    );
  }
  return inputs;
}

/** Environment variables GitHub Actions sets that the action needs. */
function runnerEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) {
    throw new InputError(`${name} is not set: dx-audit action runs inside a GitHub Actions job`, {
      fix: `run it from action.yml, or set ${name} as GitHub Actions does`,
    });
  }
  return value;
}

/** Appends `name=value` outputs in GitHub's multi-line-safe form. */
function writeOutputs(file: string, outputs: Record<string, string>): void {
  let text = '';
  for (const [name, value] of Object.entries(outputs)) {
    const delimiter = `dx_audit_${Math.random().toString(36).slice(2)}`;
    text += value.includes('\n') ? `${name}<<${delimiter}\n${value}\n${delimiter}\n` : `${name}=${value}\n`;
  }
  appendFileSync(file, text);
}

/** GitHub refuses issue bodies over 65,536 characters. */
const ISSUE_BODY_LIMIT = 65_000;

export async function run(context: Context, _operands: string[], _options: object): Promise<number> {
  const env = context.env;
  const inputs = readInputs(env);
  const temp = runnerEnv(env, 'RUNNER_TEMP');
  const summaryFile = inputs.publish.has('summary') ? runnerEnv(env, 'GITHUB_STEP_SUMMARY') : null;
  const outputFile = runnerEnv(env, 'GITHUB_OUTPUT');
  const outDir = join(temp, 'dx-audit');
  mkdirSync(outDir, { recursive: true });
  const dbPath = inputs.database ? resolve(context.cwd, inputs.database) : join(outDir, 'dx.db');
  const collecting = inputs.paths.length > 0 || inputs.repositories.length > 0 || inputs.org !== null;
  if (!collecting && !existsSync(dbPath)) {
    throw new InputError(`the input database ${dbPath} does not exist, and there is nothing to collect`, {
      fix: 'pass the path of a dx-audit database (e.g. the output of dx-audit merge), or repositories to collect',
    });
  }
  const step: Context = {
    ...context,
    dbPath,
    json: false,
    since: parseSince(inputs.window, 'the input window', context.now),
  };

  if (inputs.paths.length > 0) {
    const collectGit = await import('./collect-git.js');
    await collectGit.run(step, inputs.paths, {});
  }
  if (inputs.repositories.length > 0 || inputs.org) {
    const collectGithub = await import('./collect-github.js');
    await collectGithub.run(step, inputs.repositories, inputs.org ? { org: inputs.org } : {});
  }

  const files = {
    dashboard: join(outDir, 'dashboard.html'),
    markdown: join(outDir, 'report.md'),
    html: join(outDir, 'report.html'),
    json: join(outDir, 'report.json'),
  };
  // one analysis, rendered four ways
  const db = await Db.open(dbPath);
  let analysis: Report;
  try {
    analysis = await analyseForContext(db, step, { week: inputs.week ?? null, anonymize: inputs.anonymize });
  } finally {
    await db.close();
  }
  const week = analysis.week.week;
  writeOutput(files.dashboard, renderDashboard(analysis));
  writeOutput(files.markdown, renderMarkdown(analysis));
  writeOutput(files.html, renderHtml(analysis));
  writeOutput(files.json, renderJson(analysis));
  const markdown = readFileSync(files.markdown, 'utf8');

  if (summaryFile) appendFileSync(summaryFile, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  const outputs: Record<string, string> = {
    dashboard: files.dashboard,
    'report-markdown': files.markdown,
    'report-html': files.html,
    'report-json': files.json,
    database: dbPath,
    week,
    'artifact-dir': outDir,
  };
  if (inputs.publish.has('issue')) {
    outputs['issue-url'] = await publishIssue(context, inputs.issueTitle, markdown);
  }
  writeOutputs(outputFile, outputs);
  context.note(`dx-audit: outputs in ${outDir}`);
  return 0;
}

/** Opens the weekly issue (label dx-audit, the given title) in GITHUB_REPOSITORY, or updates the open one. */
async function publishIssue(context: Context, title: string, markdown: string): Promise<string> {
  const env = context.env;
  const repository = runnerEnv(env, 'GITHUB_REPOSITORY');
  const [owner, repo] = repository.split('/') as [string, string];
  const { apiUrl } = resolveEndpoints(undefined, context.loaded.config.github.url, env);
  const token = tokenFromEnv(env, apiUrl);
  if (!token) {
    throw new InputError('publishing an issue needs a token, and the input token is empty', {
      fix: 'leave the input token at its default (the job token) and grant the job `issues: write`',
    });
  }
  registerSecret(token);
  const body =
    markdown.length > ISSUE_BODY_LIMIT
      ? `${markdown.slice(0, ISSUE_BODY_LIMIT)}\n\n… (cut: the full report is in the job summary and the artifact)\n`
      : markdown;
  const { Octokit } = await import('octokit');
  const octokit = new Octokit({ auth: token, baseUrl: apiUrl });
  try {
    const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
      owner,
      repo,
      state: 'open',
      labels: 'dx-audit',
      per_page: 100,
    });
    const existing = open.find((issue) => issue.title === title && !issue.pull_request);
    if (existing) {
      const updated = await octokit.rest.issues.update({ owner, repo, issue_number: existing.number, body });
      context.note(`dx-audit: updated issue #${updated.data.number}`);
      return updated.data.html_url;
    }
    const created = await octokit.rest.issues.create({ owner, repo, title, body, labels: ['dx-audit'] });
    context.note(`dx-audit: opened issue #${created.data.number}`);
    return created.data.html_url;
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new WorkError(`could not publish the weekly issue in ${repository} (HTTP ${status ?? 'error'})`, {
      fix: 'grant the job `permissions: issues: write`, or drop issue from the input publish',
      cause: error,
    });
  }
}
