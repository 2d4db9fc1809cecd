"""ABKD (Wang et al., "ABKD: Pursuing a Proper Allocation of the Probability Mass in Knowledge
Distillation via alpha-beta-Divergence", ICML 2025, arXiv 2505.04560): the alpha-beta divergence
(``losses.ab_divergence``) between teacher and student at every dataset prefix, a token mean.
Forward KL at (alpha, beta) = (1, 0), reverse KL at (0, 1); the paper's GPT-2 scripts use (0.2, 0.7).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import ab_divergence, masked_mean


@dataclass
class ABKDConfig(AlembicDistillConfig):
    alpha: float = field(default=0.2, metadata={"help": "Power of the teacher's probabilities."})
    beta: float = field(default=0.7, metadata={"help": "Power of the student's probabilities."})

    def __post_init__(self):
        super().__post_init__()
        if not (math.isfinite(self.alpha) and math.isfinite(self.beta)):
            raise ValueError(f"alpha and beta must be finite, got ({self.alpha}, {self.beta})")


class ABKDTrainer(AlembicDistillTrainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        student = self.student_outputs(model, inputs)
        teacher, s, _, mask = self.align(self.teacher_logits(inputs), student.logits, inputs["labels"])
        loss = masked_mean(ab_divergence(teacher, s, self.args.alpha, self.args.beta), mask)
        return (loss, student) if return_outputs else loss
