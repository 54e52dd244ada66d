import type { StreamStarter } from '../streams/streams-service';
import type { VolumeTransfers } from './transfers';

/** `volume.transfer`: a prepared backup's or restore's progress and outcome; closing it cancels one still running. */
export function volumeTransferStream(transfers: VolumeTransfers): StreamStarter<'volume.transfer'> {
  return ({ transferId }, sink) => transfers.watch(transferId, sink);
}
