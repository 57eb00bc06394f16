import { createHash } from 'node:crypto';
import { sniffImage, stripMetadata } from '../../../domain/images.ts';
import { newId } from '../../../domain/ids.ts';
import { AppError } from '../../errors.ts';
import type { FileStorage } from '../../storage.ts';

export const MAX_PHOTOS = 6;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface UploadedPhoto {
  data: Uint8Array;
  filename: string | null;
}

export interface StoredPhoto {
  id: string;
  contentType: string;
  bytes: number;
  sha256: string;
  storageKey: string;
  publicStorageKey: string;
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Refuses anything that is not a real JPEG, PNG or WebP, whatever its name or declared type says. */
export function checkPhotos(photos: UploadedPhoto[]): void {
  if (photos.length > MAX_PHOTOS) throw new AppError('INVALID_INPUT', { field: 'photos', params: { field: 'photos' } });
  for (const p of photos) {
    if (p.data.length > MAX_PHOTO_BYTES) throw new AppError('PAYLOAD_TOO_LARGE', { field: 'photos' });
    if (!sniffImage(p.data)) throw new AppError('PHOTO_NOT_ACCEPTED', { field: 'photos' });
  }
}

/**
 * Stores each photo twice: the original for staff, and a copy without metadata (EXIF location above all) for the
 * public tracking page and Open311.
 */
export async function storePhotos(storage: FileStorage, photos: UploadedPhoto[], caseId: string, now: Date): Promise<StoredPhoto[]> {
  checkPhotos(photos);
  const out: StoredPhoto[] = [];
  const month = now.toISOString().slice(0, 7).replace('-', '/');
  for (const p of photos) {
    const type = sniffImage(p.data)!;
    const id = newId();
    const base = `cases/${month}/${caseId}/${id}`;
    const storageKey = `${base}.${EXT[type]}`;
    const publicStorageKey = `${base}.public.${EXT[type]}`;
    await storage.put(storageKey, p.data);
    await storage.put(publicStorageKey, stripMetadata(p.data, type));
    out.push({
      id,
      contentType: type,
      bytes: p.data.length,
      sha256: createHash('sha256').update(p.data).digest('hex'),
      storageKey,
      publicStorageKey,
    });
  }
  return out;
}
