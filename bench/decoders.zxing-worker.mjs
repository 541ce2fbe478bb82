// zxing-wasm (zxing-cpp) in a module worker, used the way its users use it: the camera frame
// drawn on a canvas, read back, and handed to readBarcodes with its default options. Message in:
// {id, picture} (a VideoFrame or ImageBitmap, transferred). Answer:
// {id, seen: {format, text} | null, ms, readbackMs, decodeMs}: `readbackMs` is the canvas
// readback, `decodeMs` the readBarcodes call on the ImageData, `ms` both. Served by
// bench/decoders.mjs, which maps /zxing/ to node_modules/zxing-wasm/dist/.

import { prepareZXingModule, readBarcodes, ZXING_WASM_VERSION, ZXING_CPP_COMMIT } from '/zxing/es/reader/index.js';

// Its defaults (try harder, rotated, inverted and downscaled retries), the six formats we read,
// the first code only: what a shop's web scanner built on it would ask.
const OPTIONS = {
  formats: ['EAN13', 'EAN8', 'UPCA', 'UPCE', 'Code128', 'QRCode'],
  maxNumberOfSymbols: 1,
};

// The .wasm from our own server, never the package's default CDN.
await prepareZXingModule({
  overrides: {
    locateFile: (path, prefix) =>
      path.endsWith('.wasm') ? new URL(`/zxing/reader/${path}`, self.location.origin).href : prefix + path,
  },
  fireImmediately: true,
});

self.onmessage = async ({ data: { id, picture } }) => {
  try {
    const started = performance.now();
    const width = picture.displayWidth ?? picture.width;
    const height = picture.displayHeight ?? picture.height;
    const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    context.drawImage(picture, 0, 0);
    const pixels = context.getImageData(0, 0, width, height);
    picture.close();
    const read = performance.now();
    const [first] = await readBarcodes(pixels, OPTIONS);
    const done = performance.now();
    self.postMessage({
      id,
      seen: first ? { format: first.format, text: first.text } : null,
      ms: done - started,
      readbackMs: read - started,
      decodeMs: done - read,
    });
  } catch (error) {
    self.postMessage({ id, error: String(error) });
  }
};

self.postMessage({ ready: true, version: ZXING_WASM_VERSION, commit: ZXING_CPP_COMMIT, options: OPTIONS });
