/**
 * Reads the README's walkthrough the way its reader follows it. The README marks each part with
 * an HTML comment before the fence (invisible on GitHub):
 *
 * - `<!-- walkthrough: start -->` before the one-line start command (`VAR=value … npm start`);
 * - `<!-- walkthrough -->` before each ```sh or ```python block, run in document order.
 *
 * In sh blocks, a command's trailing comment says what it answers: `# {json}` (the answer holds
 * at least that JSON), `# 401 …` (that status; otherwise any 2xx), or prose (any 2xx). A line
 * `NAME=...   # field from the answer` is a placeholder the reader fills with that field (a dotted
 * path such as `user.id`) of the previous command's JSON answer. In python blocks, a trailing
 * comment on a `print(` line is the line it prints.
 */

export interface Walkthrough {
  /** Environment the README starts the server with (`ADMIN_USERNAME=… npm start`). */
  startEnv: Record<string, string>;
  blocks: WalkthroughBlock[];
}

export type WalkthroughBlock =
  | { language: 'sh'; line: number; steps: WalkthroughStep[] }
  | {
      language: 'python';
      line: number;
      source: string;
      expectedOutput: string[];
    };

export type WalkthroughStep =
  | {
      kind: 'command';
      line: number;
      command: string;
      expectedStatus: number | null;
      expectedJson: unknown;
    }
  | { kind: 'placeholder'; line: number; name: string; field: string };

const MARKER = /^<!--\s*walkthrough(?::\s*(start))?\s*-->\s*$/;
const PLACEHOLDER = /^([A-Z][A-Z0-9_]*)=\S*\.\.\.$/;
const PLACEHOLDER_COMMENT = /^([\w.]+) from the answer\b/;

export function parseWalkthrough(markdown: string): Walkthrough {
  const lines = markdown.split('\n');
  let startEnv: Record<string, string> | null = null;
  const blocks: WalkthroughBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const marker = MARKER.exec(lines[i]);
    if (!marker) {
      continue;
    }
    let open = i + 1;
    while (open < lines.length && lines[open].trim() === '') {
      open += 1;
    }
    const fence = /^```(\w+)\s*$/.exec(lines[open] ?? '');
    if (!fence) {
      throw new Error(
        `README.md:${i + 1}: a walkthrough marker must be followed by a fenced code block`,
      );
    }
    const close = lines.indexOf('```', open + 1);
    if (close === -1) {
      throw new Error(`README.md:${open + 1}: unclosed code block`);
    }
    const body = lines.slice(open + 1, close);
    const firstLine = open + 2;
    if (marker[1] === 'start') {
      startEnv = parseStartCommand(body, firstLine);
    } else if (fence[1] === 'sh') {
      blocks.push({
        language: 'sh',
        line: firstLine,
        steps: parseShell(body, firstLine),
      });
    } else if (fence[1] === 'python') {
      blocks.push({
        language: 'python',
        line: firstLine,
        source: body.join('\n'),
        expectedOutput: body.flatMap((line) => {
          const split = splitComment(line);
          return split.code.trimStart().startsWith('print(') &&
            split.comment !== null
            ? [split.comment]
            : [];
        }),
      });
    } else {
      throw new Error(
        `README.md:${open + 1}: walkthrough blocks are sh or python, not ${fence[1]}`,
      );
    }
    i = close;
  }
  if (!startEnv) {
    throw new Error('README.md has no <!-- walkthrough: start --> command');
  }
  return { startEnv, blocks };
}

/** `A=1 B='two words' npm start   # comment` → { A: '1', B: 'two words' }. */
function parseStartCommand(
  body: string[],
  firstLine: number,
): Record<string, string> {
  const commands = body
    .map((line) => splitComment(line).code.trim())
    .filter(Boolean);
  const env: Record<string, string> = {};
  let rest = commands.length === 1 ? commands[0] : '';
  const assignment = /^([A-Z][A-Z0-9_]*)=('[^']*'|"[^"$`\\]*"|[^\s'"$`\\]*)\s+/;
  for (let match = assignment.exec(rest); match;) {
    env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
    rest = rest.slice(match[0].length);
    match = assignment.exec(rest);
  }
  if (rest !== 'npm start') {
    throw new Error(
      `README.md:${firstLine}: the start block must be one line: VAR=value … npm start`,
    );
  }
  return env;
}

function parseShell(body: string[], firstLine: number): WalkthroughStep[] {
  const steps: WalkthroughStep[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const line = firstLine + i;
    let { code, comment } = splitComment(body[i]);
    // A command continued with `\` ends on the line without one; its comment is on that line.
    while (code.trimEnd().endsWith('\\') && i + 1 < body.length) {
      i += 1;
      const next = splitComment(body[i]);
      code = `${code.trimEnd().slice(0, -1).trimEnd()} ${next.code.trim()}`;
      comment = next.comment;
    }
    code = code.trim();
    if (code === '') {
      continue;
    }
    const placeholder = PLACEHOLDER.exec(code);
    if (placeholder) {
      const field = PLACEHOLDER_COMMENT.exec(comment ?? '');
      if (!field) {
        throw new Error(
          `README.md:${line}: placeholder ${placeholder[1]} needs a comment "# <field> from the answer"`,
        );
      }
      steps.push({
        kind: 'placeholder',
        line,
        name: placeholder[1],
        field: field[1],
      });
      continue;
    }
    steps.push({
      kind: 'command',
      line,
      command: code,
      ...expectation(comment, line),
    });
  }
  return steps;
}

function expectation(
  comment: string | null,
  line: number,
): { expectedStatus: number | null; expectedJson: unknown } {
  if (comment === null) {
    return { expectedStatus: null, expectedJson: undefined };
  }
  if (/^[[{]/.test(comment)) {
    try {
      return { expectedStatus: null, expectedJson: JSON.parse(comment) };
    } catch {
      throw new Error(
        `README.md:${line}: a comment starting with { or [ is the expected answer and must be JSON: ${comment}`,
      );
    }
  }
  const status = /^([1-5]\d\d)\b/.exec(comment);
  return {
    expectedStatus: status ? Number(status[1]) : null,
    expectedJson: undefined,
  };
}

/** Splits `code   # comment` at the first `#` outside quotes that follows a space. */
export function splitComment(line: string): {
  code: string;
  comment: string | null;
} {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quote) {
      if (char === '\\' && quote === '"') {
        i += 1;
      } else if (char === quote) {
        quote = null;
      }
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === '#' && (i === 0 || /\s/.test(line[i - 1]))) {
      return { code: line.slice(0, i), comment: line.slice(i + 1).trim() };
    }
  }
  return { code: line, comment: null };
}

/** The value at a dotted path (`user.id`, `items.0.id`) of a parsed JSON answer. */
export function fieldOf(answer: unknown, path: string): unknown {
  let value = answer;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || !(part in value)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
