import { useEffect, useRef, useState } from 'react';
import {
  DEFAULT_DOCKER_SOCKET,
  parseKnownKeys,
  type ErrorInfo,
  type HomeportError,
  type HostId,
  type HostInfo,
  type HostInput,
  type HostKind,
  type HostTestResultInfo,
  type KeyId,
} from '../../../../shared/contract';
import { ErrorMessage, fieldReason } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { CheckboxField, SelectField, TextField } from '../../components/fields';
import { FormDialog } from '../../components/FormDialog';
import { Spinner } from '../../components/Spinner';
import { useSubmit } from '../../components/use-submit';
import { appStore, useApp } from '../../store';
import { testHost } from './api';
import { asHomeportError } from '../../lib/errors';
import { HostKeyDialog, type HostKeyFacts } from './HostKeyDialog';
import { transportLabel } from '../../components/host-state';
import { addressError, keyLabel, nameError, sameDestination, validationField, type HostField } from './host-model';

type TestState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'ok'; result: HostTestResultInfo }
  | { status: 'error'; error: HomeportError };

/** Where a refusal of the host's settings belongs: at the field it names, else above the form. */
function placeHostError(err: ErrorInfo): { field: string; message: string } | null {
  const field = validationField(err);
  // At the field, its reason alone (the label says which field); the full message elsewhere.
  if (field) return { field, message: fieldReason(err, field) ?? err.message };
  if (err.code === 'CONFLICT' && /name/i.test(err.message)) return { field: 'name', message: err.message };
  return null;
}

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
  const [test, setTest] = useState<TestState>({ status: 'idle' });
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

  const save = useSubmit(
    async () => {
      const st = appStore.getState();
      if (host) await st.updateHost(host.id, input());
      else await st.addHost(input());
      setPassword('');
      st.pushToast({ tone: 'success', title: host ? `Saved ${name.trim()}` : `Added ${name.trim()}` });
      onClose();
    },
    { placeError: placeHostError },
  );

  /**
   * A field changed (the form already took that field's error and a general error away): a
   * connection test's outcome was about the settings before, so it goes too.
   */
  const edited = <T,>(set: (value: T) => void) => (value: T) => {
    set(value);
    setTest((t) => (t.status === 'running' ? t : { status: 'idle' }));
  };

  /** What the form can check itself. */
  const problems = (): Partial<Record<HostField, string>> => ({
    name: nameError(name) ?? undefined,
    address: addressError(kind, address) ?? undefined,
    socketPath: socketPath.trim().startsWith('/') ? undefined : 'The Docker socket is an absolute path, e.g. /var/run/docker.sock.',
    identityFile:
      kind === 'ssh' && identityFile.trim() && !/^(\/|~\/|[A-Za-z]:[\\/])/.test(identityFile.trim()) ? 'Give the full path of the key file, e.g. ~/.ssh/id_ed25519.' : undefined,
  });

  const runTest = async () => {
    if (!save.check(problems())) return;
    const run = ++testRun.current;
    setTest({ status: 'running' });
    try {
      const result = await testHost({ id: host?.id ?? null, host: input() });
      if (run === testRun.current) setTest({ status: 'ok', result });
    } catch (e) {
      if (run !== testRun.current) return;
      const err = asHomeportError(e);
      const at = validationField(err) ? placeHostError(err.toInfo()) : null;
      if (at) {
        save.setFieldErrors((x) => ({ ...x, [at.field]: at.message }));
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

  const onSubmit = () => {
    if (save.busy) return;
    if (save.check(problems())) void save.run();
  };

  const busy = save.busy || test.status === 'running';
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
    <FormDialog
      title={host ? `Edit host ${host.name}` : 'Add host'}
      testId="host-dialog"
      form={save}
      onSubmit={onSubmit}
      onClose={onClose}
      submitLabel="Save"
      errorAt="top"
      actions={
        <button type="button" className="button" onClick={() => void runTest()} disabled={busy}>
          {test.status === 'running' && <Spinner />}
          Test connection
        </button>
      }
    >
      <div className="form-grid">
        <TextField name="name" label="Name" value={name} onChange={edited(setName)} placeholder="nas" autoComplete="off" spellCheck={false} maxLength={64} />
        <SelectField name="kind" label="Type" value={kind} onChange={edited(setKind)}>
          <option value="ssh">SSH</option>
          <option value="local">This computer&apos;s engine</option>
        </SelectField>
        {kind === 'ssh' && (
          <TextField
            name="address"
            label="Address"
            hint="user@host or user@host:port, as for ssh"
            className="span-2"
            mono
            value={address}
            onChange={edited((value: string) => {
              setAddress(value);
              // Checked again as it is typed (rather than only cleared), once it was shown wrong.
              const again = save.fieldErrors.address ? addressError(kind, value) : null;
              if (again) save.setFieldErrors((x) => ({ ...x, address: again }));
            })}
            onBlur={() => address.trim() && save.setFieldErrors((x) => ({ ...x, address: addressError(kind, address) ?? undefined }))}
            placeholder="root@192.168.1.10"
            autoComplete="off"
            spellCheck={false}
          />
        )}
        <TextField name="socketPath" label="Docker socket" className="span-2" mono value={socketPath} onChange={edited(setSocketPath)} autoComplete="off" spellCheck={false} />
      </div>
      {kind === 'ssh' && (
        <fieldset className="auth-fieldset">
          <legend>Authentication</legend>
          <p className="muted small">Homeport offers every credential set here, as OpenSSH would.</p>
          <CheckboxField name="useAgent" label="Use ssh-agent" checked={useAgent} onChange={edited(setUseAgent)} />
          <div className="form-grid">
            <SelectField
              name="keyId"
              label="Key"
              hint={keys.length === 0 ? 'No stored keys yet: import or generate one on the Keys screen.' : undefined}
              value={keyId}
              onChange={edited(setKeyId)}
            >
              <option value="">None</option>
              {keys.map((k) => (
                <option key={k.id} value={k.id}>
                  {keyLabel(k)} ({k.type})
                </option>
              ))}
              {keyId && !keys.some((k) => k.id === keyId) && <option value={keyId}>Removed key</option>}
            </SelectField>
            <TextField
              name="identityFile"
              label="Identity file"
              hint="Optional, a key file on this computer"
              mono
              value={identityFile}
              onChange={edited(setIdentityFile)}
              placeholder="~/.ssh/id_ed25519"
              autoComplete="off"
              spellCheck={false}
            />
            <Field label="Password" error={save.fieldErrors.password} className="span-2" hint={passwordHint}>
              {({ id, describedBy, invalid }) => (
                <div className="inline-row">
                  <input
                    id={id}
                    type="password"
                    value={password}
                    onChange={(e) => {
                      save.edited('password');
                      edited(setPassword)(e.target.value);
                      if (e.target.value) setClearPassword(false);
                    }}
                    aria-invalid={invalid}
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
    </FormDialog>
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
