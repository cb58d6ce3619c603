// The `dora` config section: defaults, every bad field named at once, and the
// source detection `init` uses.
import { afterAll, describe, expect, it } from 'vitest';
import { detectDeploymentSource } from '../../agent/analysis/dora.js';
import { DEFAULT_CONFIG, validateConfig } from '../../agent/config.js';
import { TestRepo } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

describe('dora config', () => {
  it('keeps the defaults and takes valid settings', () => {
    expect(validateConfig({}).config.dora).toEqual(DEFAULT_CONFIG.dora);
    const { config, errors } = validateConfig({
      dora: { sources: ['tags'], environments: ['prod-eu'], incidentLabel: 'sev1', hotfixLabels: [] },
    });
    expect(errors).toEqual([]);
    expect(config.dora).toEqual({
      ...DEFAULT_CONFIG.dora,
      sources: ['tags'],
      environments: ['prod-eu'],
      incidentLabel: 'sev1',
      hotfixLabels: [],
    });
  });

  it('names every bad field at once', () => {
    const { errors } = validateConfig({
      dora: {
        sources: ['deployments', 'jenkins'],
        environments: [],
        workflowPattern: '(',
        failureSignals: ['outage'],
        incidentLabel: '',
      },
    });
    expect(errors).toEqual([
      '"dora.sources" must list some of deployments, actions, releases, tags, not jenkins',
      '"dora.environments" must name at least one environment',
      '"dora.workflowPattern" is not a valid regular expression: (',
      '"dora.failureSignals" must list some of failed_deployment, revert, hotfix, incident, not outage',
      '"dora.incidentLabel" must be a label name',
    ]);
    expect(validateConfig({ dora: 'prod' }).errors).toEqual([
      '"dora" must be an object like {"environments": ["production"]}',
    ]);
  });
});

describe('detectDeploymentSource', () => {
  it('prefers GitHub deployments to production, then deploy workflows, then releases, then version tags', async () => {
    const r = new TestRepo();
    repos.push(r);
    const sha = r.commit({ message: 'one' });
    r.git('tag', 'v1.0.0', sha);
    r.git('tag', 'v1.1.0-rc.1', sha);
    expect(await detectDeploymentSource(r.path)).toEqual({
      source: 'tags',
      found: [
        'production deployments on GitHub: not checked (no GitHub data)',
        'deploy workflows: not checked (no GitHub data)',
        'published releases: not checked (no GitHub data)',
        'version tags: 1',
      ],
    });
    const github = { environments: ['staging', 'Production'], workflows: ['CI', 'Deploy'], releases: 0 };
    expect((await detectDeploymentSource(r.path, github)).source).toBe('deployments');
    expect((await detectDeploymentSource(r.path, { ...github, environments: ['staging'] })).found).toEqual([
      'production deployments on GitHub: 0',
      'deploy workflows: 1',
      'published releases: 0',
      'version tags: 1',
    ]);
  });
});
