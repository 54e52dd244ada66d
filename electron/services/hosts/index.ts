/** Hosts and the SSH keys Homeport holds: the saved hosts, one SSH connection each, a login shell on them. */
export { HostsService, hostStreams } from './hosts-service';
export { KeysService } from './keys-service';
export { siblingTemp, type ExecOptions, type ExecResult, type HostAccess } from './host-access';
