import type { HostId, HostImagesInfo, ImagesApi, PruneImagesResultInfo, RemoveImageInput, RemoveImageResultInfo } from '../../../shared/contract';
import { listEveryHost, type EngineHub } from '../engines';
import type { StartersOf } from '../streams/streams-service';
import { listImages, pruneDanglingImages, removeImage } from './images';
import { imagePullStream } from './pull-stream';

/** The images of every host. */
export class ImagesService implements ImagesApi {
  constructor(private readonly hub: EngineHub) {}

  async list(): Promise<HostImagesInfo[]> {
    return (await listEveryHost(this.hub, (h) => listImages(this.hub.dockerOf(h), h))).map(({ hostId, items, error }) => ({ hostId, images: items, error }));
  }

  async remove({ hostId, id, force }: RemoveImageInput): Promise<RemoveImageResultInfo> {
    return removeImage(this.hub.dockerOf(hostId), id, { force });
  }

  async prune({ hostId }: { hostId: HostId }): Promise<PruneImagesResultInfo> {
    return pruneDanglingImages(this.hub.dockerOf(hostId));
  }
}

/** The images' stream kinds. */
export function imageStreams(hub: EngineHub): StartersOf<'images'> {
  return { 'image.pull': imagePullStream(hub) };
}
