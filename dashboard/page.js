// The dashboard's client script, inlined into the page at generation time. It
// reads the embedded data, draws every chart with Chart.js, keeps an accessible
// table beside each chart, and applies the repository / team / window filters.
// Data only ever reaches the DOM through textContent and option values, never
// as HTML. window.__dxReady is set once every chart is drawn.
(() => {
  const Chart = window.Chart;
  const data = JSON.parse(document.getElementById('dx-data').textContent);
  if (data.schemaVersion !== 1) throw new Error(`unsupported dashboard data version ${data.schemaVersion}`);

  const PALETTE = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#0a7f88', '#bf3989', '#6e7781'];
  const STAGE_COLORS = { coding: '#0969da', pickup: '#bc4c00', review: '#8250df' };

  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif';
  Chart.defaults.color = '#1b1f24';
  // A white background, so saved PNGs and prints are readable.
  Chart.register({
    id: 'dxBackground',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.globalCompositeOperation = 'destination-over';
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  });

  const state = { repo: '', team: '', window: 'all' };

  // ---------- helpers ----------
  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };
  const round = (v, digits) => (v === null || v === undefined ? null : Number(v.toFixed(digits)));
  const toHours = (s) => (s === null || s === undefined ? null : round(s / 3600, 2));
  const toMinutes = (s) => (s === null || s === undefined ? null : round(s / 60, 2));
  const toPercent = (r) => (r === null || r === undefined ? null : round(r * 100, 1));
  const cell = (v) =>
    v === null || v === undefined ? '–' : typeof v === 'number' ? v.toLocaleString('en') : v;
  const shorten = (text, max) => (text.length > max ? `…${text.slice(text.length - max + 1)}` : text);

  function sliceKey(useTeam) {
    const r = state.repo;
    const t = useTeam ? state.team : '';
    if (r !== '' && t !== '') return `r${r}t${t}`;
    if (r !== '') return `r${r}`;
    if (t !== '') return `t${t}`;
    return 'all';
  }
  function weekRange() {
    const n = data.weeks.length;
    const keep = state.window === 'all' ? n : Math.min(n, Number(state.window));
    return [n - keep, n];
  }
  const windowed = (values) => {
    const [from, to] = weekRange();
    return values.slice(from, to);
  };
  const weekLabels = () => windowed(data.weeks);
  const hasValues = (values) => values.some((v) => v !== null);
  const repoName = (i) => data.repositories[i] ?? `repository ${i}`;
  const repoMatches = (i) => state.repo === '' || Number(state.repo) === i;

  function axes(xTitle, yTitle, extra) {
    return {
      x: { title: { display: true, text: xTitle }, ...(extra?.x ?? {}) },
      y: { title: { display: true, text: yTitle }, beginAtZero: true, ...(extra?.y ?? {}) },
    };
  }

  // ---------- cards ----------
  const cards = [];

  /**
   * spec: { id, title, how, filters: ['repo','team'], build() → null | { config, table: { caption, head, rows } } }
   */
  function card(container, spec) {
    const root = el('div', { class: 'card', id: `chart-${spec.id}` });
    root.appendChild(el('h3', null, spec.title));
    root.appendChild(el('p', { class: 'how' }, `How to read this: ${spec.how}`));
    const note = el('p', { class: 'nodata', hidden: '' });
    const plot = el('div', { class: 'plot' });
    const canvas = el('canvas', { role: 'img', 'aria-label': spec.title });
    plot.appendChild(canvas);
    const tools = el('div', { class: 'tools' });
    const save = el('button', { type: 'button', class: 'save-png' }, 'Save as PNG');
    tools.appendChild(save);
    const details = el('details', { class: 'table' });
    details.appendChild(el('summary', null, 'Data table'));
    const tableHolder = el('div');
    details.appendChild(tableHolder);
    root.append(note, plot, tools, details);
    container.appendChild(root);

    const entry = { spec, chart: null, table: null, canvas };
    save.addEventListener('click', () => {
      if (!entry.chart) return;
      const link = el('a', { download: `dx-audit-${spec.id}.png` });
      link.href = entry.chart.toBase64Image('image/png', 1);
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
    details.addEventListener('toggle', () => {
      if (details.open) drawTable(entry, tableHolder);
    });
    entry.refresh = () => {
      if (entry.chart) entry.chart.destroy();
      entry.chart = null;
      const built = spec.build();
      const unfiltered =
        spec.filters.includes('team') || state.team === '' ? '' : ' (the team filter does not apply here)';
      if (!built) {
        note.textContent = `No data for this selection${unfiltered}.`;
        note.hidden = false;
        plot.hidden = true;
        save.disabled = true;
        entry.table = null;
      } else {
        note.textContent = unfiltered ? `Showing all teams${unfiltered}.` : '';
        note.hidden = !unfiltered;
        plot.hidden = false;
        save.disabled = false;
        entry.chart = new Chart(canvas, built.config);
        entry.table = built.table;
      }
      if (details.open) drawTable(entry, tableHolder);
    };
    cards.push(entry);
  }

  function drawTable(entry, holder) {
    holder.textContent = '';
    if (!entry.table) return;
    const table = el('table');
    table.appendChild(el('caption', null, entry.table.caption));
    const head = el('thead');
    const tr = el('tr');
    for (const h of entry.table.head) tr.appendChild(el('th', { scope: 'col' }, h));
    head.appendChild(tr);
    table.appendChild(head);
    const body = el('tbody');
    for (const row of entry.table.rows) {
      const r = el('tr');
      row.forEach((v, i) => {
        r.appendChild(el('td', typeof v === 'number' || v === null ? { class: 'num' } : null, cell(v)));
        if (i === 0 && typeof v === 'string') r.lastChild.setAttribute('scope', 'row');
      });
      body.appendChild(r);
    }
    table.appendChild(body);
    holder.appendChild(table);
  }

  const section = (id) => document.querySelector(`.charts[data-section="${id}"]`);

  // ---------- pull requests ----------
  const prSlice = () => (data.pullRequests.empty ? null : data.pullRequests.data.weekly[sliceKey(true)]);

  const cycleContainer = section('cycle-time');
  if (cycleContainer) {
    card(cycleContainer, {
      id: 'cycle-breakdown',
      title: 'PR cycle time breakdown per week (median hours)',
      how: 'each bar is one week of merged PRs; its height is the typical time from first commit to merge, split into coding, waiting for a first review (pickup) and review until merge. A tall orange part means PRs wait for reviewers.',
      filters: ['repo', 'team'],
      build() {
        const s = prSlice();
        if (!s) return null;
        const coding = windowed(s.codingMedian).map(toHours);
        const pickup = windowed(s.pickupMedian).map(toHours);
        const review = windowed(s.reviewMedian).map(toHours);
        if (!hasValues(coding) && !hasValues(pickup) && !hasValues(review)) return null;
        const labels = weekLabels();
        return {
          config: {
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'coding', data: coding, backgroundColor: STAGE_COLORS.coding },
                {
                  label: 'pickup (wait for first review)',
                  data: pickup,
                  backgroundColor: STAGE_COLORS.pickup,
                },
                { label: 'review (to merge)', data: review, backgroundColor: STAGE_COLORS.review },
              ],
            },
            options: {
              scales: axes('ISO week of merge', 'hours (median)', {
                x: { stacked: true },
                y: { stacked: true },
              }),
            },
          },
          table: {
            caption: 'Median stage durations in hours, per week of merge',
            head: ['week', 'merged PRs', 'coding h', 'pickup h', 'review h', 'cycle median h', 'cycle p90 h'],
            rows: labels.map((w, i) => [
              w,
              windowed(s.merged)[i],
              coding[i],
              pickup[i],
              review[i],
              toHours(windowed(s.cycleMedian)[i]),
              toHours(windowed(s.cycleP90)[i]),
            ]),
          },
        };
      },
    });
    const slow = data.pullRequests.data.slowest ?? [];
    if (slow.length > 0) {
      const box = el('div', { class: 'card', id: 'slowest-prs' });
      box.appendChild(el('h3', null, 'Slowest merged pull requests in the window'));
      box.appendChild(
        el(
          'p',
          { class: 'how' },
          'How to read this: the PRs with the longest first-commit-to-merge time; open them to see what they waited on.',
        ),
      );
      const table = el('table');
      const head = el('tr');
      for (const h of ['repository', 'PR', 'title', 'cycle (hours)', 'lines changed'])
        head.appendChild(el('th', { scope: 'col' }, h));
      table.appendChild(el('thead')).appendChild(head);
      const body = table.appendChild(el('tbody'));
      for (const p of slow) {
        const r = el('tr', { 'data-repo': String(p.repo) });
        r.append(
          el('td', null, repoName(p.repo)),
          el('td', { class: 'num' }, `#${p.number}`),
          el('td', null, p.title),
          el('td', { class: 'num' }, cell(toHours(p.cycle))),
          el('td', { class: 'num' }, cell(p.size)),
        );
        body.appendChild(r);
      }
      box.appendChild(table);
      cycleContainer.appendChild(box);
      cards.push({
        refresh() {
          for (const row of body.children) row.hidden = !repoMatches(Number(row.getAttribute('data-repo')));
        },
      });
    }
  }

  const reviewContainer = section('review-wait');
  if (reviewContainer) {
    card(reviewContainer, {
      id: 'review-wait',
      title: 'Wait for the first review per week (hours)',
      how: 'the median line is the typical wait from "ready for review" to the first human review; the p90 line is the slow tail (1 PR in 10 waits longer). Bots never count as reviewers.',
      filters: ['repo', 'team'],
      build() {
        const s = prSlice();
        if (!s) return null;
        const median = windowed(s.pickupMedian).map(toHours);
        const p90 = windowed(s.pickupP90).map(toHours);
        if (!hasValues(median) && !hasValues(p90)) return null;
        const labels = weekLabels();
        const rounds = windowed(s.reviewRoundsMean).map((v) => round(v, 2));
        return {
          config: {
            type: 'line',
            data: {
              labels,
              datasets: [
                { label: 'median', data: median, borderColor: PALETTE[0], backgroundColor: PALETTE[0] },
                {
                  label: 'p90',
                  data: p90,
                  borderColor: PALETTE[1],
                  backgroundColor: PALETTE[1],
                  borderDash: [6, 4],
                },
              ],
            },
            options: { scales: axes('ISO week of merge', 'hours to first review') },
          },
          table: {
            caption: 'Pickup time in hours and mean review rounds, per week of merge',
            head: ['week', 'pickup median h', 'pickup p90 h', 'review rounds (mean)'],
            rows: labels.map((w, i) => [w, median[i], p90[i], rounds[i]]),
          },
        };
      },
    });
  }

  const sizeContainer = section('pr-size');
  if (sizeContainer) {
    card(sizeContainer, {
      id: 'pr-size',
      title: 'Pull request size per week (lines changed)',
      how: 'lines added plus deleted per merged PR; the p90 line shows the largest changes. Large PRs wait longer for review and hide defects.',
      filters: ['repo', 'team'],
      build() {
        const s = prSlice();
        if (!s) return null;
        const median = windowed(s.sizeMedian);
        const p90 = windowed(s.sizeP90);
        if (!hasValues(median) && !hasValues(p90)) return null;
        const labels = weekLabels();
        return {
          config: {
            type: 'line',
            data: {
              labels,
              datasets: [
                { label: 'median', data: median, borderColor: PALETTE[2], backgroundColor: PALETTE[2] },
                {
                  label: 'p90',
                  data: p90,
                  borderColor: PALETTE[4],
                  backgroundColor: PALETTE[4],
                  borderDash: [6, 4],
                },
              ],
            },
            options: { scales: axes('ISO week of merge', 'lines changed per PR') },
          },
          table: {
            caption: 'Lines changed per merged PR, per week of merge',
            head: ['week', 'merged PRs', 'median lines', 'p90 lines'],
            rows: labels.map((w, i) => [w, windowed(s.merged)[i], median[i], p90[i]]),
          },
        };
      },
    });
  }

  // ---------- CI ----------
  const ciContainer = section('ci');
  if (ciContainer) {
    const workflows = () => {
      const all = data.ci.data.workflows.filter((w) => repoMatches(w.repo));
      const total = (w) => windowed(w.runs).reduce((a, b) => a + (b ?? 0), 0);
      return all
        .map((w) => ({ w, runs: total(w) }))
        .filter((x) => x.runs > 0)
        .sort((a, b) => b.runs - a.runs)
        .map((x) => x.w);
    };
    const label = (w) => (data.repositories.length > 1 ? `${repoName(w.repo)} · ${w.name}` : w.name);
    const ciCard = (id, title, how, field, convert, unit) =>
      card(ciContainer, {
        id,
        title,
        how,
        filters: ['repo'],
        build() {
          const list = workflows();
          if (list.length === 0) return null;
          const labels = weekLabels();
          const shown = list.slice(0, 8);
          const datasets = shown.map((w, i) => ({
            label: shorten(label(w), 48),
            data: windowed(w[field]).map(convert),
            borderColor: PALETTE[i % PALETTE.length],
            backgroundColor: PALETTE[i % PALETTE.length],
          }));
          if (!datasets.some((d) => hasValues(d.data))) return null;
          const rows = [];
          for (const w of list) {
            const runs = windowed(w.runs);
            const values = windowed(w[field]).map(convert);
            labels.forEach((week, i) => {
              if (runs[i]) rows.push([label(w), week, runs[i], values[i]]);
            });
          }
          return {
            config: {
              type: 'line',
              data: { labels, datasets },
              options: { scales: axes('ISO week of run', unit), spanGaps: false },
            },
            table: {
              caption: `${title}${list.length > 8 ? ` (chart shows the 8 busiest of ${list.length} workflows; the table lists all)` : ''}`,
              head: ['workflow', 'week', 'runs', unit],
              rows,
            },
          };
        },
      });
    ciCard(
      'ci-queue',
      'CI queue time per workflow (median minutes)',
      'time a run waits for a runner before its first job starts; rising lines mean too few runners.',
      'queueMedian',
      toMinutes,
      'minutes queued (median)',
    );
    ciCard(
      'ci-duration',
      'CI run duration per workflow (median minutes)',
      'wall time of one attempt, from start to the last job completing; this is what a developer waits for.',
      'durationMedian',
      toMinutes,
      'minutes running (median)',
    );
    ciCard(
      'ci-flaky',
      'Flaky rate per workflow (% of commits)',
      'share of head commits on which the same workflow both failed and passed: failures with no code change behind them.',
      'flakyRate',
      toPercent,
      '% of commits flaky',
    );
  }

  // ---------- builds ----------
  const buildContainer = section('builds');
  if (buildContainer) {
    const machines = new Set(data.builds.data.summary.map((b) => b.machine));
    const groupOf = (b) =>
      `${repoName(b.repo)} · ${b.command}${machines.size > 1 && b.machine ? ` (${b.machine})` : ''}`;
    card(buildContainer, {
      id: 'builds',
      title: 'Local build time (median)',
      how: 'one group per repository and command: warm = rebuild as is, cold = after a clean, wrapped = real builds run through `dx-audit wrap`. Longer bars are minutes engineers wait at their desks.',
      filters: ['repo'],
      build() {
        const rows = data.builds.data.summary.filter((b) => repoMatches(b.repo));
        if (rows.length === 0) return null;
        const groups = [];
        for (const b of rows) if (!groups.includes(groupOf(b))) groups.push(groupOf(b));
        const max = Math.max(...rows.map((b) => b.median ?? 0));
        const useMinutes = max >= 120;
        const convert = (s) => (s === null ? null : useMinutes ? round(s / 60, 2) : round(s, 2));
        const unit = useMinutes ? 'minutes (median)' : 'seconds (median)';
        const kinds = ['warm', 'cold', 'wrapped'];
        const datasets = kinds
          .map((kind, i) => ({
            label: kind,
            data: groups.map((g) => {
              const b = rows.find((r) => groupOf(r) === g && r.kind === kind);
              return b ? convert(b.median) : null;
            }),
            backgroundColor: PALETTE[i],
          }))
          .filter((d) => d.data.some((v) => v !== null));
        return {
          config: {
            type: 'bar',
            data: { labels: groups.map((g) => shorten(g, 40)), datasets },
            options: { scales: axes('repository · command', unit) },
          },
          table: {
            caption: 'Build timing per repository, command, machine and kind (seconds)',
            head: ['repository · command', 'kind', 'task', 'runs', 'failures', 'median s', 'p90 s'],
            rows: rows.map((b) => [
              groupOf(b),
              b.kind,
              b.task,
              b.runs,
              b.failures,
              round(b.median, 2),
              round(b.p90, 2),
            ]),
          },
        };
      },
    });
    if (data.builds.data.wrappedPerDay.length > 0) {
      card(buildContainer, {
        id: 'wrapped-per-day',
        title: 'Waiting on real builds (minutes per day)',
        how: 'builds run through `dx-audit wrap`: their total wall time divided by the days they ran on, per repository and machine.',
        filters: ['repo'],
        build() {
          const rows = data.builds.data.wrappedPerDay.filter((w) => repoMatches(w.repo));
          if (rows.length === 0) return null;
          const label = (w) => `${repoName(w.repo)}${w.machine ? ` · ${w.machine}` : ''}`;
          return {
            config: {
              type: 'bar',
              data: {
                labels: rows.map((w) => shorten(label(w), 40)),
                datasets: [
                  {
                    label: 'minutes per day',
                    data: rows.map((w) => round(w.minutesPerDay, 1)),
                    backgroundColor: PALETTE[2],
                  },
                ],
              },
              options: { scales: axes('repository · machine', 'minutes waiting per day') },
            },
            table: {
              caption: 'Wrapped builds: runs, days with runs, minutes per day',
              head: ['repository · machine', 'runs', 'days', 'minutes per day'],
              rows: rows.map((w) => [label(w), w.runs, w.days, round(w.minutesPerDay, 1)]),
            },
          };
        },
      });
    }
  }

  // ---------- hotspots and coupling ----------
  const hotspotContainer = section('hotspots');
  if (hotspotContainer) {
    card(hotspotContainer, {
      id: 'hotspots',
      title: 'Hotspots: revisions × size',
      how: 'each bubble is a file: further right = changed in more commits, higher = more lines, bigger = more lines churned. Files at the top right are the expensive ones to change.',
      filters: ['repo'],
      build() {
        const files = data.hotspots.data.files.filter((f) => repoMatches(f.repo));
        const drawable = files.filter((f) => f.lines !== null).slice(0, 60);
        if (drawable.length === 0) return null;
        const maxChurn = Math.max(1, ...drawable.map((f) => f.churn));
        const points = drawable.map((f) => ({
          x: f.revisions,
          y: f.lines,
          r: 3 + 17 * Math.sqrt(f.churn / maxChurn),
          label: data.repositories.length > 1 ? `${repoName(f.repo)}: ${f.path}` : f.path,
          churn: f.churn,
        }));
        return {
          config: {
            type: 'bubble',
            data: {
              datasets: [
                {
                  label: 'files (bubble size = churn)',
                  data: points,
                  backgroundColor: 'rgba(207,34,46,0.35)',
                  borderColor: '#cf222e',
                },
              ],
            },
            options: {
              scales: axes('revisions (commits touching the file)', 'size (lines at the tip)'),
              plugins: {
                tooltip: {
                  callbacks: {
                    label: (ctx) =>
                      `${ctx.raw.label}: ${ctx.raw.x} revisions, ${ctx.raw.y} lines, ${ctx.raw.churn} lines churned`,
                  },
                },
              },
            },
          },
          table: {
            caption: 'Files ranked by hotspot score (or revisions when no score is computed)',
            head: ['file', 'repository', 'revisions', 'lines', 'churn', 'authors', 'hotspot score'],
            rows: files.map((f) => [
              f.path,
              repoName(f.repo),
              f.revisions,
              f.lines,
              f.churn,
              f.authors,
              round(f.hotspotScore, 3),
            ]),
          },
        };
      },
    });
  }

  const couplingContainer = section('coupling');
  const couplingCard = (id, title, how, list, what) =>
    card(couplingContainer, {
      id,
      title,
      how,
      filters: ['repo'],
      build() {
        const pairs = list.filter((p) => repoMatches(p.repo));
        if (pairs.length === 0) return null;
        const shown = pairs.slice(0, 15);
        return {
          config: {
            type: 'bar',
            data: {
              labels: shown.map((p) => `${shorten(p.a, 22)} ↔ ${shorten(p.b, 22)}`),
              datasets: [
                {
                  label: 'coupling degree',
                  data: shown.map((p) => round(p.degree, 1)),
                  backgroundColor: PALETTE[3],
                },
              ],
            },
            options: {
              indexAxis: 'y',
              scales: {
                x: {
                  title: { display: true, text: 'degree (% of changes made together)' },
                  beginAtZero: true,
                  max: 100,
                },
                y: { title: { display: false, text: what } },
              },
            },
          },
          table: {
            caption: `${title}: shared commits and degree (code-maat definitions)`,
            head: [what, 'repository', 'shared commits', 'degree %'],
            rows: pairs.map((p) => [`${p.a} ↔ ${p.b}`, repoName(p.repo), p.shared, round(p.degree, 1)]),
          },
        };
      },
    });
  if (couplingContainer) {
    if (data.coupling.data.modules.length > 0) {
      couplingCard(
        'module-coupling',
        'Module coupling (degree %)',
        'each bar is a pair of modules (folders or configured components) changed in the same commits; 100% means every change to one also changed the other. Strong coupling between separate modules is hidden architecture.',
        data.coupling.data.modules,
        'module pair',
      );
    }
    if (data.coupling.data.files.length > 0) {
      couplingCard(
        'coupling',
        'File change coupling (degree %)',
        'each bar is a pair of files changed in the same commits; a change to one usually needs a change to the other, so each change costs two.',
        data.coupling.data.files,
        'file pair',
      );
    }
  }

  // ---------- git activity ----------
  const gitContainer = section('git-activity');
  if (gitContainer) {
    const gitSlice = () => (data.git.empty ? null : data.git.data[sliceKey(true)]);
    card(gitContainer, {
      id: 'git-commits',
      title: 'Commits per week',
      how: 'non-merge commits and merges per ISO week; the table adds the number of people who committed. Activity is context, not a measure of anyone.',
      filters: ['repo', 'team'],
      build() {
        const s = gitSlice();
        if (!s) return null;
        const commits = windowed(s.commits);
        const merges = windowed(s.merges);
        if (!hasValues(commits) && !hasValues(merges)) return null;
        const labels = weekLabels();
        return {
          config: {
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'commits', data: commits, backgroundColor: PALETTE[0] },
                { label: 'merges', data: merges, backgroundColor: PALETTE[2] },
              ],
            },
            options: { scales: axes('ISO week', 'commits per week') },
          },
          table: {
            caption: 'Commits, merges and active authors per week',
            head: ['week', 'commits', 'merges', 'authors'],
            rows: labels.map((w, i) => [w, commits[i], merges[i], windowed(s.authors)[i]]),
          },
        };
      },
    });
    card(gitContainer, {
      id: 'git-churn',
      title: 'Lines changed per week',
      how: 'lines added and deleted by non-merge commits each week (binary files count 0). Spikes are large rewrites, imports or generated code.',
      filters: ['repo', 'team'],
      build() {
        const s = gitSlice();
        if (!s) return null;
        const added = windowed(s.added);
        const deleted = windowed(s.deleted);
        if (!hasValues(added) && !hasValues(deleted)) return null;
        const labels = weekLabels();
        return {
          config: {
            type: 'bar',
            data: {
              labels,
              datasets: [
                { label: 'added', data: added, backgroundColor: PALETTE[2] },
                { label: 'deleted', data: deleted, backgroundColor: PALETTE[1] },
              ],
            },
            options: {
              scales: axes('ISO week', 'lines per week', { x: { stacked: true }, y: { stacked: true } }),
            },
          },
          table: {
            caption: 'Lines added and deleted per week',
            head: ['week', 'added', 'deleted', 'churn'],
            rows: labels.map((w, i) => [w, added[i], deleted[i], (added[i] ?? 0) + (deleted[i] ?? 0)]),
          },
        };
      },
    });
  }

  // ---------- filters ----------
  const repoSelect = document.getElementById('filter-repo');
  const teamSelect = document.getElementById('filter-team');
  const windowSelect = document.getElementById('filter-window');
  const option = (select, value, text) => {
    const o = el('option', null, text);
    o.value = value;
    select.appendChild(o);
  };
  option(repoSelect, '', `All repositories (${data.repositories.length})`);
  data.repositories.forEach((name, i) => {
    option(repoSelect, String(i), name);
  });
  repoSelect.disabled = data.repositories.length < 2;
  if (data.teams.length === 0) {
    option(teamSelect, '', 'No teams configured');
    teamSelect.disabled = true;
  } else {
    option(teamSelect, '', 'All teams');
    data.teams.forEach((name, i) => {
      option(teamSelect, String(i), name);
    });
  }
  const n = data.weeks.length;
  option(windowSelect, 'all', `All ${n} weeks`);
  for (const w of [52, 26, 13, 4]) if (w < n) option(windowSelect, String(w), `Last ${w} weeks`);
  windowSelect.disabled = n <= 4;

  const refreshAll = () => {
    for (const c of cards) c.refresh();
  };
  for (const [select, key] of [
    [repoSelect, 'repo'],
    [teamSelect, 'team'],
    [windowSelect, 'window'],
  ]) {
    select.addEventListener('change', () => {
      state[key] = select.value;
      refreshAll();
    });
  }
  document.getElementById('print').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', () => {
    for (const c of cards) if (c.chart) c.chart.resize();
  });

  refreshAll();
  window.__dxReadyAt = performance.now();
  window.__dxReady = true;
  document.documentElement.setAttribute('data-ready', 'true');
})();
