import { useMutation } from '@tanstack/react-query';
import { useRef } from 'react';
import { apiRequest } from '../api.ts';
import type { Channel, ReportResult } from '../case-types.ts';
import { fingerprintOf, IdempotencyKeys } from './idempotency.ts';

export interface ReportValues {
  categoryCode: string;
  location: { lat: number; lng: number };
  description: string;
  address?: string;
  reporterName?: string;
  reporterPhone?: string;
  reporterEmail?: string;
  anonymous?: boolean;
  /** Open311 attributes of the category, by attribute code. */
  attributes?: Record<string, unknown>;
  channel?: Channel;
  deviceId?: string;
}

function trimmed(v: string | undefined): string | undefined {
  const s = v?.trim();
  return s ? s : undefined;
}

/** The fields of POST /api/reports, without empty values (the server refuses an empty phone as malformed). */
export function reportFields(v: ReportValues): Record<string, string> {
  const out: Record<string, string> = {
    categoryCode: v.categoryCode,
    lat: String(v.location.lat),
    lng: String(v.location.lng),
    coordSys: 'wgs84',
    description: v.description.trim(),
  };
  const optional: Record<string, string | undefined> = {
    address: trimmed(v.address),
    channel: v.channel,
    deviceId: v.deviceId,
  };
  if (v.anonymous) out.anonymous = 'true';
  else {
    optional.reporterName = trimmed(v.reporterName);
    optional.reporterPhone = trimmed(v.reporterPhone);
    optional.reporterEmail = trimmed(v.reporterEmail);
  }
  const attributes = Object.fromEntries(
    Object.entries(v.attributes ?? {}).filter(([, x]) => x !== undefined && x !== null && x !== '' && !(Array.isArray(x) && x.length === 0)),
  );
  if (Object.keys(attributes).length > 0) optional.attributes = JSON.stringify(attributes);
  for (const [k, x] of Object.entries(optional)) if (x !== undefined) out[k] = x;
  return out;
}

export function reportFormData(fields: Record<string, string>, photos: readonly File[]): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const p of photos) form.append('photos', p, p.name);
  return form;
}

const DEVICE_KEY = 'gridloop.deviceId';

/** A random id for this browser: repeats of one report from one phone within minutes merge by themselves. */
export function deviceId(): string | undefined {
  try {
    let id = window.localStorage.getItem(DEVICE_KEY);
    if (!id) {
      id = crypto.getRandomValues(new Uint32Array(4)).reduce((s, n) => s + n.toString(36), '');
      window.localStorage.setItem(DEVICE_KEY, id);
    }
    return id;
  } catch {
    return undefined;
  }
}

/**
 * Sends a report, with one Idempotency-Key per content: pressing "send" again after a lost answer reuses the key, so
 * the city gets one case, not two.
 */
export function useSubmitReport(options: { anonymousCaller: boolean }) {
  const keys = useRef(new IdempotencyKeys());
  return useMutation({
    mutationFn: ({ values, photos }: { values: ReportValues; photos: File[] }) => {
      const fields = reportFields(values);
      const key = keys.current.keyFor(fingerprintOf(fields, photos));
      return apiRequest<ReportResult>('/api/reports', {
        method: 'POST',
        body: reportFormData(fields, photos),
        headers: { 'Idempotency-Key': key },
        anonymous: options.anonymousCaller,
      });
    },
    onSuccess: () => keys.current.reset(),
  });
}
