import { z } from 'zod';
import type { HostId } from '../model/ids';
import type { HostImagesInfo, PruneImagesResultInfo, PullProgressInfo, RemoveImageInput, RemoveImageResultInfo } from '../model/resources';
import { event, feature, none, stream } from './define';
import { hostId, IMAGE_REF_RE, imageRef } from './fields';

/** Images of every host (pulls run as `image.pull` streams). */
export interface ImagesApi {
  list(): Promise<HostImagesInfo[]>;
  /** Refused (CONFLICT) while containers use it; `force` never removes one under a running container. */
  remove(input: RemoveImageInput): Promise<RemoveImageResultInfo>;
  /** Removes untagged images no container uses. */
  prune(input: { hostId: HostId }): Promise<PruneImagesResultInfo>;
}

const IMAGE_ID_RE = /^(?:sha256:)?[a-f0-9]{12,64}$/;
const imageIdOrRef = z
  .string()
  .max(512)
  .refine((s) => IMAGE_ID_RE.test(s) || IMAGE_REF_RE.test(s), 'is not an image id or reference');

export const images = feature<ImagesApi>()({
  methods: {
    list: { input: none, action: 'list the images' },
    remove: { input: z.object({ hostId, id: imageIdOrRef, force: z.boolean() }), action: 'remove the image' },
    prune: { input: z.object({ hostId }), action: 'prune the images' },
  },
  streams: {
    /** Pull `ref` on the host: progress as data; `stream.end` carries the error if the pull failed; close aborts it. */
    'image.pull': stream<{ params: { hostId: HostId; ref: string }; data: PullProgressInfo }>({
      params: z.object({ hostId, ref: imageRef }),
      action: 'pull the image',
    }),
  },
  events: {
    /** One host's images after the engine said they changed (whoever changed them). */
    'images.changed': event<HostImagesInfo>(),
  },
});
