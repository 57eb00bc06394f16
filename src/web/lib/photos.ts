/** What the server accepts (src/server/modules/cases/photos.ts): checked here first, so nobody uploads 30 MB in vain. */
export const MAX_PHOTOS = 6;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const PHOTO_ACCEPT = PHOTO_TYPES.join(',');

export type PhotoProblem = 'type' | 'size' | 'count';

export interface PhotoCheck<F> {
  accepted: F[];
  refused: Array<{ file: F; problem: PhotoProblem }>;
}

interface FileLike {
  name: string;
  type: string;
  size: number;
}

/** Splits newly picked files into those that fit and those refused, given how many are already chosen. */
export function checkPhotos<F extends FileLike>(picked: readonly F[], alreadyChosen: number): PhotoCheck<F> {
  const out: PhotoCheck<F> = { accepted: [], refused: [] };
  for (const file of picked) {
    // Some phones report no type for camera shots: then the extension decides, and the server sniffs anyway.
    const type = file.type || typeFromName(file.name);
    if (!(PHOTO_TYPES as readonly string[]).includes(type)) out.refused.push({ file, problem: 'type' });
    else if (file.size > MAX_PHOTO_BYTES) out.refused.push({ file, problem: 'size' });
    else if (alreadyChosen + out.accepted.length >= MAX_PHOTOS) out.refused.push({ file, problem: 'count' });
    else out.accepted.push(file);
  }
  return out;
}

function typeFromName(name: string): string {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'png') return 'image/png';
  if (ext === 'webp') return 'image/webp';
  return '';
}

export function formatBytes(bytes: number, lang: string): string {
  const mb = bytes / (1024 * 1024);
  if (mb >= 1) return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 1 }).format(mb)} MB`;
  return `${new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }).format(Math.max(1, bytes / 1024))} KB`;
}
