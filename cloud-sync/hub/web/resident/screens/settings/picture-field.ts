/**
 * The doorbell picture: shown as the hub stored it (re-encoded), chosen from the phone's files and sent
 * as base64. The hub decides what is acceptable and says why not; a file over the upload limit is refused
 * here already, with the hub's words, since the request could not carry it.
 */
import {
  PICTURE_UPLOAD_MAX_BYTES,
  type SelfDoorbell,
} from '../../../../../protocol/resident-self-service.ts';
import type { ResidentApi } from '../../api.ts';
import { h } from '../../dom.ts';
import { busy, feedback } from './form.ts';

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
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size > PICTURE_UPLOAD_MAX_BYTES) {
      result.fail(
        new Error(
          `picture refused: the file is ${Math.ceil(chosen.size / 1024)} KiB, at most ${PICTURE_UPLOAD_MAX_BYTES / 1024} KiB are accepted`,
        ),
      );
      file.value = '';
      return;
    }
    void (async () => {
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
