// Scanning the token's QR code with the camera, where the browser has
// BarcodeDetector (loaded only when the officer taps "Escanear").

import { tokenFromScan } from "./queue.js";

/**
 * startScan shows the rear camera in video and reads QR codes until one
 * holds text; onText gets the token, onError a Spanish message. It returns
 * a function that stops the camera.
 */
export function startScan(video, { onText, onError }) {
  let stream = null;
  let timer = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach((t) => t.stop());
    video.srcObject = null;
  };
  (async () => {
    try {
      const detector = new BarcodeDetector({ formats: ["qr_code"] });
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      if (stopped) return stop();
      video.srcObject = stream;
      await video.play();
      const look = async () => {
        if (stopped) return;
        try {
          const codes = await detector.detect(video);
          const text = codes.map((c) => c.rawValue).find(Boolean);
          if (text) {
            stop();
            onText(tokenFromScan(text));
            return;
          }
        } catch {
          // A frame that could not be read: try the next one.
        }
        timer = setTimeout(look, 250);
      };
      look();
    } catch (err) {
      stop();
      onError(err && err.name === "NotAllowedError"
        ? "Sin permiso para usar la cámara: pegue el token."
        : "No se pudo abrir la cámara: pegue el token.");
    }
  })();
  return stop;
}
