"""DistiLLM-2 (Ko et al., "DistiLLM-2: A Contrastive Approach Boosts the Distillation of LLMs",
ICML 2025, arXiv 2503.07067) as the playground runs it: each step the teacher and the student each
answer the batch's prompts once (at ``sample_temperature``, 0.8 as in the paper), and the loss pairs
the skew KL on the teacher's answer with the skew reverse KL on the student's own, with no gradient
through the student inside that mixture: mean_b [(2 - beta) mean_t skl(y_teacher) + beta mean_t
srkl'(y_student)]. The paper generates both responses once before training, from the SFT student.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .base import AlembicDistillConfig, AlembicDistillTrainer
from .losses import distillm2_loss


@dataclass
class DistiLLM2Config(AlembicDistillConfig):
    sample_temperature: float = field(default=0.8, metadata={"help": "Temperature of both models' responses; 0 decodes greedily."})
    alpha_teacher: float = field(default=0.1, metadata={"help": "Skew alpha_1 of KL(p || a p + (1-a) q) on the teacher's responses."})
    alpha_student: float = field(default=0.1, metadata={"help": "Skew alpha_2 of KL(q || (1-a) p + a sg(q)) on the student's responses."})
    beta: float = field(default=1.0, metadata={"help": "Weight of the student's half: (2 - beta) SKL + beta SRKL."})

    def __post_init__(self):
        super().__post_init__()
        for name in ("alpha_teacher", "alpha_student"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        if not 0 <= self.beta <= 2:
            raise ValueError(f"beta must be in [0, 2], got {self.beta}")


class DistiLLM2Trainer(AlembicDistillTrainer):
    def training_step(self, model, inputs, num_items_in_batch=None):
        pair = {
            "teacher_responses": self.sample_continuations(self.teacher_model, inputs),
            "student_responses": self.sample_continuations(model, inputs),
        }
        return super().training_step(model, pair, num_items_in_batch)

    def _half(self, model, batch):
        student = self.student_outputs(model, batch)
        teacher, s, _, mask = self.align(self.teacher_logits(batch), student.logits, batch["labels"])
        return student, {"teacher_logits": teacher, "student_logits": s, "mask": mask}

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if "teacher_responses" not in inputs:  # an evaluation batch of the dataset: both halves
            inputs = {"teacher_responses": inputs, "student_responses": inputs}
        _, on_teacher = self._half(model, inputs["teacher_responses"])
        student, on_student = self._half(model, inputs["student_responses"])
        a = self.args
        loss = distillm2_loss(on_teacher, on_student, alpha1=a.alpha_teacher, alpha2=a.alpha_student, beta=a.beta)["loss"]
        return (loss, student) if return_outputs else loss
