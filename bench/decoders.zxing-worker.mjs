// zxing-wasm (zxing-cpp) in a module worker, answering like our decoder worker does, so both are
// timed the same way. Message in: {id, bitmap} (an ImageBitmap, transferred). Answer:
// {id, seen: {format, text} | null, ms, readbackMs, decodeMs}: `readbackMs` is the canvas
// readback (same steps as crates/scanner/src/worker.rs), `decodeMs` the readBarcodes call on the
// ImageData, `ms` both (the scope of our worker's `ms`). Served by bench/decoders.mjs, which maps
// /zxing/ to node_modules/zxing-wasm/dist/.

import { prepareZXingModule, readBarcodes, ZXING_WASM_VERSION, ZXING_CPP_COMMIT } from '/zxing/es/reader/index.js';

// As close to our live mode as the options allow: the same six formats, one quick pass
// (no try-harder, no rotated, inverted, downscaled or denoised retries), the first code only.
const OPTIONS = {
  formats: ['EAN13', 'EAN8', 'UPCA', 'UPCE', 'Code128', 'QRCode'],
  tryHarder: false,
  tryRotate: false,
  tryInvert: false,
  tryDownscale: false,
  tryDenoise: false,
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

self.onmessage = async ({ data: { id, bitmap } }) => {
  try {
    const started = performance.now();
    const { width, height } = bitmap;
    const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, width, height);
    bitmap.close();
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
