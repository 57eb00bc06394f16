import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'unsupported';

interface CaseEvent {
  caseId?: string;
}

/** Refetch after a short pause: one action may publish several events (a merge changes two cases). */
const SETTLE_MS = 250;

/**
 * Listens to /api/stream and refreshes what a case event changes: the inbox, the case lists and the open case.
 * EventSource reconnects by itself; the status says whether the page is live. `onEvent` hears every case event too
 * (the command center refreshes its own figures, throttled).
 */
export function useCaseStream(onEvent?: () => void): StreamStatus {
  const queryClient = useQueryClient();
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  const [status, setStatus] = useState<StreamStatus>(typeof EventSource === 'undefined' ? 'unsupported' : 'connecting');

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/stream');
    const pending = new Set<string>();
    let timer: number | undefined;
    const flush = () => {
      timer = undefined;
      void queryClient.invalidateQueries({ queryKey: ['inbox'] });
      void queryClient.invalidateQueries({ queryKey: ['cases'] });
      for (const id of pending) void queryClient.invalidateQueries({ queryKey: ['case', id] });
      pending.clear();
    };
    const onEvent = (e: MessageEvent<string>) => {
      try {
        const data = JSON.parse(e.data) as CaseEvent;
        if (typeof data.caseId === 'string') pending.add(data.caseId);
      } catch {
        // A malformed event still means something changed.
      }
      if (timer === undefined) timer = window.setTimeout(flush, SETTLE_MS);
      onEventRef.current?.();
    };
    source.addEventListener('case.created', onEvent);
    source.addEventListener('case.changed', onEvent);
    source.onopen = () => setStatus('live');
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'unsupported' : 'reconnecting');
    return () => {
      if (timer !== undefined) window.clearTimeout(timer);
      source.close();
    };
  }, [queryClient]);

  return status;
}
