// Plants DORA's facts onto a repository of a generated organisation:
// deployments with their statuses, releases, incident issues and hotfix
// labels. Kept beside the repository (a WeakMap) so the organisation's own
// generator stays as it is; the local GitHub serves them from here.
import type { IssueRow } from '../../agent/store/dora.js';
import type { GenRepository } from './github-generator.js';

/** GraphQL DeploymentStatusState values. */
export type PlantedState =
  | 'SUCCESS'
  | 'FAILURE'
  | 'ERROR'
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'INACTIVE'
  | 'QUEUED'
  | 'WAITING';

/** Times are milliseconds, like the rest of the generated organisation. */
export interface PlantedDeployment {
  id: number;
  environment: string;
  sha: string;
  ref: string;
  createdAt: number;
  /** In the order the server lists them (tests plant them out of order on purpose). */
  statuses: { state: PlantedState; at: number }[];
}

export interface PlantedRelease {
  id: number;
  tagName: string;
  sha: string;
  prerelease: boolean;
  draft: boolean;
  createdAt: number;
  publishedAt: number | null;
}

/** An issue carrying the incident label, as the store keeps it (without its response). */
export type PlantedIssue = Omit<IssueRow, 'rawId'>;

export interface DoraPlant {
  deployments: PlantedDeployment[];
  releases: PlantedRelease[];
  issues: PlantedIssue[];
  /** Labels of pull requests, by number. */
  prLabels: Map<number, { labels: string[]; updatedAt: number }>;
}

const plants = new WeakMap<GenRepository, DoraPlant>();

/** The DORA facts planted on a repository (an empty set when none were). */
export function plantOf(repo: GenRepository): DoraPlant {
  let plant = plants.get(repo);
  if (!plant) {
    plant = { deployments: [], releases: [], issues: [], prLabels: new Map() };
    plants.set(repo, plant);
  }
  return plant;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Plans of the three generated scenarios: what is deployed when, and what fails. */
export interface DeploymentPlan {
  /** Commits of the default branch, oldest first: sha and author time (ms). */
  commits: { sha: string; at: number }[];
  /** Deploy when this returns true for a commit index (the commit and all before it ship). */
  deployAfter: (index: number) => boolean;
  /** Delay from the commit to its deployment's first success. */
  delay: number;
  environment?: string;
}

/**
 * Plants one successful deployment per planned commit, its statuses listed
 * out of order (success first, then the pending that preceded it), and a
 * deployment to staging before each one that production must not count.
 */
export function plantDeployments(repo: GenRepository, plan: DeploymentPlan): PlantedDeployment[] {
  const plant = plantOf(repo);
  let id = 1000 + plant.deployments.length * 2;
  const planted: PlantedDeployment[] = [];
  plan.commits.forEach((commit, index) => {
    if (!plan.deployAfter(index)) return;
    const at = commit.at + plan.delay;
    plant.deployments.push({
      id: id++,
      environment: 'staging',
      sha: commit.sha,
      ref: 'main',
      createdAt: at - HOUR,
      statuses: [{ state: 'SUCCESS', at: at - HOUR + 60_000 }],
    });
    const production: PlantedDeployment = {
      id: id++,
      environment: plan.environment ?? 'production',
      sha: commit.sha,
      ref: 'main',
      createdAt: at - 600_000,
      statuses: [
        { state: 'SUCCESS', at },
        { state: 'IN_PROGRESS', at: at - 300_000 },
        { state: 'PENDING', at: at - 600_000 },
      ],
    };
    plant.deployments.push(production);
    planted.push(production);
  });
  return planted;
}

export { DAY, HOUR };
