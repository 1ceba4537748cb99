// Upstream veRL's multi-turn tools (verl.tools.base_tool.BaseTool) around the same search_tools, and their config.
export const VERL_TOOLS = String.raw`"""SearchLab's search as upstream veRL multi-turn tools (actor_rollout_ref.rollout.multi_turn.tool_config_path).

Importing this module (veRL loads the tools before it picks the tool parser) also registers the "searchlab" tool
parser: the protocol's tags, not JSON tool calls, ask for a search.
"""
import json
import re

from verl.experimental.agent_loop.tool_parser import FunctionCall, ToolParser
from verl.tools.base_tool import BaseTool
from verl.tools.schemas import ToolResponse

from search_tools.image_search import call_image_search
from search_tools.text_search import call_text_search


_ACTION = re.compile(r"<search>\s*<img>\s*</search>|<text_search>([\s\S]*?)</text_search>|<answer>[\s\S]*?</answer>")


@ToolParser.register("searchlab")
class SearchLabTagParser(ToolParser):
    """The turn's last action, as SearchLab reads it: an image search, a text search, or an answer (no tool)."""

    async def extract_tool_calls(self, responses_ids):
        text = self.tokenizer.decode(responses_ids, skip_special_tokens=True)
        actions = list(_ACTION.finditer(text))
        if not actions or actions[-1].group(0).startswith("<answer>"):
            return text, []
        last = actions[-1]
        if last.group(0).startswith("<search>"):
            return text, [FunctionCall(name="image_search", arguments="{}")]
        return text, [FunctionCall(name="text_search", arguments=json.dumps({"query": last.group(1).strip()}))]


class SearchLabImageSearch(BaseTool):
    async def create(self, instance_id=None, **kwargs):
        instance_id, response = await super().create(instance_id, **kwargs)
        self.image_urls = getattr(self, "image_urls", {})
        self.image_urls[instance_id] = kwargs.get("create_kwargs", kwargs).get("image_url")
        return instance_id, response

    async def execute(self, instance_id, parameters, **kwargs):
        text, images, stat = call_image_search(self.image_urls.get(instance_id) or parameters.get("image_url", ""))
        return ToolResponse(text="<information>" + text + "</information>", image=images or None), 0.0, stat

    async def release(self, instance_id, **kwargs):
        getattr(self, "image_urls", {}).pop(instance_id, None)


class SearchLabTextSearch(BaseTool):
    async def execute(self, instance_id, parameters, **kwargs):
        text, stat = call_text_search(parameters.get("query", ""))
        return ToolResponse(text="<information>" + text + "</information>"), 0.0, stat
`;

export const VERL_TOOL_CONFIG = `tools:
  - class_name: search_tools.verl_tools.SearchLabImageSearch
    config: {type: native}
    tool_schema:
      type: function
      function:
        name: image_search
        description: Searches the web with the question's image and returns the matching pages' titles and thumbnails.
        parameters: {type: object, properties: {}, required: []}
  - class_name: search_tools.verl_tools.SearchLabTextSearch
    config: {type: native}
    tool_schema:
      type: function
      function:
        name: text_search
        description: Searches the web with a text query and returns summaries of the top pages.
        parameters:
          type: object
          properties:
            query: {type: string, description: the search query}
          required: [query]
`;
