import { describe, expect, it } from 'vitest';
import { diskCategories } from './overview';

describe('disk use categories', () => {
  it('computes sizes and reclaimable amounts the way docker system df does', () => {
    const c = diskCategories({
      LayersSize: 1000,
      Images: [
        { Size: 600, SharedSize: 100, Containers: 2 },
        { Size: 500, SharedSize: 100, Containers: 0 },
      ],
      Containers: [
        { SizeRw: 10, State: 'running' },
        { SizeRw: 30, State: 'exited' },
      ],
      Volumes: [{ UsageData: { Size: 200, RefCount: 1 } }, { UsageData: { Size: 50, RefCount: 0 } }, { UsageData: null }],
      BuildCache: [
        { Size: 70, InUse: false, Shared: false },
        { Size: 5, InUse: true, Shared: false },
        { Size: 9, InUse: false, Shared: true },
      ],
    });
    expect(c).toEqual([
      // Used image: 600 - 100 own + 100 shared = 600 in use of 1000 layers.
      { category: 'images', count: 2, active: 1, sizeBytes: 1000, reclaimableBytes: 400 },
      { category: 'containers', count: 2, active: 1, sizeBytes: 40, reclaimableBytes: 30 },
      { category: 'volumes', count: 3, active: 1, sizeBytes: 250, reclaimableBytes: 50 },
      { category: 'buildCache', count: 3, active: 1, sizeBytes: 75, reclaimableBytes: 70 },
    ]);
  });

  it('copes with an engine that leaves lists out (null, or -1 sizes)', () => {
    const c = diskCategories({ Images: null, Containers: null, Volumes: [{ UsageData: { Size: -1, RefCount: -1 } }], BuildCache: null });
    expect(c.map((x) => [x.category, x.count, x.sizeBytes, x.reclaimableBytes])).toEqual([
      ['images', 0, 0, 0],
      ['containers', 0, 0, 0],
      ['volumes', 1, 0, 0],
      ['buildCache', 0, 0, 0],
    ]);
  });
});
