/**
 * The one way this suite writes HTML: a tagged template whose interpolations are escaped unless they
 * are Html already, so no page is built from concatenated strings. Used by report.html and the
 * matrix page; both are static files that fetch nothing (CONTENT_SECURITY_POLICY says so to the browser).
 */

export class Html {
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

export type Part = Html | string | number | boolean | undefined | null | readonly Part[];

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function render(v: Part): string {
  if (v === undefined || v === null || v === false || v === true) return '';
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1];
  });
  return new Html(out);
}

/** Pages fetch nothing: inline styles and script only, links navigate (a policy does not restrict them). */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

/** An href: a path inside the bundle (relative, no scheme) or an https link to an upstream source. */
export function href(url: string): string {
  if (/^https:\/\//.test(url) || !/^[a-z][a-z0-9+.-]*:/i.test(url)) return url;
  throw new Error(`refusing link ${url}: only relative paths and https links`);
}

export function page(title: string, style: string, body: Html, script = ''): string {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(style)}</style>
</head><body>
${body}
${script ? html`<script>${new Html(script)}</script>` : ''}
</body></html>
`.text;
}

/** Styles both pages share: outcome colours and tables. */
export const BASE_STYLE = `
:root{--pass:#1f7a3a;--pass-bg:#e3f4e8;--fail:#b3261e;--fail-bg:#fbe4e2;--err:#8a3ffc;--err-bg:#efe6ff;--nr:#8a6d00;--nr-bg:#fff4cc;--ns:#555;--ns-bg:#eee}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:1em 1.5em 4em}
h1{font-size:1.6em;margin:.4em 0}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0;background:#fff}th,td{border:1px solid #d6d6d6;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f0f0f0}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.92em}
pre{white-space:pre-wrap;word-break:break-word;background:#f4f4f4;padding:.5em;margin:.3em 0}
.badge{display:inline-block;padding:0 .5em;border-radius:.8em;font-weight:600;font-size:.9em;white-space:nowrap}
.passed,.SUCCEEDED,.success{color:var(--pass);background:var(--pass-bg)}
.failed,.FAILED,.failure{color:var(--fail);background:var(--fail-bg)}
.error{color:var(--err);background:var(--err-bg)}
.not-run,.SKIPPED,.partial{color:var(--nr);background:var(--nr-bg)}
.not-supported,.NOT_SUPPORTED,.absent{color:var(--ns);background:var(--ns-bg)}
a{color:#0b57d0}
`;
