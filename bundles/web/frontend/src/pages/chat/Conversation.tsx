import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/problem';
import { useAuth } from '../../auth';
import { browserTimeZone, formatDateTime, type Lang } from '../../format';
import { useCalendar } from '../../prefs';
import { call, follow, type Status, watchStatus } from '../../realtime';
import { Button, ErrorNote } from '../../ui';
import FileChip from './FileChip';
import {
  applyChange, type Attachment, changeable, type ChatMessage, deliveredUpTo, lastContiguous, lastSeenOwn, merge, mergeReads, newClientId,
  type Outgoing, type Read, seenUpTo, stillOutgoing,
} from './logic';
import { api, must } from '../../api/client';
import { uploadFile } from './upload';

/**
 * A visit's conversation (by its encounter) or a direct one between two clinicians (by its id), live over /ws: the
 * stored messages, then each new one as it is sent on any node; ours shown as "sending" until the hub has stored it,
 * and sent again with the same id after a dropped connection (the hub keeps one). Text is shown as text.
 */
export default function Conversation({ encounterId, conversationId, me: who }:
  { encounterId?: string; conversationId?: string; me?: string }) {
  /** What every socket call names: the visit, or the direct conversation. */
  const target = useMemo(() => (conversationId ? { conversationId } : { encounterId: encounterId ?? '' }),
    [conversationId, encounterId]);
  const { t, i18n } = useTranslation();
  const lang = i18n.language as Lang;
  const calendar = useCalendar();
  const session = useAuth().session?.user.username;
  const me = who ?? session ?? ''; // a guest has no session: their sender id is their visit identity
  const [shown, setShown] = useState<ChatMessage[]>([]);
  const [out, setOut] = useState<Outgoing[]>([]);
  const [text, setText] = useState('');
  const [status, setStatus] = useState<Status>('offline');
  const [readOnly, setReadOnly] = useState(false);
  const [refused, setRefused] = useState<ApiError | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [uploading, setUploading] = useState<{ name: string; percent: number } | null>(null);
  const [fileRefused, setFileRefused] = useState<string | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const [reads, setReads] = useState<Read[]>([]);
  const [typers, setTypers] = useState<Record<string, string>>({});
  const typingTimers = useRef<Record<string, ReturnType<typeof setTimeout>>>({});
  const lastTyping = useRef(0);
  const myRead = useRef(0);
  const myDelivered = useRef(0);
  const deliveryTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const last = useRef(0);
  const list = useRef<HTMLOListElement>(null);
  /** The conversation's change number the page has caught up to (sent on resubscribe), and each message's own. */
  const revision = useRef<number | null>(null);
  const revisions = useRef(new Map<string, number>());
  const [editMinutes, setEditMinutes] = useState(0);
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [retracting, setRetracting] = useState<string | null>(null);
  const [history, setHistory] = useState<{ id: string; items: { version: number; text: string; replacedAt: string }[] } | null>(null);
  const [changeError, setChangeError] = useState<string | null>(null);

  const arrived = useCallback((ms: ChatMessage[]) => {
    setShown((s) => {
      const next = merge(s, ms);
      last.current = lastContiguous(next);
      return next;
    });
  }, []);

  useEffect(() => watchStatus(setStatus), []);

  // what reached this device is a delivery receipt (the others see "Delivered"), sent once a burst has settled
  useEffect(() => {
    if (last.current <= myDelivered.current || !shown.some((m) => m.sender !== me && m.sequence > myDelivered.current)) return;
    if (deliveryTimer.current) clearTimeout(deliveryTimer.current);
    deliveryTimer.current = setTimeout(() => {
      const upTo = last.current;
      if (upTo <= myDelivered.current) return;
      myDelivered.current = upTo;
      call('chat.delivered', { ...target, sequence: upTo }).catch(() => { myDelivered.current = 0; });
    }, 300);
  }, [shown, target, me]);
  useEffect(() => () => { if (deliveryTimer.current) clearTimeout(deliveryTimer.current); }, []);
  useEffect(() => () => Object.values(typingTimers.current).forEach(clearTimeout), []);

  /** Someone else is typing: shown for a few seconds after each sign, gone when their message comes. */
  const someoneTyping = useCallback((sender: string, name: string, on: boolean) => {
    clearTimeout(typingTimers.current[sender]);
    if (on) typingTimers.current[sender] = setTimeout(() => someoneTyping(sender, name, false), 6000);
    setTypers((ts) => {
      const next = { ...ts };
      if (on) next[sender] = name; else delete next[sender];
      return next;
    });
  }, []);
  useEffect(() => {
    last.current = 0;
    myRead.current = 0;
    myDelivered.current = 0;
    revision.current = null;
    revisions.current = new Map();
    setShown([]);
    setReads([]);
    setTypers({});
    const again = (after: number) => call('chat.subscribe', { ...target, after }).then(acked, () => {});
    const acked = (d: Record<string, unknown>) => {
      setReadOnly(d.readOnly === true);
      if (typeof d.editMinutes === 'number') setEditMinutes(d.editMinutes);
      if (typeof d.revision === 'number') revision.current = Math.max(revision.current ?? 0, d.revision);
      if (Array.isArray(d.reads)) setReads((rs) => mergeReads(rs, d.reads as Read[]));
      if (d.more === true) void again(Number(d.delivered));
    };
    return follow({
      types: ['chat.message', 'chat.attachment', 'chat.read', 'chat.typing', 'chat.changed'],
      // back after a drop: the messages after the last one shown, and the changes after the last change seen
      frame: () => ({ type: 'chat.subscribe', data: { ...target, after: last.current,
        ...(revision.current !== null ? { revision: revision.current } : {}) } }),
      onEvent: (type, data) => {
        if (type === 'chat.changed') {
          const r = Number(data.revision);
          revision.current = Math.max(revision.current ?? 0, r);
          setShown((s) => applyChange(s, revisions.current, data.message as unknown as ChatMessage, r));
        } else if (type === 'chat.read') {
          setReads((rs) => mergeReads(rs, [data as unknown as Read]));
        } else if (type === 'chat.typing') {
          if (data.sender !== me) someoneTyping(String(data.sender), String(data.senderName), true);
        } else if (type === 'chat.attachment') {
          // a file that waited for the virus scan was scanned: clean (now opens) or infected (removed)
          const a = data as unknown as Attachment;
          setShown((s) => s.map((m) => (m.attachment?.id === a.id ? { ...m, attachment: a } : m)));
        } else if ((data as unknown as ChatMessage).conversationId) {
          const m = data as unknown as ChatMessage;
          arrived([m]);
          if (m.sender !== me) someoneTyping(m.sender, m.senderName, false);
        }
      },
      onAck: acked,
      onError: setRefused,
    });
  }, [target, arrived, me, someoneTyping]);

  // what is shown while the page is in view is read: the marker moves (the others see "Seen")
  useEffect(() => {
    const mark = () => {
      const upTo = last.current;
      if (upTo > myRead.current && document.visibilityState === 'visible') {
        myRead.current = upTo;
        call('chat.read', { ...target, sequence: upTo }).catch(() => { myRead.current = 0; });
      }
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [target, shown]);

  /** Tells the others we are typing, at most every 3 seconds. */
  function typed(value: string) {
    setText(value);
    const now = Date.now();
    if (value.trim() && now - lastTyping.current > 3000) {
      lastTyping.current = now;
      call('chat.typing', target).catch(() => {});
    }
  }

  // ours not stored yet go again (same client id) whenever the socket is back
  const resend = useCallback((o: Outgoing) => {
    call('chat.send', { ...target, clientId: o.clientId, text: o.text,
      ...(o.attachment ? { attachmentId: o.attachment.id } : {}) }).then(
      (d) => {
        arrived([d.message as ChatMessage]);
        setOut((list) => list.filter((x) => x.clientId !== o.clientId)); // stored: never sent again
      },
      (e) => {
        if (e instanceof ApiError && e.status !== 0) {
          setOut((list) => list.map((x) => (x.clientId === o.clientId ? { ...x, failed: e.message } : x)));
        }
      },
    );
  }, [target, arrived]);
  useEffect(() => {
    if (status === 'live') out.filter((o) => !o.failed).forEach(resend);
    // only on reconnect: a new message is sent by send() itself
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [status]);

  useEffect(() => {
    list.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest' });
  }, [shown.length, out.length]);

  function send() {
    const body = text.trim();
    if (!body) return;
    setError(null);
    const o = { clientId: newClientId(), text: body };
    setOut((list) => [...list, o]);
    setText('');
    resend(o);
  }

  /** Uploads the chosen file (scanned by the hub before anyone can open it), then posts it as a message. */
  async function attach(file: File) {
    setFileRefused(null);
    setUploading({ name: file.name, percent: 0 });
    try {
      const a = await uploadFile(target, file, (f) => setUploading({ name: file.name, percent: Math.round(f * 100) }));
      const o = { clientId: newClientId(), text: '', attachment: a };
      setOut((list) => [...list, o]);
      resend(o);
    } catch (e) {
      setFileRefused(t('chat.file.refused', { name: file.name, reason: (e as Error).message }));
    } finally {
      setUploading(null);
      if (picker.current) picker.current.value = '';
    }
  }

  async function saveEdit() {
    if (!editing) return;
    const body = editing.text.trim();
    if (!body) return;
    setChangeError(null);
    try {
      const d = await call('chat.edit', { ...target, messageId: editing.id, text: body });
      const m = d.message as unknown as ChatMessage;
      setShown((s) => s.map((x) => (x.id === m.id ? m : x)));
      setEditing(null);
    } catch (e) { setChangeError((e as Error).message); }
  }

  async function retract(id: string) {
    setChangeError(null);
    try {
      const d = await call('chat.retract', { ...target, messageId: id });
      const m = d.message as unknown as ChatMessage;
      setShown((s) => s.map((x) => (x.id === m.id ? m : x)));
      setRetracting(null);
    } catch (e) { setChangeError((e as Error).message); }
  }

  async function showHistory(id: string) {
    if (history?.id === id) { setHistory(null); return; }
    try {
      const r = must(conversationId
        ? await api.GET('/conversations/direct/{conversationId}/messages/{messageId}/history', {
          params: { path: { conversationId, messageId: id } } })
        : await api.GET('/conversations/encounters/{encounterId}/messages/{messageId}/history', {
          params: { path: { encounterId: encounterId ?? '', messageId: id } } }));
      setHistory({ id, items: (r.items ?? []) as { version: number; text: string; replacedAt: string }[] });
    } catch (e) { setChangeError((e as Error).message); }
  }

  if (refused) {
    return (
      <section className="card chat" aria-labelledby="chat-title">
        <h2 id="chat-title">{t('chat.title')}</h2>
        <p className="muted">{refused.status === 404 ? t('chat.notMember') : refused.message}</p>
      </section>
    );
  }
  const waiting = stillOutgoing(out, shown, me);
  const seen = lastSeenOwn(shown, me, seenUpTo(reads, me));
  const delivered = lastSeenOwn(shown, me, deliveredUpTo(reads, me));
  const typing = Object.values(typers);
  return (
    <section className="card chat" aria-labelledby="chat-title">
      <h2 id="chat-title">{t('chat.title')}</h2>
      <p className="muted chat-status" data-status={status} role="status">{t(`chat.status.${status}`)}</p>
      {shown.length === 0 && waiting.length === 0 && <p className="muted">{t('chat.empty')}</p>}
      <div role="log" aria-live="polite" aria-label={t('chat.title')}>
      <ol className="messages" ref={list}>
        {shown.map((m) => (
          <li key={m.sequence} className={m.sender === me ? 'message mine' : 'message'} data-sequence={m.sequence}>
            <span className="who">{m.sender === me ? t('chat.you') : m.senderName}</span>
            <span className="when">{formatDateTime(m.sentAt, lang, calendar, browserTimeZone())}</span>
            {m.retractedAt ? <p className="retracted">{t('chat.change.retracted')}</p>
              : editing?.id === m.id ? (
                <form className="edit" onSubmit={(e) => { e.preventDefault(); void saveEdit(); }}>
                  <label htmlFor={`edit-${m.id}`} className="visually-hidden">{t('chat.change.editLabel')}</label>
                  <textarea id={`edit-${m.id}`} rows={2} dir="auto" value={editing.text} maxLength={4000} autoFocus
                    onChange={(e) => setEditing({ id: m.id, text: e.target.value })}
                    onKeyDown={(e) => {
                      if (e.key === 'Escape') setEditing(null);
                      if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); void saveEdit(); }
                    }} />
                  <Button type="submit" isDisabled={!editing.text.trim()}>{t('chat.change.save')}</Button>
                  <Button variant="secondary" onPress={() => setEditing(null)}>{t('chat.change.cancel')}</Button>
                </form>
              ) : m.text && <p dir="auto">{m.text}</p>}
            {!m.retractedAt && m.attachment && <FileChip file={m.attachment} />}
            <div className="message-tools">
              {m.editedAt && !m.retractedAt && (
                <button type="button" className="link edited" aria-expanded={history?.id === m.id}
                  onClick={() => void showHistory(m.id)}>{t('chat.change.edited')}</button>
              )}
              {!readOnly && editing?.id !== m.id && changeable(m, me, editMinutes) && (
                retracting === m.id ? (
                  <span className="confirm" role="group" aria-label={t('chat.change.confirm')}>
                    <span>{t('chat.change.confirm')}</span>
                    <Button variant="danger" onPress={() => void retract(m.id)}>{t('chat.change.retract')}</Button>
                    <Button variant="secondary" onPress={() => setRetracting(null)}>{t('chat.change.keep')}</Button>
                  </span>
                ) : (
                  <span className="actions">
                    {m.text && <button type="button" className="link" onClick={() => { setRetracting(null); setEditing({ id: m.id, text: m.text }); }}>{t('chat.change.edit')}</button>}
                    <button type="button" className="link" onClick={() => { setEditing(null); setRetracting(m.id); }}>{t('chat.change.retract')}</button>
                  </span>
                )
              )}
            </div>
            {history?.id === m.id && (
              <ol className="history" aria-label={t('chat.change.earlier')}>
                {history.items.map((v) => (
                  <li key={v.version}><span dir="auto">{v.text || t('chat.change.fileOnly')}</span>{' '}
                    <span className="when">{t('chat.change.until', { when: formatDateTime(v.replacedAt, lang, calendar, browserTimeZone()) })}</span></li>
                ))}
              </ol>
            )}
            {m.sequence === seen && <span className="receipt">{t('chat.seen')}</span>}
            {m.sequence === delivered && delivered > seen && <span className="receipt delivered">{t('chat.delivered')}</span>}
          </li>
        ))}
        {waiting.map((o) => (
          <li key={o.clientId} className="message mine outgoing" data-outgoing={o.failed ? 'failed' : 'sending'}>
            <span className="who">{t('chat.you')}</span>
            <span className="when">{o.failed ? t('chat.failed') : t('chat.sending')}</span>
            {o.text && <p dir="auto">{o.text}</p>}
            {o.attachment && <p dir="auto" className="file-name">{o.attachment.name}</p>}
            {o.failed && <p className="error">{o.failed}</p>}
          </li>
        ))}
      </ol>
      </div>
      <p className="muted typing" aria-live="polite">
        {typing.length > 0 ? t('chat.typing', { name: typing.join(', ') }) : ''}
      </p>
      {readOnly ? <p className="muted">{t('chat.readOnly')}</p> : (
        <form className="compose" onSubmit={(e) => { e.preventDefault(); send(); }}>
          <label htmlFor="chat-text">{t('chat.write')}</label>
          <textarea id="chat-text" name="text" rows={2} dir="auto" value={text} maxLength={4000}
            onChange={(e) => typed(e.target.value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); send(); } }} />
          <Button type="submit" isDisabled={!text.trim()}>{t('chat.send')}</Button>
          {/* the picker's own words ("Choose File") are the browser's, not the page's language: a button of ours */}
          <label className="attach btn btn-secondary" data-disabled={uploading !== null || undefined}>
            {t('chat.file.attach')}
            <input ref={picker} type="file" name="file" className="visually-hidden" disabled={uploading !== null}
              accept="image/*,.heic,.heif,application/pdf,.dcm,.txt,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods"
              onChange={(e) => { const f = e.target.files?.[0]; if (f) void attach(f); }} />
          </label>
        </form>
      )}
      {uploading && (
        <p className="muted" role="status">
          {t('chat.file.uploading', { name: uploading.name, percent: uploading.percent })}
          <progress max={100} value={uploading.percent} />
        </p>
      )}
      {fileRefused && <p className="error" role="alert">{fileRefused}</p>}
      {changeError && <p className="error" role="alert">{changeError}</p>}
      <ErrorNote error={error} />
    </section>
  );
}
