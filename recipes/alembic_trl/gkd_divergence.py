"""TRL's GKDTrainer with the playground's other token divergences and a temperature.

TRL's GKD loss is the generalized JSD (fkl at beta = 0, rkl at beta = 1) at temperature 1.
Word-level KD (tau^2 fkl at temperature tau, Hinton et al. 2015), TVD, and GKD with TVD need
more: this subclass keeps everything of GKDTrainer (the lambda draw, on-policy sampling,
``seq_kd`` teacher samples) and only replaces the loss with
``tau^2 * mean over completion tokens of D(p_tau || q_tau)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from trl.experimental.gkd import GKDConfig, GKDTrainer

from .losses import DIVERGENCES, masked_mean, token_divergence


@dataclass
class DivergenceGKDConfig(GKDConfig):
    divergence: str = field(default="jsd", metadata={"help": f"One of {', '.join(DIVERGENCES)}; jsd uses beta."})
    divergence_temperature: float = field(
        default=1.0, metadata={"help": "tau of the divergence (not of sampling); the loss is multiplied by tau^2."}
    )
    alpha: float = field(default=0.1, metadata={"help": "Skew of skl / srkl."})

    def __post_init__(self):
        super().__post_init__()
        if self.divergence not in DIVERGENCES:
            raise ValueError(f"divergence must be one of {', '.join(DIVERGENCES)}, got {self.divergence!r}")
        if not self.divergence_temperature > 0:
            raise ValueError(f"divergence_temperature must be > 0, got {self.divergence_temperature}")


class DivergenceGKDTrainer(GKDTrainer):
    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        student = model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        self.teacher_model.eval()
        import torch

        with torch.no_grad():
            teacher = self.teacher_model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"])
        labels = inputs["labels"][:, 1:]
        mask = (labels != -100).to(student.logits.dtype)
        tau = self.args.divergence_temperature
        per = token_divergence(
            self.args.divergence,
            teacher.logits[:, :-1, :].to(student.logits.dtype),
            student.logits[:, :-1, :],
            beta=self.args.beta,
            alpha=self.args.alpha,
            temperature=tau,
        )
        loss = tau * tau * masked_mean(per, mask)
        return (loss, student) if return_outputs else loss
