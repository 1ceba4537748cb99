import { searchNeedTitles, type SearchNeed } from '../../../shared/contract';

/** One key per label (a digit and a letter), in the order the buttons show them. */
export const labelKeys: { label: SearchNeed; digit: string; letter: string }[] = [
  { label: 'search_free', digit: '1', letter: 'f' },
  { label: 'image_search', digit: '2', letter: 'i' },
  { label: 'text_search', digit: '3', letter: 't' },
  { label: 'both', digit: '4', letter: 'b' },
  { label: 'unsure', digit: '5', letter: 'u' },
];

export function labelForKey(key: string): SearchNeed | null {
  const k = key.toLowerCase();
  return labelKeys.find((l) => l.digit === k || l.letter === k)?.label ?? null;
}

export const labelTitle = (label: SearchNeed) => searchNeedTitles[label];
export const shortTitles: Record<SearchNeed, string> = {
  search_free: 'free',
  image_search: 'image',
  text_search: 'text',
  both: 'both',
  unsure: 'unsure',
};
