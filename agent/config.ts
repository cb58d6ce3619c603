// dx-audit.config.json: parsed, normalised and validated in one place.
// Layering (lowest first): defaults < config file < environment < flags.
// Validation collects every problem at once, each naming the field and the fix.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from './errors.js';

/** The config file name `init` writes and every command looks for in the working directory. */
export const CONFIG_FILE = 'dx-audit.config.json';

export interface WorkingHours {
  /** ISO weekdays that count, 1 = Monday ... 7 = Sunday. */
  days: number[];
  /** "09:00" */
  start: string;
  /** "17:00" */
  end: string;
  /** IANA time zone used when a person has none of their own. */
  timeZone: string;
  /** Per-person time zones: login or email → IANA zone. */
  people: Record<string, string>;
  /** Holidays as YYYY-MM-DD. */
  holidays: string[];
}

export interface CouplingSettings {
  maxChangeSetSize: number;
  minRevisions: number;
  minShared: number;
  minDegree: number;
}

export interface Config {
  /** Local paths and/or owner/repo names to audit. */
  repositories: string[];
  build: { command: string | null; clean: string | null; testCommand: string | null };
  github: { url: string | null; org: string | null };
  /** Logins (or emails) treated as bots in addition to GitHub's Bot actors and `[bot]` logins. */
  bots: string[];
  /** Team name → members (GitHub logins or git emails). */
  teams: Record<string, string[]>;
  workingHours: WorkingHours | null;
  window: { since: string | null };
  /** Globs of paths left out of file analysis and PR size (generated, vendored, lock files). */
  exclude: string[];
  coupling: CouplingSettings;
  /** Regular expressions (case-insensitive) marking a commit subject as a fix or revert. */
  fixPatterns: string[];
  modules: { depth: number; components: Record<string, string[]> };
  /** Where deployments come from and what counts as a failure (see docs/dora.md). */
  dora: DoraSettings;
  /** Cost settings (docs/diagnosis.md §4). */
  costs: { contextSwitchMinutes: number };
}

/** A deployment source, tried in the configured order per repository. */
export type DeploymentSource = 'deployments' | 'actions' | 'releases' | 'tags';
export const DEPLOYMENT_SOURCES: readonly DeploymentSource[] = ['deployments', 'actions', 'releases', 'tags'];
/** A change-failure signal that can be switched off. */
export type FailureSignal = 'failed_deployment' | 'revert' | 'hotfix' | 'incident';
export const FAILURE_SIGNALS: readonly FailureSignal[] = [
  'failed_deployment',
  'revert',
  'hotfix',
  'incident',
];

export interface DoraSettings {
  /** Sources tried in order; the first that has a deployment is used for a repository. */
  sources: DeploymentSource[];
  /** Environment names (case-insensitive) that count as production. */
  environments: string[];
  /** Regular expression (case-insensitive) on a workflow's name or file naming a deploy workflow. */
  workflowPattern: string;
  /** Regular expression on tag names that mark a release. */
  tagPattern: string;
  failureSignals: FailureSignal[];
  /** Pull-request labels (case-insensitive) marking a hotfix. */
  hotfixLabels: string[];
  /** Regular expression (case-insensitive) on a pull request's head branch marking a hotfix. */
  hotfixBranchPattern: string;
  /** Issue label (case-insensitive) marking an incident. */
  incidentLabel: string;
}

export const DEFAULT_CONFIG: Config = {
  repositories: [],
  build: { command: null, clean: null, testCommand: null },
  github: { url: null, org: null },
  bots: [],
  teams: {},
  workingHours: null,
  window: { since: null },
  exclude: [],
  coupling: { maxChangeSetSize: 30, minRevisions: 5, minShared: 5, minDegree: 30 },
  fixPatterns: ['\\bfix(e[sd])?\\b', '\\bbug\\b', '\\bhotfix\\b', '^revert\\b', '\\brevert(s|ed)?\\b'],
  modules: { depth: 1, components: {} },
  dora: {
    sources: ['deployments', 'actions', 'releases', 'tags'],
    environments: ['production', 'prod', 'live'],
    workflowPattern: 'deploy|release|publish',
    tagPattern: '^v?\\d+\\.\\d+(\\.\\d+)?$',
    failureSignals: ['failed_deployment', 'revert', 'hotfix', 'incident'],
    hotfixLabels: ['hotfix'],
    hotfixBranchPattern: '^hotfix[/_-]',
    incidentLabel: 'incident',
  },
  // Parnin & Rugaber 2011: 10–15 minutes to resume editing after an interruption
  costs: { contextSwitchMinutes: 15 },
};

/** Result of loading: the config plus every warning and error found. */
export interface LoadedConfig {
  config: Config;
  file: string | null;
  warnings: string[];
  errors: string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Reads and validates the config (explicit path, or dx-audit.config.json in `cwd` when present). */
export function loadConfig(explicit: string | undefined, cwd: string = process.cwd()): LoadedConfig {
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) {
      throw new InputError(`the config file ${file} does not exist`, {
        fix: 'check the --config path, or run `dx-audit init` to write one',
      });
    }
    return { config: structuredClone(DEFAULT_CONFIG), file: null, warnings: [], errors: [] };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') {
      throw new InputError(`the config path ${file} is a folder, not a file`, {
        fix: `pass the file itself, e.g. --config ${resolve(file, CONFIG_FILE)}`,
      });
    }
    throw new InputError(`the config file ${file} cannot be read (${code})`, {
      fix: 'check its permissions, or pass another --config',
      cause: error,
    });
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (error) {
    throw new InputError(`the config file ${file} is not valid JSON (${(error as Error).message})`, {
      fix: 'fix the syntax, or delete it and run `dx-audit init`',
      cause: error,
    });
  }
  const loaded = validateConfig(parsed);
  return { ...loaded, file };
}

/** Loads the config and throws one InputError listing every problem when any field is invalid. */
export function loadConfigOrThrow(explicit: string | undefined, cwd?: string): LoadedConfig {
  const loaded = loadConfig(explicit, cwd);
  if (loaded.errors.length > 0) {
    throw new InputError(`invalid config ${loaded.file}: ${loaded.errors.join('; ')}`, {
      fix: 'correct the fields named above (see the README section "Configuration")',
    });
  }
  return loaded;
}

/** Validates a parsed config object; pure, so it is easy to test. */
export function validateConfig(input: Json): Omit<LoadedConfig, 'file'> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const config = structuredClone(DEFAULT_CONFIG);
  if (!isObject(input)) {
    return { config, warnings, errors: ['the config must be a JSON object'] };
  }
  const known = new Set(Object.keys(DEFAULT_CONFIG).concat('$schema', '//'));
  for (const key of Object.keys(input)) {
    if (!known.has(key) && !key.startsWith('//')) warnings.push(`unknown field "${key}" is ignored`);
  }

  const strings = (field: string, value: Json | undefined): string[] | undefined => {
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      errors.push(`"${field}" must be a list of strings`);
      return undefined;
    }
    return value as string[];
  };
  const text = (field: string, value: Json | undefined): string | null | undefined => {
    if (value === undefined || value === null) return value === null ? null : undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      errors.push(`"${field}" must be a non-empty string or null`);
      return undefined;
    }
    return value;
  };
  const positive = (field: string, value: Json | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      errors.push(`"${field}" must be a whole number ≥ ${min}`);
      return undefined;
    }
    return value;
  };

  config.repositories = strings('repositories', input['repositories']) ?? config.repositories;
  config.bots = strings('bots', input['bots']) ?? config.bots;
  config.exclude = strings('exclude', input['exclude']) ?? config.exclude;

  const fixPatterns = strings('fixPatterns', input['fixPatterns']);
  if (fixPatterns) {
    for (const pattern of fixPatterns) {
      try {
        new RegExp(pattern, 'i');
      } catch {
        errors.push(`"fixPatterns" has an invalid regular expression: ${pattern}`);
      }
    }
    config.fixPatterns = fixPatterns;
  }

  const build = input['build'];
  if (build !== undefined) {
    if (!isObject(build)) errors.push('"build" must be an object like {"command": "npm run build"}');
    else {
      config.build.command = text('build.command', build['command']) ?? config.build.command;
      config.build.clean = text('build.clean', build['clean']) ?? config.build.clean;
      config.build.testCommand = text('build.testCommand', build['testCommand']) ?? config.build.testCommand;
    }
  }

  const github = input['github'];
  if (github !== undefined) {
    if (!isObject(github)) errors.push('"github" must be an object like {"url": "https://api.github.com"}');
    else {
      const url = text('github.url', github['url']);
      if (url) {
        try {
          new URL(url);
          config.github.url = url;
        } catch {
          errors.push(`"github.url" is not a URL: ${url}`);
        }
      }
      config.github.org = text('github.org', github['org']) ?? config.github.org;
    }
  }

  const teams = input['teams'];
  if (teams !== undefined) {
    if (!isObject(teams)) errors.push('"teams" must map a team name to a list of logins or emails');
    else {
      for (const [team, members] of Object.entries(teams)) {
        const list = strings(`teams.${team}`, members);
        if (list) config.teams[team] = list;
      }
    }
  }

  const window = input['window'];
  if (window !== undefined) {
    if (!isObject(window)) errors.push('"window" must be an object like {"since": "90d"}');
    else {
      const since = text('window.since', window['since']);
      if (since) {
        if (parseSinceOrNull(since) === null) {
          errors.push(`"window.since" must be a duration like "90d" or an ISO date, not "${since}"`);
        } else config.window.since = since;
      }
    }
  }

  const coupling = input['coupling'];
  if (coupling !== undefined) {
    if (!isObject(coupling)) errors.push('"coupling" must be an object');
    else {
      config.coupling.maxChangeSetSize =
        positive('coupling.maxChangeSetSize', coupling['maxChangeSetSize'], 2) ??
        config.coupling.maxChangeSetSize;
      config.coupling.minRevisions =
        positive('coupling.minRevisions', coupling['minRevisions'], 1) ?? config.coupling.minRevisions;
      config.coupling.minShared =
        positive('coupling.minShared', coupling['minShared'], 1) ?? config.coupling.minShared;
      const degree = coupling['minDegree'];
      if (degree !== undefined) {
        if (typeof degree !== 'number' || degree < 0 || degree > 100) {
          errors.push('"coupling.minDegree" must be a number from 0 to 100');
        } else config.coupling.minDegree = degree;
      }
    }
  }

  const modules = input['modules'];
  if (modules !== undefined) {
    if (!isObject(modules)) errors.push('"modules" must be an object like {"depth": 2}');
    else {
      config.modules.depth = positive('modules.depth', modules['depth'], 1) ?? config.modules.depth;
      const components = modules['components'];
      if (components !== undefined) {
        if (!isObject(components))
          errors.push('"modules.components" must map a component name to a list of globs');
        else {
          for (const [name, globs] of Object.entries(components)) {
            const list = strings(`modules.components.${name}`, globs);
            if (list) config.modules.components[name] = list;
          }
        }
      }
    }
  }

  const dora = input['dora'];
  if (dora !== undefined) validateDora(dora, config.dora, errors, strings);

  const costs = input['costs'];
  if (costs !== undefined) {
    if (!isObject(costs)) errors.push('"costs" must be an object like {"contextSwitchMinutes": 15}');
    else {
      const minutes = costs['contextSwitchMinutes'];
      if (minutes !== undefined) {
        if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0 || minutes > 240)
          errors.push('"costs.contextSwitchMinutes" must be a number of minutes from 0 to 240 (default 15)');
        else config.costs.contextSwitchMinutes = minutes;
      }
    }
  }

  const hours = input['workingHours'];
  if (hours !== undefined && hours !== null) {
    config.workingHours = validateWorkingHours(hours, errors);
  }

  return { config, warnings, errors };
}

/** What a "workingHours" entry leaves unsaid: weekdays 09:00–17:00 UTC, nobody in another zone, no holidays. */
export const DEFAULT_WORKING_HOURS: Readonly<WorkingHours> = {
  days: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '17:00',
  timeZone: 'UTC',
  people: {},
  holidays: [],
};

function validateWorkingHours(input: Json, errors: string[]): WorkingHours | null {
  if (!isObject(input)) {
    errors.push(
      '"workingHours" must be an object like {"days": [1,2,3,4,5], "start": "09:00", "end": "17:00"}',
    );
    return null;
  }
  const result: WorkingHours = { ...DEFAULT_WORKING_HOURS, people: {}, holidays: [] };
  const days = input['days'];
  if (days !== undefined) {
    if (
      !Array.isArray(days) ||
      days.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7)
    ) {
      errors.push('"workingHours.days" must list ISO weekdays 1 (Monday) to 7 (Sunday)');
    } else result.days = days as number[];
  }
  for (const key of ['start', 'end'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)) {
      errors.push(`"workingHours.${key}" must be a time like "09:00"`);
    } else result[key] = value;
  }
  if (result.start >= result.end) errors.push('"workingHours.start" must be before "workingHours.end"');
  const zone = input['timeZone'];
  if (zone !== undefined) {
    if (typeof zone !== 'string' || !isTimeZone(zone)) {
      errors.push(
        `"workingHours.timeZone" must be an IANA time zone like "Europe/Berlin", not ${JSON.stringify(zone)}`,
      );
    } else result.timeZone = zone;
  }
  const people = input['people'];
  if (people !== undefined) {
    if (!isObject(people))
      errors.push('"workingHours.people" must map a login or email to an IANA time zone');
    else {
      for (const [person, personZone] of Object.entries(people)) {
        if (typeof personZone !== 'string' || !isTimeZone(personZone)) {
          errors.push(`"workingHours.people.${person}" must be an IANA time zone like "America/New_York"`);
        } else result.people[person] = personZone;
      }
    }
  }
  const holidays = input['holidays'];
  if (holidays !== undefined) {
    if (
      !Array.isArray(holidays) ||
      holidays.some(
        (h) => typeof h !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(h) || Number.isNaN(Date.parse(h)),
      )
    ) {
      errors.push('"workingHours.holidays" must list dates like "2025-12-25"');
    } else result.holidays = holidays as string[];
  }
  return result;
}

function validateDora(
  input: Json,
  out: DoraSettings,
  errors: string[],
  strings: (field: string, value: Json | undefined) => string[] | undefined,
): void {
  if (!isObject(input)) {
    errors.push('"dora" must be an object like {"environments": ["production"]}');
    return;
  }
  const sources = strings('dora.sources', input['sources']);
  if (sources) {
    const unknown = sources.filter((s) => !DEPLOYMENT_SOURCES.includes(s as DeploymentSource));
    if (unknown.length || sources.length === 0) {
      errors.push(
        `"dora.sources" must list some of ${DEPLOYMENT_SOURCES.join(', ')}, not ${unknown.join(', ')}`,
      );
    } else out.sources = sources as DeploymentSource[];
  }
  const environments = strings('dora.environments', input['environments']);
  if (environments) {
    if (environments.length === 0) errors.push('"dora.environments" must name at least one environment');
    else out.environments = environments;
  }
  for (const key of ['workflowPattern', 'tagPattern', 'hotfixBranchPattern'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value === '') {
      errors.push(`"dora.${key}" must be a regular expression as a string`);
      continue;
    }
    try {
      new RegExp(value, 'i');
      out[key] = value;
    } catch {
      errors.push(`"dora.${key}" is not a valid regular expression: ${value}`);
    }
  }
  const signals = strings('dora.failureSignals', input['failureSignals']);
  if (signals) {
    const unknown = signals.filter((s) => !FAILURE_SIGNALS.includes(s as FailureSignal));
    if (unknown.length) {
      errors.push(
        `"dora.failureSignals" must list some of ${FAILURE_SIGNALS.join(', ')}, not ${unknown.join(', ')}`,
      );
    } else out.failureSignals = signals as FailureSignal[];
  }
  out.hotfixLabels = strings('dora.hotfixLabels', input['hotfixLabels']) ?? out.hotfixLabels;
  const label = input['incidentLabel'];
  if (label !== undefined) {
    if (typeof label !== 'string' || label.trim() === '')
      errors.push('"dora.incidentLabel" must be a label name');
    else out.incidentLabel = label;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const DURATION = /^(\d+)\s*([dwmy])$/i;

/** Parses `--since`: a duration back from `now` (90d, 12w, 6m, 1y) or an ISO date; null when invalid. */
export function parseSinceOrNull(value: string, now: Date = new Date()): Date | null {
  const match = DURATION.exec(value.trim());
  if (match) {
    const amount = Number(match[1]);
    const unit = match[2]!.toLowerCase();
    const date = new Date(now.getTime());
    if (unit === 'd') date.setUTCDate(date.getUTCDate() - amount);
    else if (unit === 'w') date.setUTCDate(date.getUTCDate() - 7 * amount);
    else if (unit === 'm') date.setUTCMonth(date.getUTCMonth() - amount);
    else date.setUTCFullYear(date.getUTCFullYear() - amount);
    return date;
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!date) return null;
  const parsed = new Date(value.trim());
  if (Number.isNaN(parsed.getTime())) return null;
  // JavaScript rolls 2025-02-30 over to March 2: a day the month lacks is refused instead
  const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  return parsed;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** Like parseSinceOrNull, but a bad value is an InputError naming the flag. */
export function parseSince(value: string, flag = '--since', now?: Date): Date {
  const date = parseSinceOrNull(value, now);
  const shape = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
  if (!date && shape) {
    const [year, month] = [Number(shape[1]), Number(shape[2])];
    const why =
      month < 1 || month > 12
        ? `there is no month ${month}`
        : `${MONTHS[month - 1]} ${year} has ${new Date(Date.UTC(year, month, 0)).getUTCDate()} days`;
    throw new InputError(`${flag} "${value}" is not a real date: ${why}`, {
      fix: `pass an existing day, e.g. ${flag} ${shape[1]}-${month >= 1 && month <= 12 ? shape[2] : '01'}-01`,
    });
  }
  if (!date) {
    throw new InputError(`${flag} "${value}" is neither a duration nor an ISO date`, {
      fix: `use e.g. ${flag} 90d, ${flag} 12w, ${flag} 1y or ${flag} 2025-01-31`,
    });
  }
  return date;
}
