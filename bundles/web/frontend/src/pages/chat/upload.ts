import { currentBearerToken, currentCsrfToken } from '../../api/client';
import { ApiError, toShown } from '../../api/problem';
import type { Attachment } from './logic';

/**
 * Uploads a file to a visit's (or a direct) conversation with progress (XMLHttpRequest: fetch reports no upload progress). The
 * body is the file itself; the hub types it from its content, scans it, and answers the attachment (201, or 200 for
 * content posted before) or a problem: 413 too large, 415 a type not allowed, 422 a virus found.
 */
export function uploadFile(to: { encounterId: string } | { conversationId: string }, file: File,
  onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Attachment> {
  const where = 'conversationId' in to ? `direct/${encodeURIComponent(to.conversationId)}`
    : `encounters/${encodeURIComponent(to.encounterId)}`;
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/conversations/${where}/files?name=` + encodeURIComponent(file.name));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json, application/problem+json');
    const bearer = currentBearerToken();
    const csrf = currentCsrfToken();
    if (bearer) xhr.setRequestHeader('Authorization', `Bearer ${bearer}`);
    else if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let body: unknown;
      try { body = JSON.parse(xhr.responseText); } catch { body = undefined; }
      if (xhr.status === 200 || xhr.status === 201) resolve(body as Attachment);
      else reject(new ApiError({ ...(body as object), status: toShown(body, xhr.status).status }));
    };
    xhr.onerror = () => reject(new ApiError({ status: 0, detail: 'The hub could not be reached' }));
    xhr.onabort = () => reject(new ApiError({ status: 0, detail: 'Cancelled' }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
