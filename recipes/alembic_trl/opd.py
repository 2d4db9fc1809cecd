"""On-policy distillation as practised since 2025 (Lu & Thinking Machines Lab, "On-Policy
Distillation", 2025; the strong-to-weak stage of the Qwen3 report, arXiv 2505.09388): the student
samples continuations of each batch's prompts and the teacher scores every sampled token.

- ``variant="sampled"``: the per-token reverse KL of the sampled token, log q(y_t) - log p(y_t), is
  the negative advantage of a policy gradient (discounted over later tokens by ``gamma``, 0 by
  default); one update per batch of fresh samples, no baseline.
- ``variant="dense"``: the reverse KL over the whole vocabulary at every sampled prefix. TRL's
  ``DistillationTrainer`` at ``beta=1`` computes the same loss when the samples are drawn at
  temperature 1 (its temperature also softens the divergence); this trainer samples at
  ``sample_temperature`` and takes the divergence at 1, as the playground does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import masked_mean, opd_sampled_loss, token_divergence

VARIANTS = ("sampled", "dense")


@dataclass
class OPDConfig(AlembicDistillConfig):
    variant: str = field(default="sampled", metadata={"help": "sampled: -(log q - log p) as advantage; dense: reverse KL over the vocabulary."})
    gamma: float = field(default=0.0, metadata={"help": "Sampled form: discount of later tokens' -(log q - log p) in the advantage."})

    def __post_init__(self):
        super().__post_init__()
        if self.variant not in VARIANTS:
            raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {self.variant!r}")
        if not 0 <= self.gamma <= 1:
            raise ValueError(f"gamma must be in [0, 1], got {self.gamma}")


class OPDTrainer(AlembicDistillTrainer):
    def training_step(self, model, inputs, num_items_in_batch=None):
        samples = self.sample_continuations(model, inputs)
        return super().training_step(model, samples, num_items_in_batch)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        student = self.student_outputs(model, inputs)
        teacher, s, targets, mask = self.align(self.teacher_logits(inputs), student.logits, inputs["labels"])
        if self.args.variant == "dense":
            loss = masked_mean(token_divergence("rkl", teacher, s), mask)
        else:
            loss = opd_sampled_loss(s, teacher, targets, mask, gamma=self.args.gamma)
        return (loss, student) if return_outputs else loss
