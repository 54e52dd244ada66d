import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo, MonitorId } from '../../../../shared/contract';
import { copyText } from '../../components/clipboard';
import { ErrorMessage } from '../../components/ErrorMessage';
import { toErrorInfo } from '../../lib/errors';
import { appInfo } from '../../api/app-info';
import { pushUrl } from './api';

/**
 * A push monitor's URL, shown on request (the token is a secret and never in monitor lists). Only
 * headless mode listens for HTTP: in the desktop app this says so instead.
 */
export function PushUrl({ monitorId }: { monitorId: MonitorId }) {
  const [mode, setMode] = useState<'electron' | 'headless' | null>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [copied, setCopied] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    void appInfo()
      .then((i) => setMode(i.mode), () => setMode('headless'));
  }, []);
  useEffect(() => {
    setUrl(null);
    setCopied('');
  }, [monitorId]);
  if (mode === null) return null;
  if (mode === 'electron') {
    return (
      <p className="muted" data-testid="push-url-unavailable">
        Push monitors need headless mode: run <code>npm run serve</code> so services can reach Homeport’s push URL over HTTP.
      </p>
    );
  }
  const show = async () => {
    try {
      const { path } = await pushUrl({ id: monitorId });
      setUrl(`${window.location.origin}${path}`);
      setError(null);
    } catch (e) {
      setError(toErrorInfo(e));
    }
  };
  return (
    <div className="push-url" data-testid="push-url" style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '8px 0' }}>
      <strong>Push URL</strong>
      {url ? (
        <>
          <input ref={input} readOnly className="mono" aria-label="Push URL of this monitor" data-testid="push-url-value" value={`${url}?status=up&msg=OK&ping=`} style={{ flex: 1 }} onFocus={(e) => e.target.select()} />
          <button
            type="button"
            className="button button-small"
            onClick={() => void copyText(`${url}?status=up&msg=OK&ping=`, input.current).then((ok) => setCopied(ok ? 'Copied' : 'Selected: press Ctrl+C'))}
          >
            Copy
          </button>
          <span role="status">{copied}</span>
        </>
      ) : (
        <button type="button" className="button button-small" onClick={() => void show()}>
          Show push URL
        </button>
      )}
      {error && <ErrorMessage error={error} title="Could not get the push URL" />}
    </div>
  );
}
