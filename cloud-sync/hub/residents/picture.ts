/**
 * A resident's uploaded doorbell picture, made safe to show on a panel. The bytes come from a phone and
 * are not trusted: the type is decided by the file's magic bytes (JPEG, PNG or WebP only — an SVG, which
 * can carry script, or a text file named .jpg is refused before any decoder sees it), the file size is
 * bounded, the decoder refuses more than PICTURE_MAX_INPUT_PIXELS from the header (a small PNG of one
 * colour can claim 20000x20000: a decompression bomb) and any truncated or damaged data. What is kept is
 * a fresh JPEG, resized into a small square, with no metadata at all (no EXIF GPS position, no camera
 * serial): sharp writes none unless asked to.
 */
import sharp, { type Metadata } from 'sharp';
import { ValidationError } from '../../../lib/errors.ts';
import {
  PICTURE_MAX_INPUT_PIXELS,
  PICTURE_SIDE_PX,
  PICTURE_UPLOAD_MAX_BYTES,
} from '../../protocol/resident-self-service.ts';

// The hub decodes a picture now and then, next to its real work: no cache of decoded images kept in
// memory, one libvips thread per picture.
sharp.cache(false);
sharp.concurrency(1);

type PictureType = 'jpeg' | 'png' | 'webp';

const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString('latin1');

/** The format the file's first bytes announce, or undefined when it is none of the accepted three. */
export function sniffPicture(b: Buffer): PictureType | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'png';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

const refused = (why: string) => new ValidationError(`picture refused: ${why}`);

/** Re-encodes an uploaded picture file; a ValidationError names why a file is refused. */
export async function reencodePicture(file: Buffer): Promise<string> {
  if (file.length === 0) throw refused('the file is empty');
  if (file.length > PICTURE_UPLOAD_MAX_BYTES)
    throw refused(
      `the file is ${Math.ceil(file.length / 1024)} KiB, at most ${PICTURE_UPLOAD_MAX_BYTES / 1024} KiB are accepted`,
    );
  const type = sniffPicture(file);
  if (!type)
    throw refused('the file is not a JPEG, PNG or WebP picture (SVG, text and other files are not accepted)');
  // The pixel limit and failOn apply to the header read and the decode alike; one frame only.
  const options = { limitInputPixels: PICTURE_MAX_INPUT_PIXELS, failOn: 'warning', animated: false } as const;
  let meta: Metadata;
  try {
    meta = await sharp(file, options).metadata();
  } catch (err) {
    throw decodeRefusal(err);
  }
  if (meta.format !== type)
    throw refused(`the file starts like ${type} but is ${meta.format ?? 'unreadable'}`);
  const pixels = (meta.width ?? 0) * (meta.height ?? 0);
  if (pixels === 0 || pixels > PICTURE_MAX_INPUT_PIXELS)
    throw refused(
      `the picture is ${meta.width}x${meta.height} pixels, at most ${PICTURE_MAX_INPUT_PIXELS / 1e6} megapixels are accepted`,
    );
  try {
    const jpeg = await sharp(file, options)
      .rotate() // turn by the EXIF orientation first, since the EXIF itself is dropped
      .resize(PICTURE_SIDE_PX, PICTURE_SIDE_PX, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80, mozjpeg: true })
      .toBuffer();
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch (err) {
    throw decodeRefusal(err);
  }
}

/** sharp's decode failure in the resident's words (its own message names library internals). */
function decodeRefusal(err: unknown): ValidationError {
  if (err instanceof Error && /pixel limit/i.test(err.message))
    return refused(`the picture is larger than ${PICTURE_MAX_INPUT_PIXELS / 1e6} megapixels`);
  return refused('the file is truncated or damaged');
}
