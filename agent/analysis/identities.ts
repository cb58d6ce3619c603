// One subject per person: a git author email and a GitHub login that belong to
// the same person are merged, so the diagnosis never splits someone in two.
// Evidence, strongest first: GitHub's noreply addresses (`123+login@users.noreply.github.com`),
// then commits that appear both in git history and in a pull request (the PR's
// author wrote them) — the login seen most often wins.
import type { Queryable } from '../store/db.js';

const NOREPLY = /^(?:\d+\+)?([^@]+)@users\.noreply\.github\.com$/i;

/** Maps git author emails (after .mailmap) to GitHub logins where the link is known. */
export async function emailToLogin(q: Queryable): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const votes = new Map<string, Map<string, number>>();
  {
    const rows = await q.all<{ email: string; login: string; n: number }>(
      `SELECT g.author_email AS email, p.author AS login, COUNT(*) AS n
       FROM github_pr_commits c
       JOIN github_pull_requests p ON p.repo_id = c.repo_id AND p.number = c.pr_number
       JOIN git_commits g ON g.repo_id = c.repo_id AND g.sha = c.sha
       WHERE p.author IS NOT NULL AND p.author_is_bot = 0
       GROUP BY g.author_email, p.author`,
    );
    for (const row of rows) {
      let byLogin = votes.get(row.email);
      if (!byLogin) {
        byLogin = new Map();
        votes.set(row.email, byLogin);
      }
      byLogin.set(row.login, (byLogin.get(row.login) ?? 0) + row.n);
    }
  }
  for (const [email, byLogin] of votes) {
    const best = [...byLogin.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    if (best) result.set(email.toLowerCase(), best[0]);
  }
  const emails = await q.all<{ email: string }>('SELECT DISTINCT author_email AS email FROM git_commits');
  for (const { email } of emails) {
    const match = NOREPLY.exec(email);
    if (match) result.set(email.toLowerCase(), match[1]!);
  }
  return result;
}

/** The subject name for a git author: their login when known, else the email. */
export function subjectForEmail(email: string, logins: ReadonlyMap<string, string>): string {
  return logins.get(email.toLowerCase()) ?? email;
}

/** Team lookup from the config's team → members mapping (members are logins or emails, case-insensitive). */
export function teamLookup(
  teams: Readonly<Record<string, readonly string[]>>,
  logins: ReadonlyMap<string, string>,
) {
  const byMember = new Map<string, string>();
  for (const [team, members] of Object.entries(teams)) {
    for (const member of members) {
      byMember.set(member.toLowerCase(), team);
      const login = logins.get(member.toLowerCase());
      if (login) byMember.set(login.toLowerCase(), team);
    }
  }
  return (subject: string): string | null => byMember.get(subject.toLowerCase()) ?? null;
}
