#!/usr/bin/python3
"""The WORKLOADS.md reference workloads in PyTorch, run the way that makes PyTorch fastest here,
so anyone can reproduce relunet's comparison:  /usr/bin/python3 scripts/pytorch_workloads.py --json torch.json

Needs Debian's python3-torch, python3-numpy, libopenblas0-pthread and dataset-fashion-mnist:
    apt-get install -y python3-torch python3-numpy libopenblas0-pthread dataset-fashion-mnist

The parent process starts one child per part with the environment each part needs:
  W1-W3: OPENBLAS_NUM_THREADS=1 (torch's two OpenMP threads would otherwise fight OpenBLAS's two)
         and GLIBC_TUNABLES raising malloc's mmap/trim thresholds (else page-fault storms slow epochs 2-4x);
  W4:    numpy float32 matmul = OpenBLAS sgemm with OPENBLAS_NUM_THREADS=1 and =2, and
         OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset so OpenBLAS picks its AVX-512 kernel.
Output JSON uses the keys of `relunet bench --json`: W1.epoch_seconds, W1.test_accuracy, W2..., W3.b256_images_per_second,
W3.b1_latency_ms, W4.gflops_1t, W4.gflops_2t. One run trains with one seed; `relunet bench --seeds N` calls the
script once per seed (--tag-seed names the seed in the progress lines) and merges the runs itself.
"""
import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time

DATA = os.environ.get("RELUNET_DATA", "/usr/share/datasets/fashion-mnist")
TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def idx(path, magic_expected):
    import numpy as np
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    if magic != magic_expected:
        sys.exit(f"{path}: bad IDX magic {magic:#x}")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(magic & 0xFF)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims))
    return data.reshape(dims)


def load():
    import numpy as np
    import torch
    def images(name):
        return torch.from_numpy((idx(os.path.join(DATA, name), 0x803).astype(np.float32) / 255.0)[:, None, :, :].copy())
    def labels(name):
        return torch.from_numpy(idx(os.path.join(DATA, name), 0x801).astype(np.int64))
    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def networks():
    import torch.nn as nn
    def he(model):
        for m in model.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
                nn.init.zeros_(m.bias)
        return model
    mlp = lambda: he(nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)))
    cnn = lambda: he(nn.Sequential(nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                   nn.Flatten(), nn.Linear(3136, 10)))
    return mlp, cnn


def train(model, lr, batch, epochs, xtr, ytr, xte, yte, name):
    import torch
    import torch.nn.functional as F
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    seconds = []
    for ep in range(epochs):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(xtr.shape[0])
        for s in range(0, xtr.shape[0], batch):
            i = perm[s:s + batch]
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(xtr.index_select(0, i)), ytr.index_select(0, i)).backward()
            opt.step()
        seconds.append(time.perf_counter() - t0)
        log(f"{name}: epoch {ep + 1} {seconds[-1]:.3f} s")
    model.eval()
    with torch.inference_mode():
        correct = sum((model(xte[s:s + 1000]).argmax(1) == yte[s:s + 1000]).sum().item() for s in range(0, xte.shape[0], 1000))
    acc = correct / xte.shape[0]
    log(f"{name}: test accuracy {acc:.4f}")
    out = {"epoch_seconds": seconds, "test_accuracy": acc}
    if len(seconds) > 1:
        out["epoch2_plus_median_seconds"] = statistics.median(seconds[1:])
    return out


def infer(model, xte):
    import torch
    model.eval()
    with torch.inference_mode():
        def full():
            for s in range(0, xte.shape[0], 256):
                model(xte[s:s + 256])
        full()
        full()
        rates = []
        for _ in range(5):
            t0 = time.perf_counter()
            full()
            rates.append(xte.shape[0] / (time.perf_counter() - t0))
        ones = [xte[i:i + 1] for i in range(1000)]
        for i in range(200):
            model(ones[i])
        lat = []
        for x in ones:
            t0 = time.perf_counter()
            model(x)
            lat.append((time.perf_counter() - t0) * 1e3)
    out = {"b256_images_per_second": statistics.median(rates), "b256_images_per_second_runs": rates,
           "b1_latency_ms": statistics.median(lat)}
    log(f"W3: {out['b256_images_per_second']:.0f} images/s at batch 256, {out['b1_latency_ms']:.3f} ms at batch 1")
    return out


def child_training(parts, seed, tag):
    import torch
    torch.set_num_threads(2)
    xtr, ytr, xte, yte = load()
    mlp, cnn = networks()
    res = {"meta": {"torch": torch.__version__, "threads": torch.get_num_threads(),
                    "config": torch.__config__.parallel_info().splitlines()[:6]}}
    if "W1" in parts:
        torch.manual_seed(seed)
        res["W1"] = train(mlp(), 0.05, 128, 5, xtr, ytr, xte, yte, "W1" + tag)
    model = None
    if "W2" in parts:
        torch.manual_seed(seed)
        model = cnn()
        res["W2"] = train(model, 0.02, 64, 2, xtr, ytr, xte, yte, "W2" + tag)
    if "W3" in parts:
        torch.manual_seed(seed)
        res["W3"] = infer(model if model is not None else cnn(), xte)
    return res


def child_sgemm():
    import numpy as np
    n = 1024
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    for _ in range(15):
        a @ b
    g = []
    for _ in range(15):
        t0 = time.perf_counter()
        a @ b
        g.append(2 * n ** 3 / (time.perf_counter() - t0) / 1e9)
    return statistics.median(g)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="W1,W2,W3,W4")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tag-seed", action="store_true", help="name the seed in the training lines (W1 seed 3: ...)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    parts = [p.strip().upper() for p in args.only.split(",") if p.strip()]
    if args.child == "train":
        print(json.dumps(child_training(parts, args.seed, f" seed {args.seed}" if args.tag_seed else "")))
        return
    if args.child == "sgemm":
        print(json.dumps(child_sgemm()))
        return
    result = {}
    me = [sys.executable, os.path.abspath(__file__), "--seed", str(args.seed)] + (["--tag-seed"] if args.tag_seed else [])
    train_parts = [p for p in parts if p in ("W1", "W2", "W3")]
    if train_parts:
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", GLIBC_TUNABLES=TUNABLES)
        out = subprocess.run(me + ["--child", "train", "--only", ",".join(train_parts)], env=env,
                             stdout=subprocess.PIPE, check=True, text=True).stdout
        result.update(json.loads(out))
    if "W4" in parts:
        w4 = {}
        for t in (1, 2):
            env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
            env["OPENBLAS_NUM_THREADS"] = str(t)
            out = subprocess.run(me + ["--child", "sgemm"], env=env, stdout=subprocess.PIPE, check=True, text=True).stdout
            w4[f"gflops_{t}t"] = json.loads(out)
            log(f"W4: OpenBLAS sgemm 1024^3 on {t} thread{'s' if t > 1 else ''}: {w4[f'gflops_{t}t']:.1f} GFLOP/s")
        result["W4"] = w4
    text = json.dumps(result, indent=2)
    if args.json:
        tmp = args.json + ".tmp"
        with open(tmp, "w") as f:
            f.write(text + "\n")
        os.replace(tmp, args.json)
    print(text)


if __name__ == "__main__":
    main()
