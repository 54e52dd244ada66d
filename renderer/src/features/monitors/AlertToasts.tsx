import { useEffect } from 'react';
import type { AlertInfo } from '../../../../shared/contract';
import { client } from '../../api/client';
import { appStore, type Toast } from '../../store';
import { monitorsUi, openMonitor } from './monitors-ui';

const RECOVERED = new Set(['up', 'group-up', 'host-back', 'stall-cleared']);

/** How an alert looks: outages red, recoveries green, warnings (flapping, stalled, still down) amber. */
export function alertTone(a: Pick<AlertInfo, 'kind' | 'severity'>): Toast['tone'] {
  if (RECOVERED.has(a.kind)) return 'success';
  if (a.severity === 'critical') return 'error';
  if (a.severity === 'warning') return 'warning';
  return 'info';
}

/**
 * Shows every `alerts.fired` as a toast on any view (clicking "Open" shows the monitor's detail)
 * and remembers it for the Recent alerts panel. Mounted once, next to the toasts.
 */
export function AlertToasts() {
  useEffect(
    () =>
      client().on('alerts.fired', (a) => {
        monitorsUi.getState().pushAlert(a);
        const first = a.monitorIds[0];
        appStore.getState().pushToast({
          tone: alertTone(a),
          title: a.title,
          message: a.body,
          ...(first ? { action: { label: a.monitorIds.length === 1 ? 'Open monitor' : 'Open monitors', run: () => openMonitor(first) } } : {}),
        });
      }),
    [],
  );
  return null;
}
