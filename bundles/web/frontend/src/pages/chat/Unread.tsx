import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, must } from '../../api/client';
import { formatNumber, type Lang } from '../../format';

/**
 * New messages (of others, after one's own read marker) per visit, for the visits a list shows: one request for all of
 * them; visits whose conversation the caller is not in are simply absent. Failures leave the list without badges.
 */
export function useUnread(encounterIds: string[]): Record<string, number> {
  const [counts, setCounts] = useState<Record<string, number>>({});
  const key = encounterIds.join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    // 100 ids a request: the query stays well under the server's header limit
    const ids = key.split(',');
    const chunks = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100));
    Promise.all(chunks.map((c) => api.GET('/conversations/unread', { params: { query: { encounterId: c } } })
      .then((r) => (must(r).counts ?? {}) as Record<string, number>)))
      .then((parts) => { if (live) setCounts(Object.assign({}, ...parts)); }, () => {});
    return () => { live = false; };
  }, [key]);
  return counts;
}

/** "New messages: 3", or nothing when there are none. */
export function UnreadBadge({ count }: { count?: number }) {
  const { t, i18n } = useTranslation();
  if (!count) return null;
  return <span className="badge unread">{t('chat.unread', { count: formatNumber(count, i18n.language as Lang) })}</span>;
}
