"""MiniLLM (Gu et al., "MiniLLM: Knowledge Distillation of Large Language Models", ICLR 2024,
arXiv 2306.08543) as the playground runs it: sequence-level reverse KL by policy gradient, on
continuations sampled from the teacher-mixed policy alpha p + (1 - alpha) q, with per-token
importance weights q / (alpha p + (1 - alpha) q), length-normalised discounted returns of the
reward log p - log q whitened over the batch, and the single-step term KL(q || p) taken exactly.
One gradient step per batch of samples (no PPO epochs), clipping optional.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from transformers import LogitsProcessor

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import minillm_loss


@dataclass
class MiniLLMConfig(AlembicDistillConfig):
    mix_alpha: float = field(default=0.2, metadata={"help": "Teacher weight alpha of the sampling mixture."})
    gamma: float = field(default=0.95, metadata={"help": "Discount of the long-term return."})
    length_norm: bool = field(default=True, metadata={"help": "Divide each return by the number of rewards it sums."})
    clip: float = field(default=0.0, metadata={"help": "PPO clip epsilon of the importance weight; 0 is off."})

    def __post_init__(self):
        super().__post_init__()
        if not 0 <= self.mix_alpha <= 1:
            raise ValueError(f"mix_alpha must be in [0, 1], got {self.mix_alpha}")


class TeacherMixture(LogitsProcessor):
    """Turns the student's next-token scores into log(alpha p + (1 - alpha) q), so that generate()
    samples from the teacher-mixed policy. The teacher reads the whole prefix each step."""

    def __init__(self, teacher, alpha: float, pad_id: int):
        self.teacher, self.alpha, self.pad_id = teacher, alpha, pad_id

    @torch.no_grad()
    def __call__(self, input_ids, scores):
        if self.alpha <= 0:
            return scores
        # Prompts are left-padded: everything after the first real token is attended.
        attention = ((input_ids != self.pad_id).long().cumsum(1) > 0).long()
        p = self.teacher(input_ids=input_ids, attention_mask=attention).logits[:, -1, :].float().log_softmax(-1)
        q = scores.float().log_softmax(-1)
        if self.alpha >= 1:
            return p.to(scores.dtype)
        mix = torch.logaddexp(p + math.log(self.alpha), q + math.log(1 - self.alpha))
        return mix.to(scores.dtype)


class MiniLLMTrainer(AlembicDistillTrainer):
    def training_step(self, model, inputs, num_items_in_batch=None):
        mixture = TeacherMixture(self.teacher_model, self.args.mix_alpha, self.processing_class.pad_token_id)
        # Temperature 1: the temperature of the objective, so the importance weights are exact.
        samples = self.sample_continuations(model, inputs, temperature=1.0, logits_processor=[mixture])
        return super().training_step(model, samples, num_items_in_batch)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        a = self.args
        student = self.student_outputs(model, inputs)
        teacher, s, targets, mask = self.align(self.teacher_logits(inputs), student.logits, inputs["labels"])
        result = minillm_loss(s, teacher, targets, mask, mix_alpha=a.mix_alpha, gamma=a.gamma, length_norm=a.length_norm, clip=a.clip or None)
        return (result["loss"], student) if return_outputs else result["loss"]
