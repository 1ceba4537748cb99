// What the model sees. Image search: the top visual matches, each a thumbnail (IMAGE_PLACEHOLDER, replaced by
// the image's tokens in the rollout) and its title. Text search: numbered results with title, link and a
// query-focused summary. A failure: one short line telling the model to go on with its own knowledge.
import { IMAGE_PLACEHOLDER, type SearchResultItem, type SearchTool } from '../../../shared/contract';

export function formatImageResults(items: SearchResultItem[]): string {
  if (items.length === 0)
    return 'Image search found no visually matching pages. Reason with your own knowledge to answer the question.';
  const lines = [`Image search results (top ${items.length} visual matches of the question's image):`];
  for (const item of items) lines.push(`${item.rank}. ${item.imageSha256 ? `${IMAGE_PLACEHOLDER} ` : ''}${item.title}`);
  return lines.join('\n');
}

/**
 * An image search result with its titles only: the thumbnails' places and images removed. For a model that reads
 * names better without pictures in between (the demo's tiny one); the raw result keeps them for the debugger.
 */
export function withoutThumbnails<T extends { text: string; images: string[] }>(result: T): T {
  return {
    ...result,
    text: result.text.split(`${IMAGE_PLACEHOLDER} `).join('').split(IMAGE_PLACEHOLDER).join(''),
    images: [],
  };
}

/**
 * A text search result without its links: titles and summaries only. For a model trained on CPU (the demo's),
 * where every token costs time and a link says nothing a summary does not; the raw result keeps them.
 */
export function withoutLinks<T extends { text: string }>(result: T): T {
  return { ...result, text: result.text.replace(/^Link: .*\n/gm, '') };
}

/** A result as a run shows it to the model: thumbnails and links stay unless its settings turn them off. */
export function asShownToModel<T extends { text: string; images: string[] }>(
  result: T,
  shown: { thumbnails?: boolean; links?: boolean },
): T {
  const r = shown.thumbnails === false ? withoutThumbnails(result) : result;
  return shown.links === false ? withoutLinks(r) : r;
}

export function formatTextResults(query: string, items: SearchResultItem[]): string {
  if (items.length === 0)
    return `Text search found no results for "${query}". Reason with your own knowledge to answer the question.`;
  const blocks = [`Text search results for "${query}":`];
  for (const item of items) {
    blocks.push(
      `${item.rank}. ${item.title}\nLink: ${item.url}\nSummary: ${item.summary || item.snippet || '(no summary)'}`,
    );
  }
  return blocks.join('\n\n');
}

export type ToolFailure = 'timeout' | 'unavailable' | 'not-cached' | 'budget' | 'bad-input';

const failureWords: Record<ToolFailure, string> = {
  timeout: 'the search timed out',
  unavailable: 'the search service is unavailable',
  'not-cached': 'this search is not in the cache',
  budget: 'the search budget is spent',
  'bad-input': 'the search could not be run',
};

export function formatToolError(tool: SearchTool, failure: ToolFailure): string {
  const name = tool === 'image_search' ? 'Image search' : 'Text search';
  return `${name} failed: ${failureWords[failure]}. Reason with your own knowledge and give your best answer.`;
}
