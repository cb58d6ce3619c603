// --anonymize: every person (name, email, login) becomes a pseudonym such as
// "Engineer K7Q2M" in every output, embedded data included; file paths,
// repository, team and workflow names stay.
//
// Pseudonyms come from an HMAC-SHA256 of the person's canonical identity with
// a random key created once per database (kept in collection_state), so the
// same person gets the same pseudonym in every output of that database, and
// nobody without the database can reverse or recompute them. A person's
// names and emails are linked through their git commits; the canonical
// identity is the smallest email of that group.
import { createHmac, randomBytes } from 'node:crypto';
import { emailToLogin } from '../analysis/identities.js';
import type { Db } from '../store/db.js';

const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

/** A GitHub @mention: a login of letters, digits and single hyphens, not inside an email address. */
const MENTION = /(^|[^\w@.+-])@([A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38})(?![\w@-])/g;

/** Fields whose strings are kept as they are (paths and names of things, not people). */
const KEEP = new Set([
  'repo',
  'repositories',
  'path',
  'a',
  'b',
  'github',
  'name',
  'workflow',
  'command',
  'teams',
  'weeks',
  'week',
  'cause',
  'verdict',
  'kind',
  'status',
  'headSha',
  'generatedAt',
  'createdAt',
  'readyAt',
  'firstCommitAt',
  'firstReviewAt',
  'mergedAt',
  'startedAt',
  'completedAt',
  'lastChanged',
  'since',
  'until',
  'conclusion',
  // text dx-audit writes itself (empty states, labels, headlines) names no one
  'missing',
  'label',
  'headline',
  'url',
  'statement',
  'basis',
  'section',
  'unit',
  'better',
  'judgement',
  'source',
  'state',
]);

/** Fields that hold one person's identity. */
const PERSON = new Set(['author', 'login', 'email', 'reviewer', 'user', 'machine', 'hostname']);

export class Pseudonymizer {
  private readonly canonical = new Map<string, string>();
  private readonly cache = new Map<string, string>();
  private pattern: RegExp | null = null;

  /**
   * @param key the per-database secret
   * @param groups identities known to belong to one person each (names and emails)
   */
  constructor(
    private readonly key: Buffer,
    groups: readonly (readonly string[])[],
  ) {
    // Union-find over identities that appear together.
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let root = x;
      while (parent.get(root) !== root) root = parent.get(root)!;
      parent.set(x, root);
      return root;
    };
    for (const group of groups) {
      const ids = group.map((id) => id.trim().toLowerCase()).filter((id) => id.length > 0);
      for (const id of ids) if (!parent.has(id)) parent.set(id, id);
      for (const id of ids.slice(1)) {
        const a = find(ids[0]!);
        const b = find(id);
        if (a < b) parent.set(b, a);
        else if (b < a) parent.set(a, b);
      }
    }
    const members = new Map<string, string[]>();
    for (const id of parent.keys()) {
      const root = find(id);
      members.set(root, [...(members.get(root) ?? []), id]);
    }
    for (const ids of members.values()) {
      const emails = ids.filter((id) => id.includes('@')).sort();
      const canonical = emails[0] ?? [...ids].sort()[0]!;
      for (const id of ids) this.canonical.set(id, canonical);
    }
  }

  /** The pseudonym of one identity (a name, an email or a login). */
  person(identity: string): string {
    const id = identity.trim().toLowerCase();
    const canonical = this.canonical.get(id) ?? id;
    let pseudonym = this.cache.get(canonical);
    if (!pseudonym) {
      const digest = createHmac('sha256', this.key).update(canonical, 'utf8').digest();
      let code = '';
      for (let i = 0; i < 5; i++) code += ALPHABET[digest[i]! % ALPHABET.length];
      pseudonym = `Engineer ${code}`;
      this.cache.set(canonical, pseudonym);
    }
    return pseudonym;
  }

  /** Replaces every known identity, and any email address, inside free text. */
  scrub(text: string): string {
    if (!this.pattern) {
      const ids = [...this.canonical.keys()]
        .filter((id) => id.length >= 4 && /\p{L}/u.test(id))
        .sort((a, b) => b.length - a.length);
      const escaped = ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      escaped.push('[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+');
      this.pattern = new RegExp(`(?<![\\w@.+-])(?:${escaped.join('|')})(?![\\w@-])`, 'giu');
    }
    // @login mentions name a person even when the login appears nowhere else in the data
    return text
      .replace(
        MENTION,
        (_match, before: string, login: string) => `${before}@${this.person(login).replace(' ', '-')}`,
      )
      .replace(this.pattern, (match) => this.person(match));
  }

  /**
   * Returns a deep copy of `value` with people replaced: person fields by their
   * pseudonym, `subject` of a person entry too, other free text scrubbed, and
   * kept fields (paths, names of things, times) untouched.
   */
  apply<T>(value: T): T {
    return this.walk(value, null, null) as T;
  }

  private walk(value: unknown, key: string | null, parent: Record<string, unknown> | null): unknown {
    if (typeof value === 'string') {
      if (key !== null && PERSON.has(key)) return this.person(value);
      if (key === 'subject') return parent?.['kind'] === 'team' ? value : this.person(value);
      // a reviewer effect is named after the person whose queue it measures
      if (key === 'name' && parent?.['kind'] === 'reviewer') return this.person(value);
      if (key !== null && KEEP.has(key)) return value;
      return this.scrub(value);
    }
    if (Array.isArray(value)) return value.map((item) => this.walk(item, key, parent));
    if (value !== null && typeof value === 'object') {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(source)) out[k] = this.walk(v, k, source);
      return out;
    }
    return value;
  }
}

/** The per-database key, created on first use (the same for every later output). */
export async function anonymizationKey(db: Db): Promise<Buffer> {
  const read = () =>
    db.get<{ cursor: string | null }>(
      "SELECT cursor FROM collection_state WHERE source = 'anonymize' AND scope = '' AND step = 'key'",
    );
  let row = await read();
  if (!row?.cursor) {
    await db.transaction((tx) =>
      tx.run(
        `INSERT OR IGNORE INTO collection_state (source, scope, step, cursor, config_hash, updated_at)
         VALUES ('anonymize', '', 'key', ?, NULL, ?)`,
        [randomBytes(32).toString('hex'), new Date().toISOString()],
      ),
    );
    row = await read();
  }
  return Buffer.from(row!.cursor!, 'hex');
}

/** Loads the key and every identity the database knows, linked per person. */
export async function loadPseudonymizer(db: Db): Promise<Pseudonymizer> {
  const key = await anonymizationKey(db);
  const rows = await db.all<{ n: string; e: string; rn: string; re: string }>(
    `SELECT DISTINCT author_name AS n, author_email AS e, raw_author_name AS rn, raw_author_email AS re
     FROM git_commits`,
  );
  // a person's GitHub login joins their git identities, so one person has one pseudonym
  const logins = await emailToLogin(db);
  const groups: string[][] = rows.map((r) => {
    const login = logins.get(r.e.toLowerCase());
    return login ? [r.e, r.n, r.re, r.rn, login] : [r.e, r.n, r.re, r.rn];
  });
  {
    const people = await db.all<{ login: string }>(
      `SELECT author AS login FROM github_pull_requests WHERE author IS NOT NULL
       UNION SELECT author FROM github_pr_reviews WHERE author IS NOT NULL
       UNION SELECT reviewer FROM github_pr_review_requests`,
    );
    for (const p of people) groups.push([p.login]);
  }
  return new Pseudonymizer(key, groups);
}
