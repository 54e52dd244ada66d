/**
 * The one Content-Security-Policy of Homeport's pages (Electron security checklist #7: "Define a
 * Content-Security-Policy and use restrictive rules (i.e. script-src 'self')"). Headless mode
 * sends it as a response header; the Electron shell sends it with every app:// response and adds
 * it to the dev server's responses; the renderer's index.html carries the same policy in a meta
 * tag (keep the two equal).
 *
 * - style-src 'unsafe-inline': React's `style={…}` attributes; scripts stay 'self' only.
 * - connect-src 'self': the page's own origin only. In CSP Level 3 (every current Chromium) 'self'
 *   also matches ws:/wss: on the page's own host and port, which is all the headless WebSocket
 *   transport needs; no `ws:`/`wss:` wildcard, so a script that got into the page cannot send
 *   what it reads to a server of its choosing (e2e/csp.e2e.ts proves both in Chromium).
 * - frame-ancestors/form-action/base-uri: no framing (clickjacking), no form posts, no <base> tricks.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
