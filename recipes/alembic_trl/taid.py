"""TAID (Shing et al., "TAID: Temporally Adaptive Interpolated Distillation for Efficient Knowledge
Transfer in Language Models", ICLR 2025, arXiv 2501.16937) as the playground runs it: on dataset
prefixes, KL(p_t || q) toward p_t = softmax((1 - t) sg(z_student) + t z_teacher), and after each
optimizer step t moves on its schedule (``losses.TaidSchedule``): never behind the linear one from
``t_start`` to ``t_end`` over ``max_steps``, ahead of it while the loss falls. The loss fed to the
schedule is the KL to the target (the official code feeds the cross-entropy, which has the same
gradient). t is logged as ``taid_t``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import TaidSchedule, masked_mean, taid_divergence


@dataclass
class TAIDConfig(AlembicDistillConfig):
    t_start: float = field(default=0.4, metadata={"help": "t at the first step."})
    t_end: float = field(default=1.0, metadata={"help": "t never exceeds this."})
    alpha: float = field(default=5e-4, metadata={"help": "Step size of the adaptive increment."})
    beta: float = field(default=0.99, metadata={"help": "Momentum of the loss's relative change."})
    adaptive: bool = field(default=True, metadata={"help": "False: t follows the linear schedule only."})

    def __post_init__(self):
        super().__post_init__()
        if not 0 <= self.t_start <= self.t_end <= 1:
            raise ValueError(f"need 0 <= t_start <= t_end <= 1, got {self.t_start}, {self.t_end}")
        if not 0 <= self.alpha <= 1:
            raise ValueError(f"alpha must be in [0, 1], got {self.alpha}")
        if not 0 <= self.beta < 1:
            raise ValueError(f"beta must be in [0, 1), got {self.beta}")


class TAIDTrainer(AlembicDistillTrainer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schedule = TaidSchedule(self.args.t_start)
        self._step_loss = 0.0
        self._micro_steps = 0

    def training_step(self, model, inputs, num_items_in_batch=None):
        # global_step counts the optimizer steps done before this one (the engine's step index).
        step = self.state.global_step
        loss = super().training_step(model, inputs, num_items_in_batch)
        # Trainer returns each micro-batch's loss divided by the accumulation steps: their sum is
        # the optimizer step's loss, which moves t once.
        self._step_loss += float(loss)
        self._micro_steps += 1
        if self._micro_steps >= self.args.gradient_accumulation_steps:
            a = self.args
            total = a.max_steps if a.max_steps > 0 else self.state.max_steps
            self.schedule.update(self._step_loss, step, total, t_start=a.t_start, t_end=a.t_end, alpha=a.alpha, beta=a.beta, adaptive=a.adaptive)
            self._step_loss, self._micro_steps = 0.0, 0
        return loss

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        student = self.student_outputs(model, inputs)
        teacher, s, _, mask = self.align(self.teacher_logits(inputs), student.logits, inputs["labels"])
        loss = masked_mean(taid_divergence(teacher, s, self.schedule.t), mask)
        return (loss, student) if return_outputs else loss

    def log(self, logs, *args, **kwargs):
        logs["taid_t"] = self.schedule.t
        super().log(logs, *args, **kwargs)
