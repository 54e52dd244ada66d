import { describe, expect, it } from 'vitest';
import { externalHttpUrl, isAppUrl, resolveAppLocation } from './app-url';

const rendererDir = '/opt/homeport/out/renderer';
const built = { kind: 'app', url: 'app://homeport/index.html', rendererDir };

describe('resolveAppLocation', () => {
  it('serves the built UI from app:// when packaged, even if ELECTRON_RENDERER_URL is set', () => {
    expect(resolveAppLocation({ isPackaged: true, devUrl: 'http://localhost:5173', rendererDir })).toEqual(built);
    expect(resolveAppLocation({ isPackaged: false, devUrl: undefined, rendererDir })).toEqual(built);
  });
  it('uses a loopback dev server in development and refuses any other', () => {
    expect(resolveAppLocation({ isPackaged: false, devUrl: 'http://localhost:5173/', rendererDir })).toEqual({
      kind: 'dev',
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    });
    expect(() => resolveAppLocation({ isPackaged: false, devUrl: 'https://evil.example/', rendererDir })).toThrow(/on this computer/);
    expect(() => resolveAppLocation({ isPackaged: false, devUrl: 'file:///etc/passwd', rendererDir })).toThrow();
  });
});

describe('isAppUrl', () => {
  const app = resolveAppLocation({ isPackaged: true, devUrl: undefined, rendererDir });
  const dev = resolveAppLocation({ isPackaged: false, devUrl: 'http://localhost:5173', rendererDir });

  it('accepts app://homeport only, any path, hash or query', () => {
    expect(isAppUrl(app, 'app://homeport/index.html')).toBe(true);
    expect(isAppUrl(app, 'app://homeport/index.html#/hosts/h_1')).toBe(true);
    expect(isAppUrl(app, 'app://homeport/?x=1')).toBe(true);
    expect(isAppUrl(app, 'app://HOMEPORT/index.html')).toBe(true);
    expect(isAppUrl(app, 'app://homeport.evil.example/index.html')).toBe(false);
    expect(isAppUrl(app, 'app://evil.example/homeport/index.html')).toBe(false);
    expect(isAppUrl(app, 'app://user@homeport/index.html')).toBe(false);
    expect(isAppUrl(app, 'app://homeport:8080/index.html')).toBe(false);
    // The built files themselves are not the app when reached any other way.
    expect(isAppUrl(app, 'file:///opt/homeport/out/renderer/index.html')).toBe(false);
    expect(isAppUrl(app, 'file:///etc/passwd')).toBe(false);
    expect(isAppUrl(app, 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl(app, 'not a url')).toBe(false);
  });

  it('compares dev-server origins exactly', () => {
    expect(isAppUrl(dev, 'http://localhost:5173/#/x')).toBe(true);
    expect(isAppUrl(dev, 'http://localhost:5173/some/route')).toBe(true);
    expect(isAppUrl(dev, 'http://localhost:5174/')).toBe(false);
    expect(isAppUrl(dev, 'https://localhost:5173/')).toBe(false);
    expect(isAppUrl(dev, 'http://localhost:5173.evil.example/')).toBe(false);
    expect(isAppUrl(dev, 'http://user@evil.example/?http://localhost:5173')).toBe(false);
  });
});

describe('externalHttpUrl', () => {
  it('passes http(s) links, normalised', () => {
    expect(externalHttpUrl('https://github.com/louislam/uptime-kuma')).toBe('https://github.com/louislam/uptime-kuma');
    expect(externalHttpUrl('HTTP://Example.COM')).toBe('http://example.com/');
  });
  it('refuses every other scheme, credentials and garbage', () => {
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'vscode://x', 'https://user:pw@example.com/', 'not a url', '']) {
      expect(externalHttpUrl(bad), bad).toBeNull();
    }
  });
});
