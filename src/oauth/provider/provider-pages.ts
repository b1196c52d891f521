/**
 * The few pages oidc-provider renders itself (errors, the device and logout confirmations). They
 * are plain HTML forms with no script, styled like the console.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) => `&#${character.charCodeAt(0)};`,
  );
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:2rem 1rem;color:#1b1f24;background:#f6f7f9}
main{max-width:32rem;margin:0 auto;background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1.5rem}
h1{font-size:1.4rem;margin-top:0}.code{font-family:ui-monospace,monospace;letter-spacing:.1em}
.actions{display:flex;gap:.75rem;flex-wrap:wrap}button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:1px solid #8c959f;background:#fff;cursor:pointer}
button:first-child{background:#0b5cad;color:#fff;border-color:#0b5cad}button:focus-visible,a:focus-visible{outline:3px solid #f5a623;outline-offset:2px}`;

/** `body` is trusted HTML: callers escape what they interpolate. */
export function renderPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Gatehouse</title>
<style>${STYLE}</style>
</head>
<body><main><h1>${escapeHtml(title)}</h1>
${body}
</main></body>
</html>`;
}
