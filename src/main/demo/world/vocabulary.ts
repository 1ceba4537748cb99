// The world's words: name syllables, islands, diets, and the looks emblems are drawn from.
export const SYLLABLES_START = [
  'Vel',
  'Mor',
  'Ka',
  'Tri',
  'Zan',
  'Or',
  'Pel',
  'Quo',
  'Ris',
  'Sab',
  'Tor',
  'Ul',
  'Bry',
  'Cal',
  'Dun',
  'Fen',
  'Gal',
  'Hex',
  'Ith',
  'Jor',
];
export const SYLLABLES_END = [
  'mora',
  'ix',
  'ane',
  'oth',
  'ella',
  'ura',
  'ion',
  'ask',
  'eel',
  'ine',
  'ovar',
  'ist',
  'umb',
  'ara',
  'ette',
  'olk',
];
export const KINDS = ['finch', 'beetle', 'newt', 'moth', 'crab', 'lizard', 'heron', 'snail'];

export const ISLANDS = [
  'Amberly',
  'Brisk',
  'Coldharbour',
  'Dunmere',
  'Eastwick',
  'Farrow',
  'Glint',
  'Hollow',
  'Ivel',
  'Juniper',
  'Kestrel',
  'Lowmoor',
];
export const DIETS = ['seeds', 'moss', 'ants', 'kelp', 'berries', 'worms', 'nectar', 'plankton'];

export const SHAPES = ['circle', 'square', 'triangle', 'diamond', 'pentagon', 'hexagon', 'star', 'cross'];
export const COLORS: Record<string, string> = {
  red: '#d9383a',
  orange: '#f08c00',
  yellow: '#f5d90a',
  green: '#2f9e44',
  teal: '#0ca678',
  blue: '#1c7ed6',
  purple: '#7048e8',
  black: '#212529',
  white: '#f8f9fa',
};
export const PATTERNS = ['plain', 'stripes', 'bars', 'dots', 'rings', 'checks'];
