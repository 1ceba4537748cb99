"""The same random Qwen2.5-VL folder through transformers' Qwen2_5_VLForConditionalGeneration and through SearchLab
(`searchlab model run … --json`, whose output is passed in), side by side: input ids and image grid under the slow (Pillow) processor and the default one, position ids (3 × T), the last K positions' logits and N greedy tokens.

Usage: python3 qwen_compare.py MODEL_DIR IMAGE PROMPT SEARCHLAB_JSON OUT_JSON [--device cuda|cpu]
Prints one line per comparison and writes them all to OUT_JSON."""
import json
import sys

import numpy as np
import torch
from PIL import Image
from transformers import AutoProcessor, Qwen2_5_VLForConditionalGeneration


def main():
    model_dir, image_path, prompt, ours_path, out_path = sys.argv[1:6]
    device = sys.argv[sys.argv.index("--device") + 1] if "--device" in sys.argv else "cuda"
    ours = json.load(open(ours_path))
    K = len(ours["logits_last"])
    N = len(ours["greedy"])
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": prompt}]}]
    image = Image.open(image_path).convert("RGB")
    report = {}

    processors = {"slow": AutoProcessor.from_pretrained(model_dir, use_fast=False), "default": AutoProcessor.from_pretrained(model_dir)}
    inputs = None
    for name, processor in processors.items():
        text = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        batch = processor(text=[text], images=[image], return_tensors="pt")
        report[f"{name}: input_ids equal"] = batch["input_ids"][0].tolist() == ours["input_ids"]
        report[f"{name}: image_grid_thw"] = batch["image_grid_thw"].tolist()
        report[f"{name}: image_grid_thw equal"] = batch["image_grid_thw"].tolist() == ours["image_grid_thw"]
        if name == "slow":
            inputs = batch

    try:  # transformers 5 names it dtype; 4.x torch_dtype
        model = Qwen2_5_VLForConditionalGeneration.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
    except TypeError:
        model = Qwen2_5_VLForConditionalGeneration.from_pretrained(model_dir, torch_dtype=torch.float32, attn_implementation="eager")
    model = model.to(device).eval()
    inputs = {k: v.to(device) for k, v in inputs.items()}
    with torch.no_grad():
        rope = getattr(model, "model", model)
        position_ids, _ = rope.get_rope_index(inputs["input_ids"], inputs["image_grid_thw"], None, attention_mask=inputs["attention_mask"])
        report["position_ids equal"] = position_ids[:, 0, :].tolist() == ours["position_ids"]
        logits = model(**inputs).logits[0, -K:, :].double().cpu().numpy()
        mine = np.array(ours["logits_last"], dtype=np.float64)
        diff = np.abs(logits - mine).max()
        report["logits max abs diff"] = float(diff)
        report["logits max relative diff"] = float(diff / np.abs(logits).max())
        ids = inputs["input_ids"]
        greedy = []
        for _ in range(N):
            step = model(input_ids=ids, attention_mask=torch.ones_like(ids), pixel_values=inputs["pixel_values"], image_grid_thw=inputs["image_grid_thw"]).logits[0, -1]
            token = int(step.argmax())
            greedy.append(token)
            ids = torch.cat([ids, torch.tensor([[token]], device=device)], dim=1)
        report["greedy (transformers)"] = greedy
        report["greedy equal"] = greedy == ours["greedy"]
    for k, v in report.items():
        print(f"{k}: {v}")
    json.dump(report, open(out_path, "w"), indent=2)


main()
