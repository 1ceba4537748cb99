// search_tools/: the method's tool interface (call_image_search(image_url) -> (text, images, stat);
// call_text_search(text_query) -> (text, stat)) answered from SearchLab's search cache exported beside it, with the
// method's "[Image Search Results]" / "[Text Search Results]" strings. A call the cache lacks goes live the way
// SearchLab's clients do (search/web/serpapi.ts, jina.ts, openai.ts, summarise.ts) when SERPAPI_API_KEY is set in
// the environment (keys are never written into the folder), else returns the method's error text.

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


def _keep(index, key, entry, engine):
    """One entry per call; where several engines answered it, the run's engine wins."""
    if key not in index or (entry["engine"] == engine and index[key]["engine"] != engine):
        index[key] = entry


def load():
    global _loaded
    if _loaded is not None:
        return _loaded
    images, by_image, by_query = {}, {}, {}
    engine = config()["engine"]
    with open(os.path.join(HERE, "cache.jsonl"), encoding="utf-8") as f:
        for line in f:
            item = json.loads(line)
            if item.get("type") == "image":
                images[item["sha256"]] = base64.b64decode(item["base64"])
            elif item.get("type") == "entry":
                if item["tool"] == "image_search" and item.get("imageSha256"):
                    _keep(by_image, item["imageSha256"], item, engine)
                elif item["tool"] == "text_search" and item.get("query") is not None:
                    _keep(by_query, normalise_query(item["query"]), item, engine)
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


def question_image(sha):
    """The question's image as exported for live image search (samples without a web address)."""
    for name in os.listdir(os.path.join(HERE, "question_images")):
        if name.startswith(sha + "."):
            with open(os.path.join(HERE, "question_images", name), "rb") as f:
                return f.read()
    raise FileNotFoundError("the question image %s was not exported" % sha)


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
import os

from . import cache, live

HEADER = (
    "[Image Search Results] The result of the image search consists of web page information related to the image "
    "from the user's original question. Each result includes the main image from the web page and its title, "
    "ranked in descending order of search relevance, as demonstrated below:\n"
)
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


def call_image_search(image_url):
    settings = cache.config()
    topk = int(os.environ.get("SEARCHLAB_TOPK", settings["imageTopK"]))
    results, source = _from_cache(image_url, topk), "cache"
    if results is None:
        try:
            results, source = live.image_search(image_url, topk, settings), "serpapi"
        except Exception as error:  # the method goes on with its own knowledge on a failed search
            return FAILED, [], {"success": False, "num_images": 0, "error": str(error)}
    text, images = _format(results, settings["thumbnails"])
    return text, images, {"success": True, "num_images": len(images), "source": source}
`;

export const SEARCH_TOOLS_TEXT = String.raw`"""call_text_search(text_query): the method's text search, answered by SearchLab's cache (then SerpApi)."""
import os

from . import cache, live

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


def call_text_search(text_query):
    settings = cache.config()
    topk = int(os.environ.get("SEARCHLAB_TOPK", settings["textTopK"]))
    results, source = _from_cache(text_query, topk), "cache"
    if results is None:
        try:
            results, source = live.text_search(text_query, topk, settings), "serpapi"
        except Exception as error:
            return FAILED, {"success": False, "num_results": 0, "error": str(error)}
    return _format(results, settings["links"]), {"success": True, "num_results": len(results), "source": source}
`;

export const SEARCH_TOOLS_LIVE = String.raw`"""Live search for calls the exported cache lacks, as SearchLab's clients make them: SerpApi Google Lens (by the
image's URL, or uploaded through SerpApi's Image API) and Google, Jina Reader for the pages, then the summariser
SearchLab was set to (extractive, or an OpenAI-compatible endpoint). Keys come from the environment only."""
import json
import os
import re
import unicodedata
import urllib.parse
import urllib.request
import uuid

from . import cache


def _key(*names):
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    return None


def _get(url, headers=None, timeout=30):
    request = urllib.request.Request(url, headers=dict({"accept": "application/json"}, **(headers or {})))
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def _serpapi_key():
    key = _key("SEARCHLAB_SERPAPI_KEY", "SERPAPI_API_KEY")
    if not key:
        raise RuntimeError("not in the exported cache, and no SerpApi key (SERPAPI_API_KEY) to search live")
    return key


def _serpapi(params, list_field, settings):
    key = _serpapi_key()
    query = dict({"hl": settings["serpapi"]["hl"]}, **params)
    query["api_key"] = key
    base = os.environ.get("SEARCHLAB_SERPAPI_URL", settings["serpapi"]["baseUrl"]).rstrip("/")
    body = json.loads(_get(base + "/search.json?" + urllib.parse.urlencode({k: v for k, v in query.items() if v})))
    found = body.get(list_field)
    if found is None:
        error = body.get("error") or ""
        if re.search(r"hasn't returned any results|no results", error, re.I) or (body.get("search_metadata") or {}).get("status") == "Success":
            return []
        raise RuntimeError(error or 'the response has no "%s"' % list_field)
    return [item for item in found if isinstance(item, dict) and isinstance(item.get("title"), str) and isinstance(item.get("link"), str)]


def _upload(image_bytes, settings):
    """SerpApi's Image API: multipart image + api_key -> image_id (valid ten minutes)."""
    boundary = uuid.uuid4().hex
    key = _serpapi_key()
    parts = [
        b"--"
        + boundary.encode()
        + b'\r\nContent-Disposition: form-data; name="image"; filename="image.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        + image_bytes
        + b"\r\n",
        b"--" + boundary.encode() + b'\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n' + key.encode() + b"\r\n",
        b"--" + boundary.encode() + b"--\r\n",
    ]
    base = os.environ.get("SEARCHLAB_SERPAPI_URL", settings["serpapi"]["baseUrl"]).rstrip("/")
    request = urllib.request.Request(
        base + "/image",
        data=b"".join(parts),
        headers={"content-type": "multipart/form-data; boundary=" + boundary, "accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        body = json.loads(response.read())
    if not body.get("image_id"):
        raise RuntimeError("the upload was refused: %s" % body.get("error", "no image_id"))
    return body["image_id"]


def image_search(image_url, topk, settings):
    """Lens matches of the question's image: its web address, or its bytes (exported beside the cache) uploaded."""
    _serpapi_key()
    sha = cache.image_sha_for(image_url)
    address = str(image_url[0] if isinstance(image_url, (list, tuple)) else image_url)
    where = {"url": address} if address.startswith("http") else {"image_id": _upload(cache.question_image(sha), settings)}
    lens_type = settings["serpapi"]["lensType"]
    params = dict(where, engine="google_lens", type=lens_type, country=settings["serpapi"]["country"])
    matches = _serpapi(params, "exact_matches" if lens_type == "exact_matches" else "visual_matches", settings)[:topk]
    results = []
    for match in matches:
        thumbnail = None
        if match.get("thumbnail"):
            try:
                thumbnail = _get(match["thumbnail"], {"accept": "image/*"})
            except Exception:
                thumbnail = None  # a result without its picture still has its title
        results.append({"title": match["title"], "image": thumbnail})
    return results


def _read_page(url, settings):
    reader = settings["reader"]
    if not reader["enabled"]:
        return None
    headers = {}
    key = _key("SEARCHLAB_JINA_KEY", "JINA_API_KEY")
    if key:
        headers["authorization"] = "Bearer " + key
    base = os.environ.get("SEARCHLAB_JINA_URL", reader["baseUrl"]).rstrip("/")
    body = json.loads(_get(base + "/" + url, headers))
    return body["data"]["content"][: reader["maxChars"]]


# ---- the extractive summariser (search/summarise.ts, search/text.ts) ----

STOP_WORDS = set(
    (
        "a an the of in on at to for and or but is are was were be been being by with from as that this these those "
        "it its what which who whom whose when where why how does do did has have had not no than then there their "
        "they he she his her you your we our i me my"
    ).split(" ")
)


def _stem(word):
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and re.search(r"(s|x|z|ch|sh)es$", word):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_word_char(c):
    return unicodedata.category(c)[0] in "LN"


def terms(text):
    words, current = [], ""
    for c in text.lower():
        if _is_word_char(c):
            current += c
        elif current:
            words.append(current)
            current = ""
    if current:
        words.append(current)
    return [_stem(w) for w in words if w not in STOP_WORDS]


def _split_line(line):
    # A sentence ends at . ! or ? followed by space and an upper-case letter, a digit, a quote or a bracket.
    pieces, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+", line):
        following = line[m.end() : m.end() + 1]
        if following and (unicodedata.category(following) in ("Lu", "Nd", "Nl", "No") or following in "\"'(["):
            pieces.append(line[start : m.start()])
            start = m.end()
    pieces.append(line[start:])
    return pieces


def sentences(text):
    pieces = [piece for line in re.split(r"\n+", text) for piece in _split_line(line)]
    cleaned = [re.sub(r"\s+", " ", p).strip() for p in pieces]
    return [p for p in cleaned if len(p) >= 3]


def truncate(text, limit):
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "\u2026"


def extractive_summary(query, text, title="", max_sentences=3, max_chars=600):
    wanted = set(terms(query))
    found = [s for s in sentences(text) if s.lower() != title.strip().lower()]
    if not found:
        return ""
    scored = [(sum(1 for w in wanted if w in set(terms(s))), i, s) for i, s in enumerate(found)]
    relevant = sorted([x for x in scored if x[0] > 0], key=lambda x: (-x[0], x[1]))
    chosen = sorted((relevant or scored)[:max_sentences], key=lambda x: x[1])
    return truncate(" ".join(s for _, _, s in chosen), max_chars)


SUMMARY_SYSTEM_PROMPT = (
    "You summarise a web page for a question-answering assistant. Keep only facts relevant to the query, in at most three sentences. "
    "If the page has nothing relevant, say so in one sentence."
)


def _summarise(query, title, url, text, settings):
    summariser = settings["summariser"]
    if summariser["kind"] != "openai":
        return extractive_summary(query, text, title)
    body = {
        "model": summariser["model"],
        "max_tokens": summariser["maxTokens"],
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SUMMARY_SYSTEM_PROMPT},
            {"role": "user", "content": "Query: %s\n\nPage title: %s\nPage URL: %s\n\nPage text:\n%s" % (query, title, url, text)},
        ],
    }
    headers = {"content-type": "application/json", "accept": "application/json"}
    key = _key("SEARCHLAB_SUMMARISER_KEY", "OPENAI_API_KEY")
    if key:
        headers["authorization"] = "Bearer " + key
    request = urllib.request.Request(summariser["baseUrl"].rstrip("/") + "/chat/completions", data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return (json.loads(response.read())["choices"][0]["message"]["content"] or "").strip()


def text_search(query, topk, settings):
    """Google results, each page read and summarised for the query; a page that cannot be read keeps its snippet."""
    params = {"engine": "google", "q": query, "gl": settings["serpapi"]["gl"], "num": str(max(topk, 10))}
    results = []
    for hit in _serpapi(params, "organic_results", settings)[:topk]:
        text = hit.get("snippet") or ""
        try:
            text = _read_page(hit["link"], settings) or text
        except Exception:
            pass
        try:
            summary = _summarise(query, hit["title"], hit["link"], text, settings)
        except Exception:
            summary = None
        results.append({"title": hit["title"], "url": hit["link"], "snippet": hit.get("snippet"), "summary": summary})
    return results
`;

/** Installed over the method's placeholder tools by run.sh: they hand the call to this folder's search_tools. */
export const methodToolShim = (
  tool: 'image_search' | 'text_search',
) => String.raw`# Installed by SearchLab's run.sh over the method's placeholder: the real search, from the exported folder.
import os
import sys

sys.path.insert(0, os.environ["SEARCHLAB_EXPORT_DIR"])
from search_tools.${tool} import call_${tool}  # noqa: E402,F401
`;
