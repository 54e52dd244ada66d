// Small inline icons (the CSP allows no external images; inline SVG is markup, not a resource).
const base = { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': true, focusable: false } as const;

export const PlayIcon = () => (
  <svg {...base}>
    <path d="M5 3.2v9.6L12.6 8z" fill="currentColor" />
  </svg>
);
export const StopIcon = () => (
  <svg {...base}>
    <rect x="4" y="4" width="8" height="8" rx="1" fill="currentColor" />
  </svg>
);
export const RestartIcon = () => (
  <svg {...base}>
    <path d="M12.5 8a4.5 4.5 0 1 1-1.3-3.2" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
    <path d="M12.8 2.6v2.9H9.9" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);
export const TrashIcon = () => (
  <svg {...base}>
    <path
      d="M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.6 8.5h5.8l.6-8.5"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      strokeLinejoin="round"
    />
  </svg>
);
export const ChevronIcon = ({ open }: { open: boolean }) => (
  <svg {...base} className={`chevron${open ? ' open' : ''}`}>
    <path d="M6 4l4 4-4 4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);
export const ContainersIcon = () => (
  <svg {...base} width={18} height={18}>
    <path d="M2.5 5.5L8 2.5l5.5 3v5L8 13.5l-5.5-3z M2.5 5.5L8 8.5l5.5-3 M8 8.5v5" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
  </svg>
);
export const HostsIcon = () => (
  <svg {...base} width={18} height={18}>
    <rect x="2.5" y="2.5" width="11" height="4.5" rx="1" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <rect x="2.5" y="9" width="11" height="4.5" rx="1" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <circle cx="5" cy="4.75" r=".8" fill="currentColor" />
    <circle cx="5" cy="11.25" r=".8" fill="currentColor" />
  </svg>
);
export const KeyIcon = () => (
  <svg {...base} width={18} height={18}>
    <circle cx="5.5" cy="10.5" r="3" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <path d="M7.6 8.4L13 3m-2 2l1.6 1.6M9.6 6.9l1.2 1.2" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" />
  </svg>
);
export const SearchIcon = () => (
  <svg {...base} width={14} height={14}>
    <circle cx="7" cy="7" r="4.3" fill="none" stroke="currentColor" strokeWidth="1.4" />
    <path d="M10.2 10.2l3.3 3.3" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
  </svg>
);
export const CopyIcon = () => (
  <svg {...base} width={14} height={14}>
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.2" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <path d="M10.5 3.5v-.3A.7.7 0 0 0 9.8 2.5H3.2a.7.7 0 0 0-.7.7v6.6a.7.7 0 0 0 .7.7h.3" fill="none" stroke="currentColor" strokeWidth="1.3" />
  </svg>
);
export const ImagesIcon = () => (
  <svg {...base} width={18} height={18}>
    <rect x="2.5" y="3.5" width="11" height="9" rx="1" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <path d="M2.5 7h11M6 3.5v9" fill="none" stroke="currentColor" strokeWidth="1.3" />
  </svg>
);
export const VolumesIcon = () => (
  <svg {...base} width={18} height={18}>
    <ellipse cx="8" cy="4.5" rx="5" ry="2" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <path d="M3 4.5v7c0 1.1 2.2 2 5 2s5-.9 5-2v-7" fill="none" stroke="currentColor" strokeWidth="1.3" />
  </svg>
);
export const NetworksIcon = () => (
  <svg {...base} width={18} height={18}>
    <circle cx="8" cy="3.5" r="1.6" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <circle cx="3.5" cy="12.5" r="1.6" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <circle cx="12.5" cy="12.5" r="1.6" fill="none" stroke="currentColor" strokeWidth="1.3" />
    <path d="M8 5.1v3.4M8 8.5l-3.6 2.6M8 8.5l3.6 2.6" fill="none" stroke="currentColor" strokeWidth="1.3" />
  </svg>
);

export const MonitorsIcon = () => (
  <svg {...base} width={18} height={18}>
    <path d="M1.5 8.5h3l1.8-4 3.2 8 1.8-4h3.2" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
  </svg>
);
export const StacksIcon = () => (
  <svg {...base} width={18} height={18}>
    <path d="M8 2.5l5.5 2.7L8 7.9 2.5 5.2z M2.5 8L8 10.7 13.5 8 M2.5 10.8L8 13.5l5.5-2.7" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
  </svg>
);
export const BackIcon = () => (
  <svg {...base}>
    <path d="M10 3.5L5.5 8l4.5 4.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);
