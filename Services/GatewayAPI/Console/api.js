// The console's one way to the gateway: JSON reads with ETag / If-None-Match, and admin actions with the token.

const cache = new Map(); // path → { etag, data }

/**
 * GET `path` as JSON; a 304 answers the copy held from the last read of the same path. `Cache-Control: max-age`
 * lets the gateway answer every open console from one reading up to `maxAge` seconds old (the panels poll every
 * two; the gateway keeps a reading at most a second, five for /services).
 */
export async function getJSON(path, maxAge = 1) {
  const held = cache.get(path);
  const headers = { 'Cache-Control': `max-age=${maxAge}` };
  if (held && held.etag) headers['If-None-Match'] = held.etag;
  const response = await fetch(path, { headers, cache: 'no-store' });
  if (response.status === 304 && held) return held.data;
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await errorText(response)}`);
  const data = await response.json();
  const etag = response.headers.get('ETag');
  if (etag) cache.set(path, { etag, data });
  return data;
}

/** An admin action (`POST`/`DELETE`) with `Authorization: Bearer <token>`; answers {ok, status, data|error}. */
export async function act(method, path, token) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, cache: 'no-store' });
  if (response.ok) return { ok: true, status: response.status, data: await response.json() };
  return { ok: false, status: response.status, error: await errorText(response) };
}

async function errorText(response) {
  try {
    const body = await response.json();
    return body && body.error ? body.error : response.statusText;
  } catch {
    return response.statusText;
  }
}
