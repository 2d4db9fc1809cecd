"""X-KD, experiential knowledge distillation (Cai & Yuan, arXiv 2602.12674, adopting AVRIL:
Chan & van der Schaar, "Scalable Bayesian Inverse Reinforcement Learning", ICLR 2021), on
TRL's API, with the playground's mapping onto language models.

The student's logits are read as action values Q(s, .). A reward head on the student's final
hidden states (read without gradient into the student's trunk) gives a Gaussian N(mu, sigma^2)
over each action's reward. On teacher samples the loss is
  L_KD + KL(N(mu_t, sigma_t^2) || N(0, 1)) - lambda log N(Q(s_t, y_t) - gamma Q(s_t+1, y_t+1); mu_t, sigma_t),
averaged over the continuation positions, where L_KD is SeqKD's NLL (``base="seq"``) or a token
divergence on teacher prefixes (``base="divergence"``). Student and head share one optimiser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import DIVERGENCES, xkd_loss

LOG_SIGMA_BOUND = 4.0


@dataclass
class XKDConfig(AlembicDistillConfig):
    lmbda: float = field(default=1.0, metadata={"help": "Weight lambda of the TD likelihood."})
    gamma: float = field(default=1.0, metadata={"help": "Discount gamma of the TD target."})
    base: str = field(default="seq", metadata={"help": "seq: SeqKD NLL; divergence: a token divergence on teacher prefixes."})
    divergence: str = field(default="fkl", metadata={"help": "The divergence of the divergence-based variant."})

    def __post_init__(self):
        super().__post_init__()
        if self.base not in ("seq", "divergence"):
            raise ValueError(f"base must be seq or divergence, got {self.base!r}")
        if self.divergence not in DIVERGENCES:
            raise ValueError(f"divergence must be one of {', '.join(DIVERGENCES)}, got {self.divergence!r}")


class RewardHead(nn.Module):
    """[B, T, d] -> mu, log sigma, each [B, T, V]; small weights so it starts near the prior."""

    def __init__(self, hidden_size: int, vocab_size: int):
        super().__init__()
        self.vocab_size = vocab_size
        self.linear = nn.Linear(hidden_size, 2 * vocab_size)
        nn.init.normal_(self.linear.weight, std=0.02)
        nn.init.zeros_(self.linear.bias)

    def forward(self, hidden):
        out = self.linear(hidden)
        mu, raw = out[..., : self.vocab_size], out[..., self.vocab_size :]
        return mu, LOG_SIGMA_BOUND * torch.tanh(raw / LOG_SIGMA_BOUND)


class XKDTrainer(AlembicDistillTrainer):
    def __init__(self, model, *args, **kwargs):
        config = model.config.get_text_config()
        # A submodule of the student, so the Trainer's optimiser, devices and processes carry it.
        model.xkd_reward_head = RewardHead(config.hidden_size, config.vocab_size)
        super().__init__(model, *args, **kwargs)
        self.last_reward_loss = None

    def training_step(self, model, inputs, num_items_in_batch=None):
        teacher_samples = self.sample_continuations(self.teacher_model, inputs)
        return super().training_step(model, teacher_samples, num_items_in_batch)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        a = self.args
        student = self.student_outputs(model, inputs, hidden=True)
        teacher, s, targets, mask = self.align(self.teacher_logits(inputs), student.logits, inputs["labels"])
        head = self.accelerator.unwrap_model(model).xkd_reward_head
        mu, log_sigma = head(student.hidden_states[-1][:, :-1, :].detach())
        result = xkd_loss(s, teacher, mu, log_sigma, targets, mask, lmbda=a.lmbda, gamma=a.gamma, base=a.base, divergence=a.divergence)
        self.last_reward_loss = float(result["reward_loss"].detach())
        return (result["loss"], student) if return_outputs else result["loss"]

    def log(self, logs, *args, **kwargs):
        if self.last_reward_loss is not None and "loss" in logs:
            logs["critic_loss"] = self.last_reward_loss
        super().log(logs, *args, **kwargs)
