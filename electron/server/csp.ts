/**
 * The one Content-Security-Policy of Homeport's pages (Electron security checklist #7: "Define a
 * Content-Security-Policy and use restrictive rules (i.e. script-src 'self')"). Headless mode
 * sends it as a response header; the Electron shell adds it to http(s) responses of the app's
 * origin (dev server); `file://` pages cannot get headers, so the renderer's index.html carries
 * the same policy in a meta tag.
 *
 * - style-src 'unsafe-inline': React's `style={…}` attributes; scripts stay 'self' only.
 * - connect-src ws: wss:: the headless WebSocket transport (the page's own origin, plain or TLS).
 * - frame-ancestors/form-action/base-uri: no framing (clickjacking), no form posts, no <base> tricks.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
