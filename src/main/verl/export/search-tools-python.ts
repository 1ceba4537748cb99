// search_tools/: the method's tool interface (call_image_search(image_url) -> (text, images, stat);
// call_text_search(text_query) -> (text, stat)) answered from SearchLab's search cache exported beside it, with the
// method's "[Image Search Results]" / "[Text Search Results]" strings. A call the cache lacks goes to SerpApi when
// SERPAPI_API_KEY is set in the environment (never written into the folder), else returns the method's error text.

export const SEARCH_TOOLS_INIT = String.raw`"""SearchLab's search cache as the MMSearch-R1 tools. See README.md in the export folder."""
`;

export const SEARCH_TOOLS_CACHE = String.raw`"""The exported SearchLab search cache (cache.jsonl: a header, thumbnail images as base64, one line per call)."""
import base64
import json
import os
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
_loaded = None


def normalise_query(query):
    # SearchLab's cache key normalisation (search/text.ts normaliseQuery).
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", query).lower()).strip()


def config():
    with open(os.path.join(HERE, "config.json"), encoding="utf-8") as f:
        return json.load(f)


def load():
    global _loaded
    if _loaded is not None:
        return _loaded
    images, by_image, by_query = {}, {}, {}
    with open(os.path.join(HERE, "cache.jsonl"), encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if item.get("type") == "image":
                images[item["sha256"]] = base64.b64decode(item["base64"])
            elif item.get("type") == "entry":
                if item["tool"] == "image_search" and item.get("imageSha256"):
                    by_image.setdefault(item["imageSha256"], item)
                elif item["tool"] == "text_search" and item.get("query") is not None:
                    by_query.setdefault(normalise_query(item["query"]), item)
    with open(os.path.join(HERE, "image_index.json"), encoding="utf-8") as f:
        url_to_sha = json.load(f)
    _loaded = {"images": images, "by_image": by_image, "by_query": by_query, "url_to_sha": url_to_sha}
    return _loaded


def image_sha_for(image_url):
    if isinstance(image_url, (list, tuple)) or type(image_url).__name__ == "ndarray":
        image_url = list(image_url)[0] if len(image_url) else ""
    image_url = str(image_url)
    if image_url.startswith("sha256:"):
        return image_url[len("sha256:"):]
    return load()["url_to_sha"].get(image_url)


def as_image(data):
    """A thumbnail as the method feeds it to the model: a PIL image where Pillow is installed, else its bytes."""
    try:
        import io

        from PIL import Image

        return Image.open(io.BytesIO(data)).convert("RGB")
    except ImportError:
        return data
`;

export const SEARCH_TOOLS_IMAGE = String.raw`"""call_image_search(image_url): the method's image search, answered by SearchLab's cache (then SerpApi Lens)."""
import json
import os
import urllib.parse
import urllib.request

from . import cache

HEADER = "[Image Search Results] The result of the image search consists of web page information related to the image from the user's original question. Each result includes the main image from the web page and its title, ranked in descending order of search relevance, as demonstrated below:\n"
FAILED = "[Image Search Results] There is an error encountered in performing search. Please reason with your own capaibilities."
IMAGE_MARKUP = "<|vision_start|><|image_pad|><|vision_end|>"


def _format(results, thumbnails):
    text, images = HEADER, []
    for i, item in enumerate(results):
        if thumbnails and item.get("image") is not None:
            images.append(cache.as_image(item["image"]))
            text += "%d. image: %s\ntitle: %s\n" % (i + 1, IMAGE_MARKUP, item["title"])
        else:
            text += "%d. title: %s\n" % (i + 1, item["title"])
    return text, images


def _from_cache(image_url, topk):
    loaded = cache.load()
    sha = cache.image_sha_for(image_url)
    entry = loaded["by_image"].get(sha) if sha else None
    if entry is None:
        return None
    return [
        {"title": r["title"], "image": loaded["images"].get(r.get("imageSha256") or "")}
        for r in entry["results"][:topk]
    ]


def _live(image_url, topk):
    key = os.environ.get("SERPAPI_API_KEY")
    if not key or not str(image_url).startswith("http"):
        return None
    query = urllib.parse.urlencode({"engine": "google_lens", "url": image_url, "api_key": key})
    with urllib.request.urlopen("https://serpapi.com/search.json?" + query, timeout=30) as response:
        body = json.load(response)
    results = []
    for match in body.get("visual_matches", [])[:topk]:
        thumbnail = None
        if match.get("thumbnail"):
            with urllib.request.urlopen(match["thumbnail"], timeout=30) as t:
                thumbnail = t.read()
        results.append({"title": match.get("title", ""), "image": thumbnail})
    return results


def call_image_search(image_url):
    settings = cache.config()
    topk = int(os.environ.get("SEARCHLAB_TOPK", settings["topk"]))
    results, source = _from_cache(image_url, topk), "cache"
    if results is None:
        try:
            results, source = _live(image_url, topk), "serpapi"
        except Exception as error:  # the method goes on with its own knowledge on a failed search
            return FAILED, [], {"success": False, "num_images": 0, "error": str(error)}
    if results is None:
        return FAILED, [], {"success": False, "num_images": 0, "error": "not in the exported cache"}
    text, images = _format(results, settings["thumbnails"])
    return text, images, {"success": True, "num_images": len(images), "source": source}
`;

export const SEARCH_TOOLS_TEXT = String.raw`"""call_text_search(text_query): the method's text search, answered by SearchLab's cache (then SerpApi)."""
import json
import os
import urllib.parse
import urllib.request

from . import cache

HEADER = "[Text Search Results] Below are the text summaries of the most relevant webpages related to your query, ranked in descending order of relevance:\n"
FAILED = "[Text Search Results] There is an error encountered in performing search. Please reason with your own capaibilities."


def _format(results, links):
    text = HEADER
    for i, item in enumerate(results):
        summary = item.get("summary") or item.get("snippet") or "(no summary)"
        text += ("%d. (%s) %s\n" % (i + 1, item["url"], summary)) if links else ("%d. %s: %s\n" % (i + 1, item["title"], summary))
    return text


def _from_cache(query, topk):
    entry = cache.load()["by_query"].get(cache.normalise_query(query))
    return None if entry is None else entry["results"][:topk]


def _live(query, topk):
    key = os.environ.get("SERPAPI_API_KEY")
    if not key:
        return None
    params = urllib.parse.urlencode({"engine": "google", "q": query, "num": topk, "api_key": key})
    with urllib.request.urlopen("https://serpapi.com/search.json?" + params, timeout=30) as response:
        body = json.load(response)
    return [
        {"title": r.get("title", ""), "url": r.get("link", ""), "snippet": r.get("snippet"), "summary": None}
        for r in body.get("organic_results", [])[:topk]
    ]


def call_text_search(text_query):
    settings = cache.config()
    topk = int(os.environ.get("SEARCHLAB_TOPK", settings["topk"]))
    results, source = _from_cache(text_query, topk), "cache"
    if results is None:
        try:
            results, source = _live(text_query, topk), "serpapi"
        except Exception as error:
            return FAILED, {"success": False, "num_results": 0, "error": str(error)}
    if results is None:
        return FAILED, {"success": False, "num_results": 0, "error": "not in the exported cache"}
    return _format(results, settings["links"]), {"success": True, "num_results": len(results), "source": source}
`;

/** Installed over the method's placeholder tools by run.sh: they hand the call to this folder's search_tools. */
export const methodToolShim = (tool: 'image_search' | 'text_search') => String.raw`# Installed by SearchLab's run.sh over the method's placeholder: the real search, from the exported folder.
import os
import sys

sys.path.insert(0, os.environ["SEARCHLAB_EXPORT_DIR"])
from search_tools.${tool} import call_${tool}  # noqa: E402,F401
`;
