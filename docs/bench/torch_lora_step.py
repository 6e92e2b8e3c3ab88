"""The trainer benchmark's reference: one LoRA training step in eager PyTorch, the same work as
`./scion bench train` (Qwen2.5-0.5B shape, random float32 weights, LoRA rank 16 on all seven projections,
one 512-token sequence with the loss on every token, backward, AdamW on the LoRA parameters).

    apt-get install python3-torch libopenblas0-pthread   # Debian's PyTorch 1.13; without OpenBLAS it uses
                                                          # the reference BLAS, about 20x slower
    /usr/bin/python3 docs/bench/torch_lora_step.py        # the system Python, where Debian installs torch
"""
import math
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
torch.manual_seed(0)
HIDDEN, LAYERS, HEADS, KV_HEADS, INTER, VOCAB = 896, 24, 14, 2, 4864, 151936
HEAD_DIM, RANK, ALPHA, SEQ = HIDDEN // HEADS, 16, 32, 512


def frozen(*shape):
    return torch.randn(*shape) * 0.02


class Lora(torch.nn.Module):
    def __init__(self, n_in, n_out, bias=False):
        super().__init__()
        self.w = frozen(n_out, n_in)
        self.b = frozen(n_out) if bias else None
        self.a = torch.nn.Parameter(torch.empty(RANK, n_in).uniform_(-1 / math.sqrt(n_in), 1 / math.sqrt(n_in)))
        self.lb = torch.nn.Parameter(torch.zeros(n_out, RANK))

    def forward(self, x):
        return F.linear(x, self.w, self.b) + F.linear(F.linear(x, self.a), self.lb) * (ALPHA / RANK)


def rms(x, w):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w


inv = 1.0 / (1e6 ** (torch.arange(0, HEAD_DIM, 2).float() / HEAD_DIM))
angles = torch.outer(torch.arange(SEQ).float(), inv)
cos, sin = torch.cat([angles.cos()] * 2, -1), torch.cat([angles.sin()] * 2, -1)


def rope(x):
    half = x.shape[-1] // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], -1) * sin


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        kv = KV_HEADS * HEAD_DIM
        self.q, self.k, self.v = Lora(HIDDEN, HIDDEN, True), Lora(HIDDEN, kv, True), Lora(HIDDEN, kv, True)
        self.o, self.gate = Lora(HIDDEN, HIDDEN), Lora(HIDDEN, INTER)
        self.up, self.down = Lora(HIDDEN, INTER), Lora(INTER, HIDDEN)
        self.n1, self.n2 = torch.ones(HIDDEN), torch.ones(HIDDEN)

    def forward(self, x, mask):
        h = rms(x, self.n1)
        groups = HEADS // KV_HEADS
        q = rope(self.q(h).view(SEQ, HEADS, HEAD_DIM).transpose(0, 1))
        k = rope(self.k(h).view(SEQ, KV_HEADS, HEAD_DIM).transpose(0, 1)).repeat_interleave(groups, 0)
        v = self.v(h).view(SEQ, KV_HEADS, HEAD_DIM).transpose(0, 1).repeat_interleave(groups, 0)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(HEAD_DIM) + mask, -1) @ v
        x = x + self.o(att.transpose(0, 1).reshape(SEQ, HIDDEN))
        h = rms(x, self.n2)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


embedding = frozen(VOCAB, HIDDEN)
layers = torch.nn.ModuleList(Layer() for _ in range(LAYERS))
final = torch.ones(HIDDEN)
mask = torch.full((SEQ, SEQ), float("-inf")).triu(1)
optimizer = torch.optim.AdamW(layers.parameters(), lr=3e-3, weight_decay=0.0)
print("LoRA parameters %.1fM, torch %s, threads %d" % (
    sum(p.numel() for p in layers.parameters()) / 1e6, torch.__version__, torch.get_num_threads()))
times = []
for step in range(4):
    tokens = torch.randint(0, VOCAB, (SEQ,))
    start = time.perf_counter()
    x = embedding[tokens]
    for layer in layers:
        x = layer(x, mask)
    logits = rms(x, final) @ embedding.t()
    loss = F.cross_entropy(logits[:-1], tokens[1:])
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    times.append(time.perf_counter() - start)
    print("step %d: %.2f s, loss %.3f" % (step + 1, times[-1], loss.item()))
median = sorted(times[1:])[len(times[1:]) // 2]
print("median step %.2f s: %.1f training tokens/s" % (median, SEQ / median))
