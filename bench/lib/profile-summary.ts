import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile (Profiler.stop's result) the summary reads. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Sampled wall time, ms. */
  totalMs: number;
  /** Wall time not idle, ms. */
  busyMs: number;
  /** Self time by package (node_modules/<name>), src/, node internals, GC… in ms. */
  byPackage: { name: string; ms: number }[];
  /** The functions where the samples landed. */
  topSelf: { name: string; ms: number }[];
  /** Our own functions (src/) by time on the stack, synchronous part only. */
  topSrcInclusive: { name: string; ms: number }[];
}

const SPECIAL = new Set([
  '(idle)',
  '(program)',
  '(garbage collector)',
  '(root)',
]);

export function summariseProfile(
  path: string,
  root = process.cwd(),
): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }

  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // timeDeltas[i + 1] is the time until the next sample: the time this sample stands for.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const node = byId.get(profile.samples[i]);
    if (!node) {
      continue;
    }
    totalUs += us;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    add(self, label(frame, root), us);
    add(packages, packageOf(frame, root), us);
    const seen = new Set<string>();
    for (
      let id: number | undefined = node.id;
      id !== undefined;
      id = parent.get(id)
    ) {
      const ancestor = byId.get(id)?.callFrame;
      if (ancestor && isOurs(ancestor.url, root)) {
        const name = label(ancestor, root);
        if (!seen.has(name)) {
          seen.add(name);
          add(inclusive, name, us);
        }
      }
    }
  }
  return {
    totalMs: totalUs / 1000,
    busyMs: (totalUs - idleUs) / 1000,
    byPackage: top(packages, 12),
    topSelf: top(self, 15),
    topSrcInclusive: top(inclusive, 12),
  };
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

function top(map: Map<string, number>, n: number) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: us / 1000 }));
}

function shortUrl(url: string, root: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    return path.slice(inModules + '/node_modules/'.length);
  }
  return path.startsWith(root) ? path.slice(root.length + 1) : path;
}

function isOurs(url: string, root: string): boolean {
  const path = shortUrl(url, root);
  return !url.includes('/node_modules/') && /(^|\/)(src|bench)\//.test(path);
}

function label(
  frame: CpuProfile['nodes'][number]['callFrame'],
  root: string,
): string {
  if (SPECIAL.has(frame.functionName) || !frame.url) {
    return frame.functionName || '(anonymous native)';
  }
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url, root)}:${frame.lineNumber + 1}`;
}

function packageOf(
  frame: CpuProfile['nodes'][number]['callFrame'],
  root: string,
): string {
  const { url, functionName } = frame;
  if (!url) {
    return SPECIAL.has(functionName) ? functionName : '(native)';
  }
  const inModules = url.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const parts = url.slice(inModules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:') || !url.includes('/')) {
    return 'node (built-in modules)';
  }
  const path = shortUrl(url, root);
  const ours = /(^|\/)(src|bench)\/([^/]+)/.exec(path);
  return ours ? `${ours[2]}/${ours[3]}` : path;
}

/** Markdown for one profiled case: where the busy time went. */
export function profileMarkdown(
  title: string,
  summary: ProfileSummary,
): string {
  const busy = summary.busyMs || 1;
  const pct = (ms: number) => `${((ms / busy) * 100).toFixed(1)}%`;
  const rows = (items: { name: string; ms: number }[]) =>
    items
      .map(
        ({ name, ms }) =>
          `| ${name.replace(/\|/g, '\\|')} | ${ms.toFixed(0)} | ${pct(ms)} |`,
      )
      .join('\n');
  return [
    `### ${title}`,
    '',
    `Main thread busy ${summary.busyMs.toFixed(0)} ms of ${summary.totalMs.toFixed(0)} ms sampled ` +
      `(${((summary.busyMs / (summary.totalMs || 1)) * 100).toFixed(0)}%). Percentages are of busy time.`,
    '',
    '| self time by package / folder | ms | share |',
    '|---|---:|---:|',
    rows(summary.byPackage),
    '',
    '| top functions by self time | ms | share |',
    '|---|---:|---:|',
    rows(summary.topSelf),
    '',
    '| our functions by time on the stack (synchronous part) | ms | share |',
    '|---|---:|---:|',
    rows(summary.topSrcInclusive),
    '',
  ].join('\n');
}
