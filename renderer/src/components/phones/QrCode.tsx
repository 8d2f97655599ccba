/** A QR code of `value` as an image (a data: URL; the console's CSP allows those). */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

export function QrCode(props: { value: string; label: string; size?: number; testId?: string }) {
  const size = props.size ?? 168;
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let cancelled = false;
    QRCode.toDataURL(props.value, { width: size * 2, margin: 1, errorCorrectionLevel: 'M' }).then(
      (url) => {
        if (!cancelled) {
          setSrc(url);
          setError('');
        }
      },
      (err: Error) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [props.value, size]);

  if (error) return <p className="form-error">Could not draw the QR code: {error}</p>;
  return (
    <figure className="qr" data-testid={props.testId} data-value={props.value}>
      {src ? <img src={src} width={size} height={size} alt={`QR code: ${props.label}`} /> : <div className="qr-placeholder" style={{ width: size, height: size }} />}
      <figcaption>{props.label}</figcaption>
    </figure>
  );
}
