// The form's service worker: at the first visit it keeps every file of the form, so that later the
// form loads and works with the network off. Nothing is sent anywhere: it answers only this site's
// own requests, from what it kept. scripts/build-wasm writes the list of files and the version
// (a digest of them), so a new build replaces what was kept.

const VERSION = 'unbuilt' /* version */;
const FILES = [] /* files */;
const CACHE = `sendband-form-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('sendband-form-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The kept file when there is one, else the network: the form's files never change within a version.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE)
    .then((cache) => cache.match(request, { ignoreSearch: true }))
    .then((kept) => kept ?? fetch(request)));
});
