import type {
  ContainerRef,
  HomeportError,
  HostContainersInfo,
  HostId,
  HostInfo,
  HostInput,
  KeyId,
  KeyInfo,
  MonitorId,
} from '../../../shared/contract';
import type { WsStatus } from '../api/ws-bridge';
import type { AlertsSlice } from './alerts-slice';
import type { HostListsSlice } from './host-lists';
import type { KumaSlice } from './kuma-slice';
import type { MonitorsSlice } from './monitors-slice';
import type { SettingsSlice } from './settings-slice';
import type { StackRunsSlice } from './stack-runs-slice';
import type { UpgradesSlice } from './upgrades-slice';

export type View = 'containers' | 'stacks' | 'images' | 'volumes' | 'networks' | 'monitors' | 'hosts' | 'keys';
/** The tabs of a container's detail page. */
export type DetailTab = 'logs' | 'terminal' | 'stats' | 'inspect';
export interface DetailState extends ContainerRef {
  tab: DetailTab;
}
export type ContainerAction = 'start' | 'stop' | 'restart' | 'remove';
export interface VolumeRequest {
  action: 'browse' | 'backup' | 'restore' | 'remove';
  hostId: HostId;
  name: string;
}
export type HostAction = 'connect' | 'disconnect' | 'remove';

export type HostDialogState = { open: false } | { open: true; mode: 'add' } | { open: true; mode: 'edit'; hostId: HostId };

export interface HostsSlice {
  hosts: HostInfo[];
  hostsLoaded: boolean;
  hostBusy: Partial<Record<HostId, HostAction>>;
  addHost(input: HostInput): Promise<HostInfo>;
  updateHost(id: HostId, input: HostInput): Promise<HostInfo>;
  /** These three report failures as a toast and resolve false. */
  removeHost(id: HostId): Promise<boolean>;
  connectHost(id: HostId): Promise<boolean>;
  disconnectHost(id: HostId): Promise<boolean>;
}

export interface KeysSlice {
  keys: KeyInfo[];
  keysLoaded: boolean;
  importKey(input: { name: string; path: string | null; privateKey: string | null; passphrase: string | null }): Promise<KeyInfo>;
  generateKey(input: { comment: string; passphrase: string | null }): Promise<KeyInfo>;
  removeKey(id: KeyId): Promise<void>;
}

export interface ContainersSlice {
  containers: Partial<Record<HostId, HostContainersInfo>>;
  containersLoaded: boolean;
  /** Actions in flight, by `hostId/containerId`. */
  containerBusy: Partial<Record<string, ContainerAction>>;
  /** Runs an action; failures become a toast with the engine's own message. Resolves true on success. */
  runContainerAction(ref: ContainerRef & { name: string }, action: Exclude<ContainerAction, 'remove'>): Promise<boolean>;
  removeContainer(ref: ContainerRef & { name: string }, opts: { removeVolumes: boolean; force: boolean }): Promise<boolean>;
}

export interface UiSlice {
  view: View;
  filter: string;
  /** Collapsed compose project groups, by `hostId/project`. */
  collapsed: Partial<Record<string, true>>;
  hostDialog: HostDialogState;
  /** Host-key prompts the user cancelled, by host: the fingerprint they declined to trust. */
  dismissedHostKeys: Partial<Record<HostId, string>>;
  transport: WsStatus;
  loadError: HomeportError | null;
  /** Shows the Monitors view, with this monitor's detail open when one is given (a notification, the tray or an alert toast asks). */
  showMonitor(id: MonitorId | null): void;
  /** The container whose detail page is open (over the Containers view), if any. */
  detail: DetailState | null;
  /** The container whose page was just left: the list gives its row the focus again (taken once). */
  returnToRow: ContainerRef | null;
  takeReturnToRow(): ContainerRef | null;
  /** A volume action asked for elsewhere (the palette); the Volumes view opens it (taken once). */
  volumeRequest: VolumeRequest | null;
  requestVolumeAction(r: VolumeRequest): void;
  takeVolumeRequest(): VolumeRequest | null;
  /** The host whose shell page is open (over the Hosts view), if any. */
  hostShell: HostId | null;
  /** The host whose overview page is open (over the Hosts view), if any. */
  hostOverview: HostId | null;
  setView(view: View): void;
  openHostOverview(hostId: HostId): void;
  closeHostOverview(): void;
  openDetail(ref: ContainerRef, tab?: DetailTab): void;
  closeDetail(): void;
  setDetailTab(tab: DetailTab): void;
  openHostShell(id: HostId): void;
  closeHostShell(): void;
  setFilter(filter: string): void;
  toggleCollapsed(key: string): void;
  openHostDialog(state: HostDialogState): void;
  dismissHostKey(hostId: HostId, fingerprint: string): void;
  reviewHostKey(hostId: HostId): void;
}

export type AppState = HostsSlice &
  KeysSlice &
  ContainersSlice &
  HostListsSlice &
  MonitorsSlice &
  KumaSlice &
  AlertsSlice &
  StackRunsSlice &
  UpgradesSlice &
  SettingsSlice &
  UiSlice;
