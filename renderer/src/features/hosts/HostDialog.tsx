import { useEffect, useRef, useState } from 'react';
import {
  DEFAULT_DOCKER_SOCKET,
  parseKnownKeys,
  type HomeportError,
  type HostId,
  type HostInfo,
  type HostInput,
  type HostKind,
  type HostTestResult,
  type KeyId,
} from '../../../../shared/contract';
import { client } from '../../api/client';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage, fieldReason } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { Spinner } from '../../components/Spinner';
import { appStore, useApp } from '../../store';
import { asHomeportError } from '../../store/errors';
import { HostKeyDialog, type HostKeyFacts } from './HostKeyDialog';
import { addressError, keyLabel, nameError, sameDestination, transportLabel, validationField, type HostField } from './host-model';

type TestState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'ok'; result: HostTestResult }
  | { status: 'error'; error: HomeportError };

/** Add a host, or edit one (`host` given). Test connection tries the settings without saving them. */
export function HostDialog({ host, onClose }: { host: HostInfo | null; onClose(): void }) {
  const keys = useApp((s) => s.keys);
  const editing = host !== null;
  const [name, setName] = useState(host?.name ?? '');
  const [kind, setKind] = useState<HostKind>(host?.kind ?? 'ssh');
  const [address, setAddress] = useState(host && host.kind === 'ssh' ? host.address : '');
  const [socketPath, setSocketPath] = useState(host?.socketPath ?? DEFAULT_DOCKER_SOCKET);
  const [useAgent, setUseAgent] = useState(host?.useAgent ?? true);
  const [keyId, setKeyId] = useState<string>(host?.keyId ?? '');
  const [identityFile, setIdentityFile] = useState(host?.identityFile ?? '');
  const [password, setPassword] = useState('');
  const [clearPassword, setClearPassword] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<HostField, string>>>({});
  const [general, setGeneral] = useState<HomeportError | null>(null);
  const [test, setTest] = useState<TestState>({ status: 'idle' });
  const [saving, setSaving] = useState(false);
  const [hostKey, setHostKey] = useState<HostKeyFacts | null>(null);
  const testRun = useRef(0);

  const input = (): HostInput => ({
    name: name.trim(),
    kind,
    address: kind === 'ssh' ? address.trim() : '',
    socketPath: socketPath.trim() || DEFAULT_DOCKER_SOCKET,
    useAgent: kind === 'ssh' ? useAgent : false,
    keyId: kind === 'ssh' && keyId ? (keyId as KeyId) : null,
    identityFile: kind === 'ssh' && identityFile.trim() ? identityFile.trim() : null,
    // Write-only: undefined keeps what is stored, '' clears it.
    password: kind !== 'ssh' ? undefined : password ? password : editing && clearPassword ? '' : undefined,
  });

  /**
   * A field changed: what was said about the last attempt may no longer be true — that field's
   * error, a general error, and a connection test's outcome go.
   */
  const edited = (field: HostField) => {
    setErrors((e) => {
      if (!e[field]) return e;
      const rest = { ...e };
      delete rest[field];
      return rest;
    });
    setGeneral(null);
    setTest((t) => (t.status === 'running' ? t : { status: 'idle' }));
  };

  /** Checks what the form can check itself; returns false (and shows why) when something is off. */
  const validate = (): boolean => {
    const next: Partial<Record<HostField, string>> = {};
    const n = nameError(name);
    if (n) next.name = n;
    const a = addressError(kind, address);
    if (a) next.address = a;
    if (!socketPath.trim().startsWith('/')) next.socketPath = 'The Docker socket is an absolute path, e.g. /var/run/docker.sock.';
    if (kind === 'ssh' && identityFile.trim() && !/^(\/|~\/|[A-Za-z]:[\\/])/.test(identityFile.trim()))
      next.identityFile = 'Give the full path of the key file, e.g. ~/.ssh/id_ed25519.';
    setErrors(next);
    return Object.keys(next).length === 0;
  };

  /** Puts an error from the services where it belongs: at its field, or at the top. */
  const place = (err: HomeportError) => {
    const field = validationField(err);
    // At the field, its reason alone (the label says which field); the full message elsewhere.
    if (field) setErrors((e) => ({ ...e, [field]: fieldReason(err, field) ?? err.message }));
    else if (err.code === 'CONFLICT' && /name/i.test(err.message)) setErrors((e) => ({ ...e, name: err.message }));
    else setGeneral(err);
  };

  const runTest = async () => {
    setGeneral(null);
    if (!validate()) return;
    const run = ++testRun.current;
    setTest({ status: 'running' });
    try {
      const result = await client().hosts.test({ id: host?.id ?? null, host: input() });
      if (run === testRun.current) setTest({ status: 'ok', result });
    } catch (e) {
      if (run !== testRun.current) return;
      const err = asHomeportError(e);
      if (validationField(err)) {
        place(err);
        setTest({ status: 'idle' });
        return;
      }
      setTest({ status: 'error', error: err });
      if (err.code === 'HOSTKEY_UNKNOWN' && err.details) {
        const d = err.details;
        setHostKey({
          hostname: String(d.hostname ?? ''),
          port: Number(d.port ?? 22),
          keyType: String(d.keyType ?? ''),
          fingerprint: String(d.fingerprint ?? ''),
          knownKeys: parseKnownKeys(d.knownKeys),
        });
      }
    }
  };

  const save = async () => {
    if (saving) return;
    setGeneral(null);
    if (!validate()) return;
    setSaving(true);
    try {
      const st = appStore.getState();
      if (host) await st.updateHost(host.id, input());
      else await st.addHost(input());
      setPassword('');
      st.pushToast({ tone: 'success', title: host ? `Saved ${name.trim()}` : `Added ${name.trim()}` });
      onClose();
    } catch (e) {
      place(asHomeportError(e));
    } finally {
      setSaving(false);
    }
  };

  const busy = saving || test.status === 'running';
  // The stored password is only ever sent to the address it was typed for (the services drop it
  // when the user, host or port changes): with a new address, ask for the password again.
  const storedPassword = editing && host.hasPassword && kind === 'ssh';
  const passwordStays = storedPassword && sameDestination(host, address);
  const passwordHint = !storedPassword
    ? 'Optional. Write-only: never shown again.'
    : !passwordStays
      ? `The stored password was for ${host.address}: it is not sent to a new address. Type the password for this one, or leave it empty to log in with keys only.`
      : clearPassword
        ? 'The stored password will be removed when you save.'
        : 'A password is stored. Leave this empty to keep it.';
  return (
    <Dialog
      title={host ? `Edit host ${host.name}` : 'Add host'}
      size="medium"
      onClose={() => !saving && onClose()}
      onSubmit={() => void save()}
      testId="host-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={() => void runTest()} disabled={busy}>
            {test.status === 'running' && <Spinner />}
            Test connection
          </button>
          <span className="spacer" />
          <button type="button" className="button" onClick={onClose} disabled={saving}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={saving}>
            {saving && <Spinner />}
            Save
          </button>
        </>
      }
    >
      {general && <ErrorMessage error={general} />}
      <div className="form-grid">
        <Field label="Name" error={errors.name}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                edited('name');
              }}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              placeholder="nas"
              autoComplete="off"
              spellCheck={false}
              maxLength={64}
            />
          )}
        </Field>
        <Field label="Type">
          {({ id }) => (
            <select id={id} value={kind} onChange={(e) => {
              setKind(e.target.value as HostKind);
              edited('kind');
            }}>
              <option value="ssh">SSH</option>
              <option value="local">This computer&apos;s engine</option>
            </select>
          )}
        </Field>
        {kind === 'ssh' && (
          <Field label="Address" error={errors.address} hint="user@host or user@host:port, as for ssh" className="span-2">
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className="mono"
                value={address}
                onChange={(e) => {
                  setAddress(e.target.value);
                  // Checked again as it is typed (rather than only cleared), once it was shown wrong.
                  const again = errors.address ? addressError(kind, e.target.value) : null;
                  edited('address');
                  if (again) setErrors((x) => ({ ...x, address: again }));
                }}
                onBlur={() => address.trim() && setErrors((x) => ({ ...x, address: addressError(kind, address) ?? undefined }))}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                placeholder="root@192.168.1.10"
                autoComplete="off"
                spellCheck={false}
              />
            )}
          </Field>
        )}
        <Field label="Docker socket" error={errors.socketPath} className="span-2">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              className="mono"
              value={socketPath}
              onChange={(e) => {
                setSocketPath(e.target.value);
                edited('socketPath');
              }}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
      </div>
      {kind === 'ssh' && (
        <fieldset className="auth-fieldset">
          <legend>Authentication</legend>
          <p className="muted small">Homeport offers every credential set here, as OpenSSH would.</p>
          <label className="checkbox">
            <input type="checkbox" checked={useAgent} onChange={(e) => {
              setUseAgent(e.target.checked);
              edited('useAgent');
            }} />
            Use ssh-agent
          </label>
          <div className="form-grid">
            <Field label="Key" error={errors.keyId} hint={keys.length === 0 ? 'No stored keys yet: import or generate one on the Keys screen.' : undefined}>
              {({ id, describedBy }) => (
                <select id={id} value={keyId} onChange={(e) => {
                  setKeyId(e.target.value);
                  edited('keyId');
                }} aria-describedby={describedBy}>
                  <option value="">None</option>
                  {keys.map((k) => (
                    <option key={k.id} value={k.id}>
                      {keyLabel(k)} ({k.type})
                    </option>
                  ))}
                  {keyId && !keys.some((k) => k.id === keyId) && <option value={keyId}>Removed key</option>}
                </select>
              )}
            </Field>
            <Field label="Identity file" error={errors.identityFile} hint="Optional, a key file on this computer">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  className="mono"
                  value={identityFile}
                  onChange={(e) => {
                    setIdentityFile(e.target.value);
                    edited('identityFile');
                  }}
                  aria-invalid={invalid || undefined}
                  aria-describedby={describedBy}
                  placeholder="~/.ssh/id_ed25519"
                  autoComplete="off"
                  spellCheck={false}
                />
              )}
            </Field>
            <Field
              label="Password"
              error={errors.password}
              className="span-2"
              hint={passwordHint}
            >
              {({ id, describedBy, invalid }) => (
                <div className="inline-row">
                  <input
                    id={id}
                    type="password"
                    value={password}
                    onChange={(e) => {
                      setPassword(e.target.value);
                      if (e.target.value) setClearPassword(false);
                      edited('password');
                    }}
                    aria-invalid={invalid || undefined}
                    aria-describedby={describedBy}
                    placeholder={passwordStays && !clearPassword ? '•••••••• (stored)' : ''}
                    autoComplete="new-password"
                  />
                  {passwordStays && (
                    <button
                      type="button"
                      className="button button-small"
                      aria-pressed={clearPassword}
                      onClick={() => {
                        setClearPassword((c) => !c);
                        setPassword('');
                      }}
                    >
                      {clearPassword ? 'Keep stored password' : 'Clear stored password'}
                    </button>
                  )}
                </div>
              )}
            </Field>
          </div>
        </fieldset>
      )}
      <TestOutcome test={test} />
      {hostKey && (
        <HostKeyDialog
          facts={hostKey}
          hostLabel={name.trim() || undefined}
          onCancel={() => setHostKey(null)}
          onTrusted={() => {
            setHostKey(null);
            void runTest();
          }}
        />
      )}
    </Dialog>
  );
}

function TestOutcome({ test }: { test: TestState }) {
  const ref = useRef<HTMLDivElement>(null);
  // The outcome sits below the form; bring it into view when it changes.
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [test]);
  if (test.status === 'idle') return null;
  return <div ref={ref}>{outcome(test)}</div>;
}

function outcome(test: Exclude<TestState, { status: 'idle' }>) {
  if (test.status === 'running')
    return (
      <div className="test-result" data-testid="test-result" data-status="running" role="status">
        <Spinner /> Connecting…
      </div>
    );
  if (test.status === 'ok') {
    const { engine, transport, elapsedMs } = test.result;
    return (
      <div className="test-result test-ok" data-testid="test-result" data-status="ok" role="status">
        <strong>Connected.</strong> Docker {engine.version} (API {engine.apiVersion}, {engine.os}) over{' '}
        {transportLabel(transport)} in {Math.round(elapsedMs)} ms.
      </div>
    );
  }
  return (
    <div className="test-result" data-testid="test-result" data-status="error">
      {test.error.code === 'HOSTKEY_UNKNOWN' ? (
        <p className="muted">
          {parseKnownKeys(test.error.details?.knownKeys).length > 0
            ? 'The server no longer offers the host key type Homeport knows it by; verify the new key before you continue.'
            : 'The server presented a host key Homeport has not seen before; verify it to continue.'}
        </p>
      ) : (
        <ErrorMessage error={test.error} title="Connection test failed" />
      )}
    </div>
  );
}

/** The add/edit dialog as the ui slice asks for it. */
export function HostDialogHost() {
  const dialog = useApp((s) => s.hostDialog);
  const host = useApp((s) => (s.hostDialog.open && s.hostDialog.mode === 'edit' ? s.hosts.find((h) => h.id === (s.hostDialog as { hostId: HostId }).hostId) : undefined));
  if (!dialog.open) return null;
  const close = () => appStore.getState().openHostDialog({ open: false });
  if (dialog.mode === 'edit' && !host) return null;
  return <HostDialog key={dialog.mode === 'edit' ? dialog.hostId : 'add'} host={host ?? null} onClose={close} />;
}
