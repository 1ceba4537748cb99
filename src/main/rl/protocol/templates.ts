// The prompts of a rollout, as Jinja templates (rendered by @huggingface/jinja, the engine HF chat templates
// use), so users can paste their own. The wording is ours; the tags are the protocol.
import { Template } from '@huggingface/jinja';

export interface PromptTemplates {
  /** The first user turn: the question, with the image placed before it by the chat format. */
  question: string;
  /** The user turn after a tool call: its output inside <information>, the question again, what to do next. */
  afterTool: string;
}

export const DEFAULT_TEMPLATES: PromptTemplates = {
  question: `Answer the question about the image. Think inside <reason> and </reason> before every action.
If you know the answer, give it inside <answer> and </answer>, briefly.
If you need to identify what is in the image, end your turn with <search><img></search> to search the web with the image.
If you need facts you do not know, end your turn with <text_search>your query</text_search> to search the web with text.
{% if remaining_image_searches == 0 %}Image search is not available for this question.
{% endif %}Question: {{ question }}`,
  // Its last line is one long line of the prompt, written here in pieces.
  afterTool:
    '<information>{{ tool_output }}</information>\nQuestion: {{ question }}\n' +
    '{% if is_last_turn %}This is your last turn: answer now inside <answer> and </answer>.' +
    '{% else %}Use the information if it helps. Think inside <reason> and </reason>, then answer inside <answer> and </answer>' +
    '{% if remaining_text_searches > 0 %}, or end your turn with <text_search>query</text_search> to search for more{% endif %}' +
    '{% if remaining_image_searches > 0 %}, or with <search><img></search> to search with the image{% endif %}.{% endif %}',
};

export interface QuestionVariables {
  question: string;
  remaining_image_searches: number;
  remaining_text_searches: number;
}

export interface AfterToolVariables extends QuestionVariables {
  tool_output: string;
  is_last_turn: boolean;
}

export class TemplateError extends Error {}

/** Parses both templates once; a template that does not parse is refused with the reason. */
export function compileTemplates(templates: PromptTemplates) {
  const compile = (name: keyof PromptTemplates) => {
    try {
      return new Template(templates[name]);
    } catch (error) {
      throw new TemplateError(`The ${name} template does not parse: ${(error as Error).message}`);
    }
  };
  const question = compile('question');
  const afterTool = compile('afterTool');
  return {
    question: (vars: QuestionVariables) => question.render({ ...vars }),
    afterTool: (vars: AfterToolVariables) => afterTool.render({ ...vars }),
  };
}
export type CompiledTemplates = ReturnType<typeof compileTemplates>;
