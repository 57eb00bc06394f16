// The product mark: a 2×2 grid with one cell lit. Decorative: the name next to it carries the meaning.
export function BrandMark() {
  return (
    <svg className="gl-brand-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="6" fill="#1e3a6b" />
      <path d="M7 7h8v8H7zM17 7h8v8h-8zM7 17h8v8H7z" fill="#7fb2ff" />
      <path d="M17 17h8v8h-8z" fill="#ffc53d" />
    </svg>
  );
}
