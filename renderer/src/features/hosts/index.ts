/* What other features use of the hosts feature. */
export { keyLabel } from './host-model';
