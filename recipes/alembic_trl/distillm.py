"""DistiLLM (Ko et al., "DistiLLM: Towards Streamlined Distillation for Large Language Models",
ICML 2024, arXiv 2402.03898) on TRL's API: skew KL or skew reverse KL, with the adaptive
off-policy schedule and a first-in-first-out replay buffer of student samples.

Schedule, as in the playground: a threshold phi starts at 0; at each evaluation, when the
student's validation NLL has risen by at least epsilon above its lowest value since phi last
rose, phi <- min(phi + 0.1, 1). Each step draws r ~ U(0, 1), s = phi (1 - step / steps): r < s, or
r < phi with the buffer not full -> fresh student samples (pushed into the buffer); else r < phi ->
a batch from the buffer; else the dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .data import shifted
from .losses import masked_mean, token_divergence, token_nll


class AdaptiveOffPolicy:
    """The threshold phi and where each batch comes from."""

    def __init__(self, epsilon: float = 0.1):
        if not epsilon >= 0:
            raise ValueError(f"epsilon must be >= 0, got {epsilon}")
        self.epsilon = epsilon
        self.phi = 0.0
        self.rises = 0
        self._reference = None

    def observe_validation_nll(self, nll: float) -> None:
        if not torch.isfinite(torch.tensor(nll)):
            return
        if self._reference is None:
            self._reference = nll
        elif nll - self._reference >= self.epsilon - 1e-9:
            self.phi = min(1.0, round(self.phi + 0.1, 9))
            self.rises += 1
            self._reference = nll
        else:
            self._reference = min(self._reference, nll)

    def choose(self, r: float, step: int, total_steps: int, buffer_full: bool) -> str:
        progress = min(1.0, max(0.0, step / total_steps)) if total_steps > 0 else 1.0
        s = self.phi * (1 - progress)
        if r < s or (r < self.phi and not buffer_full):
            return "fresh"
        if r < self.phi:
            return "buffer"
        return "dataset"


class ReplayBuffer:
    """First in, first out store of sampled sequences (kept on the CPU, trimmed of padding)."""

    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError(f"capacity must be >= 1, got {capacity}")
        self.capacity = capacity
        self.rows: list[dict] = []

    @property
    def full(self) -> bool:
        return len(self.rows) >= self.capacity

    def push(self, batch: dict) -> None:
        for i in range(batch["input_ids"].shape[0]):
            n = int(batch["attention_mask"][i].nonzero().max()) + 1
            p = int(batch["prompt_attention_mask"][i].sum())
            pw = batch["prompts"].shape[1]
            self.rows.append(
                {
                    "input_ids": batch["input_ids"][i, :n].cpu(),
                    "attention_mask": batch["attention_mask"][i, :n].cpu(),
                    "labels": batch["labels"][i, :n].cpu(),
                    "prompts": batch["prompts"][i, pw - p :].cpu(),
                }
            )
        del self.rows[: max(0, len(self.rows) - self.capacity)]

    def sample(self, n: int, rng, pad_id: int, device) -> dict:
        picks = rng.sample(range(len(self.rows)), n) if n <= len(self.rows) else [rng.randrange(len(self.rows)) for _ in range(n)]
        rows = [self.rows[i] for i in picks]
        width = max(len(r["input_ids"]) for r in rows)
        pwidth = max(len(r["prompts"]) for r in rows)
        out = {
            "input_ids": torch.full((n, width), pad_id, dtype=torch.long),
            "attention_mask": torch.zeros((n, width), dtype=torch.long),
            "labels": torch.full((n, width), -100, dtype=torch.long),
            "prompts": torch.full((n, pwidth), pad_id, dtype=torch.long),
            "prompt_attention_mask": torch.zeros((n, pwidth), dtype=torch.long),
        }
        for i, r in enumerate(rows):
            k = len(r["input_ids"])
            out["input_ids"][i, :k] = r["input_ids"]
            out["attention_mask"][i, :k] = r["attention_mask"]
            out["labels"][i, :k] = r["labels"]
            out["prompts"][i, pwidth - len(r["prompts"]) :] = r["prompts"]
            out["prompt_attention_mask"][i, pwidth - len(r["prompts"]) :] = 1
        return {k: v.to(device) for k, v in out.items()}


@dataclass
class DistiLLMConfig(AlembicDistillConfig):
    divergence: str = field(default="skl", metadata={"help": "skl: KL(p || a p + (1-a) q); srkl: KL(q || (1-a) p + a q)."})
    alpha: float = field(default=0.1, metadata={"help": "Skew alpha."})
    epsilon: float = field(default=0.1, metadata={"help": "Validation NLL rise that raises phi by 0.1."})
    buffer_capacity: int = field(default=1000, metadata={"help": "Sequences kept in the replay buffer."})

    def __post_init__(self):
        super().__post_init__()
        if self.divergence not in ("skl", "srkl"):
            raise ValueError(f"divergence must be skl or srkl, got {self.divergence!r}")
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"alpha must be in [0, 1], got {self.alpha}")


class DistiLLMTrainer(AlembicDistillTrainer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schedule = AdaptiveOffPolicy(self.args.epsilon)
        self.buffer = ReplayBuffer(self.args.buffer_capacity)
        self.last_source = "dataset"

    def training_step(self, model, inputs, num_items_in_batch=None):
        r = self.method_rng.random()
        total = self.args.max_steps if self.args.max_steps > 0 else self.state.max_steps
        source = self.schedule.choose(r, self.state.global_step, total, self.buffer.full)
        if source == "fresh":
            inputs = self.sample_continuations(model, inputs)
            self.buffer.push(inputs)
        elif source == "buffer":
            inputs = self.buffer.sample(inputs["input_ids"].shape[0], self.method_rng, self.processing_class.pad_token_id, inputs["input_ids"].device)
        self.last_source = source
        return super().training_step(model, inputs, num_items_in_batch)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        student = self.student_outputs(model, inputs)
        teacher, s, _, mask = self.align(self.teacher_logits(inputs), student.logits, inputs["labels"])
        per = token_divergence(self.args.divergence, teacher, s, alpha=self.args.alpha)
        loss = masked_mean(per, mask)
        return (loss, student) if return_outputs else loss

    def evaluate(self, eval_dataset=None, ignore_keys=None, metric_key_prefix="eval"):
        """The student's NLL of the evaluation set's completions; it moves the schedule's phi."""
        loader = self.get_eval_dataloader(eval_dataset)
        model = self.model
        model.eval()
        total, count = 0.0, 0.0
        with torch.no_grad():
            for batch in loader:
                batch = self._prepare_inputs(batch)
                logits, targets, mask = shifted(model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits, batch["labels"])
                total += float((token_nll(logits, targets) * mask).sum())
                count += float(mask.sum())
        model.train()
        nll = total / max(count, 1.0)
        self.schedule.observe_validation_nll(nll)
        metrics = {f"{metric_key_prefix}_nll": nll, f"{metric_key_prefix}_phi": self.schedule.phi, f"{metric_key_prefix}_buffer": len(self.buffer.rows)}
        self.log(metrics)
        return metrics
