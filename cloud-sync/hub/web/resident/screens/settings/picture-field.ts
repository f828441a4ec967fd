/**
 * The doorbell picture: shown as the hub stored it (re-encoded), chosen from the phone's files and sent
 * as base64. The hub decides what is acceptable and says why not. A phone photo is larger than the upload
 * limit, so a larger file is first scaled down here (decoded by the browser, drawn on a canvas, saved as
 * a JPEG); one the browser cannot decode is refused here with the hub's words on size.
 */
import {
  PICTURE_UPLOAD_MAX_BYTES,
  type SelfDoorbell,
} from '../../../../../protocol/resident-self-service.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { busy, feedback } from './form.ts';

/** The longest side of a picture scaled down in the browser before upload (the hub makes it smaller still). */
const SCALE_TO_PX = 1024;

/** A JPEG of at most SCALE_TO_PX a side, or undefined when the browser cannot decode the file. */
async function scaledDown(file: Blob): Promise<Blob | undefined> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, SCALE_TO_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return (
      (await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85))) ?? undefined
    );
  } catch {
    return undefined;
  }
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

export function pictureField(
  api: ResidentApi,
  changed: (d: SelfDoorbell) => void,
): { el: HTMLElement; show(d: SelfDoorbell): void } {
  const img = h('img', {
    class: 'picture',
    testid: 'picture-img',
    alt: 'Your doorbell picture',
    hidden: true,
  });
  const file = h('input', {
    type: 'file',
    testid: 'picture-file',
    accept: 'image/jpeg,image/png,image/webp',
  });
  const remove = h('button', { type: 'button', testid: 'picture-remove' }, 'Remove picture');
  const result = feedback('picture-result');
  const note = h('p', { class: 'muted', testid: 'picture-note' });
  const controls = h('div', {}, img, h('label', {}, 'Choose a picture (JPEG, PNG or WebP)', file), remove);
  file.addEventListener('change', () => {
    const original = file.files?.[0];
    if (!original) return;
    void (async () => {
      const chosen = original.size > PICTURE_UPLOAD_MAX_BYTES ? await scaledDown(original) : original;
      if (!chosen || chosen.size > PICTURE_UPLOAD_MAX_BYTES) {
        result.fail(
          new Error(
            `picture refused: the file is ${Math.ceil(original.size / 1024)} KiB, at most ${PICTURE_UPLOAD_MAX_BYTES / 1024} KiB are accepted`,
          ),
        );
        file.value = '';
        return;
      }
      try {
        changed(await api.uploadPicture(base64(new Uint8Array(await chosen.arrayBuffer()))));
        result.ok('Picture saved.');
      } catch (err) {
        result.fail(err);
      }
      file.value = '';
    })();
  });
  remove.addEventListener('click', () => {
    void busy(remove, async () => {
      try {
        changed(await api.removePicture());
        result.ok('Picture removed.');
      } catch (err) {
        result.fail(err);
      }
    });
  });
  const el = h(
    'div',
    { class: 'picture-field', testid: 'picture' },
    h('h3', {}, 'Picture'),
    note,
    controls,
    result.el,
  );
  return {
    el,
    show: (d) => {
      controls.hidden = !d.picturesAllowed;
      note.textContent = d.picturesAllowed
        ? 'Shown next to your name on the door panels.'
        : 'Your building does not show pictures on its door panels.';
      img.hidden = d.picture === null;
      if (d.picture) img.src = d.picture;
      else img.removeAttribute('src');
      remove.disabled = d.picture === null;
    },
  };
}
