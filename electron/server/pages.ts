/**
 * The few pages the headless server writes itself (login, errors), in the app's colours. They
 * carry no script at all; their policy allows only their inline style and a form posted to this
 * server (the app's own policy forbids form posts).
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The app's palette (renderer/src/styles.css): dark, calm, colour only for state.
const STYLE = `
:root{color-scheme:dark}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#16181c;color:#e2e5e9;
font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Ubuntu,Cantarell,'Noto Sans','Helvetica Neue',Arial,sans-serif;-webkit-font-smoothing:antialiased}
main{width:min(26rem,calc(100vw - 2rem));background:#1f2228;border:1px solid #30353d;border-radius:6px;padding:24px 24px 20px}
.brand{display:flex;align-items:center;gap:8px;color:#979fa9;font-size:12px;letter-spacing:.04em;text-transform:uppercase;margin-bottom:12px}
.brand svg{color:#3d8fe0}
h1{margin:0 0 8px;font-size:18px;font-weight:600}
p{margin:0 0 12px;color:#c4c9cf}
code{font-family:ui-monospace,SFMono-Regular,'Cascadia Mono','DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:12px;background:#2e333b;padding:1px 4px;border-radius:4px;word-break:break-all}
label{display:block;font-size:12px;color:#979fa9;margin:4px 0 6px}
input{width:100%;padding:8px 10px;background:#16181c;color:#e2e5e9;border:1px solid #3d434c;border-radius:4px;font:inherit}
input:focus,button:focus-visible{outline:none;box-shadow:0 0 0 2px #16181c,0 0 0 4px #3d8fe0}
button{margin-top:14px;width:100%;padding:8px 12px;background:#3d8fe0;color:#fff;border:0;border-radius:4px;font:inherit;font-weight:600;cursor:pointer}
button:hover{background:#5aa3ea}
.error{color:#ee5d52;background:rgba(238,93,82,.1);border:1px solid rgba(238,93,82,.35);border-radius:4px;padding:8px 10px}
.note{color:#979fa9;font-size:12px;margin:14px 0 0}
`;

const LOGO =
  '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true"><path fill="currentColor" d="M8 1 1 6v9h5v-5h4v5h5V6z"/></svg>';

/** A whole page: `bodyHtml` is trusted markup (callers escape what they insert). */
export function pageHtml(title: string, bodyHtml: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="same-origin">
<title>Homeport \u2014 ${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><div class="brand">${LOGO}Homeport</div><h1>${escapeHtml(title)}</h1>${bodyHtml}</main></body></html>\n`;
}

export interface LoginPageOptions {
  /** Why the last attempt failed (plain text), if it did. */
  error?: string | null;
  /** A short explanation above the form (plain text). */
  intro?: string;
}

/** The login form: the token, posted to /login (a `?token=` link does the same). */
export function loginPageHtml(opts: LoginPageOptions = {}): string {
  const error = opts.error ? `<p class="error" role="alert">${escapeHtml(opts.error)}</p>` : '';
  const intro = escapeHtml(opts.intro ?? 'Enter the login token to use Homeport in this browser.');
  return pageHtml(
    'Log in',
    `${error}<p>${intro}</p>
<form method="post" action="/login">
<label for="token">Login token</label>
<input id="token" name="token" type="password" autocomplete="current-password" autocapitalize="off" spellcheck="false" required autofocus minlength="16" maxlength="1024">
<button type="submit">Log in</button>
</form>
<p class="note">The token is in the login URL Homeport printed when it started (<code>Homeport is running: …/login?token=…</code>), or in the file given with <code>--token-file</code>. Opening that URL logs you in too.</p>`,
  );
}
