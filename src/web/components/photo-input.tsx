import { CameraOutlined, DeleteOutlined, PictureOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkPhotos, formatBytes, MAX_PHOTO_BYTES, MAX_PHOTOS, PHOTO_ACCEPT, type PhotoProblem } from '../lib/photos.ts';
import { useLanguage } from '../lib/use-language.ts';

interface PhotoInputProps {
  id?: string;
  value?: File[];
  onChange?: (files: File[]) => void;
  /** Offer the camera directly (phones): `capture` opens it instead of the gallery, so both buttons are shown. */
  camera?: boolean;
  'aria-invalid'?: boolean;
}

const NO_FILES: File[] = [];

const PROBLEM_KEY: Record<PhotoProblem, string> = {
  type: 'photos.wrongType',
  size: 'photos.tooBig',
  count: 'photos.tooMany',
};

/** Photos picked from the camera or the gallery, checked for type and size before anything is uploaded. */
export function PhotoInput({ id, value, onChange, camera = false, ...rest }: PhotoInputProps) {
  const { t } = useTranslation();
  const lang = useLanguage();
  const files = value ?? NO_FILES;
  const galleryRef = useRef<HTMLInputElement>(null);
  const cameraRef = useRef<HTMLInputElement>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const inputId = id ?? 'photos';

  // Object URLs live exactly as long as their files are chosen.
  const [made, setMade] = useState<{ files: File[]; urls: string[] }>({ files: NO_FILES, urls: [] });
  useEffect(() => {
    const urls = files.map((f) => URL.createObjectURL(f));
    setMade({ files, urls });
    return () => {
      for (const u of urls) URL.revokeObjectURL(u);
    };
  }, [files]);
  const previews = made.files === files ? files.map((file, i) => ({ file, url: made.urls[i] ?? '' })) : [];

  const add = (list: FileList | null) => {
    if (!list || list.length === 0) return;
    const check = checkPhotos([...list], files.length);
    const maxMb = MAX_PHOTO_BYTES / (1024 * 1024);
    setProblems(check.refused.map((r) => t(PROBLEM_KEY[r.problem], { name: r.file.name, size: maxMb, max: MAX_PHOTOS })));
    if (check.accepted.length > 0) onChange?.([...files, ...check.accepted]);
  };

  const remove = (index: number) => {
    setProblems([]);
    onChange?.(files.filter((_, i) => i !== index));
  };

  const full = files.length >= MAX_PHOTOS;
  const hintId = `${inputId}-hint`;

  return (
    <div className="gl-photos" data-testid="photo-input">
      <div className="gl-photo-buttons">
        {camera ? (
          <Button icon={<CameraOutlined />} onClick={() => cameraRef.current?.click()} disabled={full} aria-describedby={hintId}>
            {t('photos.take')}
          </Button>
        ) : null}
        <Button
          id={id}
          icon={<PictureOutlined />}
          onClick={() => galleryRef.current?.click()}
          disabled={full}
          aria-describedby={hintId}
          aria-invalid={rest['aria-invalid']}
          data-testid="photo-choose"
        >
          {t('photos.choose')}
        </Button>
      </div>
      {/* The native inputs stay in the page (tests and assistive tools can reach them) but out of sight and tab order. */}
      <input
        ref={galleryRef}
        type="file"
        accept={PHOTO_ACCEPT}
        multiple
        className="gl-visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="photo-file"
        onChange={(e) => {
          add(e.target.files);
          e.target.value = '';
        }}
      />
      {camera ? (
        <input
          ref={cameraRef}
          type="file"
          accept="image/*"
          capture="environment"
          className="gl-visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(e) => {
            add(e.target.files);
            e.target.value = '';
          }}
        />
      ) : null}
      <p id={hintId} className="gl-field-hint">
        {t('photos.hint', { max: MAX_PHOTOS, size: MAX_PHOTO_BYTES / (1024 * 1024) })}{' '}
        {t('photos.count', { count: files.length, max: MAX_PHOTOS })}
      </p>
      {problems.length > 0 ? (
        <ul className="gl-photo-problems" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {previews.length > 0 ? (
        <ul className="gl-photo-previews" aria-label={t('photos.chosen')}>
          {previews.map((p, i) => (
            <li key={p.url} className="gl-photo-preview" data-testid="photo-preview">
              <img src={p.url} alt={t('photos.previewAlt', { index: i + 1, name: p.file.name })} />
              <span className="gl-photo-size">{formatBytes(p.file.size, lang)}</span>
              <Button
                size="small"
                danger
                type="text"
                className="gl-photo-remove"
                icon={<DeleteOutlined />}
                aria-label={t('photos.remove', { index: i + 1 })}
                onClick={() => remove(i)}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
