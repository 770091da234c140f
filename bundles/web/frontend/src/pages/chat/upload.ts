import { api, currentBearerToken, currentCsrfToken, must } from '../../api/client';
import { ApiError, toShown } from '../../api/problem';
import type { components } from '../../api/schema';
import type { Attachment } from './logic';

type Upload = components['schemas']['Upload'];

type Target = { encounterId: string } | { conversationId: string };

/** Files from this size on go in pieces that the hub keeps as they arrive, so a dropped connection resumes. */
export const RESUMABLE_FROM = 4 * 1024 * 1024;
/** One piece: small enough to get through a weak phone connection, large enough not to be many round trips. */
export const PIECE = 1024 * 1024;
/** How many times in a row a piece may fail to get through before the upload gives up. */
const TRIES = 8;

/**
 * Uploads a file to a visit's (or a direct) conversation with progress, and answers its attachment; or a problem
 * (413 too large, 415 a type not allowed, 422 a virus found). A small file is one request (its body the file
 * itself); a large one goes in pieces (Content-Range), each kept by the hub once answered: when a piece does not
 * get through, the upload asks the hub where it stands and goes on from there, waiting longer each time.
 */
export async function uploadFile(to: Target, file: File, onProgress: (fraction: number) => void,
  signal?: AbortSignal): Promise<Attachment> {
  if (file.size < RESUMABLE_FROM) {
    const where = 'conversationId' in to ? `direct/${encodeURIComponent(to.conversationId)}`
      : `encounters/${encodeURIComponent(to.encounterId)}`;
    return send<Attachment>('POST', `/api/v1/conversations/${where}/files?name=` + encodeURIComponent(file.name),
      file, {}, (loaded) => onProgress(loaded / file.size), signal);
  }
  const body = { name: file.name, size: file.size };
  // answered 201 with the upload (a Response in the API document, hence the type named here)
  const started = must<unknown>('conversationId' in to
    ? await api.POST('/conversations/direct/{conversationId}/uploads', { params: { path: to }, body })
    : await api.POST('/conversations/encounters/{encounterId}/uploads', { params: { path: to }, body })) as Upload;
  const id = started.id!;
  const path = { params: { path: { uploadId: id } } };
  let received = started.received ?? 0;
  let failures = 0;
  const cancel = async () => {
    await api.DELETE('/conversations/uploads/{uploadId}', path).catch(() => {});
    return new ApiError({ status: 0, detail: 'Cancelled' });
  };
  for (;;) {
    if (signal?.aborted) throw await cancel();
    // all of it is in but no file was made of it yet (that step failed): a piece sent again finishes it
    const from = received >= file.size ? Math.max(0, file.size - PIECE) : received;
    const end = Math.min(from + PIECE, file.size);
    try {
      const now = await send<{ received?: number; attachment?: Attachment }>('PUT',
        `/api/v1/conversations/uploads/${encodeURIComponent(id)}`, file.slice(from, end),
        { 'Content-Range': `bytes ${from}-${end - 1}/${file.size}` },
        (loaded) => onProgress((from + loaded) / file.size), signal);
      if (now.attachment) return now.attachment;
      received = now.received ?? end;
      failures = 0;
    } catch (e) {
      if (signal?.aborted) throw await cancel();
      // refused (a virus, a type not allowed, the conversation closed): final; dropped, a server error, or out of
      // step (409 naming offset): ask where it stands
      const status = e instanceof ApiError ? e.status : 0;
      const outOfStep = status === 409 && e instanceof ApiError && e.field === 'offset';
      if (status !== 0 && status < 500 && !outOfStep) throw e;
      if (++failures > TRIES) throw e;
      await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** failures)));
      try {
        const s = must(await api.GET('/conversations/uploads/{uploadId}', path));
        if (s.attachment) return s.attachment as Attachment;
        received = s.received ?? received;
      } catch { /* still offline: the next round tries again */ }
    }
  }
}

/**
 * One request with upload progress (XMLHttpRequest: fetch reports none), the session's CSRF token or the bearer
 * token; the JSON answer, or an ApiError (status 0 when the hub could not be reached).
 */
function send<T>(method: string, url: string, body: Blob, headers: Record<string, string>,
  onProgress: (loaded: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    const bearer = currentBearerToken();
    const csrf = currentCsrfToken();
    if (bearer) xhr.setRequestHeader('Authorization', `Bearer ${bearer}`);
    else if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded); };
    xhr.onload = () => {
      let answer: unknown;
      try { answer = JSON.parse(xhr.responseText); } catch { answer = undefined; }
      if (xhr.status === 200 || xhr.status === 201) resolve(answer as T);
      else reject(new ApiError({ ...(answer as object), status: toShown(answer, xhr.status).status }));
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, detail: 'The hub could not be reached' }));
    xhr.onabort = () => reject(new ApiError({ status: 0, detail: 'Cancelled' }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}
