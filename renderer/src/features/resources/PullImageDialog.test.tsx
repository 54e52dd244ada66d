// @vitest-environment happy-dom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostImagesInfo, ImageInfo, PullProgressInfo, StreamId } from '../../../../shared/contract';
import { host } from '../../test-support/fixtures';
import { EnvelopeError } from '../../test-support/memory-bridge';
import { renderApp, teardownApp } from '../../test-support/render-app';

const lab = host({ name: 'lab', address: 'root@127.0.0.1:2222' });
const busybox: ImageInfo = {
  id: 'sha256:' + 'a'.repeat(64),
  hostId: lab.id,
  repoTags: ['busybox:1.36'],
  repoDigests: [],
  sizeBytes: 4_400_000,
  createdAt: Date.now() - 3 * 86_400_000,
  dangling: false,
  containers: ['web'],
};
const pulled: ImageInfo = { ...busybox, id: 'sha256:' + 'b'.repeat(64), repoTags: ['127.0.0.1:5555/lab/busybox:1.1'], containers: [] };
const SID = 's_pulltest0001' as StreamId;

const progress = (current: number): PullProgressInfo => ({
  layers: [
    { id: 'aaaaaaaaaaaa', status: 'Downloading', current, total: 1000 },
    { id: 'bbbbbbbbbbbb', status: 'Already exists', current: 0, total: 0 },
  ],
  overall: { current, total: 1000 },
  message: '',
});

afterEach(teardownApp);

async function openImages(images: () => HostImagesInfo[], extra: Record<string, unknown> = {}) {
  const r = await renderApp({ 'hosts.list': () => [lab], 'images.list': images, ...extra });
  fireEvent.click(screen.getByRole('button', { name: /Images/ }));
  await screen.findAllByTestId('host-section');
  return r;
}

describe('Images and the pull dialog', () => {
  it('lists images grouped by host with tags, size and users', async () => {
    await openImages(() => [{ hostId: lab.id, images: [busybox], error: null }]);
    const row = await screen.findByTestId('image-row');
    expect(row.dataset.tags).toBe('busybox:1.36');
    expect(row.textContent).toContain('4.2 MB');
    expect(row.textContent).toContain('web');
    expect(row.textContent).toContain('3 days ago');
  });

  it('removing an image: the engine’s refusal goes once another target is chosen', async () => {
    const twice: ImageInfo = { ...busybox, repoTags: ['busybox:1.36', 'busybox:latest'] };
    await openImages(() => [{ hostId: lab.id, images: [twice], error: null }], {
      'images.remove': () => {
        throw new EnvelopeError({ code: 'CONFLICT', message: 'The image is used by the stopped container web.', fix: 'Remove the container first.' });
      },
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Remove busybox:1.36' }));
    const dialog = await screen.findByRole('dialog', { name: 'Remove image busybox:1.36?' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await within(dialog).findByText('The image is used by the stopped container web.')).toBeTruthy();
    fireEvent.change(within(dialog).getByTestId('remove-image-target'), { target: { value: 'busybox:latest' } });
    expect(within(dialog).queryByText('The image is used by the stopped container web.')).toBeNull();
  });

  it('pulls through the stream, showing progress per layer and overall, then the new row', async () => {
    let list = [busybox];
    const { bridge } = await openImages(() => [{ hostId: lab.id, images: list, error: null }], { 'streams.open': () => ({ streamId: SID }) });
    fireEvent.click(screen.getByRole('button', { name: 'Pull image' }));
    const dialog = await screen.findByTestId('pull-dialog');
    fireEvent.change(within(dialog).getByLabelText('Image'), { target: { value: '127.0.0.1:5555/lab/busybox:1.1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pull' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toEqual([{ kind: 'image.pull', hostId: lab.id, ref: '127.0.0.1:5555/lab/busybox:1.1' }]));

    act(() => bridge.emit('stream.data', { streamId: SID, data: progress(250) }));
    const bar = await screen.findByTestId('pull-progress');
    expect(within(bar).getByLabelText('Overall progress').getAttribute('value')).toBe('25');
    expect(within(bar).getAllByTestId('pull-layer').map((l) => l.dataset.layer)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
    expect(bar.textContent).toContain('Already exists');
    // Another stream's data is not ours.
    act(() => bridge.emit('stream.data', { streamId: 's_otherstream1' as StreamId, data: progress(900) }));
    expect(within(bar).getByLabelText('Overall progress').getAttribute('value')).toBe('25');

    list = [busybox, pulled];
    act(() => bridge.emit('stream.data', { streamId: SID, data: progress(1000) }));
    act(() => bridge.emit('stream.end', { streamId: SID, error: null }));
    expect(await screen.findByTestId('pull-complete')).toBeTruthy();
    await waitFor(() => expect(screen.getAllByTestId('image-row').map((r) => r.dataset.tags)).toContain('127.0.0.1:5555/lab/busybox:1.1'));
    // The pull ended by itself: closing the dialog closes no stream.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(bridge.callsOf('streams.close')).toEqual([]);
  });

  it('shows the error with its fix when the pull fails, and aborts a pull left running', async () => {
    const { bridge } = await openImages(() => [{ hostId: lab.id, images: [busybox], error: null }], {
      'streams.open': () => ({ streamId: SID }),
      'streams.close': () => undefined,
    });
    fireEvent.click(screen.getByRole('button', { name: 'Pull image' }));
    let dialog = await screen.findByTestId('pull-dialog');
    fireEvent.change(within(dialog).getByLabelText('Image'), { target: { value: 'nope:9' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pull' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(1));
    act(() =>
      bridge.emit('stream.end', {
        streamId: SID,
        error: { code: 'ENGINE', message: 'Pulling nope:9 failed: manifest unknown', fix: 'Check the name and the tag.' },
      }),
    );
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('manifest unknown');
    expect(alert.textContent).toContain('Check the name and the tag.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Done' }));

    // A pull still running when the dialog closes is aborted through streams.close.
    fireEvent.click(screen.getByRole('button', { name: 'Pull image' }));
    dialog = await screen.findByTestId('pull-dialog');
    fireEvent.change(within(dialog).getByLabelText('Image'), { target: { value: 'busybox:1.36' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pull' }));
    await waitFor(() => expect(bridge.callsOf('streams.open')).toHaveLength(2));
    await within(dialog).findByRole('button', { name: 'Cancel pull' });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel pull' }));
    await waitFor(() => expect(bridge.callsOf('streams.close')).toEqual([{ streamId: SID }]));
  });

  it('shows a refused reference at the Image field, and takes it away when the reference changes', async () => {
    await openImages(() => [{ hostId: lab.id, images: [], error: null }], {
      'streams.open': () => {
        throw new EnvelopeError({
          code: 'VALIDATION',
          message: 'Could not pull the image: the image reference is not an image reference (for example nginx:1.27).',
          fix: 'Correct the image reference and try again.',
          details: { field: 'ref', reason: 'The image reference is not an image reference (for example nginx:1.27).' },
        });
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Pull image' }));
    const dialog = await screen.findByTestId('pull-dialog');
    const input = within(dialog).getByLabelText('Image');
    fireEvent.change(input, { target: { value: 'Bad Ref' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Pull' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The image reference is not an image reference (for example nginx:1.27).');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    fireEvent.change(input, { target: { value: 'nginx' } });
    expect(within(dialog).queryByRole('alert')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });
});
