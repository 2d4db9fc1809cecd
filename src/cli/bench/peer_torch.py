"""The bench's PyTorch peer: the same training steps as src/cli/bench/stepCases.ts, in eager
PyTorch at the same sizes (batch 32, context 16, the shipped addition teacher, a d32x1x2
student), written the way one would in PyTorch: the same GPT-2 blocks, prefill over the prompt
then a key/value cache for sampling, Gumbel-max draws, the samplers' logits reused, Adam with
global-norm clipping. Prints one JSON line with ms and CPU ms per step per case, the PyTorch
version, its thread count and the BLAS it was built with.

Run by `npm run bench -- --sections peer` with Debian's python3-torch (/usr/bin/python3);
by hand: /usr/bin/python3 src/cli/bench/peer_torch.py --cases gkd-student,gkd-dataset,ammd
"""

import argparse
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

PAD, BOS, EOS = 0, 1, 2
CHARS = "0123456789+=abcdefghijklmnopqrstuvwxyz >."
VOCAB = 3 + len(CHARS)
ID = {c: 3 + i for i, c in enumerate(CHARS)}
T = 16


class GPT(torch.nn.Module):
    """Decoder-only transformer; parameters named and shaped as in transformer.ts ([din, dout])."""

    def __init__(self, d, layers, heads, weights=None, gen=None):
        super().__init__()
        self.d, self.layers, self.heads = d, layers, heads
        specs = [("tok_emb", (VOCAB, d), "normal"), ("pos_emb", (T, d), "normal")]
        for l in range(layers):
            p = f"h{l}."
            specs += [(p + "ln1.g", (d,), "ones"), (p + "ln1.b", (d,), "zeros")]
            for w in "qkv":
                specs.append((p + f"attn.w{w}", (d, d), "normal"))
            for b in "qkv":
                specs.append((p + f"attn.b{b}", (d,), "zeros"))
            specs += [(p + "attn.wo", (d, d), "residual"), (p + "attn.bo", (d,), "zeros")]
            specs += [(p + "ln2.g", (d,), "ones"), (p + "ln2.b", (d,), "zeros")]
            specs += [(p + "mlp.w1", (d, 4 * d), "normal"), (p + "mlp.b1", (4 * d,), "zeros")]
            specs += [(p + "mlp.w2", (4 * d, d), "residual"), (p + "mlp.b2", (d,), "zeros")]
        specs += [("ln_f.g", (d,), "ones"), ("ln_f.b", (d,), "zeros")]
        specs += [("head.w", (d, VOCAB), "normal"), ("head.b", (VOCAB,), "zeros")]
        self.p = torch.nn.ParameterDict()
        for name, shape, init in specs:
            if weights is not None:
                t = weights[name].reshape(shape)
            elif init == "ones":
                t = torch.ones(shape)
            elif init == "zeros":
                t = torch.zeros(shape)
            else:
                std = 0.02 / math.sqrt(2 * layers) if init == "residual" else 0.02
                t = torch.randn(shape, generator=gen) * std
            self.p[name.replace(".", "_")] = torch.nn.Parameter(t.clone())

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def ln(self, x, name):
        return F.layer_norm(x, (self.d,), self.w(name + ".g"), self.w(name + ".b"), 1e-5)

    def block(self, x, l, attend):
        p = f"h{l}."
        h = self.ln(x, p + "ln1")
        q, k, v = (h @ self.w(p + f"attn.w{c}") + self.w(p + f"attn.b{c}") for c in "qkv")
        x = x + attend(q, k, v) @ self.w(p + "attn.wo") + self.w(p + "attn.bo")
        h = F.gelu(self.ln(x, p + "ln2") @ self.w(p + "mlp.w1") + self.w(p + "mlp.b1"), approximate="tanh")
        return x + h @ self.w(p + "mlp.w2") + self.w(p + "mlp.b2")

    def split(self, x):
        B, n, _ = x.shape
        return x.view(B, n, self.heads, self.d // self.heads).transpose(1, 2)

    def hidden(self, tokens, cache=None):
        """tokens [B, n] at positions 0..n-1; with `cache`, keys and values are stored in it."""
        B, n = tokens.shape
        x = self.w("tok_emb")[tokens] + self.w("pos_emb")[:n]
        mask = torch.full((n, n), -1e9).triu(1)

        def attend_for(l):
            def attend(q, k, v):
                q, k, v = self.split(q), self.split(k), self.split(v)
                if cache is not None:
                    cache[l][0][:, :, :n] = k
                    cache[l][1][:, :, :n] = v
                s = q @ k.transpose(-1, -2) / math.sqrt(self.d // self.heads) + mask
                return (s.softmax(-1) @ v).transpose(1, 2).reshape(B, n, self.d)

            return attend

        for l in range(self.layers):
            x = self.block(x, l, attend_for(l))
        return self.ln(x, "ln_f")

    def head(self, h):
        """Final hidden states -> logits."""
        return h @ self.w("head.w") + self.w("head.b")

    def forward(self, tokens, cache=None):
        return self.head(self.hidden(tokens, cache))

    def new_cache(self, B):
        shape = (B, self.heads, T, self.d // self.heads)
        return [(torch.zeros(shape), torch.zeros(shape)) for _ in range(self.layers)]

    def step(self, token, t, cache):
        """One cached position: token [B] at t -> logits [B, V]."""
        B = token.shape[0]
        x = (self.w("tok_emb")[token] + self.w("pos_emb")[t]).unsqueeze(1)

        def attend_for(l):
            def attend(q, k, v):
                q = self.split(q)
                cache[l][0][:, :, t : t + 1] = self.split(k)
                cache[l][1][:, :, t : t + 1] = self.split(v)
                K, V = cache[l][0][:, :, : t + 1], cache[l][1][:, :, : t + 1]
                s = q @ K.transpose(-1, -2) / math.sqrt(self.d // self.heads)
                return (s.softmax(-1) @ V).transpose(1, 2).reshape(B, 1, self.d)

            return attend

        for l in range(self.layers):
            x = self.block(x, l, attend_for(l))
        return self.head(self.ln(x, "ln_f"))[:, 0]


@torch.no_grad()
def sample(model, prompts, tau, gen):
    """Prefill the prompt (every row the same length P), then one cached step per position;
    Gumbel-max draws, PAD after EOS. Returns tokens [B, T], mask [B, T], logits [B, T, V]."""
    B, P = prompts.shape
    cache = model.new_cache(B)
    pre = model(prompts, cache)
    tokens = torch.full((B, T), PAD, dtype=torch.long)
    tokens[:, :P] = prompts
    mask = torch.zeros(B, T)
    done = torch.zeros(B, dtype=torch.bool)
    noise = -torch.log(-torch.log(torch.rand(B, T, VOCAB, generator=gen) + 1e-20) + 1e-20)
    kept = [pre]
    logits = pre[:, P - 1]
    for t in range(P - 1, T - 1):
        if t > P - 1:
            logits = model.step(tokens[:, t], t, cache)
            kept.append(logits.unsqueeze(1))
        choice = (logits / tau + noise[:, t]).argmax(-1)
        token = torch.where(done, torch.full_like(choice, PAD), choice)
        mask[:, t] = (~done).float()
        done = done | (token == EOS)
        tokens[:, t + 1] = token
    kept.append(torch.zeros(B, 1, VOCAB))
    return tokens, mask, torch.cat(kept, 1)


def addition_batch(B, gen):
    """B addition examples as in tasks/addition.ts: BOS 'aaa+bbb=' then the 4-digit sum, EOS."""
    tokens = torch.full((B, T), PAD, dtype=torch.long)
    mask = torch.zeros(B, T)
    ab = torch.randint(0, 1000, (B, 2), generator=gen).tolist()
    for i, (a, b) in enumerate(ab):
        seq = [BOS] + [ID[c] for c in f"{a:03d}+{b:03d}="] + [ID[c] for c in f"{a + b:04d}"] + [EOS]
        tokens[i, : len(seq)] = torch.tensor(seq)
        mask[i, 8 : len(seq) - 1] = 1  # positions whose target is an answer token or EOS
    return tokens, mask


def jsd(teacher_logits, student_logits, beta=0.5):
    """Generalized JSD(beta) per position (GKD, Agarwal et al. 2024, Eq. 1), m formed in log space."""
    lp, lq = teacher_logits.log_softmax(-1), student_logits.log_softmax(-1)
    lm = torch.logsumexp(torch.stack([lq + math.log(1 - beta), lp + math.log(beta)]), 0)
    kl_pm = (lp.exp() * (lp - lm)).sum(-1)
    kl_qm = (lq.exp() * (lq - lm)).sum(-1)
    return beta * kl_pm + (1 - beta) * kl_qm


def masked_mean(x, mask):
    return (x * mask).sum() / mask.sum().clamp(min=1)


def sequence_mean(x, mask):
    return (x * mask).sum(-1).mean()


class Case:
    def __init__(self, teacher, seed):
        self.teacher = teacher
        self.gen = torch.Generator().manual_seed(seed)
        self.student = GPT(32, 1, 2, gen=self.gen)
        self.opt = torch.optim.Adam(self.student.parameters(), lr=3e-3, betas=(0.9, 0.98))

    def student_step(self, loss):
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.student.parameters(), 1.0)
        self.opt.step()
        return loss.item()


class GkdStudent(Case):
    def step(self):
        tokens, _ = addition_batch(32, self.gen)
        x, mask, _ = sample(self.student, tokens[:, :9], 1.0, self.gen)
        with torch.no_grad():
            p = self.teacher(x)
        return self.student_step(masked_mean(jsd(p, self.student(x)), mask))


class GkdDataset(Case):
    def step(self):
        x, mask = addition_batch(32, self.gen)
        with torch.no_grad():
            p = self.teacher(x)
        return self.student_step(masked_mean(jsd(p, self.student(x)), mask))


class Ammd(Case):
    """AMMD at its defaults: beta 0.5, R 1, K 2 critic steps, penalty 0.3, critic lr 10x. The critic is
    two linear heads reading, detached, the teacher's and the student's last hidden states and
    their next-token distributions (criticFeatures = probs), as in the playground."""

    def __init__(self, teacher, seed):
        super().__init__(teacher, seed)
        width = teacher.d + self.student.d + 2 * VOCAB
        self.heads = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(s)) for s in [(width, VOCAB), (VOCAB,)] * 2])
        self.critic_params = list(self.heads)
        self.critic_opt = torch.optim.Adam(self.critic_params, lr=3e-2, betas=(0.9, 0.98))

    def critic(self, feats_on, feats_off):
        w_on, b_on, w_off, b_off = self.heads
        return torch.tanh(feats_on @ w_on + b_on), torch.tanh(feats_off @ w_off + b_off)

    @staticmethod
    def gap(p_logits, q_logits, f):
        return ((p_logits.softmax(-1) - q_logits.softmax(-1)) * f).sum(-1)

    def step(self, beta=0.5, penalty=0.3):
        tokens, _ = addition_batch(32, self.gen)
        prompts = tokens[:, :9]
        on, on_mask, q_on = sample(self.student, prompts, 1.0, self.gen)
        off, off_mask, p_off = sample(self.teacher, prompts, 1.0, self.gen)
        with torch.no_grad():
            t_on, t_off = self.teacher.hidden(on), self.teacher.hidden(off)
            s_on, s_off = self.student.hidden(on), self.student.hidden(off)
            p_on = self.teacher.head(t_on)
            q_off = self.student.head(s_off)
            feats_on = torch.cat([t_on, s_on, p_on.softmax(-1), q_on.softmax(-1)], -1)
            feats_off = torch.cat([t_off, s_off, p_off.softmax(-1), q_off.softmax(-1)], -1)
        for _ in range(2):
            f_on, f_off = self.critic(feats_on, feats_off)
            game = beta * sequence_mean(self.gap(p_on, q_on, f_on), on_mask) + (1 - beta) * sequence_mean(self.gap(p_off, q_off, f_off), off_mask)
            size = beta * sequence_mean((f_on**2).sum(-1), on_mask) + (1 - beta) * sequence_mean((f_off**2).sum(-1), off_mask)
            self.critic_opt.zero_grad(set_to_none=True)
            (penalty * size - game).backward()
            for p in self.critic_params:
                p.grad.nan_to_num_(0.0, 0.0, 0.0)
            torch.nn.utils.clip_grad_norm_(self.critic_params, 1.0)
            self.critic_opt.step()
        with torch.no_grad():
            f_on, f_off = self.critic(feats_on, feats_off)
        n = on.shape[0]
        q = self.student(torch.cat([on, off]))
        loss = beta * sequence_mean(self.gap(p_on, q[:n], f_on), on_mask) + (1 - beta) * sequence_mean(self.gap(p_off, q[n:], f_off), off_mask)
        return self.student_step(loss)


CASES = {"gkd-student": GkdStudent, "gkd-dataset": GkdDataset, "ammd": Ammd}


def load_teacher(directory):
    """The shipped teacher from model.json + weights.bin (float32, manifest order)."""
    with open(os.path.join(directory, "model.json")) as f:
        manifest = json.load(f)
    config = manifest["modelTopology"]["config"]
    with open(os.path.join(directory, "weights.bin"), "rb") as f:
        data = f.read()
    weights, offset = {}, 0
    for w in manifest["weightsManifest"][0]["weights"]:
        n = math.prod(w["shape"])
        weights[w["name"]] = torch.tensor(struct.unpack_from(f"<{n}f", data, offset))
        offset += 4 * n
    model = GPT(config["dModel"], config["nLayers"], config["nHeads"], weights=weights)
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def blas_info():
    """The BLAS PyTorch was built against (torch.__config__.show()) and the one actually loaded."""
    config = torch.__config__.show()
    build = next((part.split("=")[1] for part in config.replace(",", " ").split() if part.startswith("BLAS_INFO=")), "unknown")
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() or "mkl" in line.lower()})
    except OSError:
        libs = []
    # PyPI's wheels link MKL statically (no libmkl in the maps; numpy's own OpenBLAS may be
    # there, unused by torch): the build's BLAS_INFO says so.
    if build.lower() == "mkl" or any("mkl" in l.lower() for l in libs):
        kind = "MKL"
    elif any("openblas" in l.lower() for l in libs):
        kind = "OpenBLAS"
    elif any("/blas/libblas" in l for l in libs):
        kind = "reference BLAS (Netlib)"
    else:
        kind = "unknown"
    return {"buildBlas": build, "blas": kind, "blasLibraries": libs}


def time_window(name, case, steps):
    """Wall and CPU ms per step over `steps` consecutive steps; a non-finite loss is an error."""
    w0, c0 = time.perf_counter(), time.process_time()
    for _ in range(steps):
        loss = case.step()
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    if not math.isfinite(loss):
        raise SystemExit(f"{name}: non-finite loss {loss}")
    return {"msPerStep": 1000 * wall / steps, "cpuMsPerStep": 1000 * cpu / steps}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="gkd-student,gkd-dataset,ammd")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--settle-seconds", type=float, default=3.0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--teacher", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "public", "teachers", "addition"))
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    teacher = load_teacher(args.teacher)
    rows = []
    for name in args.cases.split(","):
        case = CASES[name](teacher, 1)
        case_start = time.perf_counter()
        for _ in range(args.warmup):
            case.step()
        cold = time_window(name, case, args.steps)
        # Timed like stepCases.ts: a cold window, then steps until settle_seconds, then the settled one.
        while time.perf_counter() - case_start < args.settle_seconds:
            case.step()
        settled = time_window(name, case, args.steps)
        rows.append({"id": name, **settled, "cold": cold, "steps": args.steps})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), **blas_info(), "rows": rows}))


if __name__ == "__main__":
    sys.exit(main())
