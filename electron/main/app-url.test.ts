import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { externalHttpUrl, isAppUrl, resolveAppLocation } from './app-url';

const indexFile = '/opt/homeport/out/renderer/index.html';

describe('resolveAppLocation', () => {
  it('uses the built file when packaged, even if ELECTRON_RENDERER_URL is set', () => {
    expect(resolveAppLocation({ isPackaged: true, devUrl: 'http://localhost:5173', indexFile })).toEqual({ kind: 'file', indexFile });
    expect(resolveAppLocation({ isPackaged: false, devUrl: undefined, indexFile })).toEqual({ kind: 'file', indexFile });
  });
  it('uses a loopback dev server in development and refuses any other', () => {
    expect(resolveAppLocation({ isPackaged: false, devUrl: 'http://localhost:5173/', indexFile })).toEqual({
      kind: 'dev',
      url: 'http://localhost:5173/',
      origin: 'http://localhost:5173',
    });
    expect(() => resolveAppLocation({ isPackaged: false, devUrl: 'https://evil.example/', indexFile })).toThrow(/on this computer/);
    expect(() => resolveAppLocation({ isPackaged: false, devUrl: 'file:///etc/passwd', indexFile })).toThrow();
  });
});

describe('isAppUrl', () => {
  const file = resolveAppLocation({ isPackaged: true, devUrl: undefined, indexFile });
  const dev = resolveAppLocation({ isPackaged: false, devUrl: 'http://localhost:5173', indexFile });

  it.runIf(process.platform !== 'win32')('accepts only the app file, with any hash or query', () => {
    const url = pathToFileURL(indexFile).href;
    expect(isAppUrl(file, url)).toBe(true);
    expect(isAppUrl(file, `${url}#/hosts/h_1`)).toBe(true);
    expect(isAppUrl(file, `${url}?x=1`)).toBe(true);
    expect(isAppUrl(file, 'file:///opt/homeport/out/renderer/other.html')).toBe(false);
    expect(isAppUrl(file, 'file:///opt/homeport/out/renderer/../renderer/index.html')).toBe(true);
    expect(isAppUrl(file, 'file:///etc/passwd')).toBe(false);
    expect(isAppUrl(file, 'file://evil.example/opt/homeport/out/renderer/index.html')).toBe(false);
    expect(isAppUrl(file, 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl(file, 'not a url')).toBe(false);
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
