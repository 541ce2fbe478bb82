// shopbag's service worker: keeps the app shell on the device so the bag opens without a network
// (store basements, fitting rooms). The bag's data lives in localStorage; the API is never cached.

// Written by scripts/split-app.mjs at build time: the release and every file it is made of.
const RELEASE = 'unbuilt';
const PRECACHE = [];

const SHELL = 'shopbag-shell-v1';

self.addEventListener('install', (event) => {
  self.skipWaiting();
  event.waitUntil(caches.open(SHELL).then((cache) => cache.add('/')));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  if (request.mode === 'navigate') {
    // Pages: the network first, so a new release is picked up; the kept shell when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(SHELL).then((cache) => cache.put('/', copy));
          }
          return response;
        })
        .catch(() => caches.match('/')),
    );
    return;
  }
  if (HASHED.test(url.pathname)) {
    // Names that carry a content hash: a kept copy is always right.
    event.respondWith(caches.match(request).then((kept) => kept || fetchAndKeep(request)));
    return;
  }
  // The rest (the decoder worker's files keep their names across releases): the network first,
  // the kept copy when offline, so scanning photos still works in a basement.
  event.respondWith(fetchAndKeep(request).catch(() => caches.match(request)));
});

/** Trunk's content hash: 13 to 16 hex digits before the extension. */
const HASHED = /-[0-9a-f]{13,16}(_bg)?\.(js|wasm|css)$/;

function fetchAndKeep(request) {
  return fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      caches.open(SHELL).then((cache) => cache.put(request, copy));
    }
    return response;
  });
}
