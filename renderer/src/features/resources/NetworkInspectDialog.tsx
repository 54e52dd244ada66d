import { useEffect, useState } from 'react';
import type { ErrorInfo, NetworkDetailInfo, NetworkInfo } from '../../../../shared/contract';
import { CloseButton, Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Spinner } from '../../components/Spinner';
import { TableHead } from '../../components/TableHead';
import { toErrorInfo } from '../../lib/errors';
import { inspectNetwork } from './api';

/** One network: driver, IPAM (subnets, gateways, ranges), options, and the attached containers with their addresses. */
export function NetworkInspectDialog({ network: n, onClose }: { network: NetworkInfo; onClose(): void }) {
  const [detail, setDetail] = useState<NetworkDetailInfo | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  useEffect(() => {
    let live = true;
    inspectNetwork(n)
      .then(
        (d) => live && setDetail(d),
        (e: unknown) => live && setError(toErrorInfo(e)),
      );
    return () => {
      live = false;
    };
  }, [n.hostId, n.id]);
  const d = detail;
  return (
    <Dialog
      title={`Network ${n.name}`}
      size="large"
      testId="network-inspect"
      onClose={onClose}
      footer={<CloseButton onClose={onClose}>Done</CloseButton>}
    >
      {error && <ErrorMessage error={error} title="Could not inspect the network" />}
      {!d && !error && (
        <p className="muted">
          <Spinner /> Loading…
        </p>
      )}
      {d && (
        <>
          <dl className="facts network-facts">
            <div className="fact">
              <dt>Driver</dt>
              <dd>
                {d.driver} <span className="muted">({d.scope}{d.internal ? ', internal' : ''}{d.attachable ? ', attachable' : ''}{d.ipv6 ? ', IPv6' : ''})</span>
              </dd>
            </div>
            <div className="fact">
              <dt>IPAM driver</dt>
              <dd>{d.ipamDriver}</dd>
            </div>
            <div className="fact">
              <dt>Id</dt>
              <dd className="mono">{d.id.slice(0, 12)}</dd>
            </div>
            {d.project && (
              <div className="fact">
                <dt>Compose project</dt>
                <dd>{d.project}</dd>
              </div>
            )}
          </dl>
          <h3 className="section-title">Subnets</h3>
          {d.ipam.length === 0 ? (
            <p className="muted">No address configuration (this driver assigns none).</p>
          ) : (
            <table className="data-table" aria-label="Subnets">
              <TableHead columns={['Subnet', 'Gateway', 'IP range']} />
              <tbody>
                {d.ipam.map((c, i) => (
                  <tr key={i} data-testid="network-subnet">
                    <td className="mono">{c.subnet ?? '—'}</td>
                    <td className="mono">{c.gateway ?? '—'}</td>
                    <td className="mono">{c.ipRange ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3 className="section-title">Connected containers</h3>
          {d.containers.length === 0 ? (
            <p className="muted">No container is attached.</p>
          ) : (
            <table className="data-table" aria-label="Connected containers">
              <TableHead columns={['Container', 'State', 'IPv4', 'IPv6', 'MAC']} />
              <tbody>
                {d.containers.map((c) => (
                  <tr key={c.id} data-testid="network-container" data-name={c.name}>
                    <td>{c.name}</td>
                    <td>{c.state}</td>
                    <td className="mono">{c.ipv4 ?? '—'}</td>
                    <td className="mono">{c.ipv6 ?? '—'}</td>
                    <td className="mono">{c.mac ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {Object.keys(d.options).length > 0 && (
            <>
              <h3 className="section-title">Options</h3>
              <dl className="facts">
                {Object.entries(d.options).map(([k, v]) => (
                  <div key={k} className="fact">
                    <dt className="mono">{k}</dt>
                    <dd className="mono">{v}</dd>
                  </div>
                ))}
              </dl>
            </>
          )}
        </>
      )}
    </Dialog>
  );
}
