"""PyTorch reference on the GPU machine: a decoder of the tiny model's shape (the same widths as the model
benchmark), timed forward, forward+backward, and one-token decode with a KV cache, fp32, so SearchLab's
onnxruntime figures can be read as ratios against a mature framework measured in the same call."""
import json, sys, time
import torch

def median_ms(fn, warmup=3, repeat=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); torch.cuda.synchronize(); times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2]

def main(out):
    dev = 'cuda'
    results = {}
    for d, layers, batch, seq in [(64, 2, 16, 128), (128, 4, 32, 128), (256, 8, 32, 128)]:
        layer = torch.nn.TransformerDecoderLayer(d, max(1, d // 32), 4 * d, batch_first=True, norm_first=True).to(dev)
        model = torch.nn.TransformerDecoder(layer, layers).to(dev)
        x = torch.randn(batch, seq, d, device=dev, requires_grad=True)
        mask = torch.nn.Transformer.generate_square_subsequent_mask(seq, device=dev)
        fwd = median_ms(lambda: model(x, x, tgt_mask=mask))
        def step():
            model(x, x, tgt_mask=mask).sum().backward()
        fb = median_ms(step)
        results[f'd{d}_l{layers}_b{batch}_t{seq}'] = {'forward_ms': fwd, 'forward_backward_ms': fb, 'tokens_per_s_train': batch * seq / (fb / 1000)}
    results['device'] = torch.cuda.get_device_name(0)
    results['torch'] = torch.__version__
    json.dump(results, open(out, 'w'), indent=2)
    print(json.dumps(results, indent=2))

if __name__ == '__main__':
    main(sys.argv[1])
