// shopbag's service worker: keeps the whole app on the device, so after one visit every screen —
// the scanner and the bag included — opens without a network (store basements, fitting rooms).
// The bag's data lives in localStorage; the API is never cached.

// Written by scripts/split-app.mjs at build time: the release and every file it is made of.
const RELEASE = 'unbuilt';
const PRECACHE = [];

const CACHE = `shopbag-${RELEASE}`;

self.addEventListener('install', (event) => {
  // All or nothing: a release half kept would open some screens offline and not others. Files
  // without a hash in their name (the decoder worker's) past the HTTP cache: they may be an
  // hour old there, from the release before.
  const requests = PRECACHE.map((url) => (HASHED.test(url) ? url : new Request(url, { cache: 'reload' })));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  // Earlier releases go: a page still running one finds its chunks gone, and the app reloads it
  // into this release (src/components/lazy_screen.rs).
  const old = (names) => names.filter((n) => n.startsWith('shopbag-') && n !== CACHE);
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(old(names).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  if (request.mode === 'navigate' || url.pathname === '/') {
    // Pages (and the app asking which release is current): the network first, so a new release
    // is picked up; offline, this release's page — never a newer one this release cannot run.
    event.respondWith(fetch(request).catch(() => caches.match('/')));
    return;
  }
  if (url.pathname.endsWith('.bundle')) {
    // Landing bundles only speed up a first visit; offline, the kept chunks serve instead.
    return;
  }
  if (HASHED.test(url.pathname)) {
    // Names that carry the release hash never change: a kept copy is always right.
    event.respondWith(caches.match(request).then((kept) => kept || fetchAndKeep(request)));
    return;
  }
  // The rest (the decoder worker's files keep their names across releases): the network first,
  // the kept copy when offline.
  event.respondWith(fetchAndKeep(request).catch(() => caches.match(request)));
});

/** A content or release hash: 13 to 16 hex digits before the extension (Trunk's and ours). */
const HASHED = /-[0-9a-f]{13,16}(_bg)?\.(js|wasm|css)$/;

function fetchAndKeep(request) {
  return fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(CACHE).then((cache) => cache.put(request, copy));
    }
    return response;
  });
}
