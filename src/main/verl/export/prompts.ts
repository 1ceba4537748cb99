// The method's three prompt files from the run's templates. The method prepends the round-1 prompt to the
// question and finds the question again by the words "Here is the image and the question:\n " (its rollout splits
// the decoded context there), so the round-1 prompt ends with them and the image placeholder. After a search it
// sends "Searched results: <information>…</information>\nOriginal user's question: …\n" and then the file's text:
// the part of our after-tool template that follows the question.
import { compileTemplates, type PromptTemplates } from '../../rl';
import type { RolloutLimits } from '../../rl';

export const ROUND_1_QUESTION_MARKER = 'Here is the image and the question:\n<image> ';

export interface MethodPrompts {
  round1: string;
  afterImageSearch: string;
  afterTextSearch: string;
}

const QUESTION = '\u0000QUESTION\u0000';
const TOOL_OUTPUT = '\u0000TOOL\u0000';

/** The template's text after the line holding the question: what the model is told to do next. */
function afterQuestion(rendered: string, which: string): string {
  const at = rendered.indexOf(QUESTION);
  if (at < 0)
    throw new Error(`The ${which} template never shows the question ({{ question }}); the method's prompts need it`);
  const lineEnd = rendered.indexOf('\n', at);
  return lineEnd < 0 ? '' : rendered.slice(lineEnd + 1).trim();
}

export function methodPrompts(
  templates: PromptTemplates,
  limits: Pick<RolloutLimits, 'maxImageSearches' | 'maxTextSearches'>,
): MethodPrompts {
  const compiled = compileTemplates(templates);
  const question = compiled.question({
    question: QUESTION,
    remaining_image_searches: limits.maxImageSearches,
    remaining_text_searches: limits.maxTextSearches,
  });
  const at = question.indexOf(QUESTION);
  if (at < 0) throw new Error('The question template never shows the question ({{ question }})');
  if (question.slice(at + QUESTION.length).trim() !== '') {
    throw new Error(
      'The question template has text after the question; the method appends the question last, so move that text before it',
    );
  }
  const instructions = question
    .slice(0, at)
    .replace(/Question:\s*$/, '')
    .trimEnd();
  const after = (remainingImage: number, remainingText: number, which: string) =>
    afterQuestion(
      compiled.afterTool({
        question: QUESTION,
        tool_output: TOOL_OUTPUT,
        is_last_turn: false,
        remaining_image_searches: remainingImage,
        remaining_text_searches: remainingText,
      }),
      which,
    );
  return {
    round1: `${instructions}\n${ROUND_1_QUESTION_MARKER}`,
    afterImageSearch: after(0, limits.maxTextSearches, 'after-tool (image search)'),
    afterTextSearch: after(0, Math.max(0, limits.maxTextSearches - 1), 'after-tool (text search)'),
  };
}
