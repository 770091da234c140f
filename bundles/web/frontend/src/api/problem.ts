// Every API error is shown in the API's own words: the problem+json's detail (or title) and, where it names one,
// the field, so a form can put the message next to the input that caused it.

export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  field?: string;
  allowedTransitions?: string[];
  [k: string]: unknown;
}

export interface ShownError {
  message: string;
  field?: string;
  status: number;
}

export class ApiError extends Error {
  readonly status: number;
  readonly field?: string;
  readonly problem: Problem;
  constructor(problem: Problem) {
    const shown = toShown(problem);
    super(shown.message);
    this.status = shown.status;
    this.field = shown.field;
    this.problem = problem;
  }
}

/** Turns whatever came back (problem+json, plain JSON, nothing) into a message and the field it names. */
export function toShown(body: unknown, status?: number): ShownError {
  const p = (body && typeof body === 'object' ? body : {}) as Partial<Problem>;
  const s = typeof p.status === 'number' ? p.status : status ?? 0;
  const field = typeof p.field === 'string' && p.field ? p.field : undefined;
  const message = (typeof p.detail === 'string' && p.detail) || (typeof p.title === 'string' && p.title)
    || (s ? `HTTP ${s}` : 'The hub could not be reached');
  return { message, field, status: s };
}

export async function problemOf(res: Response): Promise<Problem> {
  let body: unknown = undefined;
  try {
    body = await res.clone().json();
  } catch {
    body = undefined;
  }
  const p = (body && typeof body === 'object' ? body : {}) as Problem;
  return { ...p, status: typeof p.status === 'number' ? p.status : res.status };
}
